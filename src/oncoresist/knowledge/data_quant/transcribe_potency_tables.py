"""Transcribe the primary potency tables into the quantitative knowledge (run by hand, not imported).

    python src/oncoresist/knowledge/data_quant/transcribe_potency_tables.py ../shared/data/potency

Writes ``potency_egfr_robichaux2021.yaml`` and ``potency_bcr_abl1_hauser2018.yaml`` beside this
file. Every number is copied from the shared tables (the test
``tests/knowledge/test_quant_primary_tables.py`` re-reads them and finds each one). Rules:

Robichaux et al. 2021 (Nature, DOI:10.1038/s41586-021-03898-1), Fig. 2a source data: per
(mutant, drug) the three replicate log10(mutant IC50 / wild-type IC50) are kept; the entry's
``fold_change`` is 10**mean(replicates) against ``EGFR wild-type``. A replicate is *censored*
(no response at the top dose, ``>``) when its exact value recurs for two or more different
mutants of the same drug: an identical 16-digit value can only be the sheet's top-dose
placeholder (the data README names 1.5555 for erlotinib; gefitinib's is 1.4618, lazertinib's
1.4179, ...). A recurring value below zero is a bottom-dose placeholder (``<``). An entry with a
censored replicate is a bound in that direction. Only drugs and mutant names the curated
knowledge can read are transcribed; the rest are listed in docs/quantitative_knowledge.md.

Hauser et al. 2018 (Commun Biol, DOI:10.1038/s42003-018-0075-x), as prepared by
openkinome/study-abl-resistance: IC50 in nM, 10000 = above 10 uM (``>``). The file has no
wild-type row; the wild-type IC50 per drug is derived from the file's own experimental
ddG = RT ln(IC50_mut / IC50_wt) (RT at 298.15 K): the median over the drug's rows of
IC50 * exp(-ddG / RT). The ponatinib G250E value (0.021 nM) disagrees with its own row's ddG
(0.30 kcal/mol, which implies ~5 nM, as for Y253F) and is left out: the paper's table could not be
read here to correct it.
"""

from __future__ import annotations

import csv
import math
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RT_KCAL = 0.0019872036 * 298.15

ROBICHAUX_DRUGS = {
    "Erlotinib": "erlotinib",
    "Gefitinib": "gefitinib",
    "Afatinib": "afatinib",
    "Dacomitinib": "dacomitinib",
    "Osimertinib": "osimertinib",
    "Rociletinib": "rociletinib",
    "Lazertinib": "lazertinib",
    "Mobocertinib": "mobocertinib",
    "Neratinib": "neratinib",
}
HAUSER_DRUGS = ("imatinib", "nilotinib", "dasatinib", "bosutinib", "ponatinib")
HAUSER_EXCLUDED = {("ponatinib", "G250E")}

# Robichaux names the curated alteration grammar cannot read as written; their HGVS-style
# equivalents are not guessed here (left out and listed in the docs).
ROBICHAUX_NAMES = {"Ex19del": "EGFR exon 19 deletion"}


def _robichaux_alterations(mutation: str) -> list[str]:
    parts = mutation.replace(" ", "/").split("/")
    return [ROBICHAUX_NAMES.get(p, f"EGFR {p}") for p in parts]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def robichaux(path: Path, readable: set[str]) -> list[dict[str, object]]:
    rows = list(csv.DictReader(path.open(), delimiter="\t"))
    recurring: Counter[tuple[str, str]] = Counter()
    mutants_per_value: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        mutants_per_value[(r["drug"], r["log10_mutant_over_wt_ic50"])].add(r["mutation"])
    for key, muts in mutants_per_value.items():
        recurring[key] = len(muts)
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        groups[(r["mutation"], r["drug"])].append(r)
    out: list[dict[str, object]] = []
    for (mutation, drug), reps in groups.items():
        if drug not in ROBICHAUX_DRUGS:
            continue
        alts = _robichaux_alterations(mutation)
        if not all(a in readable for a in alts):
            continue
        reps.sort(key=lambda r: int(r["replicate"]))
        values = [float(r["log10_mutant_over_wt_ic50"]) for r in reps]
        quals = []
        for r, v in zip(reps, values, strict=True):
            placeholder = recurring[(drug, r["log10_mutant_over_wt_ic50"])] >= 2
            quals.append((">" if v > 0 else "<") if placeholder else "=")
        mean = statistics.fmean(values)
        qual = ">" if ">" in quals else ("<" if "<" in quals else "=")
        if ">" in quals and "<" in quals:
            continue  # bounds both ways: no usable number
        entry: dict[str, object] = {
            "id": f"robichaux2021-{_slug(ROBICHAUX_DRUGS[drug])}-{_slug(mutation)}",
            "gene": "EGFR",
            "alterations": alts,
            "reference": ["EGFR wild-type"],
            "drug": ROBICHAUX_DRUGS[drug],
            "fold_change": float(f"{10**mean:.4g}"),
            "fold_change_qualifier": qual,
            "log10_fold_replicates": values,
            "replicate_qualifiers": quals,
            "assay": "Ba/F3 EGFR-mutant cell viability",
            "source": "DOI:10.1038/s41586-021-03898-1",
            "table": "Fig. 2a source data",
            "note": f"as written in the paper: {mutation} ({reps[0]['structural_group']})",
        }
        if len(values) > 1:
            entry["log10_fold_sd"] = round(statistics.stdev(values), 4)
        out.append(entry)
    return out


