"""Imaging: tumour burden in cells → sum of lesion diameters in mm, with noise and a detection limit.

Conversion (an assumption, stated in ``docs/trials.md``): 1e9 tumour cells occupy about 1 cm³
(a rule of thumb, used e.g. by Fiala & Diamandis 2018, BMC Med 16:166, PMID:30285732); the burden is split equally
into ``n_lesions`` spheres, and the sum of their diameters is reported, as a radiologist would
report the sum of target-lesion diameters under RECIST 1.1.

**Seen, too small to measure, gone** (session 6). RECIST 1.1 records a target lesion that is still present but too
small to measure at a nominal 5 mm, and 0 mm only when it is absent (EORTC RECIST working group, "RECIST 1.1
questions and clarifications", eortc.be/Recist: "if it is measurable, then record the measurement. If you cannot
measure, then record it as 5 mm"; CDISC's RECIST 1.1 guidance: "For absent non-lymph node target tumors, 0 mm is
used"). With ``visible_mm`` set, a lesion whose true diameter is at least ``visible_mm`` but whose measured diameter
is below ``detection_limit_mm`` is recorded at ``detection_limit_mm`` (RECIST's 5 mm with the default), and only a
lesion smaller than ``visible_mm`` reads 0 mm, so that a complete response needs every lesion gone, not merely
under 5 mm. ``visible_mm=None`` keeps the earlier rule (below ``detection_limit_mm`` a lesion reads 0 mm), which
the lesion fits of ``oncoresist.fit`` use. Where a treated lesion stops being visible on CT is not in a stored
source: CT screening series record nodules below 5 mm (Henschke et al. 2004, Radiology 231:164, PMID:14990809:
"noncalcified nodules less than 5.0 mm in diameter identified on initial computed tomographic (CT) images"), so the
limit lies below 5 mm; the trial layer's 3 mm (``ImagingSpec.visible_mm``) is a **stated assumption**.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oncoresist.errors import InvalidArgument

CELLS_PER_CM3 = 1e9
"""Tumour cells per cm³ of tumour (assumption: 1e9 cells ≈ 1 cm³ ≈ 1 g)."""


def cells_to_diameter_mm(cells: np.ndarray | float, *, n_lesions: int = 1,
                         cells_per_cm3: float = CELLS_PER_CM3) -> np.ndarray:
    """Sum of diameters (mm) of ``n_lesions`` equal spheres holding ``cells`` cells.

    Each lesion has volume ``V = cells / (n_lesions · cells_per_cm3)`` cm³ and diameter
    ``(6V/π)^(1/3)`` cm.

    Parameters
    ----------
    cells : array_like
        Total tumour cells (any shape).
    n_lesions : int
        Number of target lesions the burden is split into.
    cells_per_cm3 : float
        Cell density.

    Returns
    -------
    numpy.ndarray
        Sum of diameters in mm (same shape as ``cells``).
    """
    c = np.maximum(np.asarray(cells, dtype=float), 0.0)
    vol_cm3 = c / (n_lesions * cells_per_cm3)
    return n_lesions * 10.0 * np.cbrt(6.0 * vol_cm3 / np.pi)


def diameter_mm_to_cells(sod_mm: np.ndarray | float, *, n_lesions: int = 1,
                         cells_per_cm3: float = CELLS_PER_CM3) -> np.ndarray:
    """Inverse of :func:`cells_to_diameter_mm`."""
    d_cm = np.asarray(sod_mm, dtype=float) / (10.0 * n_lesions)
    return n_lesions * cells_per_cm3 * np.pi * d_cm**3 / 6.0


@dataclass(frozen=True)
class ImagingModel:
    """A CT scan: sum of diameters with measurement noise and a per-lesion detection limit.

    Parameters
    ----------
    noise_cv : float
        Multiplicative measurement noise (coefficient of variation of the measured sum).
    noise_sd_mm : float
        Additive noise (mm), added to the multiplicative part.
    detection_limit_mm : float
        Lesions smaller than this (per-lesion diameter) are not seen and count as 0 mm.
    n_lesions : int
        Number of target lesions.
    cells_per_cm3 : float
        Cell density for the cells → volume conversion.
    visible_mm : float or None
        Per-lesion true diameter below which a lesion is not seen (0 mm). A lesion seen but measured below
        ``detection_limit_mm`` is recorded at ``detection_limit_mm`` (RECIST's "too small to measure"). ``None``:
        the earlier rule, a lesion measured below ``detection_limit_mm`` reads 0 mm.
    """

    noise_cv: float = 0.05
    noise_sd_mm: float = 1.0
    detection_limit_mm: float = 5.0
    n_lesions: int = 1
    cells_per_cm3: float = CELLS_PER_CM3
    visible_mm: float | None = None

    def __post_init__(self) -> None:
        if self.visible_mm is not None and not 0.0 <= self.visible_mm <= self.detection_limit_mm:
            raise InvalidArgument(f"visible_mm ({self.visible_mm!r}) must be between 0 and detection_limit_mm "
                                  f"({self.detection_limit_mm!r}): a lesion too small to see is too small to measure",
                                  param="visible_mm")

    def _floor(self, true_sod: np.ndarray, read: np.ndarray) -> np.ndarray:
        small = read / self.n_lesions < self.detection_limit_mm
        if self.visible_mm is None:
            return np.where(small, 0.0, read)
        seen = true_sod / self.n_lesions >= self.visible_mm
        return np.where(small, np.where(seen, self.n_lesions * self.detection_limit_mm, 0.0), read)

    def true_sod(self, cells: np.ndarray) -> np.ndarray:
        """Noise-free sum of diameters (mm): lesions too small to measure at the detection limit if seen, else 0."""
        sod = cells_to_diameter_mm(cells, n_lesions=self.n_lesions, cells_per_cm3=self.cells_per_cm3)
        return self._floor(sod, sod)

    def measure(self, cells: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Measured sum of diameters (mm) from standard-normal draws ``z`` (same shape as ``cells``).

        Noise is ``sod·(1 + cv·z) + sd·z`` (one draw, so a measurement can never flip sign
        twice); the result is floored at 0. A lesion measured below the detection limit reads the detection
        limit if its true size is at least ``visible_mm`` (seen, too small to measure), else 0 (gone); with
        ``visible_mm=None`` it reads 0.
        """
        sod = cells_to_diameter_mm(cells, n_lesions=self.n_lesions, cells_per_cm3=self.cells_per_cm3)
        noisy = np.maximum(sod * (1.0 + self.noise_cv * z) + self.noise_sd_mm * z, 0.0)
        return self._floor(sod, noisy)
