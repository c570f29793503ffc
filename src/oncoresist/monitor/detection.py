"""How large a resistant clone must be before each test can see it: plasma (ctDNA) and imaging (RECIST PD).

These closed forms explain the model's ctDNA lead time (docs/twin.md, "Why the ctDNA lead time is short"):
plasma sees a clone before imaging calls progression only where :func:`plasma_detection_cells` is below
:func:`imaging_progression_cells`.

**Plasma.** A clone of ``N`` cells dying at ``d`` per day keeps ``q_d·d·N/ε`` mutant genome equivalents in
the circulation (quasi-steady state, :func:`oncoresist.monitor.ctdna.steady_state_ge`); a draw samples the
fraction ``f`` of them (:meth:`~oncoresist.monitor.ctdna.CtdnaAssay.sampled_fraction`), each carrying one
mutant copy (heterozygous). The draw is positive when the mutant reads reach the assay's threshold at the
coverage of the draw (:meth:`~oncoresist.monitor.ctdna.CtdnaAssay.threshold`). The size returned is the one
at which a draw holds on average ``threshold + margin`` mutant reads (``margin`` 1: two draws in a row are
then likely positive, the twin's confirmed call).

**Imaging.** The burden is split into ``n_lesions`` equal spheres (:mod:`oncoresist.monitor.imaging`); each
reads 0 mm below ``detection_limit_mm``. RECIST 1.1 (Eisenhauer et al. 2009, PMID:19097774) calls PD when the
sum of diameters is at least 20% and at least 5 mm above its nadir. From a complete response (nadir 0) the
sum must reach ``max(5 mm, n_lesions × detection limit)``; from a nadir ``S > 0``, ``max(1.2·S, S + 5 mm)``.
The size returned is the whole tumour's at that sum (resistant clone plus whatever else remains). With
``visible_mm`` (the trial layer's RECIST 1.1 "too small to measure" rule, :class:`~oncoresist.monitor.imaging.
ImagingModel`), a lesion reappearing after a complete response is recorded at the detection limit as soon as it is
seen, so PD comes when each lesion reaches ``visible_mm`` (if ``n_lesions × detection limit`` is at least 5 mm).
"""

from __future__ import annotations

import math

import numpy as np

from oncoresist.errors import InvalidArgument
from oncoresist.monitor.ctdna import CtdnaAssay, CtdnaParams
from oncoresist.monitor.imaging import CELLS_PER_CM3, diameter_mm_to_cells
from oncoresist.monitor.recist import PD_ABSOLUTE_MM, PD_RELATIVE


def mutant_reads_per_cell(death_per_day: float, *, params: CtdnaParams = CtdnaParams(),
                          assay: CtdnaAssay = CtdnaAssay()) -> float:
    """Mean mutant reads a draw holds per cell of a clone whose cells die at ``death_per_day``."""
    if not death_per_day > 0 or not math.isfinite(death_per_day):
        raise InvalidArgument(f"death_per_day: must be a finite rate > 0 per day, got {death_per_day!r}",
                              param="death_per_day")
    return params.q_d * death_per_day / params.elimination_per_day * assay.sampled_fraction(params)


def plasma_detection_cells(death_per_day: float, *, params: CtdnaParams = CtdnaParams(),
                           assay: CtdnaAssay = CtdnaAssay(), coverage: float | None = None,
                           margin: float = 1.0) -> float:
    """Cells of a clone at which a draw holds on average ``threshold + margin`` mutant reads.

    ``coverage``: unique molecules sequenced at the site (default the assay's depth, which the normal cfDNA
    of a draw nearly always reaches: ~953 GE per mL of plasma × 2 copies × 15 mL × 55% × 0.5 ≈ 7,900 on
    average, a cap of 10,000).
    """
    if margin < 0 or not math.isfinite(margin):
        raise InvalidArgument(f"margin: must be a finite number >= 0, got {margin!r}")
    cov = float(assay.depth if coverage is None else coverage)
    if not cov > 0:
        raise InvalidArgument(f"coverage: must be > 0 molecules, got {coverage!r}")
    threshold = float(assay.threshold(np.array([cov]))[0])
    return (threshold + margin) / mutant_reads_per_cell(death_per_day, params=params, assay=assay)


def imaging_progression_cells(*, n_lesions: int = 2, detection_limit_mm: float = 5.0, nadir_mm: float = 0.0,
                              cells_per_cm3: float = CELLS_PER_CM3, visible_mm: float | None = None) -> float:
    """Tumour cells at which RECIST 1.1 first calls PD from a nadir sum of diameters ``nadir_mm``."""
    if n_lesions < 1:
        raise InvalidArgument(f"n_lesions: must be >= 1, got {n_lesions!r}")
    if detection_limit_mm < 0 or nadir_mm < 0:
        raise InvalidArgument(f"detection_limit_mm ({detection_limit_mm!r}) and nadir_mm ({nadir_mm!r}) must be "
                              ">= 0")
    if visible_mm is not None and not 0 <= visible_mm <= detection_limit_mm:
        raise InvalidArgument(f"visible_mm: must be between 0 and detection_limit_mm ({detection_limit_mm!r}), "
                              f"got {visible_mm!r}", param="visible_mm")
    if nadir_mm == 0 and visible_mm is not None and n_lesions * detection_limit_mm >= PD_ABSOLUTE_MM:
        return float(diameter_mm_to_cells(n_lesions * visible_mm, n_lesions=n_lesions, cells_per_cm3=cells_per_cm3))
    if nadir_mm == 0:
        sod = max(PD_ABSOLUTE_MM, n_lesions * detection_limit_mm)
    else:
        sod = max((1.0 + PD_RELATIVE) * nadir_mm, nadir_mm + PD_ABSOLUTE_MM, n_lesions * detection_limit_mm)
    return float(diameter_mm_to_cells(sod, n_lesions=n_lesions, cells_per_cm3=cells_per_cm3))
