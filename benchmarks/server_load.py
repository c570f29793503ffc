"""Load test of the web service on 127.0.0.1: concurrent clients posting single-profile annotations.

Starts ``oncoresist serve`` as a subprocess on a free loopback port, with the CIViC and CGI snapshots
imported into a temporary ``ONCORESIST_DATA_DIR`` (the full default knowledge; ``--curated-only``
skips the imports), then runs ``--clients`` threads that each send ``--requests`` ``POST
/api/v1/annotate`` requests (a rotation of profiles), bounded by ``--max-seconds``. Prints latency
percentiles, throughput and errors as JSON. Loopback only: the server never binds elsewhere.

    python benchmarks/server_load.py [--clients 20] [--requests 200] [--max-seconds 600]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
from _snapshot_knowledge import write_snapshot_imports

ROOT = Path(__file__).resolve().parents[1]
#: Single-profile requests are drawn (fixed seed) from these pools, so that few requests repeat
#: a profile and the annotator's per-alteration caches do not flatter the figures.
ALTERATIONS = [
    "EGFR L858R", "EGFR T790M", "EGFR C797S", "EGFR E746_A750del", "EGFR G719S", "EGFR L861Q", "EGFR exon 20 insertion",
    "MET amplification", "ERBB2 amplification", "KRAS G12C", "KRAS G12D", "KRAS G13D", "NRAS Q61K", "NRAS Q61R",
    "BRAF V600E", "BRAF amplification", "MAP2K1 C121S", "PIK3CA H1047R", "PIK3CA E545K", "PTEN loss", "RB1 loss",
    "TP53 R175H", "ALK G1202R", "ALK L1196M", "ALK F1174L", "EML4::ALK", "ROS1 G2032R", "ABL1 T315I", "BCR::ABL1",
    "ESR1 Y537S", "ESR1 D538G", "AR amplification", "AR-V7", "BRCA1 loss", "BRCA2 loss", "KIT V654A", "KIT D816V",
    "FGFR2 amplification", "CDKN2A loss", "small cell transformation", "MYC amplification", "ERBB2 L755S",
]  # fmt: skip
DRUGS = ["erlotinib", "gefitinib", "osimertinib", "afatinib", "vemurafenib", "dabrafenib", "crizotinib", "alectinib",
         "lorlatinib", "imatinib", "dasatinib", "cetuximab", "panitumumab", "trastuzumab", "tamoxifen", "fulvestrant",
         "enzalutamide", "olaparib", "sotorasib", "cisplatin"]  # fmt: skip
TUMORS = ["NSCLC", "melanoma", "COADREAD", "BRCA", "PRAD", "CML", "GIST", "OV", None]


def profiles(n: int, seed: int = 20261201, drop: set[str] | None = None) -> list[dict[str, object]]:
    """``n`` request bodies drawn from the pools (names in ``drop`` left out)."""
    rng = np.random.default_rng(seed)
    alterations = [a for a in ALTERATIONS if a not in (drop or set())]
    drugs = [d for d in DRUGS if d not in (drop or set())]
    out: list[dict[str, object]] = []
    for _ in range(n):
        k = int(rng.integers(1, 5))
        alts = [alterations[i] for i in rng.choice(len(alterations), size=k, replace=False)]
        body: dict[str, object] = {"alterations": alts, "drugs": [drugs[int(rng.integers(len(drugs)))]]}
        tumor = TUMORS[int(rng.integers(len(TUMORS)))]
        if tumor is not None:
            body["tumor"] = tumor
        out.append(body)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _known(url: str, body: dict[str, object]) -> bool:
    """Warm-up request; False when the knowledge does not know a name in it (422)."""
    r = httpx.post(f"{url}/api/v1/annotate", json=body, timeout=30)
    if r.status_code not in (200, 422):
        raise SystemExit(f"warm-up request fails: {r.status_code} {r.text}")
    return r.status_code == 200


def _client(url: str, bodies: list[dict[str, object]], stop_at: float, lat: list[float], errors: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=30) as c:
        for body in bodies:
            if time.monotonic() > stop_at:
                errors.append("time limit")
                return
            t = time.perf_counter()
            try:
                r = c.post("/api/v1/annotate", json=body)
                ok = r.status_code == 200 and r.json()["verdict"] in ("resistant", "sensitive", "unknown")
            except httpx.HTTPError as exc:
                ok, r = False, None
                errors.append(type(exc).__name__)
            lat.append(time.perf_counter() - t)
            if not ok and r is not None:
                errors.append(f"HTTP {r.status_code}")


def main(argv: list[str] | None = None) -> dict[str, object]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200, help="Requests per client.")
    ap.add_argument("--max-seconds", type=float, default=600.0)
    ap.add_argument("--curated-only", action="store_true", help="Do not import CIViC and CGI.")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="oncoresist-load-") as tmp:
        imports = Path(tmp) / "imports"
        imports.mkdir()
        if not args.curated_only:
            write_snapshot_imports(imports)
        port = _free_port()
        env = {**os.environ, "ONCORESIST_DATA_DIR": str(imports)}
        env.pop("ONCORESIST_TOKEN", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "oncoresist", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    version = httpx.get(f"{url}/api/v1/knowledge/version", timeout=2).json()
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            dropped = [a for a in ALTERATIONS if not _known(url, {"alterations": [a], "drugs": DRUGS[:1]})]
            dropped += [d for d in DRUGS if not _known(url, {"alterations": ["TP53 R175H"], "drugs": [d]})]
            bodies = profiles(args.clients * args.requests, drop=set(dropped))
            distinct = len({json.dumps(b, sort_keys=True) for b in bodies})
            lat: list[float] = []
            errors: list[str] = []
            stop_at = time.monotonic() + args.max_seconds
            n = args.requests
            threads = [threading.Thread(target=_client, args=(url, bodies[k * n:(k + 1) * n], stop_at, lat, errors))
                       for k in range(args.clients)]  # fmt: skip
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(10)
    ms = np.asarray(lat) * 1000
    out: dict[str, object] = {
        "clients": args.clients, "requests_per_client": args.requests, "requests": len(lat),
        "distinct_profiles": distinct, "names_unknown_to_knowledge": dropped, "errors": len(errors),
        "error_kinds": sorted(set(errors)), "wall_s": round(wall, 2), "throughput_rps": round(len(lat) / wall, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1), "max_ms": round(float(ms.max()), 1),
        "knowledge_version": version["knowledge_version"], "facts": version["facts"],
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
