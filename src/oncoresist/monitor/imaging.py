"""Imaging: tumour burden in cells → sum of lesion diameters in mm, with noise and a detection limit.

Conversion (an assumption, stated in ``docs/trials.md``): 1e9 tumour cells occupy about 1 cm³
(a rule of thumb, used e.g. by Fiala & Diamandis 2018, BMC Med 16:166, PMID:30285732); the burden is split equally
into ``n_lesions`` spheres, and the sum of their diameters is reported, as a radiologist would
report the sum of target-lesion diameters under RECIST 1.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CELLS_PER_CM3 = 1e9
"""Tumour cells per cm³ of tumour (assumption: 1e9 cells ≈ 1 cm³ ≈ 1 g)."""


def cells_to_diameter_mm(
    cells: np.ndarray | float, *, n_lesions: int = 1, cells_per_cm3: float = CELLS_PER_CM3
) -> np.ndarray:
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


def diameter_mm_to_cells(
    sod_mm: np.ndarray | float, *, n_lesions: int = 1, cells_per_cm3: float = CELLS_PER_CM3
) -> np.ndarray:
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
    """

    noise_cv: float = 0.05
    noise_sd_mm: float = 1.0
    detection_limit_mm: float = 5.0
    n_lesions: int = 1
    cells_per_cm3: float = CELLS_PER_CM3

    def true_sod(self, cells: np.ndarray) -> np.ndarray:
        """Noise-free sum of diameters (mm), lesions below the detection limit counted as 0."""
        sod = cells_to_diameter_mm(cells, n_lesions=self.n_lesions, cells_per_cm3=self.cells_per_cm3)
        return np.where(sod / self.n_lesions < self.detection_limit_mm, 0.0, sod)

    def measure(self, cells: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Measured sum of diameters (mm) from standard-normal draws ``z`` (same shape as ``cells``).

        Noise is ``sod·(1 + cv·z) + sd·z`` (one draw, so a measurement can never flip sign
        twice); the result is floored at 0 and lesions below the detection limit read 0.
        """
        sod = cells_to_diameter_mm(cells, n_lesions=self.n_lesions, cells_per_cm3=self.cells_per_cm3)
        noisy = np.maximum(sod * (1.0 + self.noise_cv * z) + self.noise_sd_mm * z, 0.0)
        return np.where(noisy / self.n_lesions < self.detection_limit_mm, 0.0, noisy)
