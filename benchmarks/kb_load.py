"""Load time of the whole knowledge: curated YAML plus full CIViC and CGI imports.

Usage::

    .venv/bin/python benchmarks/kb_load.py [--repeat 7] [--civic PATH] [--cgi PATH]

Imports the public snapshots (default ``../shared/data``) into a temporary
import directory, then times :func:`oncoresist.knowledge.load_knowledge` with its
in-process cache cleared: the first ("cold": modules imported, files possibly not
yet in the OS cache) and the best/median of ``--repeat`` warm loads (wall clock,
and CPU time of the process, which a busy machine disturbs less), with and
without cross-reference validation, plus ``oncoresist kb stats --json`` as a
subprocess (interpreter start-up included). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--civic", type=Path, default=SHARED / "civic" / "AcceptedClinicalEvidenceSummaries.tsv")
    ap.add_argument("--cgi", type=Path, default=SHARED / "cgi" / "cgi_biomarkers_per_variant.tsv")
    args = ap.parse_args()

    from oncoresist.knowledge.importers import import_cgi, import_civic, write_import
    from oncoresist.knowledge.loader import _load_cached, load_knowledge

    with tempfile.TemporaryDirectory() as tmp:
        imports = Path(tmp)
        base = load_knowledge(include_imports=False)
        t0 = time.perf_counter()
        civic = import_civic(args.civic, base)
        t_civic = time.perf_counter() - t0
        t0 = time.perf_counter()
        cgi = import_cgi(args.cgi, base)
        t_cgi = time.perf_counter() - t0
        for r in (civic, cgi):
            write_import(r, imports)

        cpu: list[float] = []

        def timed(validate: bool) -> float:
            _load_cached.cache_clear()
            t, c = time.perf_counter(), time.process_time()
            load_knowledge(imports=imports, validate=validate)
            cpu.append(time.process_time() - c)
            return time.perf_counter() - t

        cold = timed(True)
        cpu.clear()
        warm = [timed(True) for _ in range(args.repeat)]
        warm_cpu = list(cpu)
        warm_novalidate = [timed(False) for _ in range(args.repeat)]
        kb = load_knowledge(imports=imports)

        env = {**os.environ, "ONCORESIST_DATA_DIR": str(imports)}
        exe = Path(sys.executable).with_name("oncoresist")
        cli = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([str(exe), "kb", "stats", "--json"], env=env, check=True, capture_output=True)
            cli.append(time.perf_counter() - t)
        sizes = {p.name: p.stat().st_size for p in sorted(imports.glob("*.json"))}

    out = {
        "facts": len(kb.facts),
        "facts_curated": len(kb.curated_facts),
        "facts_civic": sum(1 for f in kb.facts if (f.record or "").startswith("civic:")),
        "facts_cgi": sum(1 for f in kb.facts if (f.record or "").startswith("cgi:")),
        "genes": len(kb.genes),
        "drugs": len(kb.drugs),
        "import_bytes": sizes,
        "import_civic_s": round(t_civic, 3),
        "import_cgi_s": round(t_cgi, 3),
        "load_cold_s": round(cold, 3),
        "load_warm_best_s": round(min(warm), 3),
        "load_warm_median_s": round(statistics.median(warm), 3),
        "load_warm_cpu_median_s": round(statistics.median(warm_cpu), 3),
        "load_warm_no_validation_median_s": round(statistics.median(warm_novalidate), 3),
        "cli_kb_stats_median_s": round(statistics.median(cli), 3),
        "target_s": 1.0,
        "python": platform.python_version(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
