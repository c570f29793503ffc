"""Per-replicate parameters: replicates (virtual patients) of one scenario that differ.

:class:`ReplicateParameters` holds multipliers of a scenario's rates, drug effects,
transition probabilities and pharmacokinetics, one set per replicate. Give it to
:class:`~oncoresist.engine.Simulator` (``replicate_params=``) or
:func:`~oncoresist.engine.simulate`; per-replicate initial counts go in ``initial=``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from oncoresist.errors import InvalidArgument
from oncoresist.model.compile import CompiledModel

ArrayLike = float | np.ndarray | list[float] | list[list[float]]

# field -> (shape after the replicate axis, as names of model sizes; may a value be 0?)
_SHAPES: dict[str, tuple[tuple[str, ...], bool]] = {
    "birth": (("T",), True),
    "death": (("T",), True),
    "drug_emax": (("T", "D"), True),
    "drug_ec50": (("T", "D"), False),
    "transitions": (("K",), True),
    "switch_rates": (("S",), True),
    "clearance": (("D",), False),
    "volume": (("D",), False),
}
KINETIC = ("birth", "death", "drug_emax", "drug_ec50", "transitions", "switch_rates")
"""Fields that change the packed kinetic arrays (the others change only PK)."""


@dataclass(frozen=True)
class ReplicateParameters:
    """Multipliers of a scenario's parameters, one set per replicate.

    Every field is optional (``None``: the scenario's value in every replicate). A
    field is one number (the same in every replicate), one number per replicate
    (shape ``[R]``, applied to every cell type / drug / transition) or a full array
    ``[R, ...]`` as below, where ``R`` is the number of replicates in the batch
    (row ``q`` belongs to the batch's ``q``-th replicate), ``T`` cell types, ``D``
    drugs, ``K`` division transitions and ``S`` switches, each in scenario order.

    Parameters
    ----------
    birth
        Multiplier of the drug-free birth rate, ``[R, T]``. Non-negative.
    death
        Multiplier of the drug-free (intrinsic) death rate, ``[R, T]``; immune kill
        is not scaled. Non-negative.
    drug_emax
        Multiplier of every drug effect's Emax, ``[R, T, D]``: the kill (death)
        Emax, and the growth-inhibition (birth) Emax capped at 1. Non-negative.
    drug_ec50
        Multiplier of every drug effect's EC50 (birth and death), ``[R, T, D]``. Positive.
    transitions
        Multiplier of the division-transition probabilities, ``[R, K]``; the scaled
        probabilities out of each dividing type must still sum to at most 1. Non-negative.
    switch_rates
        Multiplier of the switch rates (drug-free and on-drug), ``[R, S]``. Non-negative.
    clearance, volume
        Multipliers of each replicate's clearance and central volume, ``[R, D]``,
        applied after the between-patient PK sampling (the draws are unchanged).
        Positive.

    Notes
    -----
    When birth or death is scaled, the competition growth rate is recomputed as
    ``max(birth − death, 0)``, as the scenario compiler defines it. A multiplier
    of exactly 1 leaves a value bit-for-bit unchanged, so a replicate whose
    multipliers are all 1 runs exactly as without ``replicate_params``. The
    ``auto`` engine choice uses the scenario's own parameters.
    """

    birth: ArrayLike | None = None
    death: ArrayLike | None = None
    drug_emax: ArrayLike | None = None
    drug_ec50: ArrayLike | None = None
    transitions: ArrayLike | None = None
    switch_rates: ArrayLike | None = None
    clearance: ArrayLike | None = None
    volume: ArrayLike | None = None

    def given(self) -> tuple[str, ...]:
        """Names of the fields that are set."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name) is not None)

    def expand(self, model: CompiledModel, n_replicates: int) -> dict[str, np.ndarray]:
        """The set fields as full ``float`` arrays ``[R, ...]`` (validated).

        Raises
        ------
        InvalidArgument
            A field with the wrong shape, a non-finite value, a negative value, or a
            zero where the field must be positive; transition probabilities summing
            above 1.
        """
        sizes = {"T": model.n_types, "D": model.n_drugs, "K": int(model.div_src.size), "S": int(model.sw_src.size)}
        out: dict[str, np.ndarray] = {}
        for name in self.given():
            dims, zero_ok = _SHAPES[name]
            out[name] = _expand(getattr(self, name), name, n_replicates, tuple(sizes[d] for d in dims), dims, zero_ok)
        if "transitions" in out and model.div_src.size:
            p = model.div_p[None, :] * out["transitions"]
            per_source = np.zeros((n_replicates, model.n_types))
            np.add.at(per_source.T, model.div_src, p.T)
            if np.any(per_source > 1.0 + 1e-12):
                q, i = np.argwhere(per_source > 1.0 + 1e-12)[0]
                raise InvalidArgument(
                    f"replicate_params.transitions: replicate {q}'s transition probabilities out of cell type "
                    f"{model.cell_types[i]!r} sum to {per_source[q, i]:.3g} > 1; use smaller multipliers"
                )
        return out

    def to_record(self) -> dict[str, Any]:
        """The set fields as JSON-serialisable lists (for provenance)."""
        return {name: np.asarray(getattr(self, name), dtype=float).tolist() for name in self.given()}


def _expand(
    value: ArrayLike, name: str, r: int, rest: tuple[int, ...], dims: tuple[str, ...], zero_ok: bool
) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    full = (r, *rest)
    if arr.ndim == 0:
        arr = np.broadcast_to(arr, full)
    elif arr.shape == (r,):
        arr = np.broadcast_to(arr.reshape((r,) + (1,) * len(rest)), full)
    elif arr.shape != full:
        want = f"one number, shape ({r},) or ({', '.join(map(str, full))}) = [R, {', '.join(dims)}]"
        raise InvalidArgument(f"replicate_params.{name} has shape {arr.shape}; expected {want}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or (not zero_ok and np.any(arr == 0)):
        kind = "non-negative" if zero_ok else "positive"
        raise InvalidArgument(f"replicate_params.{name} must be finite and {kind} "
                              "(multipliers of the scenario's values)", param="replicate_params")
    return np.ascontiguousarray(arr)