def hauser(path: Path) -> list[dict[str, object]]:
    rows = [r for r in csv.DictReader(path.open()) if r["tki"] in HAUSER_DRUGS]
    wt: dict[str, float] = {}
    for drug in HAUSER_DRUGS:
        implied = [
            float(r["IC50"]) / math.exp(float(r["ddG_exp"]) / RT_KCAL)
            for r in rows
            if r["tki"] == drug and r["ddG_exp"] and (drug, r["mutation"]) not in HAUSER_EXCLUDED
        ]
        wt[drug] = float(f"{statistics.median(implied):.3g}")
    out: list[dict[str, object]] = []
    for r in rows:
        if (r["tki"], r["mutation"]) in HAUSER_EXCLUDED:
            continue
        ic50 = float(r["IC50"])
        out.append(
            {
                "id": f"hauser2018-{r['tki']}-{_slug(r['mutation'])}",
                "gene": "ABL1",
                "alterations": ["BCR::ABL1", f"ABL1 {r['mutation']}"],
                "reference": ["BCR::ABL1"],
                "drug": r["tki"],
                "ic50_nM": ic50,
                "ic50_qualifier": ">" if ic50 >= 10000 else "=",
                "reference_ic50_nM": wt[r["tki"]],
                "ddg_exp_kcal_mol": float(r["ddG_exp"]),
                "assay": "cellular IC50 compiled by Hauser et al. 2018 (per-row assay not in the file)",
                "source": "DOI:10.1038/s42003-018-0075-x",
                "table": "supplementary data",
                "note": (
                    "reference_ic50_nM derived, not read: median over this drug's rows of "
                    "IC50*exp(-ddG_exp/RT), RT at 298.15 K; 10000 nM in the file = above 10 uM"
                ),
            }
        )
    return out


def _dump(path: Path, header: str, entries: list[dict[str, object]]) -> None:
    class _Flow(list[object]):
        pass

    def _flow(d: yaml.Dumper, v: _Flow) -> yaml.Node:
        return d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)

    yaml.add_representer(_Flow, _flow)
    for e in entries:
        for k in ("alterations", "reference", "log10_fold_replicates", "replicate_qualifiers"):
            if k in e:
                e[k] = _Flow(e[k])  # type: ignore[call-overload]
    body = yaml.dump({"schema_version": "1", "potency": entries}, sort_keys=False, width=140)
    path.write_text(header + body)


def main(potency_dir: Path) -> None:
    sys.path.insert(0, str(HERE.parents[2]))
    from oncoresist.alteration import parse_alteration
    from oncoresist.errors import AlterationSyntaxError

    names = set()
    tsv = potency_dir / "robichaux2021_egfr/robichaux2021_fig2a_log10_ic50_ratio.tsv"
    for r in csv.DictReader(tsv.open(), delimiter="\t"):
        names.update(_robichaux_alterations(r["mutation"]))
    readable = set()
    for n in names:
        try:
            parse_alteration(n)
            readable.add(n)
        except AlterationSyntaxError:
            print(f"left out (name not readable): {n}")
    egfr = robichaux(tsv, readable)
    _dump(
        HERE / "potency_egfr_robichaux2021.yaml",
        "# Potency of EGFR TKIs on EGFR mutants: Robichaux et al. 2021, Nature, Fig. 2a source data.\n"
        "# Generated by transcribe_potency_tables.py from ../shared/data/potency (rules in its docstring);\n"
        "# fold_change = 10**mean(log10_fold_replicates) against wild-type EGFR in the same panel;\n"
        "# '>' = at least one replicate without response at the top dose (censored).\n",
        egfr,
    )
    abl = hauser(potency_dir / "hauser2018_abl1/hauser_mutations.csv")
    _dump(
        HERE / "potency_bcr_abl1_hauser2018.yaml",
        "# Potency of ABL1 TKIs on ABL1 kinase-domain mutants: Hauser et al. 2018, Commun Biol (CC BY 4.0),\n"
        "# supplementary data. Generated by transcribe_potency_tables.py (rules in its docstring).\n",
        abl,
    )
    print(f"{len(egfr)} EGFR entries, {len(abl)} ABL1 entries")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[4] / "shared/data/potency")
