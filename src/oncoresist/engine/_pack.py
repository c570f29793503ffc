"""Pack a :class:`CompiledModel` into the dense arrays the kernels take."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
