"""A stated absence ("EGFR T790M not detected (ctDNA)", "AR-V7 negative") is no alteration present, but the result
still accounts for it: listed among the uncovered inputs with why, never weighed (before: silently dropped)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from oncoresist.alteration.absence import ABSENCE_REASON
from oncoresist.annotate import annotate
from oncoresist.cli import app


def test_api_lists_a_stated_absence_and_does_not_weigh_it() -> None:
    alone = annotate(["EGFR L858R"], drug="erlotinib", tumor="NSCLC")
    both = annotate(["EGFR L858R", "EGFR T790M not detected (ctDNA)"], drug="erlotinib", tumor="NSCLC")
    assert both.verdict == alone.verdict != "resistant"
    assert [u.to_dict() for u in both.unrecognised_detail if u.input.startswith("EGFR T790M")] == [
        {"input": "EGFR T790M not detected (ctDNA)", "kind": "alteration", "reason": ABSENCE_REASON}
    ]
    assert "AR-V7 negative (CTC)" in annotate(["AR-V7 negative (CTC)"], drug="enzalutamide", tumor="PRAD").unrecognised


def test_cli_json_lists_a_stated_absence() -> None:
    out = CliRunner().invoke(app, ["annotate", "EGFR L858R", "EGFR T790M not detected (ctDNA)", "--drug",
                                   "erlotinib", "--tumor", "NSCLC", "--json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.stdout)
    assert d["verdict"] != "resistant"
    assert {"input": "EGFR T790M not detected (ctDNA)", "kind": "alteration", "reason": ABSENCE_REASON} in d[
        "unrecognised_detail"]
