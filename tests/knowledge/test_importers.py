"""CIViC and CGI importers against the real public snapshots in ../shared/data."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from oncoresist.errors import ImportFormatError
from oncoresist.knowledge.importers import import_cgi, import_civic, write_import
from oncoresist.knowledge.importers._common import UNCLASSIFIED, EntityBuilder, ImportResult, Skip
from oncoresist.knowledge.importers.cgi import evidence_level, segment_texts
from oncoresist.knowledge.importers.civic import civic_variant_text
from oncoresist.knowledge.importers.infer import MechanismRules
from oncoresist.profile.alteration import parse_alteration


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _facts_by_id(result: ImportResult) -> dict[str, object]:
    return {f.id: f for f in result.facts}


# ---------------------------------------------------------------------- CIViC
def test_civic_eid238_t790m_erlotinib_is_on_target_resistance(civic_import: ImportResult) -> None:
    fact = _facts_by_id(civic_import)["civic-eid238"]
    assert fact.alterations == ["EGFR T790M"]
    assert fact.drugs == ["erlotinib"]
    assert fact.effect == "resistance"
    assert fact.mechanism == "on_target_mutation"
    assert fact.mechanism_inferred is True
    assert fact.record == "civic:EID238"
    assert fact.sources == ["PMID:25668228"]
    assert fact.evidence_level == "A"
    assert fact.tumors == ["NSCLC"]


def test_civic_does_not_support_is_never_a_fact(civic_tsv: Path, civic_import: ImportResult) -> None:
    rows = _rows(civic_tsv)
    against = [r for r in rows if r["evidence_type"] == "Predictive" and r["evidence_direction"] == "Does Not Support"]
    assert against, "the snapshot has Does Not Support items"
    ids = _facts_by_id(civic_import)
    for r in against:
        assert f"civic-eid{r['evidence_id']}" not in ids
    reason = next(r for r in civic_import.skipped if "Does Not Support" in r)
    assert civic_import.skipped[reason] == len(against)
    # a resistance item that does not support resistance, in particular
    resist_against = [r for r in against if r["significance"] == "Resistance"]
    assert len(resist_against) == 218
    assert all(f"civic-eid{r['evidence_id']}" not in ids for r in resist_against)


def test_civic_combination_keeps_therapy_mode(civic_import: ImportResult) -> None:
    ids = _facts_by_id(civic_import)
    fact = ids["civic-eid93"]  # BRAF V600, Dabrafenib + Trametinib, Combination
    assert fact.therapy_mode == "combination"
    assert set(fact.drugs) == {"dabrafenib", "trametinib"}
    # Substitutes: each on its own
    subs = [f for f in civic_import.facts if len(f.drugs) > 1 and f.therapy_mode == "each"]
    assert subs, "Substitutes items apply to each drug"


def test_civic_boolean_and_becomes_required_alterations(civic_tsv: Path, civic_import: ImportResult) -> None:
    rows = [r for r in _rows(civic_tsv) if r["molecular_profile"] == "EML4::ALK Fusion AND ALK L1196M"]
    assert rows
    ids = _facts_by_id(civic_import)
    imported = [ids[f"civic-eid{r['evidence_id']}"] for r in rows if f"civic-eid{r['evidence_id']}" in ids]
    assert imported
    for fact in imported:
        assert fact.alterations == ["EML4::ALK", "ALK L1196M"]
    bcr = [f for f in civic_import.facts if f.alterations == ["BCR::ABL1", "ABL1 T315I"]]
    assert bcr and all(f.mechanism == "on_target_mutation" for f in bcr if f.effect == "resistance")


def test_civic_or_and_not_profiles_are_skipped_with_reason(civic_import: ImportResult) -> None:
    assert civic_import.skipped["Boolean OR in molecular profile"] > 0
    assert civic_import.skipped["Boolean NOT in molecular profile"] > 0
    assert not any(" OR " in a for f in civic_import.facts for a in f.alterations)


@pytest.mark.parametrize(
    ("civic", "expected"),
    [
        ("EGFR Exon 19 Deletion", "EGFR exon 19 deletion"),
        ("ERBB2 Amplification", "ERBB2 amplification"),
        ("ALK Fusion", "ALK fusion"),
        ("EML4::ALK Fusion", "EML4::ALK"),
        ("v::RET Fusion", "RET fusion"),
        ("BRAF V600E", "BRAF V600E"),
        ("KRAS Mutation", "KRAS mutation"),
        ("ERBB2 Overexpression", "ERBB2 overexpression"),
        ("PTEN Loss", "PTEN loss"),
        ("NOTCH1 Loss-of-function", "NOTCH1 loss-of-function"),
        ("MET Exon 14 Skipping Mutation", "MET exon 14 skipping mutation"),
        ("PDGFRA I843DEL", "PDGFRA I843del"),
        ("AR AR-V7", "AR-V7"),
    ],
)
def test_civic_variant_names_become_the_grammar(civic: str, expected: str, curated_kb) -> None:  # type: ignore[no-untyped-def]
    text = civic_variant_text(civic)
    assert text == expected
    builder = EntityBuilder(curated_kb, ImportResult("civic", "x", "y"))
    builder.alteration(text)  # parses


@pytest.mark.parametrize("civic", ["TP53 Wildtype", "EML4::ALK e6::e20"])
def test_civic_variants_outside_the_grammar_skip(civic: str) -> None:
    with pytest.raises(Skip):
        civic_variant_text(civic)


def test_civic_counts_add_up(civic_tsv: Path, civic_import: ImportResult) -> None:
    s = civic_import.summary()
    assert s["rows"] == len(_rows(civic_tsv)) == 4854
    assert s["rows_imported"] + s["rows_skipped"] == s["rows"]
    assert s["facts"] == s["rows_imported"]
    assert s["facts"] > 2000
    by_effect = Counter(f.effect for f in civic_import.facts)
    assert set(by_effect) == {"resistance", "sensitivity", "reduced_sensitivity"}
    assert all(item["examples"] for item in s["skipped"])
    assert all(f.mechanism_inferred and f.record for f in civic_import.facts)


def test_civic_unknown_entities_are_minimal_and_never_override_curated(civic_import: ImportResult, curated_kb) -> None:  # type: ignore[no-untyped-def]
    assert not set(civic_import.drugs) & set(curated_kb.drugs)
    assert not set(civic_import.genes) & set(curated_kb.genes)
    assert not set(civic_import.tumors) & set(curated_kb.tumors)
    unclassified = [d for d in civic_import.drugs.values() if d.classes == [UNCLASSIFIED]]
    assert unclassified and UNCLASSIFIED in civic_import.drug_classes
    assert all(d.name == d.name.lower() for d in civic_import.drugs.values())
    assert any(code.startswith("DOID_") for code in civic_import.tumors)


def test_imported_alterations_parse_with_the_one_grammar(civic_import: ImportResult, cgi_import: ImportResult) -> None:
    genes = {**civic_import.genes, **cgi_import.genes}

    def resolve(token: str) -> str | None:
        return token.upper() if token.upper() in genes else None

    from oncoresist.knowledge import load_knowledge

    kb = load_knowledge(include_imports=False)
    for fact in civic_import.facts[:500] + cgi_import.facts[:500]:
        for a in fact.alterations:
            parse_alteration(a, lambda t: kb.resolve_gene(t) or resolve(t))


# ------------------------------------------------------------------------ CGI
def test_cgi_bracketed_drug_list_names_drugs_and_family(cgi_import: ImportResult) -> None:
    fact = _facts_by_id(cgi_import)["cgi-row1"]  # ABL1:T315I  [Nilotinib,Dasatinib]  [BCR-ABL inhibitor 2nd gen]
    assert fact.alterations == ["ABL1 T315I"]
    assert fact.drugs == ["nilotinib", "dasatinib"]
    assert len(fact.drug_classes) == 1
    assert fact.effect == "resistance"
    assert fact.evidence_level == "A"  # European LeukemiaNet guidelines
    assert fact.mechanism == "on_target_mutation"
    assert fact.record == "cgi:row1"


def test_cgi_amplification_and_forms(cgi_tsv: Path, cgi_import: ImportResult) -> None:
    rows = _rows(cgi_tsv)
    amp_rows = [i for i, r in enumerate(rows, start=1) if r["Alteration"] == "ERBB2:amp"]
    assert amp_rows
    facts = [f for f in cgi_import.facts if f.record in {f"cgi:row{i}" for i in amp_rows}]
    assert facts and all(f.alterations == ["ERBB2 amplification"] for f in facts)
    # a comma list is a choice: one fact per listed variant
    n = next(i for i, r in enumerate(rows, start=1) if r["Alteration"].startswith("ABL1:T315A,F317L"))
    listed = [f for f in cgi_import.facts if f.record == f"cgi:row{n}"]
    assert [f.alterations[0] for f in listed][:3] == ["ABL1 T315A", "ABL1 F317L", "ABL1 F317V"]


def _row_facts(rows: list[dict[str, str]], cgi_import: ImportResult, alteration: str) -> list[list[str]]:
    [n] = [i for i, r in enumerate(rows, start=1) if r["Alteration"] == alteration]
    return [f.alterations for f in cgi_import.facts if f.record == f"cgi:row{n}"]


def test_cgi_semicolon_within_one_gene_lists_alternatives(cgi_tsv: Path, cgi_import: ImportResult) -> None:
    """A ``;`` part without its gene is one more variant of the same biomarker (Biomarker ``MET (Y1230C;Y1235D)``,
    one Alteration type ``MUT``): one fact per variant. Before: one fact requiring MET Y1230C *and* Y1235D, so a
    tumour with either alone matched nothing (the variants after the ``;`` were in effect dropped)."""
    rows = _rows(cgi_tsv)
    met = next(r for r in rows if r["Alteration"] == "MET:Y1230C;Y1235D")
    assert (met["Biomarker"], met["Alteration type"]) == ("MET (Y1230C;Y1235D)", "MUT")
    assert _row_facts(rows, cgi_import, "MET:Y1230C;Y1235D") == [["MET Y1230C"], ["MET Y1235D"]]
    assert _row_facts(rows, cgi_import, "JAK1:S646F;R683.") == [["JAK1 S646F"], ["JAK1 R683"]]
    assert _row_facts(rows, cgi_import, "MAP2K1:Q56P,P124S,P124L;C121S") == [
        ["MAP2K1 Q56P"], ["MAP2K1 P124S"], ["MAP2K1 P124L"], ["MAP2K1 C121S"]
    ]


def test_cgi_semicolon_naming_the_gene_again_is_required_together(cgi_tsv: Path, cgi_import: ImportResult) -> None:
    rows = _rows(cgi_tsv)
    assert _row_facts(rows, cgi_import, "AR:F877L;AR:T878A") == [["AR F877L", "AR T878A"]]  # AR (F877L) + AR (T878A)
    assert _row_facts(rows, cgi_import, "HGF:amp;ERBB2:amp") == [["HGF amplification", "ERBB2 amplification"]]
    two = _row_facts(rows, cgi_import, "FGFR2:N549H,V564F,K659M,L617V,K641R,R565A;FGFR2__.")
    assert len(two) == 6 and all(len(alts) == 2 and alts[1] == "FGFR2 fusion" for alts in two)


def test_cgi_every_row_parts_agree_with_alteration_type_and_biomarker(cgi_tsv: Path) -> None:
    """The rule the importer relies on, over the whole snapshot: the ``;`` parts that name a gene are the
    biomarkers required together, as many as the ``;`` parts of Alteration type and the `` + `` parts of Biomarker."""
    from oncoresist.knowledge.importers.cgi import _segments

    rows = _rows(cgi_tsv)
    for r in rows:
        groups = _segments(r["Alteration"])
        assert len(groups) == len(r["Alteration type"].split(";")) == len(r["Biomarker"].split(" + ")), r


@pytest.mark.parametrize(
    ("seg", "expected"),
    [
        ("ABL1:T315I", ["ABL1 T315I"]),
        ("EGFR:.", ["EGFR mutation"]),
        ("ERBB2:amp", ["ERBB2 amplification"]),
        ("PTEN:del", ["PTEN loss"]),
        ("AR:over", ["AR overexpression"]),
        ("KIT:V559.,V560.", ["KIT V559", "KIT V560"]),
        ("KIT:550-592", ["KIT codons 550-592"]),
        ("EGFR:G719.", ["EGFR G719"]),
        ("ESR1:.537.", ["ESR1 codon 537"]),
        ("BCR__ABL1", ["BCR::ABL1"]),
        ("ABL1__BCR", ["BCR::ABL1"]),  # CGI's alphabetical order; the curated BCR::ABL1 gives the orientation
        ("AKT3__.", ["AKT3 fusion"]),
    ],
)
def test_cgi_alteration_forms(seg: str, expected: list[str], curated_kb) -> None:  # type: ignore[no-untyped-def]
    assert segment_texts(seg, curated_kb, "") == expected


def test_cgi_wildtype_and_consequence_forms_skip(curated_kb) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Skip, match="wild-type"):
        segment_texts("KIT::wildtype:.", curated_kb, "KIT wildtype")
    with pytest.raises(Skip, match="consequence"):
        segment_texts("BRAF::consequence::inframe_deletion:L485.", curated_kb, "BRAF inframe deletion (L485)")
    assert segment_texts("EGFR::consequence::inframe_insertion:762-823", curated_kb, "EGFR exon 20 insertions") == [
        "EGFR exon 20 insertion"
    ]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("FDA guidelines", "A"),
        ("NCCN guidelines", "A"),
        ("European LeukemiaNet guidelines", "A"),
        ("Late trials", "B"),
        ("Early trials", "C"),
        ("Case report", "C"),
        ("Pre-clinical", "D"),
        ("Late trials,Pre-clinical", "B"),
    ],
)
def test_cgi_evidence_levels(text: str, level: str) -> None:
    assert evidence_level(text) == level


def test_cgi_counts_and_reasons(cgi_tsv: Path, cgi_import: ImportResult) -> None:
    s = cgi_import.summary()
    assert s["rows"] == len(_rows(cgi_tsv)) == 1442
    assert s["rows_imported"] + s["rows_skipped"] == s["rows"]
    reasons = {item["reason"] for item in s["skipped"]}
    assert any("No Responsive" in r for r in reasons)
    assert any("Increased Toxicity" in r for r in reasons)
    resistant_rows = {f.record for f in cgi_import.facts if f.effect == "resistance"}
    assert 250 < len(resistant_rows) <= 333
    assert all(f.sources for f in cgi_import.facts)
    assert all(s_.startswith(("PMID:", "DOI:", "label:", "guideline:")) for f in cgi_import.facts for s_ in f.sources)


# ------------------------------------------------------------------ inference
def test_mechanism_rules_use_curated_targets_and_pathways(curated_kb) -> None:  # type: ignore[no-untyped-def]
    rules = MechanismRules(curated_kb)

    def alt(t: str):  # type: ignore[no-untyped-def]
        return parse_alteration(t, curated_kb.resolve_gene)

    assert rules.infer([alt("EGFR T790M")], ["osimertinib"], [])[0] == "on_target_mutation"
    assert rules.infer([alt("EGFR amplification")], ["osimertinib"], [])[0] == "target_amplification"
    assert rules.infer([alt("MET amplification")], ["osimertinib"], [])[0] == "bypass_pathway"
    assert rules.infer([alt("KRAS G12D")], ["cetuximab"], [])[0] == "downstream_pathway"
    assert rules.infer([alt("EML4::ALK"), alt("ALK G1202R")], ["crizotinib"], [])[0] == "on_target_mutation"


# --------------------------------------------------------------- file errors
def test_truncated_tsv_names_file_and_line(civic_tsv: Path, tmp_path: Path) -> None:
    lines = civic_tsv.read_bytes().split(b"\n")
    cut = tmp_path / "civic_cut.tsv"
    cut.write_bytes(b"\n".join(lines[:101]) + b"\n" + lines[101][:40])
    with pytest.raises(ImportFormatError) as exc:
        import_civic(cut)
    msg = str(exc.value)
    assert str(cut) in msg and "line 102" in msg and "\n" not in msg


def test_wrong_table_names_missing_columns(cgi_tsv: Path) -> None:
    with pytest.raises(ImportFormatError, match="missing column"):
        import_civic(cgi_tsv)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no such file"):
        import_cgi(tmp_path / "nope.tsv")


def test_write_import_is_atomic(civic_import: ImportResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_import(civic_import, tmp_path)
    doc = json.loads(path.read_text())
    assert doc["meta"]["facts"] == len(civic_import.facts)
    assert doc["meta"]["sha256"] == civic_import.sha256
    before = path.read_bytes()

    def boom(*_a: object, **_k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("oncoresist.knowledge.importers.store.json.dumps", boom)
    with pytest.raises(OSError):
        write_import(civic_import, tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["civic.json"]


def test_write_import_refuses_an_import_that_breaks_the_knowledge(civic_import: ImportResult, tmp_path: Path) -> None:
    good = write_import(civic_import, tmp_path)
    before = good.read_bytes()
    bad_fact = civic_import.facts[0].model_copy(update={"drugs": ["notadrug"], "drug_classes": []})
    bad = ImportResult(source="civic", path="bad.tsv", sha256="0", facts=[bad_fact])
    with pytest.raises(ImportFormatError, match=r"unknown drug 'notadrug'.*nothing written"):
        write_import(bad, tmp_path)
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["civic.json"]
