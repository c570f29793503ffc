"""Each mechanism modifier changes the rates by exactly what its formula says, and the
dynamics in the direction it should."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from oncoresist.engine import Simulator, simulate
from oncoresist.model.pd import hill

EC50, EMAX, H = 2.0, 0.5, 1.5


def scenario(mods: list[dict[str, Any]], *, dna: bool = False, birth_effect: bool = False,
             immune: float = 0.0, cl_factor: float = 1.0) -> dict[str, Any]:
    eff = {"acts_on": "birth" if birth_effect else "death", "emax": 0.8 if birth_effect else EMAX,
           "ec50": EC50, "hill": H}
    return {
        "immune_kill": immune,
        "cell_types": [
            {"name": "wt", "initial": 1000, "birth": 0.6, "death": 0.1},
            {"name": "mut", "initial": 1000, "birth": 0.6, "death": 0.1, "modifiers": mods},
        ],
        "drugs": [{"name": "x", "dna_damaging": dna, "pk": {"model": "constant", "clearance_factor": cl_factor},
                   "effect": eff}],
    }


def rates(sc: dict[str, Any], conc: float) -> tuple[np.ndarray, np.ndarray]:
    sim = Simulator(sc, engine="ode", seed=0)
    sim.set_dose("x", conc)
    b, d = sim.rates()
    return b[0], d[0]


CONCS = [0.1, 0.5, 2.0, 7.0, 30.0]


@pytest.mark.parametrize("fold", [3.0, 10.0, 100.0])
def test_ec50_fold_shifts_the_dose_response_by_the_fold(fold: float) -> None:
    sc = scenario([{"kind": "ec50_fold", "drugs": ["x"], "fold": fold}])
    for c in CONCS:
        _, d_mut = rates(sc, c * fold)
        _, d_wt = rates(sc, c)
        assert d_mut[1] == pytest.approx(d_wt[0], rel=1e-12)


def test_emax_reduction_scales_the_kill() -> None:
    sc = scenario([{"kind": "emax_reduction", "reduction": 0.75}])
    for c in CONCS:
        _, d = rates(sc, c)
        assert d[1] - 0.1 == pytest.approx(0.25 * (d[0] - 0.1), rel=1e-12)
    sc = scenario([{"kind": "emax_reduction", "reduction": 0.75, "acts_on": "death"}], birth_effect=True)
    b, _ = rates(sc, 3.0)
    assert b[1] == pytest.approx(b[0])  # only death effects reduced


@pytest.mark.parametrize("kind", ["efflux", "sanctuary"])
def test_exposure_factors_scale_the_concentration(kind: str) -> None:
    key = "intracellular_factor" if kind == "efflux" else "exposure_factor"
    mod: dict[str, Any] = {"kind": kind, key: 0.2}
    if kind == "efflux":
        mod["drugs"] = ["x"]
    sc = scenario([mod])
    for c in CONCS:
        _, d_mut = rates(sc, c)
        _, d_wt = rates(sc, 0.2 * c)
        assert d_mut[1] == pytest.approx(d_wt[0], rel=1e-12)
        assert d_mut[1] == pytest.approx(0.1 + EMAX * hill(0.2 * c, EC50, H), rel=1e-12)


@pytest.mark.parametrize("dna", [True, False])
def test_dna_repair_only_affects_dna_damaging_drugs(dna: bool) -> None:
    sc = scenario([{"kind": "dna_repair", "reduction": 0.6}], dna=dna)
    _, d = rates(sc, 4.0)
    kill_wt, kill_mut = d[0] - 0.1, d[1] - 0.1
    assert kill_mut == pytest.approx(kill_wt * (0.4 if dna else 1.0), rel=1e-12)


def test_autophagy_reduces_every_drug_kill() -> None:
    _, d = rates(scenario([{"kind": "autophagy", "survival": 0.9}]), 4.0)
    assert d[1] - 0.1 == pytest.approx(0.1 * (d[0] - 0.1), rel=1e-12)


def test_immune_evasion_removes_immune_kill() -> None:
    _, d = rates(scenario([{"kind": "immune_evasion", "fraction": 0.75}], immune=0.08), 0.0)
    assert d[0] == pytest.approx(0.18) and d[1] == pytest.approx(0.1 + 0.02)


def test_clearance_factor_multiplies_clearance() -> None:
    """Metabolism: elimination rate CL·factor/V, so AUC = dose/(CL·factor)."""

    def conc(factor: float) -> np.ndarray:
        sc = scenario([])
        sc["drugs"][0]["pk"] = {"model": "iv_bolus", "clearance": 2.0, "volume": 4.0, "clearance_factor": factor}
        sc["treatment"] = [{"drug": "x", "start": 0, "stop": 0.5, "dose": 8.0}]
        return simulate(sc, t_end=3, times=[1.0, 2.0, 3.0], engine="ode", seed=0).concentrations[0, :, 0]

    t = np.array([1.0, 2.0, 3.0])
    for factor in (1.0, 2.5):
        np.testing.assert_allclose(conc(factor), 2.0 * np.exp(-2.0 * factor / 4.0 * t), rtol=1e-12)


def test_modifiers_change_dynamics_in_the_right_direction() -> None:
    base = scenario([])
    base["treatment"] = [{"drug": "x", "start": 0, "dose": 5.0}]
    final = {}
    for name, mods in {
        "none": [],
        "ec50": [{"kind": "ec50_fold", "drugs": ["x"], "fold": 10}],
        "bypass": [{"kind": "emax_reduction", "reduction": 0.5}],
        "efflux": [{"kind": "efflux", "drugs": ["x"], "intracellular_factor": 0.3}],
    }.items():
        sc = {**base, "cell_types": [base["cell_types"][0], {**base["cell_types"][1], "modifiers": mods}]}
        res = simulate(sc, t_end=10, engine="ode", seed=0)
        final[name] = res.final[0, 1] / res.final[0, 0]
    assert final["none"] == pytest.approx(1.0)
    assert all(final[k] > 1.0 for k in ("ec50", "bypass", "efflux"))


def test_loewe_sham_combination_and_bliss_product() -> None:
    """Loewe: a drug combined with itself acts like the summed dose; Bliss: birth effects multiply."""
    eff = {"acts_on": "birth", "emax": 0.9, "ec50": 1.5, "hill": 2.0}
    cells = [{"name": "a", "initial": 10, "birth": 1.0, "death": 0.0}]
    drugs = [{"name": "x", "effect": eff}, {"name": "y", "effect": eff}]
    loewe = Simulator({"cell_types": cells, "drugs": drugs, "combination": "loewe"}, engine="ode", seed=0)
    loewe.set_dose("x", 0.7)
    loewe.set_dose("y", 1.1)
    single = 1.0 - 0.9 * hill(1.8, 1.5, 2.0)
    assert loewe.rates()[0][0, 0] == pytest.approx(single, rel=1e-9)
    bliss = Simulator({"cell_types": cells, "drugs": drugs}, engine="ode", seed=0)
    bliss.set_dose("x", 0.7)
    bliss.set_dose("y", 1.1)
    product = (1 - 0.9 * hill(0.7, 1.5, 2.0)) * (1 - 0.9 * hill(1.1, 1.5, 2.0))
    assert bliss.rates()[0][0, 0] == pytest.approx(product, rel=1e-12)
