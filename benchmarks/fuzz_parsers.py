"""Fuzz the alteration grammar and every profile reader with generated inputs; print the crashes.

A *crash* is any exception other than the project's error family
(:class:`oncoresist.errors.OncoresistError`), or a grammar result whose canonical
name does not parse back to the same alteration. Inputs are mutations of real
seed files (the test MAFs, VCFs, tables and profiles, and the curated
knowledge's alteration strings): byte flips, inserted and deleted chunks,
duplicated and swapped lines, truncation, random or huge fields, stray Unicode,
plus wholly random bytes.

    python benchmarks/fuzz_parsers.py -n 100000 --seed 1      # the docs figure
    python benchmarks/fuzz_parsers.py -n 500                   # quick

Exit status 1 when anything crashed (each crash is printed with the input that
caused it, saved under --keep if given).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "profiles"
EXAMPLES = ROOT / "examples" / "profiles"

_TOKENS = [
    "\t", "\n", "\r\n", "#", "::", "-", "/", "p.", "c.", "del", "ins", "dup", "fs", "*", "?", "_", ">", "=",
    "ext", "X", "Ter", "exon", "splice", "germline", "in cis", "(", ")", ",", ";", "|", "&", ".", "NA", "0/0",
    "1/1", "./.", "PASS", "CSQ=", "ANN=", "\x00", "\ufeff", "é", "∷", "–", "9" * 30, "-1", "0", "##fileformat=VCFv4.2",
    "Hugo_Symbol", "HGVSp_Short", "Protein_Change", "Tumor_Sample_Barcode", "Variant_Classification", "EGFR",
    "FLT3-ITD", "NKX2-1", "alterations:", "- ", "{", "}", "[", "]", '"', "'", ": ", "null", "1e309",
]  # fmt: skip


@dataclass
class Outcome:
    target: str
    ok: int = 0
    refused: int = 0  # raised the project's error family: the expected answer to garbage
    crashes: int = 0


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3, 5, 8))):
        op = rng.randrange(9)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:  # flip a byte
            b[min(pos, len(b) - 1)] = rng.randrange(256)
        elif op == 1:  # insert a token
            b[pos:pos] = rng.choice(_TOKENS).encode()
        elif op == 2 and b:  # delete a chunk
            del b[pos : pos + rng.randrange(1, 40)]
        elif op == 3 and b:  # duplicate a chunk
            end = min(len(b), pos + rng.randrange(1, 200))
            b[pos:pos] = b[pos:end] * rng.randrange(1, 4)
        elif op == 4:  # truncate
            b = b[:pos]
        elif op == 5:  # swap two lines
            lines = bytes(b).split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                b = bytearray(b"\n".join(lines))
        elif op == 6:  # a huge field
            b[pos:pos] = (rng.choice("AQ9x\t") * rng.choice((300, 5000, 200_000))).encode()
        elif op == 7:  # random bytes
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 30)))
        else:  # stray unicode
            b[pos:pos] = rng.choice(["\u2013", "\u00a0", "\U0001f9ec", "\u200b", "Ω"]).encode()
    return bytes(b)


def _seed_alterations() -> list[str]:
    import yaml

    out: list[str] = []
    for f in sorted((ROOT / "src" / "oncoresist" / "knowledge" / "data" / "facts").glob("*.yaml")):
        for fact in (yaml.safe_load(f.read_text()) or {}).get("facts", []):
            out += [str(a) for a in fact.get("alterations", [])]
    out += [
        "EGFR p.Thr790Met", "BCR-ABL1 T315I", "FLT3-ITD", "NKX2-1 amplification", "germline BRCA1 mutation",
        "EGFR C797S in cis", "MET c.3028+1G>A", "PTEN p.M1?", "FLT3 p.599_600insDFREYEY", "EML4-ALK fusion",
        "KRAS G12/G13", "NPM1 W288Cfs*12", "EGFR del19", "small cell transformation", "gBRCA2 mutation",
    ]  # fmt: skip
    return sorted(set(out))


def _targets(kb: object) -> dict[str, tuple[list[bytes], str, Callable[[Path], object]]]:
    from oncoresist.profile import readers

    def seeds(*names: str) -> list[bytes]:
        return [p.read_bytes() for n in names for p in (SEEDS / n, EXAMPLES / n) if p.is_file()]

    return {
        "maf": (seeds("small.maf", "cohort.maf"), ".maf", lambda p: readers.read_maf(p, kb)),  # type: ignore[arg-type]
        "vcf": (
            seeds("vep.vcf", "snpeff.vcf", "unannotated.vcf", "patient.vep.vcf"), ".vcf",
            lambda p: readers.read_vcf(p, kb),  # type: ignore[arg-type]
        ),
        "table": (seeds("cna_fusion.tsv", "cohort_cna.tsv"), ".tsv", lambda p: readers.read_alteration_table(p, kb)),  # type: ignore[arg-type]
        "profile_yaml": (
            seeds("egfr_nsclc_erlotinib.yaml", "braf_melanoma_vemurafenib.yaml"), ".yaml",
            lambda p: readers.read_profile_file(p, kb),  # type: ignore[arg-type]
        ),
        "profile_json": (seeds("egfr_met_osimertinib.json"), ".json", lambda p: readers.read_profile_file(p, kb)),  # type: ignore[arg-type]
    }  # fmt: skip


def check_roundtrip(text: str, resolve: Callable[[str], str | None] | None) -> str:
    """``"refused"`` (the project's error), ``"ok"`` (parsed and round-trips), else a description of the failure."""
    from oncoresist.alteration import parse_alteration
    from oncoresist.errors import OncoresistError

    try:
        alt = parse_alteration(text, resolve)
    except OncoresistError:
        return "refused"
    try:
        again = parse_alteration(alt.name, resolve)
    except OncoresistError as exc:
        return f"canonical name {alt.name!r} of {text[:80]!r} does not parse: {exc}"
    if replace(again, fusion_context=alt.fusion_context) != alt:
        return f"{text[:80]!r} -> {alt.name!r} -> {again.name!r}: not the same alteration"
    return "ok"


def run(n: int, seed: int, keep: Path | None = None, out=sys.stdout) -> tuple[dict[str, Outcome], list[str]]:  # type: ignore[no-untyped-def]
    """Run ``n`` generated inputs; returns the outcomes per target and the crash reports."""
    from oncoresist.errors import OncoresistError
    from oncoresist.knowledge.loader import load_knowledge

    rng = random.Random(seed)
    kb = load_knowledge(include_imports=False)
    targets = _targets(kb)
    alts = _seed_alterations()
    outcomes = {name: Outcome(name) for name in ["alteration", *targets]}
    crashes: list[str] = []
    weights = {"alteration": 0.5, "maf": 0.15, "vcf": 0.1, "table": 0.1, "profile_yaml": 0.1, "profile_json": 0.05}
    names = list(weights)
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        for i in range(n):
            target = rng.choices(names, weights=[weights[k] for k in names])[0]
            oc = outcomes[target]
            if target == "alteration":
                base = rng.choice(alts).encode()
                text = _mutate(base, rng).decode("utf-8", "replace") if rng.random() < 0.9 else base.decode()
                resolve = rng.choice((kb.resolve_gene, None))
                try:
                    problem = check_roundtrip(text, resolve)
                except Exception:
                    problem = traceback.format_exc(limit=3)
                if problem == "ok":
                    oc.ok += 1
                elif problem == "refused":
                    oc.refused += 1
                else:
                    oc.crashes += 1
                    crashes.append(f"[{i}] alteration {text[:120]!r}: {problem}")
                continue
            seeds, suffix, reader = targets[target]
            data = (
                bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
                if rng.random() < 0.05
                else (_mutate(rng.choice(seeds), rng))
            )
            path = Path(tmp) / f"in{suffix}"
            path.write_bytes(data)
            try:
                reader(path)
                oc.ok += 1
            except OncoresistError:
                oc.refused += 1
            except Exception as exc:
                oc.crashes += 1
                crashes.append(f"[{i}] {target}: {type(exc).__name__}: {str(exc)[:200]}")
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"crash_{i}{suffix}").write_bytes(data)
            if (i + 1) % 10000 == 0:
                print(f"  {i + 1} inputs, {sum(o.crashes for o in outcomes.values())} crashes", file=out, flush=True)
    return outcomes, crashes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="number of generated inputs (100000 for the docs figure)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=None, help="folder to save crashing inputs in")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    outcomes, crashes = run(args.n, args.seed, args.keep)
    dt = time.perf_counter() - t0
    import oncoresist

    print(f"oncoresist {oncoresist.__version__}, seed {args.seed}, {args.n} inputs in {dt:.0f} s")
    print(f"{'target':14} {'inputs':>8} {'accepted':>9} {'refused':>8} {'crashes':>8}")
    for o in outcomes.values():
        print(f"{o.target:14} {o.ok + o.refused + o.crashes:8d} {o.ok:9d} {o.refused:8d} {o.crashes:8d}")
    kinds = Counter(c.split(":", 2)[1].strip() if ":" in c else c for c in crashes)
    for c in crashes[:50]:
        print(c)
    if kinds:
        print("crash kinds:", dict(kinds.most_common(10)))
    print(f"total crashes: {len(crashes)}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
