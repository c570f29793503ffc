"""Mechanism modifiers: how each resistance mechanism changes the compiled parameters.

Every modifier is a pure function of arrays indexed ``[cell type, drug]``:

============== ==================================================================
kind           effect on the compiled parameters of its cell type
============== ==================================================================
ec50_fold      EC50 × fold for the listed drugs (on-target mutation, amplification)
emax_reduction Emax × (1 − reduction) (bypass, downstream, apoptosis evasion)
efflux         exposure × intracellular_factor for substrates (drug efflux)
dna_repair     death Emax × (1 − reduction) for DNA-damaging drugs
autophagy      death Emax × (1 − survival) for every drug (survival under stress)
sanctuary      exposure × exposure_factor (microenvironment, poor penetration)
immune_evasion immune kill × (1 − fraction)
============== ==================================================================

Drug metabolism (clearance factor) acts on the drug, not a cell type: see
:class:`oncoresist.model.scenario.PK`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oncoresist.model.scenario import (
    Autophagy,
    DNARepair,
    ECFold,
    Efflux,
    EmaxReduction,
    ImmuneEvasion,
    Modifier,
    Sanctuary,
)


@dataclass
class PDArrays:
    """Mutable per-type PD arrays while compiling (``[n_types, n_drugs]``)."""

    b_emax: np.ndarray
    b_ec50: np.ndarray
    b_hill: np.ndarray
    d_emax: np.ndarray
    d_ec50: np.ndarray
    d_hill: np.ndarray
    exposure: np.ndarray
    immune: np.ndarray  # [n_types]


def apply_modifier(mod: Modifier, i: int, arr: PDArrays, drug_index: dict[str, int], dna_damaging: np.ndarray) -> None:
    """Apply one modifier of cell type ``i`` to ``arr`` in place."""
    n_drugs = arr.b_emax.shape[1]
    listed = getattr(mod, "drugs", None)
    cols = np.arange(n_drugs) if listed is None else np.array([drug_index[d] for d in listed], dtype=np.int64)
    if isinstance(mod, ECFold):
        arr.b_ec50[i, cols] *= mod.fold
        arr.d_ec50[i, cols] *= mod.fold
    elif isinstance(mod, EmaxReduction):
        if mod.acts_on in ("birth", "both"):
            arr.b_emax[i, cols] *= 1.0 - mod.reduction
        if mod.acts_on in ("death", "both"):
            arr.d_emax[i, cols] *= 1.0 - mod.reduction
    elif isinstance(mod, Efflux | Sanctuary):
        factor = mod.intracellular_factor if isinstance(mod, Efflux) else mod.exposure_factor
        arr.exposure[i, cols] *= factor
    elif isinstance(mod, DNARepair):
        arr.d_emax[i, dna_damaging] *= 1.0 - mod.reduction
    elif isinstance(mod, Autophagy):
        arr.d_emax[i, :] *= 1.0 - mod.survival
    elif isinstance(mod, ImmuneEvasion):
        arr.immune[i] *= 1.0 - mod.fraction
    else:  # pragma: no cover - the schema admits no other kind
        raise TypeError(f"unknown modifier {mod!r}")
