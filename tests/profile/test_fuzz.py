"""Property tests (Hypothesis): the grammar round-trips; readers given garbage raise only the project's errors."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncoresist.alteration import parse_alteration
from oncoresist.alteration.vocabulary import WORDS
from oncoresist.errors import OncoresistError
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile import readers

KB = load_knowledge(include_imports=False)
GENES = ["EGFR", "KRAS", "ALK", "FLT3", "NPM1", "TP53", "NKX2-1", "H3-3A", "HLA-A", "BRCA1", "MET", "ABL1", "HER2"]
AA = "ACDEFGHIKLMNPQRSTVWY"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

aa = st.sampled_from(AA)
pos = st.integers(min_value=1, max_value=3000)


@st.composite
def protein_changes(draw: st.DrawFn) -> str:
    r, s = draw(aa), draw(pos)
    n = draw(st.integers(min_value=0, max_value=12))
    ins = draw(st.text(alphabet=AA + "*", min_size=1, max_size=8))
    forms = [
        f"{r}{s}{draw(aa)}", f"p.{r}{s}{draw(st.sampled_from(AA + '*='))}", f"{r}{s}_{draw(aa)}{s + n}del",
        f"{r}{s}_{draw(aa)}{s + 1}ins{ins}", f"{r}{s}_{draw(aa)}{s + n}delins{ins}", f"{r}{s}_{draw(aa)}{s + n}dup",
        f"{r}{s}fs", f"{r}{s}{draw(aa)}fs*{n + 1}", "M1?", f"{s}_{s + 1}ins{ins}", f"X{s}_splice",
        f"c.{s}{draw(st.sampled_from(['+', '-']))}{n + 1}G>A", f"{r}{s}", f"codons {s}-{s + n}", f"{r}{s}X",
    ]  # fmt: skip
    return draw(st.sampled_from(forms))


words = st.sampled_from(sorted(WORDS))
exons = st.builds(
    lambda n, k: f"exon {n} {k}", st.integers(1, 30), st.sampled_from(["deletion", "insertion", "mutation", "skipping"])
)


@st.composite
def alteration_texts(draw: st.DrawFn) -> str:
    gene = draw(st.sampled_from(GENES))
    change = draw(st.one_of(protein_changes(), words, exons))
    text = f"{gene} {change}"
    if draw(st.booleans()) and draw(st.booleans()):
        text = f"{draw(st.sampled_from(['germline', 'somatic']))} {text}"
    if draw(st.booleans()) and draw(st.booleans()):
        text += draw(st.sampled_from([" in cis", " in trans", " (in cis with T790M)"]))
    return text


@SETTINGS
@given(alteration_texts())
def test_grammar_round_trip(text: str) -> None:
    try:
        alt = parse_alteration(text, KB.resolve_gene)
    except OncoresistError:
        return  # refused with the project's error: fine (e.g. 'exon 3 skipping' is read, 'fusion in cis' is not)
    again = parse_alteration(alt.name, KB.resolve_gene)
    assert dataclasses.replace(again, fusion_context=alt.fusion_context) == alt, (text, alt.name, again.name)


@SETTINGS
@given(st.text(max_size=300))
def test_grammar_refuses_garbage_with_its_error(text: str) -> None:
    for resolver in (KB.resolve_gene, None):
        try:
            alt = parse_alteration(text, resolver)
        except OncoresistError:
            continue
        assert parse_alteration(alt.name, resolver).name == alt.name


READERS = {
    ".maf": lambda p: readers.read_maf(p, KB),
    ".vcf": lambda p: readers.read_vcf(p, KB),
    ".tsv": lambda p: readers.read_alteration_table(p, KB),
    ".yaml": lambda p: readers.read_profile_file(p, KB),
    ".json": lambda p: readers.read_profile_file(p, KB),
}
PREFIX = {
    ".maf": b"Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode\tHGVSp_Short\n",
    ".vcf": b"##fileformat=VCFv4.2\n",
    ".tsv": b"sample\tgene\talteration\n",
    ".yaml": b"alterations:\n",
    ".json": b'{"alterations": ',
}


@pytest.mark.parametrize("suffix", sorted(READERS))
def test_readers_raise_only_the_project_errors(suffix: str) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=600), st.booleans())
    def check(data: bytes, with_prefix: bool) -> None:
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / f"in{suffix}"
            p.write_bytes((PREFIX[suffix] if with_prefix else b"") + data)
            with contextlib.suppress(OncoresistError):  # anything else fails the test
                READERS[suffix](p)

    check()


def test_fuzz_script_small_budget() -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    import fuzz_parsers

    outcomes, crashes = fuzz_parsers.run(400, seed=7)
    assert crashes == []
    assert sum(o.ok + o.refused for o in outcomes.values()) == 400
    assert outcomes["alteration"].ok > 0 and outcomes["maf"].refused > 0  # both answers occur
