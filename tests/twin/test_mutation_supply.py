"""``TwinDefaults.mutation_supply``: one factor on every route's probability per division (supply9 pass).

It is applied in one place (``builder._mutation_probability``), so the engine's mutations during treatment, the
deterministic pre-existing counts and the Luria-Delbruck clones the cohort draws from all move together, lineage
switches (a rate per day) do not, a calibration's rebuild keeps it, and the default twin carries no trace of it.
"""

from __future__ import annotations

import math

import pytest

from oncoresist.errors import OncoresistError
from oncoresist.twin import build_twin
from oncoresist.twin.builder import TwinDefaults, nested_parents
from oncoresist.twin.calibrate import rebuild
from oncoresist.twin.variation import luria_delbruck_block

S = 0.03


def _egfr(kb, **kw):  # type: ignore[no-untyped-def]
    return build_twin(["EGFR L858R"], drugs="erlotinib,osimertinib", tumor="NSCLC", knowledge=kb,
                      defaults=TwinDefaults(**{"measured_preexisting": False, **kw}))  # codon-rate path


@pytest.fixture(scope="module")
def pair(curated_kb):  # type: ignore[no-untyped-def]
    return _egfr(curated_kb), _egfr(curated_kb, mutation_supply=S)


def _transitions(build):  # type: ignore[no-untyped-def]
    return {(t.source, t.target): t for t in build.scenario.transitions}


def test_every_mutation_probability_scales_once_and_switches_do_not(pair) -> None:  # type: ignore[no-untyped-def]
    base, low = pair
    tb, tl = _transitions(base), _transitions(low)
    assert tb.keys() == tl.keys()
    kinds = {t.kind for t in tb.values()}
    assert {"mutation", "switch"} <= kinds
    for key, t in tb.items():
        if t.kind == "mutation":  # nested routes (T790M -> T790M + C797S) too: once per route, not per alteration
            assert tl[key].probability == pytest.approx(S * t.probability, rel=1e-12)
        else:
            assert tl[key].rate == t.rate
    assert low.scenario.drugs == base.scenario.drugs
    rates = [[(c.birth, c.death) for c in b.scenario.cell_types] for b in (base, low)]
    assert rates[0] == rates[1]


def test_preexisting_counts_and_luria_delbruck_clones_follow(pair) -> None:  # type: ignore[no-untyped-def]
    base, low = pair
    nested = set(nested_parents(base.routes))
    ib = {c.name: c.initial for c in base.scenario.cell_types}
    il = {c.name: c.initial for c in low.scenario.cell_types}
    first_order = [r.name for r in base.routes if r.name not in nested and ib[r.name] > 0]
    assert "EGFR_T790M" in first_order
    for name in first_order:  # the deterministic mean, rounded to whole cells
        assert abs(il[name] - S * ib[name]) <= 0.5 + S * 0.5
    assert il["sensitive"] > ib["sensitive"]  # the burden is kept: fewer resistant cells, more sensitive ones
    lb, ll = luria_delbruck_block(base), luria_delbruck_block(low)
    # the source is the sensitive clone's count at diagnosis (burden minus the resistant cells: 4e4 more of them here)
    assert ll["cells"] == pytest.approx(lb["cells"], rel=1e-5)
    moved = [(a, b) for a, b in zip(lb["clones"], ll["clones"], strict=True) if a > 0]
    assert len(moved) >= 5
    assert all(b == pytest.approx(S * a, rel=1e-5) for a, b in moved)


def test_recorded_once_and_sourced_rates_stay_sourced(pair) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.twin.calibrate import plan

    base, low = pair
    assert not [o for o in base.origins if "mutation_supply" in o.path]
    rec = [o for o in low.origins if "mutation_supply" in o.path]
    assert [(o.path, o.value, o.kind) for o in rec] == [("mutation_supply", S, "default assumption")]
    assert "sensitive->EGFR_T790M" in rec[0].source
    # the calibration fits only routes with an assumed rate: T790M (codon rate) stays held out, as at supply 1
    fitted_b, held_b, tied_b, _ = plan(base, base.quant)
    fitted_l, held_l, tied_l, _ = plan(low, low.quant)
    assert [t.cell_type for t in fitted_l] == [t.cell_type for t in fitted_b]
    assert [t.cell_type for t in held_l] == [t.cell_type for t in held_b]
    assert "EGFR_T790M" in [t.cell_type for t in held_l] and tied_l == tied_b


def test_a_calibration_rebuild_keeps_the_supply(curated_kb, pair) -> None:  # type: ignore[no-untyped-def]
    _, low = pair
    again = rebuild(low, 2.0, low.quant)
    assert again.defaults.mutation_supply == S
    t790m = _transitions(again)[("sensitive", "EGFR_T790M")]
    assert t790m.probability == pytest.approx(_transitions(low)[("sensitive", "EGFR_T790M")].probability, rel=1e-12)


def test_persister_routes_take_the_scaled_probability(curated_kb) -> None:  # type: ignore[no-untyped-def]
    build = _egfr(curated_kb, persisters=True, mutation_supply=S)
    tr = list(build.scenario.transitions)
    direct = {t.target: t.probability for t in tr if t.kind == "mutation" and t.source == "sensitive"}
    from_persister = [t for t in tr if t.kind == "mutation" and t.source.startswith("persister")]
    assert from_persister
    for t in from_persister:
        assert t.probability == pytest.approx(direct[t.target], rel=1e-12)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, 2e3])
def test_a_bad_supply_is_refused_naming_the_field(curated_kb, bad: float) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OncoresistError, match=r"defaults\.mutation_supply: .* give a positive number"):
        _egfr(curated_kb, mutation_supply=bad)
