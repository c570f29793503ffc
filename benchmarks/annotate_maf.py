"""Benchmark: annotate every sample of a large MAF (default 10,000 samples).

A synthetic MAF is written from alterations the curated knowledge knows and does
not know (a fixed seed, so runs are comparable), then annotated the way
``oncoresist annotate --maf FILE --drug X --out results.tsv`` does it: read,
annotate each sample, write the table atomically. Prints the timings as JSON: wall
clock (``*_s``) and this process's CPU time (``*_cpu_s``, ``time.process_time``), which
is what an idle machine would see when other jobs share the cores.

    python benchmarks/annotate_maf.py [--samples 10000] [--per-sample 8] [--drug erlotinib]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# concrete variants as MAF rows (gene, HGVSp_Short, Variant_Classification); knowledge-relevant ones
# are mixed with passenger mutations that match nothing
RELEVANT = [
    ("EGFR", "p.L858R", "Missense_Mutation"), ("EGFR", "p.T790M", "Missense_Mutation"),
    ("EGFR", "p.E746_A750del", "In_Frame_Del"), ("EGFR", "p.C797S", "Missense_Mutation"),
    ("EGFR", "p.D770_N771insSVD", "In_Frame_Ins"), ("KRAS", "p.G12C", "Missense_Mutation"),
    ("KRAS", "p.G12D", "Missense_Mutation"), ("PIK3CA", "p.H1047R", "Missense_Mutation"),
    ("BRAF", "p.V600E", "Missense_Mutation"), ("NRAS", "p.Q61K", "Missense_Mutation"),
    ("MAP2K1", "p.C121S", "Missense_Mutation"), ("ALK", "p.G1202R", "Missense_Mutation"),
    ("TP53", "p.R175*", "Nonsense_Mutation"), ("PTEN", "p.R130fs", "Frame_Shift_Del"),
    ("KIT", "p.V559D", "Missense_Mutation"), ("MET", "p.X1010_splice", "Splice_Site"),
]  # fmt: skip
PASSENGER_GENES = ["TTN", "MUC16", "CSMD3", "RYR2", "LRP1B", "USH2A", "ZFHX4", "SYNE1", "FLG", "PCLO"]
AA = "ACDEFGHIKLMNPQRSTVWY"


def write_maf(path: Path, n_samples: int, per_sample: int, seed: int = 20261124) -> int:
    rng = np.random.default_rng(seed)
    rows = 0
    with path.open("w") as fh:
        fh.write("#version 2.4\nHugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode\tHGVSp_Short\n")
        for s in range(n_samples):
            sample = f"TCGA-SYN-{s:05d}"
            k = int(rng.integers(1, per_sample * 2))
            for _ in range(k):
                if rng.random() < 0.35:
                    g, h, c = RELEVANT[int(rng.integers(len(RELEVANT)))]
                else:
                    g = PASSENGER_GENES[int(rng.integers(len(PASSENGER_GENES)))]
                    pos = int(rng.integers(1, 5000))
                    h, c = f"p.{AA[pos % 20]}{pos}{AA[(pos * 7 + 3) % 20]}", "Missense_Mutation"
                fh.write(f"{g}\t{c}\t{sample}\t{h}\n")
                rows += 1
    return rows


def main(argv: list[str] | None = None) -> dict[str, object]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--per-sample", type=int, default=8, help="mean mutations per sample")
    ap.add_argument("--drug", default="erlotinib")
    ap.add_argument("--tumor", default="NSCLC")
    ap.add_argument("--cli", action="store_true", help="also time the full 'oncoresist annotate --maf' command")
    args = ap.parse_args(argv)

    from oncoresist.annotate.api import annotate_samples, annotator_for
    from oncoresist.annotate.batch import write_results
    from oncoresist.knowledge.loader import load_knowledge
    from oncoresist.profile.readers import read_maf

    with tempfile.TemporaryDirectory() as tmp:
        maf = Path(tmp) / "cohort.maf"
        rows = write_maf(maf, args.samples, args.per_sample)
        t0, c0 = time.perf_counter(), time.process_time()
        kb = load_knowledge()
        annotator_for(kb)
        t1, c1 = time.perf_counter(), time.process_time()
        read = read_maf(maf, kb)
        t2, c2 = time.perf_counter(), time.process_time()
        results = list(annotate_samples(read.samples.values(), drug=args.drug, tumor=args.tumor, knowledge=kb))
        t3, c3 = time.perf_counter(), time.process_time()
        write_results(results, Path(tmp) / "results.tsv")
        t4, c4 = time.perf_counter(), time.process_time()
        out: dict[str, object] = {
            "samples": len(results),
            "maf_rows": rows,
            "facts": len(kb.facts),
            "knowledge_version": kb.version,
            "load_knowledge_s": round(t1 - t0, 3),
            "read_maf_s": round(t2 - t1, 3),
            "annotate_s": round(t3 - t2, 3),
            "write_tsv_s": round(t4 - t3, 3),
            "total_s": round(t4 - t0, 3),
            "load_knowledge_cpu_s": round(c1 - c0, 3),
            "read_maf_cpu_s": round(c2 - c1, 3),
            "annotate_cpu_s": round(c3 - c2, 3),
            "write_tsv_cpu_s": round(c4 - c3, 3),
            "total_cpu_s": round(c4 - c0, 3),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "verdicts": {v: sum(r.verdict == v for r in results) for v in ("resistant", "sensitive", "unknown")},
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        }
        if args.cli:
            exe = Path(sys.executable).with_name("oncoresist")
            t5 = time.perf_counter()
            subprocess.run(
                [str(exe), "annotate", "--maf", str(maf), "-d", args.drug, "-t", args.tumor,
                 "--out", str(Path(tmp) / "cli.tsv")],
                check=True, capture_output=True,
            )  # fmt: skip
            out["cli_maf_s"] = round(time.perf_counter() - t5, 3)
            t6 = time.perf_counter()
            subprocess.run(
                [str(exe), "annotate", "-t", "NSCLC", "-d", "erlotinib", "EGFR L858R", "EGFR T790M", "--json"],
                check=True, capture_output=True,
            )  # fmt: skip
            out["cli_single_s"] = round(time.perf_counter() - t6, 3)
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
