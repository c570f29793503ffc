"""The twin scenario builder: cell types from the knowledge, numbers from the quantitative data."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from oncoresist.engine import simulate
from oncoresist.errors import OncoresistError, UnknownNameError
from oncoresist.knowledge.quant import QUANT_DIR, load_quant
from oncoresist.model import load_scenario
from oncoresist.model.scenario import ECFold, EmaxReduction
from oncoresist.twin import ORIGIN_KINDS, TwinDefaults, build_scenario, build_twin

EGFR = (["EGFR L858R"], "erlotinib,osimertinib", "NSCLC")


@pytest.fixture(scope="module")
def quant(curated_kb):  # type: ignore[no-untyped-def]
    return load_quant(kb=curated_kb)


@pytest.fixture(scope="module")
def egfr(curated_kb, quant):  # type: ignore[no-untyped-def]
    profile, drugs, tumor = EGFR
    return build_twin(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=quant)


def _type(build, name):  # type: ignore[no-untyped-def]
    return next(c for c in build.scenario.cell_types if c.name == name)


def _folds(cell) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {d: m.fold for m in cell.modifiers if isinstance(m, ECFold) for d in m.drugs}


def test_egfr_cell_types_are_the_knowledge_routes(egfr) -> None:  # type: ignore[no-untyped-def]
    names = {c.name for c in egfr.scenario.cell_types}
    assert {"sensitive", "EGFR_T790M", "EGFR_C797S", "MET_amplification", "small_cell_transformation"} <= names
    assert _type(egfr, "sensitive").genotype == ["EGFR L858R"]
    assert _type(egfr, "EGFR_T790M").genotype == ["EGFR L858R", "EGFR T790M"]
    # a fact that needs an exon 19 deletion does not apply to an L858R tumour
    assert not any("exon_19" in n for n in names)
    assert any("egfr-ex19del-t790m-c797s" in s for s in egfr.skipped)
    # evidence D (EGFR amplification under osimertinib) is below the default threshold C
    assert "EGFR_amplification" not in names


def test_t790m_fold_from_the_potency_table(egfr) -> None:  # type: ignore[no-untyped-def]
    t790m = _type(egfr, "EGFR_T790M")
    folds = _folds(t790m)
    # Yasuda 2013 (CIViC transcription): erlotinib IC50 4155 nM on L858R+T790M vs 6 nM on L858R; it agrees
    # with Robichaux 2021's bound (no response at the top dose: > ~540-fold), so the exact value is used
    assert folds["erlotinib"] == pytest.approx(4155 / 6)
    o = egfr.origin("cell_types.EGFR_T790M.modifiers.ec50_fold.erlotinib")
    assert o.kind == "published table" and "PMID:24353160" in o.source
    # osimertinib: Robichaux 2021 Fig. 2a, L858R/T790M against L858R in the same panel - no loss of potency
    o = egfr.origin("cell_types.EGFR_T790M.modifiers.ec50_fold.osimertinib")
    assert o.kind == "published table" and "robichaux2021-osimertinib-l858r-t790m" in o.source
    assert folds["osimertinib"] < 2


def test_c797s_met_and_sclc_effects(egfr) -> None:  # type: ignore[no-untyped-def]
    c797s = _type(egfr, "EGFR_C797S")
    folds = _folds(c797s)
    # Robichaux 2021: L858R/C797S resists osimertinib (> 100-fold) and not erlotinib (C797S is the covalent site)
    assert folds["osimertinib"] > 100 and folds["erlotinib"] < 2
    assert egfr.origin("cell_types.EGFR_C797S.modifiers.ec50_fold.osimertinib").kind == "published table"
    met = _type(egfr, "MET_amplification")
    (mod,) = met.modifiers
    assert isinstance(mod, EmaxReduction) and sorted(mod.drugs or []) == ["erlotinib", "osimertinib"]
    sclc = _type(egfr, "small_cell_transformation")
    assert sclc.state == "transformed" and not sclc.modifiers
    assert {d: e.emax for d, e in sclc.pd.items()} == {"erlotinib": 0.0, "osimertinib": 0.0}
    switch = next(t for t in egfr.scenario.transitions if t.target == "small_cell_transformation")
    assert switch.kind == "switch" and switch.rate == 1e-8  # quant phenotype default (an assumption)


def test_t790m_mutation_probability_from_codon_routes(egfr, quant) -> None:  # type: ignore[no-untyped-def]
    tr = next(t for t in egfr.scenario.transitions if t.target == "EGFR_T790M")
    assert tr.probability == pytest.approx(quant.variant_rate("EGFR T790M", "bozic2013-point-mutation-rate").value)
    assert egfr.origin("transitions.sensitive->EGFR_T790M.probability[EGFR T790M]").kind == "published table"
    assert "CpG" in egfr.origin("transitions.sensitive->EGFR_T790M.probability[EGFR T790M]").source
    # C797S: the CGI table's c.2389T>A; Cys (TGC/TGT) reaches Ser by two single-base changes
    o = egfr.origin("transitions.sensitive->EGFR_C797S.probability[EGFR C797S]")
    assert o.kind == "published table" and "2 route(s)" in o.source and "cgi:biomarkers-per-variant" in o.source
    # a gene-level PIK3CA mutation has no codon: the default (one route) is used and labelled an assumption
    o = egfr.origin("transitions.sensitive->PIK3CA_mutation.probability[PIK3CA mutation]")
    assert o.kind == "default assumption"


def test_every_number_has_an_origin(egfr) -> None:  # type: ignore[no-untyped-def]
    paths = {o.path for o in egfr.origins}
    assert {o.kind for o in egfr.origins} <= set(ORIGIN_KINDS)
    sc = egfr.scenario
    for ct in sc.cell_types:
        assert f"cell_types.{ct.name}.initial" in paths
        if ct.name != "sensitive":
            assert f"cell_types.{ct.name}.mechanisms" in paths
        for m in ct.modifiers:
            if isinstance(m, ECFold):
                assert all(f"cell_types.{ct.name}.modifiers.ec50_fold.{d}" in paths for d in m.drugs)
            else:
                assert f"cell_types.{ct.name}.modifiers.emax_reduction" in paths
        if ct.pd:
            assert f"cell_types.{ct.name}.pd.emax" in paths
        if ct.state == "persister":  # its own slow cycling (twin.persister)
            assert (ct.birth, ct.death) == (egfr.origin(f"cell_types.{ct.name}.birth").value,
                                            egfr.origin(f"cell_types.{ct.name}.death").value)
        else:
            assert (ct.birth, ct.death) == (
                egfr.origin("cell_types.*.birth").value,
                egfr.origin("cell_types.*.death").value,
            )
    for t in sc.transitions:
        if t.kind == "mutation" and t.source.startswith("persister_"):
            assert f"transitions.{t.source}->{t.target}.probability" in paths
        elif t.kind == "mutation":
            assert any(p.startswith(f"transitions.sensitive->{t.target}.probability[") for p in paths)
        else:
            assert f"transitions.{t.source}->{t.target}.rate" in paths
    for d in sc.drugs:
        assert {f"drugs.{d.name}.effect.{k}" for k in ("emax", "ec50", "hill")} <= paths
    assert sum(c.initial for c in sc.cell_types) == egfr.origin("burden").value


def test_scenario_round_trips_and_runs(egfr, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from oncoresist.twin.export import write_scenario

    path = write_scenario(egfr, tmp_path / "twin.yaml")
    text = path.read_text()
    assert text.startswith("# Scenario built by `oncoresist twin`")
    sc = load_scenario(path)
    assert sc == egfr.scenario
    res = simulate(path, t_end=60, engine="ode")
    assert res.cell_types[0] == "sensitive"
    assert res.total[0, -1] < res.total[0, 0]  # erlotinib shrinks an L858R tumour


def _with_t790m_ic50(tmp_path: Path, ic50: str) -> Path:
    """A copy of the data with Yasuda's T790M IC50 edited and Robichaux's censored T790M erlotinib
    entry removed (its bound would otherwise overrule a contradicting number)."""
    data = tmp_path / "data_quant"
    shutil.copytree(QUANT_DIR, data)
    f = data / "potency_egfr.yaml"
    text = f.read_text()
    anchor = "- id: yasuda2013-erlotinib-l858r-t790m"
    head, tail = text.split(anchor)
    assert "ic50_nM: 4155\n" in tail
    f.write_text(head + anchor + tail.replace("ic50_nM: 4155\n", f"ic50_nM: {ic50}\n", 1))
    g = data / "potency_egfr_robichaux2021.yaml"
    text = g.read_text()
    anchor = "- id: robichaux2021-erlotinib-l858r-t790m\n"
    head, tail = text.split(anchor)
    g.write_text(head + tail[tail.index("- id: "):])
    return data


def test_changing_a_potency_number_moves_scenario_and_outcome(curated_kb, quant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    profile, drugs, tumor = EGFR
    weak = load_quant(data_dir=_with_t790m_ic50(tmp_path, "60"), kb=curated_kb)  # fold 10 instead of 692.5
    base, _ = build_scenario(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=quant)
    low, origins = build_scenario(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=weak)
    assert _folds(next(c for c in low.cell_types if c.name == "EGFR_T790M"))["erlotinib"] == pytest.approx(10.0)
    assert any(
        o.path.endswith("EGFR_T790M.modifiers.ec50_fold.erlotinib") and o.value == pytest.approx(10) for o in origins
    )
    i = [c.name for c in base.cell_types].index("EGFR_T790M")
    for engine, seed in (("ode", None), ("tau", 7)):
        hi = simulate(base, t_end=180, engine=engine, seed=seed, n_replicates=2).final[:, i]
        lo = simulate(low, t_end=180, engine=engine, seed=seed, n_replicates=2).final[:, i]
        # a larger EC50 fold: more T790M cells survive erlotinib at day 180
        assert np.all(hi > 10 * lo), (engine, hi, lo)


def test_burden_and_defaults(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    profile, drugs, tumor = EGFR
    b = build_twin(
        profile,
        drugs=drugs,
        tumor=tumor,
        knowledge=curated_kb,
        quant=quant,
        burden=1e9,
        defaults=TwinDefaults(preexisting=False, min_evidence="B"),
    )
    assert sum(c.initial for c in b.scenario.cell_types) == 1e9
    assert all(c.initial == 0 for c in b.scenario.cell_types if c.name != "sensitive")
    names = {c.name for c in b.scenario.cell_types}
    assert "MET_amplification" not in names  # evidence C, below B
    assert "EGFR_T790M" in names
    with pytest.raises(OncoresistError, match="burden"):
        build_twin(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=quant, burden=0)


@pytest.mark.parametrize(
    ("profile", "drugs", "tumor", "word"),
    [
        (["EGFR L858R"], "erlotinibb", "NSCLC", "erlotinib"),
        (["EGFR L858R"], "erlotinib", "NSCLCX", "NSCLC"),
        (["EGFRX L858R"], "erlotinib", "NSCLC", "EGFR"),
    ],
)
def test_bad_names(curated_kb, quant, profile, drugs, tumor, word) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match=word):
        build_twin(profile, drugs=drugs, tumor=tumor, knowledge=curated_kb, quant=quant)


def test_cml_routes_and_t315i_folds(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    b = build_twin(["BCR::ABL1"], drugs="imatinib,ponatinib", tumor="CML", knowledge=curated_kb, quant=quant)
    names = {c.name for c in b.scenario.cell_types}
    assert {"ABL1_T315I", "ABL1_E255K", "ABL1_M244V"} <= names
    # a compound fact on another fusion's background does not apply to a BCR::ABL1 leukaemia
    assert not any("PDGFRA" in n for n in names)
    assert any(s.startswith("pdgfra-t674i-imatinib") for s in b.skipped)
    t315i = next(c for c in b.scenario.cell_types if c.name == "ABL1_T315I")
    folds = _folds(t315i)
    # ponatinib: an exact fold (Pemovska 2015, PMID:25686603)
    assert folds["ponatinib"] == pytest.approx(quant.fold_shift("ponatinib", ["BCR::ABL1", "ABL1 T315I"], "BCR::ABL1"))
    assert b.origin("cell_types.ABL1_T315I.modifiers.ec50_fold.ponatinib").kind == "published table"
    # imatinib: Hauser 2018's table (9773 nM on T315I; the CIViC transcriptions give only lower bounds)
    o = b.origin("cell_types.ABL1_T315I.modifiers.ec50_fold.imatinib")
    assert o.kind == "published table" and "hauser2018-imatinib-t315i" in o.source
    assert folds["imatinib"] > 25  # consistent with O'Hare 2005's bound (>25, PMID:15930265)
    # ponatinib stays active on T315I (its label indication), imatinib does not
    assert folds["ponatinib"] < 5 < folds["imatinib"]
    # E255K on imatinib: the table's number wins over the O'Hare transcription (20-fold)
    e255k = b.origin("cell_types.ABL1_E255K.modifiers.ec50_fold.imatinib")
    assert "hauser2018-imatinib-e255k" in e255k.source and e255k.value == pytest.approx(2487 / 199, rel=0.02)
    # T315I arises by one single-nucleotide route (ABL1 c.944C>T)
    tr = next(t for t in b.scenario.transitions if t.target == "ABL1_T315I")
    assert tr.probability == pytest.approx(1e-9 / 3)


def test_a_compound_route_arises_from_its_parent_clone(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    """Ex19del on erlotinib then osimertinib: the fact for T790M + C797S (PMID:26181354) makes a cell
    type that arises from the T790M clone by C797S alone, not from sensitive cells by both at once."""
    built = build_twin(["EGFR exon 19 deletion"], drugs="erlotinib,osimertinib", tumor="NSCLC",
                       knowledge=curated_kb, quant=quant)
    tr = next(t for t in built.scenario.transitions if t.target == "EGFR_T790M+EGFR_C797S")
    assert tr.source == "EGFR_T790M"
    c797s = quant.variant_rate("EGFR C797S", "bozic2013-point-mutation-rate")
    assert tr.probability == pytest.approx(c797s.value)
    o = built.origin("transitions.EGFR_T790M->EGFR_T790M+EGFR_C797S.probability[EGFR C797S]")
    assert o.kind == "published table"
    with pytest.raises(KeyError):  # T790M is the parent's, not acquired again
        built.origin("transitions.EGFR_T790M->EGFR_T790M+EGFR_C797S.probability[EGFR T790M]")
    init = {c.name: c.initial for c in built.scenario.cell_types}
    # seeded from the parent's growth: far fewer than the parent itself
    assert 0 <= init["EGFR_T790M+EGFR_C797S"] < init["EGFR_T790M"] / 1000
    # under osimertinib the double mutant is selected: it outgrows its share of the parent
    data = built.scenario.model_dump(mode="json")
    data["treatment"] = [{"drug": "osimertinib", "dose": 1.0}]
    sc = load_scenario(data)
    res = simulate(sc, t_end=720, engine="ode")
    i = res.cell_types.index("EGFR_T790M+EGFR_C797S")
    j = res.cell_types.index("EGFR_T790M")
    assert res.total[0, -1] > 0 and res.final[0, i] > res.final[0, j]


def test_on_target_changes_of_another_driver_are_left_out(curated_kb, quant) -> None:  # type: ignore[no-untyped-def]
    """ROS1 G2032R resists crizotinib in ROS1-rearranged NSCLC; in an ALK-rearranged tumour it is not
    a route (crizotinib's target there is ALK), and the builder says why."""
    built = build_twin(["EML4::ALK"], drugs="crizotinib,lorlatinib", tumor="NSCLC", knowledge=curated_kb, quant=quant)
    names = [r.name for r in built.routes]
    assert "ALK_G1202R" in names and not any(n.startswith(("ROS1", "MET_D")) for n in names)
    assert any(s.startswith("ros1-g2032r-crizotinib: an on-target change in ROS1") for s in built.skipped)
