"""Classical growth laws and the Laleh reader.

The reference trajectories are integrated from each law's ODE with SciPy's solve_ivp (an independent
route from the closed forms and the RK4 kernel the fits use); a fit to noise-free points must recover
the parameters that generated them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from oncoresist.fit import LAWS, SeriesError, fit_laws, fit_lesion, read_laleh, read_laleh_table

LALEH = Path(__file__).resolve().parents[3] / "shared" / "data" / "longitudinal" / "laleh2022" / "flat_patient_data.csv"
needs_laleh = pytest.mark.skipif(not LALEH.exists(), reason="shared Laleh table absent")

TIMES = np.array([0.0, 42.0, 84.0, 126.0, 168.0, 210.0, 252.0, 300.0])

# law -> (ODE right-hand side f(V, params), parameters without v0, v0)
ODES = {
    "exponential": (lambda v, p: p[0] * v, [-0.004], 0.4),
    "logistic": (lambda v, p: p[0] * v * (1 - v / p[1]), [0.02, 0.9], 0.1),
    "classic_bertalanffy": (lambda v, p: p[0] * v ** (2 / 3) - p[1] * v, [0.01, 0.03], 0.6),
    "general_bertalanffy": (lambda v, p: p[0] * v ** p[2] - p[1] * v, [0.01, 0.02, 0.8], 0.2),
    "gompertz": (lambda v, p: v * (p[1] - p[0] * np.log(v)), [0.01, -0.02], 0.5),
    "general_gompertz": (lambda v, p: v ** p[2] * (p[1] - p[0] * np.log(v)), [0.006, -0.01, 0.85], 0.5),
}


@pytest.mark.parametrize("law", list(ODES))
def test_fit_recovers_ode_parameters(law: str) -> None:
    rhs, p, v0 = ODES[law]
    sol = solve_ivp(lambda _t, y: [rhs(y[0], p)], (0, TIMES[-1]), [v0], t_eval=TIMES, rtol=1e-10, atol=1e-13)
    volumes = sol.y[0] * 1000.0  # mm³ with a unit of 1000 mm³ for the parameters
    fit = fit_lesion(TIMES, volumes, law, volume_scale=1000.0)
    assert fit.converged
    np.testing.assert_allclose(fit.predict(TIMES), volumes, rtol=2e-3)
    names = LAWS[law].params
    np.testing.assert_allclose([fit.params[n] for n in names], [v0, *p], rtol=0.05, atol=2e-4)


def test_biexponential_recovers_sensitive_and_resistant_parts() -> None:
    v0, f, d, g = 5000.0, 0.97, 0.03, 0.012
    t = np.array([0, 30, 60, 90, 120, 180, 240, 300, 360.0])
    v = v0 * (f * np.exp(-d * t) + (1 - f) * np.exp(g * t))
    fit = fit_lesion(t, v, "biexponential", volume_scale=1.0)
    np.testing.assert_allclose([fit.params[k] for k in ("v0", "f", "d", "g")], [v0, f, d, g], rtol=0.02)


def test_fit_lesion_rejects_bad_input() -> None:
    with pytest.raises(SeriesError, match="unknown growth law"):
        fit_lesion([0, 1, 2], [1, 2, 3], "weibull")
    with pytest.raises(SeriesError, match="decrease"):
        fit_lesion([0, 2, 1], [1, 2, 3], "gompertz")
    with pytest.raises(SeriesError, match="non-negative"):
        fit_lesion([0, 1, 2], [1, -2, 3], "gompertz")


@needs_laleh
def test_laleh_reader_counts_match_the_data_readme() -> None:
    # README of shared/data: 8,416 measurements of 1,461 patient-lesions from 14 arms.
    table = read_laleh_table(LALEH)
    assert len(table) == 8416
    assert table["lesion_id"].nunique() == 1461
    assert table["arm"].nunique() == 14
    np.testing.assert_allclose(table["volume_mm3"], 0.52 * table["diameter_mm"] ** 3, rtol=1e-6, atol=0.01)
    series = read_laleh(LALEH, min_points=6)
    assert all(len(s.measurements) >= 12 for s in series)  # diameter and volume tracks
    assert {m.kind.value for m in series[0].measurements} == {"lesion_diameter", "lesion_volume"}


@needs_laleh
def test_fit_laws_table_on_real_lesions() -> None:
    table = read_laleh_table(LALEH)
    first = table[table["lesion_id"].isin(table["lesion_id"].unique()[:12])]
    out = fit_laws(first, laws=["gompertz", "biexponential", "exponential"], min_points=3)
    assert set(out["law"]) == {"gompertz", "biexponential", "exponential"}
    assert out.groupby("law").size().nunique() == 1
    wide = out.pivot(index="lesion_id", columns="law", values="sse")
    # the bi-exponential nests the exponential (f = 0 or 1), so its least-squares optimum cannot be worse
    assert (wide["biexponential"] <= wide["exponential"] * (1 + 1e-6) + 1e-12).mean() >= 0.9
    assert out["f"].dropna().between(0, 1).all()


def test_laleh_reader_names_row_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        '"Pt_hashID","Study_Arm","Study_id","Arm_id","T_weeks","T_days","Lesion_diam","Lesion_vol",'
        '"Lesion_normvol","response","readings"\n'
        '"a","Study_1_Arm_1","1",1,0.1,-21,13,1142.44,0.0001,"flux",2\n'
        '"a","Study_1_Arm_1","1",1,6,41,-11,692.12,0.0001,"flux",2\n'
    )
    with pytest.raises(SeriesError, match=r"row 3, field Lesion_diam"):
        read_laleh_table(bad)
