"""Monitoring: imaging (sum of diameters, RECIST 1.1) and ctDNA (shedding, sampling, detection)."""

from oncoresist.monitor.ctdna import CtdnaAssay, CtdnaParams, ctdna_exact, normal_ge_per_ml, steady_state_ge
from oncoresist.monitor.imaging import CELLS_PER_CM3, ImagingModel, cells_to_diameter_mm, diameter_mm_to_cells
from oncoresist.monitor.recist import CR, PD, PR, SD, RecistTracker, classify

__all__ = [
    "CELLS_PER_CM3",
    "CR",
    "PD",
    "PR",
    "SD",
    "CtdnaAssay",
    "CtdnaParams",
    "ImagingModel",
    "RecistTracker",
    "cells_to_diameter_mm",
    "classify",
    "ctdna_exact",
    "diameter_mm_to_cells",
    "normal_ge_per_ml",
    "steady_state_ge",
]
