"""Agreement of the annotator, with the CURATED knowledge only, with CIViC and CGI.

Not a round trip: the CIViC and CGI snapshots are *not* loaded; each public item is read
from its raw text and annotated against the hand-curated layer, and the verdict is compared
with what the item says. Runnable on its own (figures for docs/annotate.md):

    PYTHONPATH=src python tests/annotate/agreement.py [--levels ABCDE]

Items
-----
CIViC: Predictive evidence, direction "Supports", significance "Resistance" (expected
verdict ``resistant``) or "Sensitivity/Response" (expected ``sensitive``), of the evidence
levels asked for. The alteration is the raw ``molecular_profile`` text (a profile of several
variants is split at " AND ", CIViC's own conjunction); ``therapies`` are given together
for "Combination" items and one at a time otherwise (every drug must agree); the tumour is
the ``disease`` name as the knowledge resolves it (none = a tumour-agnostic query).

CGI: rows with Association "Resistant" (expected ``resistant``) or "Responsive"
(``sensitive``). The alteration is the row's ``individual_mutation`` (the one variant a
per-variant row stands for) or else its ``Alteration``; CGI's ``GENE:change`` is written
``GENE change`` (the only rewriting). Drugs in ``[A,B]`` are taken one at a time, ``A + B``
together; the tumour is the ``Primary Tumor type`` name (CGI's acronyms are its own, not
OncoTree codes), the acronym only as a fallback.

Classes of miss: ``unparsed`` (the grammar refuses the text), ``unknown name`` (a gene, drug
or tumour the curated vocabulary lacks; unknown tumours are not misses: the query runs
tumour-agnostic and is counted under ``tumour not resolved``), ``no knowledge`` (verdict
``unknown`` with no finding), ``undecided`` (``unknown`` with findings: a tie, reduced
sensitivity, or only outweighed evidence), ``opposite`` (the contrary verdict).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
CIVIC_TSV = SHARED / "civic" / "AcceptedClinicalEvidenceSummaries.tsv"
CGI_TSV = SHARED / "cgi" / "cgi_biomarkers_per_variant.tsv"
MISS_CLASSES = ("unparsed", "unknown name", "no knowledge", "undecided", "opposite")


@dataclass
class Agreement:
    source: str
    items: Counter[str] = field(default_factory=Counter)  # expected verdict -> items
    agree: Counter[str] = field(default_factory=Counter)
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, class) -> n
    unresolved_tumour: int = 0
    examples: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, expected: str, outcome: str | None, example: str) -> None:
        self.items[expected] += 1
        if outcome is None:
            self.agree[expected] += 1
            return
        self.misses[(expected, outcome)] += 1
        ex = self.examples.setdefault((expected, outcome), [])
        if len(ex) < 4:
            ex.append(example)

    def rate(self, expected: str, *, of_parsed: bool = False) -> float:
        n = self.items[expected]
        if of_parsed:
            n -= self.misses[(expected, "unparsed")] + self.misses[(expected, "unknown name")]
        return self.agree[expected] / n if n else 0.0

    def report(self) -> str:
        lines = [f"{self.source}"]
        for exp in sorted(self.items):
            n = self.items[exp]
            lines.append(
                f"  expected {exp}: {self.agree[exp]}/{n} agree ({100 * self.rate(exp):.1f}% of all, "
                f"{100 * self.rate(exp, of_parsed=True):.1f}% of those parsed with known names)"
            )
            for cls in MISS_CLASSES:
                k = self.misses[(exp, cls)]
                if k:
                    lines.append(f"    {cls}: {k}  e.g. {'; '.join(self.examples[(exp, cls)][:3])}")
        lines.append(f"  tumour not resolved (annotated tumour-agnostic): {self.unresolved_tumour}")
        return "\n".join(lines)


def curated_knowledge():  # type: ignore[no-untyped-def]
    """The curated layer alone (no imports, whatever the environment selects)."""
    from oncoresist.knowledge.loader import load_knowledge

    return load_knowledge(include_imports=False)


def _outcome(kb: Any, alts: list[str], drug_sets: list[list[str]], tumor: str | None, expected: str) -> str | None:
    """``None`` when every drug set gives the expected verdict, else the class of the miss."""
    from oncoresist.annotate import annotate
    from oncoresist.errors import AlterationSyntaxError, UnknownNameError

    for drugs in drug_sets:
        try:
            res = annotate(alts, drug=drugs, tumor=tumor, knowledge=kb)
        except UnknownNameError:
            return "unknown name"
        except AlterationSyntaxError:
            return "unparsed"
        if res.verdict == expected:
            continue
        if res.verdict == "unknown":
            return "no knowledge" if not res.findings else "undecided"
        return "opposite"
    return None


def _tumour(kb: Any, names: list[str], ag: Agreement) -> str | None:
    for n in names:
        if n and (code := kb.resolve_tumor(n)):
            return str(code)
    ag.unresolved_tumour += 1
    return None


def civic_agreement(kb: Any, levels: str = "AB") -> Agreement:
    ag = Agreement(f"CIViC Predictive Supports, levels {levels}, curated knowledge only")
    expect = {"Resistance": "resistant", "Sensitivity/Response": "sensitive"}
    with CIVIC_TSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["evidence_type"] != "Predictive" or row["evidence_direction"] != "Supports":
                continue
            if row["significance"] not in expect or row["evidence_level"] not in levels:
                continue
            drugs = [d.strip() for d in row["therapies"].split(",") if d.strip()]
            if not drugs:
                continue
            sets = [drugs] if row["therapy_interaction_type"] == "Combination" else [[d] for d in drugs]
            alts = [a.strip() for a in row["molecular_profile"].split(" AND ") if a.strip()]
            tumor = _tumour(kb, [row["disease"]], ag)
            exp = expect[row["significance"]]
            ex = f"EID{row['evidence_id']} {row['molecular_profile']!r} / {row['therapies']} / {row['disease']}"
            ag.add(exp, _outcome(kb, alts, sets, tumor, exp), ex)
    return ag


def cgi_agreement(kb: Any) -> Agreement:
    ag = Agreement("CGI Resistant/Responsive, curated knowledge only")
    expect = {"Resistant": "resistant", "Responsive": "sensitive"}
    with CGI_TSV.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=1):
            exp = expect.get(row["Association"].strip())
            if exp is None:
                continue
            text = (row.get("individual_mutation") or "").strip() or row["Alteration"].strip()
            alts = [a.replace(":", " ", 1) for a in text.split(";") if a.strip()]
            raw = row["Drug"].strip()
            if raw.startswith("[") and raw.endswith("]"):
                sets = [[d.strip()] for d in raw[1:-1].split(",") if d.strip()]
            else:
                sets = [[d.strip() for d in raw.split("+") if d.strip()]]
            # CGI's acronyms are its own, not OncoTree codes (its CM is cutaneous melanoma, OncoTree's CM
            # conjunctival melanoma): the tumour type names first, the acronyms only as a fallback
            names = [t.strip() for t in row.get("Primary Tumor type", "").split(";")]
            tumor = _tumour(kb, names + [t.strip() for t in row["Primary Tumor acronym"].split(";")], ag)
            ag.add(
                exp, _outcome(kb, alts, sets, tumor, exp), f"row{n} {text!r} / {raw} / {row['Primary Tumor acronym']}"
            )
    return ag


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - command line
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", default="AB", help="CIViC evidence levels to include (default AB)")
    args = ap.parse_args(argv)
    kb = curated_knowledge()
    print(f"knowledge {kb.version}")
    print(civic_agreement(kb, args.levels).report())
    print(cgi_agreement(kb).report())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
