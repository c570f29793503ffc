"""Pack a :class:`CompiledModel` into the dense arrays the kernels take."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from oncoresist.engine._pcg import standard_normal
from oncoresist.model.compile import CompiledModel


@dataclass(frozen=True)
class Packed:
    """Kernel-ready arrays (layout documented in :mod:`oncoresist.engine._kernels`)."""

    tp: np.ndarray
    pdp: np.ndarray
    comb: int
    div_off: np.ndarray
    div_tgt: np.ndarray
    div_p: np.ndarray
    sws: np.ndarray
    swp: np.ndarray
    comp: np.ndarray
    has_comp: bool

    def args(self) -> tuple[object, ...]:
        """Positional arguments ``tp … has_comp`` in kernel order."""
        return (
            self.tp, self.pdp, self.comb, self.div_off, self.div_tgt, self.div_p,
            self.sws, self.swp, self.comp, self.has_comp,
        )  # fmt: skip


def pack(model: CompiledModel) -> Packed:
    """Dense, contiguous arrays for the kernels."""
    nt = model.n_types
    tp = np.ascontiguousarray(np.stack([model.birth, model.death, model.immune, model.growth], axis=1))
    pdp = np.ascontiguousarray(
        np.stack(
            [model.b_emax, model.b_ec50, model.b_hill, model.d_emax, model.d_ec50, model.d_hill, model.exposure],
            axis=2,
        ).reshape(nt, model.n_drugs, 7)
    )
    order = np.argsort(model.div_src, kind="stable")
    div_off = np.zeros(nt + 1, dtype=np.int64)
    np.add.at(div_off, model.div_src + 1, 1)
    div_off = np.cumsum(div_off).astype(np.int64)
    sws = np.ascontiguousarray(np.stack([model.sw_src, model.sw_tgt, model.sw_drug], axis=1).reshape(-1, 3))
    swp = np.ascontiguousarray(
        np.stack([model.sw_off, model.sw_on, model.sw_ec50, model.sw_hill], axis=1).reshape(-1, 4)
    )
    return Packed(
        tp=tp,
        pdp=pdp,
        comb=int(model.combination),
        div_off=div_off,
        div_tgt=np.ascontiguousarray(model.div_tgt[order]),
        div_p=np.ascontiguousarray(model.div_p[order]),
        sws=sws.astype(np.int64),
        swp=swp.astype(float),
        comp=np.ascontiguousarray(model.comp),
        has_comp=model.has_competition,
    )


def pk_params(model: CompiledModel, clearance: np.ndarray, volume: np.ndarray) -> np.ndarray:
    """``pkp[D, 5]`` (model, ka, k = CL/V, V, F) for one patient."""
    return np.ascontiguousarray(
        np.stack(
            [model.pk_model.astype(float), model.ka, clearance / volume, volume, model.bioavailability], axis=1
        ).reshape(-1, 5)
    )


def scaled(base: Packed, model: CompiledModel, mult: dict[str, np.ndarray], q: int) -> Packed:
    """``base`` with replicate ``q``'s multipliers applied (see :class:`~oncoresist.engine.ReplicateParameters`).

    ``mult`` holds full arrays ``[R, ...]`` from ``ReplicateParameters.expand``. Only the
    arrays a multiplier touches are copied.
    """
    changes: dict[str, object] = {}
    if "birth" in mult or "death" in mult:
        tp = base.tp.copy()
        if "birth" in mult:
            tp[:, 0] *= mult["birth"][q]
        if "death" in mult:
            tp[:, 1] *= mult["death"][q]
        tp[:, 3] = np.maximum(tp[:, 0] - tp[:, 1], 0.0)  # as compile_scenario defines growth
        changes["tp"] = np.ascontiguousarray(tp)
    if "drug_emax" in mult or "drug_ec50" in mult:
        pdp = base.pdp.copy()
        if "drug_emax" in mult:
            e = mult["drug_emax"][q]
            pdp[:, :, 3] *= e
            pdp[:, :, 0] = np.minimum(pdp[:, :, 0] * e, 1.0)
        if "drug_ec50" in mult:
            pdp[:, :, 1] *= mult["drug_ec50"][q]
            pdp[:, :, 4] *= mult["drug_ec50"][q]
        changes["pdp"] = np.ascontiguousarray(pdp)
    if "transitions" in mult:
        order = np.argsort(model.div_src, kind="stable")
        changes["div_p"] = np.ascontiguousarray(np.minimum(base.div_p * mult["transitions"][q][order], 1.0))
    if "switch_rates" in mult:
        swp = base.swp.copy()
        swp[:, 0] *= mult["switch_rates"][q]
        swp[:, 1] *= mult["switch_rates"][q]
        changes["swp"] = np.ascontiguousarray(swp)
    return replace(base, **changes) if changes else base  # type: ignore[arg-type]


def scaled_stack(base: Packed, model: CompiledModel, mult: dict[str, np.ndarray],
                 r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(tp, pdp, div_p, swp)`` stacked over ``r`` replicates, row q equal to :func:`scaled` ``(…, q)``'s
    arrays (the same element-wise operations, broadcast over the replicates: bit-identical)."""
    tp = np.array(np.broadcast_to(base.tp, (r, *base.tp.shape)))
    if "birth" in mult or "death" in mult:
        if "birth" in mult:
            tp[:, :, 0] *= mult["birth"]
        if "death" in mult:
            tp[:, :, 1] *= mult["death"]
        tp[:, :, 3] = np.maximum(tp[:, :, 0] - tp[:, :, 1], 0.0)
    pdp = np.array(np.broadcast_to(base.pdp, (r, *base.pdp.shape)))
    if "drug_emax" in mult:
        e = mult["drug_emax"]
        pdp[..., 3] *= e
        pdp[..., 0] = np.minimum(pdp[..., 0] * e, 1.0)
    if "drug_ec50" in mult:
        pdp[..., 1] *= mult["drug_ec50"]
        pdp[..., 4] *= mult["drug_ec50"]
    if "transitions" in mult:
        order = np.argsort(model.div_src, kind="stable")
        div_p = np.ascontiguousarray(np.minimum(base.div_p[None, :] * mult["transitions"][:, order], 1.0))
    else:
        div_p = np.array(np.broadcast_to(base.div_p, (r, *base.div_p.shape)))
    swp = np.array(np.broadcast_to(base.swp, (r, *base.swp.shape)))
    if "switch_rates" in mult:
        swp[:, :, 0] *= mult["switch_rates"]
        swp[:, :, 1] *= mult["switch_rates"]
    return tp, pdp, div_p, swp


