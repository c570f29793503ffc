"""Benchmark: reading the 10,000-sample MAF of ``annotate_maf.py``, the current sources against other source trees.

Each run is a fresh process (so the first call pays what ``oncoresist annotate --maf`` pays: imports, the variant
classes, the reader), timed in CPU seconds (``time.process_time``, what an idle machine would see when other jobs share
the cores) and wall seconds; the trees are run alternately, ``--repeat`` times, and the medians and the ratio of each
tree to the current one are printed as JSON, with the number of samples and alterations read (which must agree).

    python benchmarks/annotate_read_maf.py [--other /path/to/old/src ...] [--repeat 3] [--samples 10000]

An older tree is a ``src`` folder exported from a commit, e.g. ``git archive 721b2b3 src | tar -x -C /tmp/base``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

CHILD = r"""
import json, sys, time
from pathlib import Path
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.annotate.api import annotator_for
kb = load_knowledge(); annotator_for(kb)
from oncoresist.profile.readers import read_maf
c, w = time.process_time(), time.perf_counter()
r = read_maf(Path(sys.argv[1]), kb)
cpu, wall = time.process_time() - c, time.perf_counter() - w
print(json.dumps({"cpu_s": cpu, "wall_s": wall, "samples": len(r.samples),
                  "alterations": sum(len(s.alterations) for s in r.samples.values())}))
"""


def _one(src: Path, maf: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", CHILD, str(maf)], env=env, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> dict[str, object]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--other", action="append", default=[], help="another src folder to compare (repeatable)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--samples", type=int, default=10_000)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import annotate_maf

    trees = {"current": SRC, **{f"other{i + 1}": Path(p) for i, p in enumerate(args.other)}}
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in trees}
    with tempfile.TemporaryDirectory() as tmp:
        maf = Path(tmp) / "cohort.maf"
        annotate_maf.write_maf(maf, args.samples, 8)
        for _ in range(args.repeat):
            for name, src in trees.items():
                runs[name].append(_one(src, maf))
    out: dict[str, object] = {"samples": args.samples, "repeat": args.repeat, "load_average_1min": os.getloadavg()[0]}
    base = statistics.median(r["cpu_s"] for r in runs["current"])
    for name, rs in runs.items():
        cpu = statistics.median(r["cpu_s"] for r in rs)
        out[name] = {
            "src": str(trees[name]), "cpu_s": round(cpu, 3),
            "wall_s": round(statistics.median(r["wall_s"] for r in rs), 3),
            "cpu_ratio_to_current": round(cpu / base, 2),
            "samples_read": rs[0]["samples"], "alterations_read": rs[0]["alterations"],
        }  # fmt: skip
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
