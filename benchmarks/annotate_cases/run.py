"""Score the annotator on the independent clinical check cases (clinical_cases.yaml beside this file).

    python benchmarks/annotate_cases/run.py [--cases FILE | --all] [--misses] [--json]

``--cases FILE`` scores one case file (default: clinical_cases.yaml); ``--all`` scores every case file beside
this script (clinical_cases.yaml, then cases_b.yaml: a second set written later without looking at the knowledge),
printing the same figures per file.

Uses the default knowledge (whatever ``oncoresist.knowledge.load_knowledge()`` selects; the knowledge version is
printed). The cases were written from drug labels, the NCCN CML mutation table and clinical papers, not from the
curated YAML or the CIViC/CGI snapshots, so agreement here is not a round trip. Figures printed, last:

- ``resistance_recall``: resistant cases called ``resistant``;
- ``specificity_approved``: approved-use cases not called ``resistant`` (an error fails too);
- ``sensitive_called_approved``: approved-use cases called ``sensitive`` (stricter: ``unknown`` fails);
- ``mechanism_right``: resistant cases called resistant whose best resistance finding has an accepted mechanism class;
- ``next_option_hit``: resistant cases with a scored next line, called resistant, where one of the first five options
  names a drug of that line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

import oncoresist
from oncoresist.errors import OncoresistError
from oncoresist.knowledge.loader import load_knowledge

HERE = Path(__file__).resolve().parent


def _drugs(case: dict[str, Any]) -> list[str]:
    d = case["drug"]
    return [d] if isinstance(d, str) else list(d)


def score(cases: list[dict[str, Any]]) -> tuple[dict[str, float], list[str], str]:
    kb = load_knowledge()
    annotate = oncoresist.annotate
    misses: list[str] = []
    keys = ("res", "res_hit", "ok", "ok_sens", "ok_notres", "mech_n", "mech_hit", "opt_n", "opt_hit")
    n = dict.fromkeys(keys, 0)
    for case in cases:
        cid, expect = case["id"], case["expect"]
        try:
            res = annotate(case["alterations"], drug=_drugs(case), tumor=case.get("tumor"), knowledge=kb)
            out = res.to_dict()
            verdict = out["verdict"]
        except OncoresistError as exc:
            out, verdict = {}, f"error: {str(exc).splitlines()[0][:120]}"
        if expect == "resistant":
            n["res"] += 1
            if verdict != "resistant":
                misses.append(f"{cid}: expected resistant, got {verdict}")
                continue
            n["res_hit"] += 1
            rfind = [f for f in out["findings"] if f["effect"] in ("resistance", "reduced_sensitivity")]
            n["mech_n"] += 1
            top = rfind[0]["mechanism"] if rfind else None
            if top in case["mechanism"]:
                n["mech_hit"] += 1
            else:
                misses.append(f"{cid}: mechanism {top} not in {case['mechanism']}")
            if case.get("next"):
                n["opt_n"] += 1
                named = {d for o in out["options"][:5] for d in o["therapy"]}
                if named & set(case["next"]):
                    n["opt_hit"] += 1
                else:
                    shown = [" + ".join(o["therapy"]) for o in out["options"][:5]]
                    misses.append(f"{cid}: no option from {case['next']} (offered {shown})")
        else:
            n["ok"] += 1
            if verdict == "sensitive":
                n["ok_sens"] += 1
            else:
                misses.append(f"{cid}: expected sensitive, got {verdict}")
            if verdict in ("sensitive", "unknown"):
                n["ok_notres"] += 1

    def ratio(a: str, b: str) -> float:
        return n[a] / n[b] if n[b] else float("nan")

    figures = {
        "resistance_recall": ratio("res_hit", "res"),
        "specificity_approved": ratio("ok_notres", "ok"),
        "sensitive_called_approved": ratio("ok_sens", "ok"),
        "mechanism_right": ratio("mech_hit", "mech_n"),
        "next_option_hit": ratio("opt_hit", "opt_n"),
        "n_resistant": n["res"],
        "n_approved": n["ok"],
        "n_option_scored": n["opt_n"],
    }
    return figures, misses, kb.version


CASE_FILES = (HERE / "clinical_cases.yaml", HERE / "cases_b.yaml")


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The ``cases`` list of one case file."""
    return list(yaml.safe_load(path.read_text())["cases"])


def _print_text(path: Path | None, figures: dict[str, float], misses: list[str], version: str, show: bool) -> None:
    if path is not None:
        print(f"== {path.name}")
    print(f"knowledge_version: {version}")
    print(f"oncoresist_version: {oncoresist.__version__}")
    if show:
        for m in misses:
            print(f"  miss  {m}")
    for k, v in figures.items():
        print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--cases", type=Path, default=None, help="one case file (default: clinical_cases.yaml)")
    which.add_argument("--all", action="store_true", help="score every case file beside this script, one after another")
    ap.add_argument("--misses", action="store_true", help="list every miss")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    paths = list(CASE_FILES) if args.all else [args.cases or CASE_FILES[0]]
    results = []
    for path in paths:
        if not path.is_file():
            print(
                f"error: --cases: no such file {str(path)!r}; give a case file such as {CASE_FILES[1]}", file=sys.stderr
            )
            return 2
        figures, misses, version = score(load_cases(path))
        results.append((path, figures, misses, version))
    if args.json:
        rows = [{"knowledge_version": v, **f, "misses": m} for _, f, m, v in results]
        if args.all:  # a list, one object per file, each naming its file
            print(json.dumps([{"cases": p.name, **row} for (p, *_), row in zip(results, rows, strict=True)], indent=2))
        else:  # one object, as before
            print(json.dumps(rows[0], indent=2))
        return 0
    for path, figures, misses, version in results:
        _print_text(path if args.all else None, figures, misses, version, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
