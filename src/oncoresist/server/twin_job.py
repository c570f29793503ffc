"""What a twin job does, in a worker process: build the twin, compare strategies, write the outputs.

The parent (:mod:`oncoresist.server.jobs`) sends ``(job_dir, spec)`` over a pipe and reads
``("stage", text)``, then ``("done", None)`` or ``("error", message)``. A job writes into its own
folder only: ``result.json`` (scenario, origins, annotation, comparison), ``report.html`` (the
self-contained twin report) and ``km.png``; the cohort's per-patient files under ``cohort/``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from oncoresist.errors import OncoresistError

#: Fractions of the progress bar taken by the steps before and after the cohort simulation.
BUILD_SHARE, REPORT_SHARE = 0.05, 0.10


def _finite(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def comparison_dict(cmp: Any) -> dict[str, Any]:
    """The strategy comparison as JSON-ready data (months; NaN/inf as null)."""
    summary = cmp.summary.reset_index().rename(columns={"arm": "strategy", "index": "strategy"})
    rows = json.loads(summary.to_json(orient="records"))
    mech = json.loads(cmp.mechanisms.to_json(orient="records"))
    return {
        "time_unit": "months",
        "strategies": cmp.strategies,
        "seed": cmp.seed,
        "summary": [{k: _finite(v) for k, v in r.items()} for r in rows],
        "mechanisms": [{k: _finite(v) for k, v in r.items()} for r in mech],
    }


def run_twin_job(spec: dict[str, Any], job_dir: Path, stage: Callable[[str], None]) -> None:
    """Run one twin job described by ``spec`` (a :class:`~oncoresist.server.models.TwinRequest` dump
    with the seed filled in) and write its outputs to ``job_dir``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from oncoresist import __version__
    from oncoresist._io import write_text_atomic
    from oncoresist.knowledge.loader import load_knowledge
    from oncoresist.twin import TwinDefaults, build_twin
    from oncoresist.twin.compare import compare_strategies
    from oncoresist.twin.export import build_to_dict
    from oncoresist.twin.fitted_cohort import twin_cohort
    from oncoresist.twin.report import to_html

    stage("building the twin")
    kb = load_knowledge()
    expected = spec.get("knowledge_version")
    if expected is not None and kb.version != expected:
        raise OncoresistError(
            f"the knowledge changed since the server started ({expected} -> {kb.version}); restart the server"
        )
    built = build_twin(
        spec["alterations"], drugs=spec["drugs"], tumor=spec.get("tumor"), knowledge=kb,
        defaults=TwinDefaults(min_evidence=spec.get("min_evidence", "C")),
    )  # fmt: skip
    stage("simulating the cohort")
    chosen = twin_cohort(built, calibrate=False)  # the twin's one cohort definition, nothing fitted (factor 1)
    cmp = compare_strategies(
        chosen.build, spec["strategies"], patients=spec["patients"], seed=spec["seed"], out_dir=job_dir / "cohort",
        follow_up_days=spec["follow_up_days"], cohort=chosen.cohort, cohort_source=chosen.source,
    )  # fmt: skip
    stage("writing the report")
    data = build_to_dict(built)
    data["comparison"] = comparison_dict(cmp)
    data["comparison"]["cohort_definition"] = chosen.provenance()
    data["request"] = dict(spec)
    data["oncoresist_version"] = __version__
    data["knowledge_version"] = kb.version
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    cmp.analyser.plot_km(ax=ax)
    fig.savefig(job_dir / ".km.png.tmp", format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    (job_dir / ".km.png.tmp").replace(job_dir / "km.png")
    write_text_atomic(job_dir / "report.html", to_html(built, cmp))
    write_text_atomic(job_dir / "result.json", json.dumps(data, indent=2, default=str, allow_nan=False))


def worker_main(conn: Connection) -> None:
    """Loop of a worker process: one job at a time until ``None`` arrives or the pipe closes."""
    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if msg is None:
            return
        job_dir, spec = msg
        try:
            run_twin_job(spec, Path(job_dir), lambda s: conn.send(("stage", s)))
        except OncoresistError as exc:
            conn.send(("error", " ".join(str(exc).split())))
        except Exception as exc:  # reported without its message: it may quote the profile
            conn.send(("error", f"internal error in the twin job ({type(exc).__name__}); see the server log"))
        else:
            conn.send(("done", None))
