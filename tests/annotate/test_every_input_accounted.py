"""Every input alteration ends as a finding or in the uncovered list with its reason (before: RUNX1 and
U2AF1 mutations of the vcf2maf test MAF, annotated for osimertinib, were neither)."""

from __future__ import annotations

from pathlib import Path

from oncoresist.annotate.api import annotate, annotate_samples
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.readers import read_maf

ROWS = [  # gene, class, HGVSp_Short
    ("EGFR", "Missense_Mutation", "p.L858R"),
    ("RUNX1", "Missense_Mutation", "p.G367D"),
    ("RUNX1", "Splice_Region", ""),
    ("U2AF1", "Missense_Mutation", "p.D233N"),
    ("U2AF1", "Silent", "p.I24="),
    ("SETD4", "Missense_Mutation", "p.E301Q"),
]


def _maf(tmp_path: Path) -> Path:
    p = tmp_path / "small.maf"
    lines = ["Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode\tHGVSp_Short"]
    lines += [f"{g}\t{c}\tS1\t{h}" for g, c, h in ROWS]
    p.write_text("\n".join(lines) + "\n")
    return p


def _kb() -> Knowledge:
    return load_knowledge()


def test_every_row_is_a_finding_or_uncovered_with_a_reason(tmp_path: Path) -> None:
    kb = _kb()
    sample = read_maf(_maf(tmp_path), kb).samples["S1"]
    for res in (annotate(sample, drug="osimertinib", tumor="NSCLC", knowledge=kb),
                next(annotate_samples([sample], drug="osimertinib", tumor="NSCLC", knowledge=kb))):
        found = {n for f in res.findings for n in (f.alteration, *f.observed)}
        uncovered = {u.input: u.reason for u in res.unrecognised_detail}
        assert "EGFR L858R" in found
        assert uncovered["RUNX1 G367D"].startswith("no finding for osimertinib: ")
        assert uncovered["U2AF1 D233N"].startswith("no finding for osimertinib: ")
        assert "no fact or option in the knowledge names SETD4" in uncovered["SETD4 E301Q"]
        assert "no protein effect" in uncovered["RUNX1 Splice_Region row"]
        assert "no protein effect" in uncovered["U2AF1 Silent row"]
        assert len(found & set(res.alterations)) + len(uncovered) == len(ROWS)
        assert res.unrecognised == [u.input for u in res.unrecognised_detail]
