"""The Lotka–Volterra competition model of adaptive abiraterone therapy (Zhang et al. 2017,
Nat Commun 8:1816), deterministic (scipy), steppable like the evolution engine.

Three cell types: T+ (androgen-dependent), TP (make their own testosterone; CYP17A1, the target of
abiraterone) and T− (androgen-independent)::

    dx_i/dt = r_i · x_i · (1 − Σ_j a_ij·x_j / K_i),     PSA' = Σ_i x_i − σ·PSA,  σ = 0.5

K_T+ = 1.5 · x_TP (T+ live on the testosterone TP make); K_TP = 10,000 without and 100 with
abiraterone; K_T− = 10,000. The growth rates, competition matrix and capacities are those used by
public re-implementations of the paper's model (listed in ``docs/trials.md``); they were not
checked against the paper's own table here. Time unit: days (the rates are read as per day —
an assumption). Model units are converted to cells with ``cells_per_unit`` so that imaging works.

The engine's Lotka–Volterra competition has fixed carrying capacities; here K_T+ follows another
type's count (1.5·x_TP) and K_TP the drug, which the engine does not express — which is why this
model lives here: it drives the same policies, monitors and trial runner as engine scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

CELL_TYPES = ("T+", "TP", "T-")
DRUG = "abiraterone"


@dataclass(frozen=True)
class ZhangParams:
    """Parameters of the Zhang et al. 2017 model (see the module docstring for provenance)."""

    r: tuple[float, float, float] = (2.7726e-3, 3.4657e-3, 6.6542e-3)
    a: tuple[tuple[float, ...], ...] = ((1.0, 0.7, 0.8), (0.4, 1.0, 0.5), (0.6, 0.9, 1.0))
    k_tp_off: float = 10_000.0
    k_tp_on: float = 100.0
    k_tminus: float = 10_000.0
    tplus_per_tp: float = 1.5
    psa_decay: float = 0.5
    x0: tuple[float, float, float] = (2424.2, 3030.3, 10.0)
    cells_per_unit: float = 1e6
    death_rate: float = 0.0


@dataclass
class ZhangModel:
    """A batch of ``n`` patients of the Zhang model; ``advance``/``set_dose``/``state`` like the engine.

    Parameters
    ----------
    n : int
        Patients.
    params : ZhangParams
    growth : (n,) array, optional
        Factor on the growth rates (between-patient variation).
    x0_scale : (n,) array, optional
        Factor on the initial populations.
    """

    n: int
    params: ZhangParams = ZhangParams()
    growth: np.ndarray | None = None
    x0_scale: np.ndarray | None = None
    t: float = 0.0
    x: np.ndarray = field(init=False)
    psa: np.ndarray = field(init=False)
    dose: np.ndarray = field(init=False)

    cell_types = CELL_TYPES
    drugs = (DRUG,)

    def __post_init__(self) -> None:
        p = self.params
        scale = np.ones(self.n) if self.x0_scale is None else np.asarray(self.x0_scale, float)
        self.x = np.asarray(p.x0, float)[None, :] * scale[:, None]
        # PSA starts at its equilibrium with the initial burden: PSA* = Σx / σ
        self.psa = self.x.sum(1) / p.psa_decay
        self.dose = np.zeros(self.n)
        self._r = (
            np.asarray(p.r, float)[None, :]
            * (np.ones(self.n) if self.growth is None else np.asarray(self.growth, float))[:, None]
        )
        self._a = np.asarray(p.a, float)

    def _rhs(self, _t: float, y: np.ndarray) -> np.ndarray:
        p = self.params
        y = y.reshape(self.n, 4)
        x = np.maximum(y[:, :3], 0.0)
        on = self.dose > 0
        k = np.empty_like(x)
        k[:, 0] = np.maximum(p.tplus_per_tp * x[:, 1], 1e-9)
        k[:, 1] = np.where(on, p.k_tp_on, p.k_tp_off)
        k[:, 2] = p.k_tminus
        comp = x @ self._a.T
        dx = self._r * x * (1.0 - comp / k)
        dpsa = x.sum(1) - p.psa_decay * y[:, 3]
        return np.column_stack([dx, dpsa]).ravel()

    def advance(self, t: float) -> None:
        """Integrate to time ``t`` (days) with the current doses."""
        from scipy.integrate import solve_ivp

        if t <= self.t:
            return
        y0 = np.column_stack([self.x, self.psa]).ravel()
        sol = solve_ivp(self._rhs, (self.t, t), y0, method="LSODA", rtol=1e-8, atol=1e-6)
        y = sol.y[:, -1].reshape(self.n, 4)
        self.x = np.maximum(y[:, :3], 0.0)
        self.psa = y[:, 3]
        self.t = t

    def set_dose(self, drug: str, dose: np.ndarray) -> None:
        """Abiraterone on (dose > 0) or off, per patient."""
        if drug != DRUG:
            raise ValueError(f"the Zhang model knows only {DRUG!r}, not {drug!r}")
        self.dose = np.asarray(dose, float).copy()

    def remove(self, mask: np.ndarray) -> None:
        """Stop simulating the patients in ``mask`` (dead)."""
        self.x[np.asarray(mask, bool)] = 0.0

    @property
    def state(self) -> np.ndarray:
        """Cells per type, shape (n, 3)."""
        return self.x * self.params.cells_per_unit

    def death_flux(self) -> np.ndarray:
        """Cell deaths per day per type (the LV model has net rates only; ``death_rate`` × cells)."""
        return self.params.death_rate * self.state

    def marker(self) -> np.ndarray:
        """Serum PSA (model units)."""
        return self.psa.copy()


def build_zhang(data: dict[str, Any], n: int, factors: dict[str, np.ndarray]) -> ZhangModel:
    """A :class:`ZhangModel` from a scenario mapping (``model: zhang2017_lv``) and cohort factors."""
    allowed = set(ZhangParams.__dataclass_fields__)
    params = {k: v for k, v in data.items() if k not in {"model", "name", "description"}}
    unknown = set(params) - allowed
    if unknown:
        from oncoresist.errors import ScenarioError

        raise ScenarioError(f"zhang2017_lv scenario: unknown field(s) {', '.join(sorted(unknown))}")
    conv: dict[str, Any] = {
        k: tuple(tuple(r) for r in v) if k == "a" else (tuple(v) if isinstance(v, list) else v)
        for k, v in params.items()
    }
    return ZhangModel(
        n=n, params=ZhangParams(**conv), growth=factors.get("growth"), x0_scale=factors.get("initial_scale")
    )
