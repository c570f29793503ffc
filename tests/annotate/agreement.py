"""Agreement of the annotator with public evidence (CIViC, CGI), used by the tests and
runnable on its own: ``python tests/annotate/agreement.py`` prints rates and misses.

For every CIViC accepted level A/B Predictive "Resistance"/"Supports" item, and every
CGI ``Resistant`` row, that the importer translated (its molecular profile parses),
the item's alterations are annotated with the item's drug(s) in the item's disease;
the verdict must be ``resistant``. Items the importer could not translate are listed
with the importer's reason.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
CIVIC_TSV = SHARED / "civic" / "AcceptedClinicalEvidenceSummaries.tsv"
CGI_TSV = SHARED / "cgi" / "cgi_biomarkers_per_variant.tsv"


@dataclass
class Agreement:
    source: str
    items: int = 0
    imported: int = 0
    reproduced: int = 0
    misses: list[str] = field(default_factory=list)
    not_imported: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.reproduced / self.imported if self.imported else 0.0

    def report(self) -> str:
        lines = [
            f"{self.source}: {self.reproduced}/{self.imported} translated items reproduced ({100 * self.rate:.1f}%); "
            f"{self.items} items in all, {self.items - self.imported} not translated by the importer"
        ]
        lines += [f"  MISS {m}" for m in self.misses]
        lines += [f"  not translated ({n}x): {why}" for why, n in self.not_imported.most_common()]
        return "\n".join(lines)


def build_knowledge(import_dir: Path):  # type: ignore[no-untyped-def]
    """Import CIViC and CGI into ``import_dir`` and load curated + imported knowledge."""
    from oncoresist.knowledge.importers import import_cgi, import_civic, write_import
    from oncoresist.knowledge.loader import load_knowledge

    base = load_knowledge(include_imports=False)
    write_import(import_civic(CIVIC_TSV, base), import_dir)
    write_import(import_cgi(CGI_TSV, base), import_dir)
    return load_knowledge(imports=import_dir)


def _check_fact(fact, tumor_tokens: list[str], kb) -> str | None:  # type: ignore[no-untyped-def]
    """``None`` when the fact's alterations give ``resistant`` for each of its drugs, else why not."""
    from oncoresist.annotate import annotate
    from oncoresist.errors import OncoresistError

    tumor = next((kb.resolve_tumor(t) for t in tumor_tokens if t and kb.resolve_tumor(t)), None)
    if tumor is None and fact.tumors:
        tumor = fact.tumors[0]
    if fact.therapy_mode == "combination":
        drug_sets = [list(fact.drugs) + [kb.drugs_in_class(c)[0] for c in fact.drug_classes]]
    else:
        drug_sets = [[d] for d in sorted(kb.fact_drugs(fact))]
    for drugs in drug_sets:
        try:
            res = annotate(list(fact.alterations), drug=drugs, tumor=tumor, knowledge=kb)
        except OncoresistError as exc:
            return f"{fact.id} {fact.alterations} on {drugs} in {tumor}: error {exc}"
        if res.verdict != "resistant":
            return f"{fact.id} {fact.alterations} on {drugs} in {tumor}: {res.verdict}"
    return None


def _by_record(kb) -> dict[str, list]:  # type: ignore[no-untyped-def]
    out: dict[str, list] = {}
    for f in kb.facts:
        if f.record and f.effect == "resistance":
            out.setdefault(f.record, []).append(f)
    return out


def _skip_reasons(kb, source: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """example -> reason from the import's meta (examples are EIDs, rows or profile texts)."""
    out: dict[str, str] = {}
    for meta in kb.imports.values():
        if meta.get("source") != source:
            continue
        for s in meta.get("skipped", []):
            for ex in s.get("examples", []):
                out.setdefault(ex, s["reason"])
    return out


def civic_agreement(kb) -> Agreement:  # type: ignore[no-untyped-def]
    ag = Agreement("CIViC A/B Predictive Resistance Supports")
    recs = _by_record(kb)
    reasons = _skip_reasons(kb, "civic")
    with CIVIC_TSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if (row["evidence_type"], row["significance"], row["evidence_direction"]) != (
                "Predictive", "Resistance", "Supports"
            ) or row["evidence_level"] not in ("A", "B"):  # fmt: skip
                continue
            ag.items += 1
            eid = f"EID{row['evidence_id']}"
            facts = recs.get(f"civic:{eid}", [])
            if not facts:
                why = (
                    reasons.get(eid)
                    or reasons.get(row["molecular_profile"])
                    or "skipped by the importer (reason counted in its import report)"
                )
                ag.not_imported[f"{why}: {row['molecular_profile']}"] += 1
                continue
            ag.imported += 1
            miss = next((m for f in facts if (m := _check_fact(f, [row["disease"]], kb))), None)
            if miss:
                ag.misses.append(
                    f"civic:{eid} {row['molecular_profile']!r} / {row['therapies']} / {row['disease']}: {miss}"
                )
            else:
                ag.reproduced += 1
    return ag


def cgi_agreement(kb) -> Agreement:  # type: ignore[no-untyped-def]
    ag = Agreement("CGI Resistant")
    recs = _by_record(kb)
    reasons = _skip_reasons(kb, "cgi")
    with CGI_TSV.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=1):
            if row["Association"].strip() != "Resistant":
                continue
            ag.items += 1
            facts = recs.get(f"cgi:row{n}", [])
            if not facts:
                why = (
                    reasons.get(f"row {n}")
                    or reasons.get(row["Alteration"])
                    or "skipped by the importer (reason counted in its import report)"
                )
                ag.not_imported[f"{why}: {row['Alteration']}"] += 1
                continue
            ag.imported += 1
            # CGI's acronyms are its own, not OncoTree codes (its CM is cutaneous melanoma, OncoTree's CM
            # conjunctival melanoma): resolve the tumour names; unresolved names fall back to the fact's mapped code
            tumors = [t.strip() for t in row["Primary Tumor type"].split(";")]
            miss = next((m for f in facts if (m := _check_fact(f, tumors, kb))), None)
            if miss:
                ag.misses.append(
                    f"cgi:row{n} {row['Alteration']!r} / {row['Drug']} / {row['Primary Tumor acronym']}: {miss}"
                )
            else:
                ag.reproduced += 1
    return ag


if __name__ == "__main__":  # pragma: no cover
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        kb = build_knowledge(Path(tmp))
        for ag in (civic_agreement(kb), cgi_agreement(kb)):
            print(ag.report())
    sys.exit(0)
