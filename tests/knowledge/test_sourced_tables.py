"""One reader for the sourced vocabulary tables (knowledge/_yaml.py): every packaged table reads through it, a row
without a source or a required field is refused in one line naming the file, the row's line and the field, and the
tables read as before (row counts and sources of the packaged files, read independently with PyYAML here)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import oncoresist
from oncoresist.errors import KnowledgeError
from oncoresist.knowledge import _yaml
from oncoresist.knowledge.oncotree import CLINICAL_SYNONYMS_FILE, clinical_tumor_synonyms
from oncoresist.knowledge.tumor_names import ABBREVIATIONS_FILE, tumor_abbreviations
from oncoresist.profile import exons, normalise

SRC = Path(oncoresist.__file__).parent


def _raw(path: Path, section: str) -> list[dict]:  # type: ignore[type-arg]
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))[section])


def test_the_packaged_tables_read_as_before() -> None:
    raw = _raw(ABBREVIATIONS_FILE, "abbreviations")
    got = tumor_abbreviations()
    assert [a.abbr for a in got] == [str(r["abbr"]) for r in raw]
    assert [a.source for a in got] == [str(r["source"]) for r in raw]
    raw = _raw(CLINICAL_SYNONYMS_FILE, "synonyms")
    assert [(s.name, s.code, s.source) for s in clinical_tumor_synonyms()] == [
        (str(r["name"]), str(r["code"]), str(r["source"])) for r in raw
    ]
    raw = _raw(normalise.CLASSES_FILE, "classes")
    assert [(c.id, c.gene, c.first_codon, c.last_codon) for c in normalise.variant_classes()] == [
        (r["id"], r["gene"], r["first_codon"], r["last_codon"]) for r in raw
    ]
    assert normalise._exon_aliases() == {("NPM1", 12): 11}
    assert exons.exon_source().startswith("Cancer Genome Interpreter")
    assert exons.exon_range("EGFR", 19) is not None


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "table.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_row_without_a_source_names_file_line_row_and_field(tmp_path: Path) -> None:
    p = _write(tmp_path, "abbreviations:\n  - {abbr: CRC, codes: [COADREAD], source: OncoTree}\n"
                         "  - {abbr: XYZ, codes: [BRCA]}\n")  # fmt: skip
    with pytest.raises(KnowledgeError) as err:
        tumor_abbreviations.__wrapped__(p)
    msg = str(err.value)
    assert msg == f"{p}:3: the tumour abbreviations row 2 ('XYZ'): field 'source' is missing or empty; fix the row"


def test_an_empty_or_malformed_source_is_refused(tmp_path: Path) -> None:
    p = _write(tmp_path, "synonyms:\n  - {name: a, code: BRCA, source: '  '}\n")
    with pytest.raises(KnowledgeError, match=r"table\.yaml:2: .* row 1 \('a'\): field 'source' is empty: give"):
        clinical_tumor_synonyms.__wrapped__(p)
    p = _write(tmp_path, "synonyms:\n  - {name: a, code: BRCA, source: 'PMID:12ab'}\n")
    with pytest.raises(KnowledgeError, match=r"field 'source' 'PMID:12ab' is not a well-formed identifier"):
        clinical_tumor_synonyms.__wrapped__(p)
    p = _write(tmp_path, "synonyms:\n  - {name: a, code: BRCA, source: 'PMID:12345 (Smith 2001)'}\n")
    assert clinical_tumor_synonyms.__wrapped__(p)[0].source == "PMID:12345 (Smith 2001)"


def test_a_missing_required_field_and_a_missing_section_are_one_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "synonyms:\n  - {name: a, source: NCIt}\n")
    with pytest.raises(KnowledgeError, match=r"table\.yaml:2: the clinical .* row 1 \('a'\): field 'code'"):
        clinical_tumor_synonyms.__wrapped__(p)
    p = _write(tmp_path, "synonym:\n  - {name: a, code: BRCA, source: NCIt}\n")
    with pytest.raises(KnowledgeError, match=r"field 'synonyms' must be a list of rows"):
        clinical_tumor_synonyms.__wrapped__(p)
    p = _write(tmp_path, "synonyms: [\n")
    with pytest.raises(KnowledgeError, match=r"table\.yaml:\d+: cannot read the clinical .*: not valid YAML"):
        clinical_tumor_synonyms.__wrapped__(p)
    with pytest.raises(KnowledgeError, match="cannot read the tumour abbreviations"):
        tumor_abbreviations.__wrapped__(tmp_path / "absent.yaml")


def test_errors_are_single_lines(tmp_path: Path) -> None:
    p = _write(tmp_path, "abbreviations:\n  - abbr: X\n    codes: BRCA\n    source: OncoTree\n")
    with pytest.raises(KnowledgeError) as err:
        tumor_abbreviations.__wrapped__(p)
    assert "\n" not in str(err.value) and "field 'codes' must be a list" in str(err.value)


def test_a_document_level_source_is_checked(tmp_path: Path) -> None:
    p = _write(tmp_path, "genes:\n  EGFR: {exons: {19: [729, 761]}}\n")
    with pytest.raises(KnowledgeError, match=r"cannot read the exon table: field 'source' is empty"):
        _yaml.sourced_document(p, "the exon table", required=("genes",))
    p = _write(tmp_path, "source: CGI\ngenes: {}\n")
    with pytest.raises(KnowledgeError, match=r"field 'genes' is missing or empty"):
        _yaml.sourced_document(p, "the exon table", required=("genes",))


def test_no_table_reader_of_the_layers_parses_yaml_on_its_own() -> None:
    # the sourced tables and vocabularies go through knowledge/_yaml.py; profile files users give are not tables
    allowed = {SRC / "knowledge" / "_yaml.py", SRC / "knowledge" / "loader.py", SRC / "profile" / "readers.py"}
    offenders = []
    for pkg in ("knowledge", "profile", "alteration", "annotate"):
        for f in (SRC / pkg).rglob("*.py"):
            text = f.read_text(encoding="utf-8")
            if f not in allowed and ("yaml.safe_load(" in text or "yaml.load(" in text):
                offenders.append(str(f.relative_to(SRC)))
    assert offenders == []