@njit(cache=True, nogil=True, error_model="numpy")
def pk_draws(states, w_cl, w_v, clearance, volume, cl_out, v_out):
    """Every replicate's clearance and volume from its PK stream (row q of ``states``, PCG64 rows of
    :mod:`._pcg`): drug by drug, two standard normals, ``CL·exp(ω_CL z₁)``, ``V·exp(ω_V z₂)`` — the
    draws and arithmetic of :func:`oncoresist.model.pk.sample_pk` (``ω`` precomputed as there)."""
    for q in range(states.shape[0]):
        st = states[q]
        for j in range(clearance.shape[0]):
            z0 = standard_normal(st)
            z1 = standard_normal(st)
            cl_out[q, j] = clearance[j] * math.exp(w_cl[j] * z0)
            v_out[q, j] = volume[j] * math.exp(w_v[j] * z1)


def scale_pk(pkp: np.ndarray, mult: dict[str, np.ndarray], q: int) -> np.ndarray:
    """``pkp[D, 5]`` with replicate ``q``'s clearance and volume multipliers (``k = CL/V``)."""
    if "clearance" in mult:
        pkp[:, 2] *= mult["clearance"][q]
    if "volume" in mult:
        pkp[:, 2] /= mult["volume"][q]
        pkp[:, 3] *= mult["volume"][q]
    return pkp
