"""Errors found while parsing the command line, and library errors that name no flag, keep the contract.

Before: Click's parse errors (an out-of-range ``--replicates``, a missing ``--drugs``, an unknown option)
printed a usage line, a help hint and a boxed panel (5 lines); an unknown drug or tumour type named no
flag (``error: unknown drug 'notadrug'``); a library message starting ``out_dir:`` or ``forecast_days must``
kept the library's parameter name instead of the flag.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoresist.cli import app
from oncoresist.cli._common import user_message
from oncoresist.errors import OncoresistError, UnknownNameError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


def _one_line(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ") and "╭" not in res.stderr and "Traceback" not in res.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["simulate", str(EXAMPLES / "scenarios" / "egfr_nsclc.yaml"), "--replicates", "0"], "error: --replicates: "),
        (["simulate", str(EXAMPLES / "scenarios" / "egfr_nsclc.yaml"), "--engine", "foo"], "error: --engine: 'foo'"),
        (["serve", "--port", "99999"], "error: --port: "),
        (["schema", "foo"], "error: NAME: 'foo' is not one of"),
        (["twin", "EGFR L858R"], "error: Missing option '--drugs'"),
        (["annotate", "--nosuch"], "error: No such option: --nosuch"),
        (["nosuchcommand"], "error: No such command 'nosuchcommand'"),
    ],
)
def test_parse_errors_are_one_line_naming_the_flag(args: list[str], start: str) -> None:
    line = _one_line(args)
    assert line.startswith(start), line
    assert "--help" in line  # where to look for the fix


def test_help_and_version_are_unchanged() -> None:
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0 and "Usage" in res.output and "annotate" in res.output
    res = runner.invoke(app, ["simulate", "--help"])
    assert res.exit_code == 0 and "--replicates" in res.output
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.startswith("oncoresist ")
    res = runner.invoke(app, ["fit"])  # no arguments: the help, as before
    assert res.exit_code == 2 and "Usage" in res.output and "error:" not in res.stderr


def test_unknown_drug_given_on_the_command_line_names_the_flag() -> None:
    assert _one_line(["annotate", "--drug", "notadrug", "EGFR L858R"]).startswith("error: --drug: unknown drug")


def test_unknown_drug_from_a_profile_file_names_no_flag(tmp_path: Path) -> None:
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps({"alterations": ["EGFR L858R"], "drugs": ["notadrug"]}))
    line = _one_line(["annotate", "--profile", str(prof)])
    assert line.startswith("error: unknown drug or regimen 'notadrug'"), line  # --drug was not used: no flag to blame
    assert "did you mean" not in line and "e.g. osimertinib" in line  # far from every name: a hint, no guess


def test_unknown_tumour_names_the_flag_and_what_to_give() -> None:
    line = _one_line(["annotate", "--drug", "erlotinib", "--tumor", "XYZQ", "EGFR L858R"])
    assert line.startswith("error: --tumor: unknown tumor type 'XYZQ'") and "OncoTree" in line


def test_library_parameter_names_without_a_param_attribute_become_flags() -> None:
    flags = {"out": "--out", "out_dir": "--out", "forecast_days": "--forecast-days"}
    msg = user_message(OncoresistError("out_dir: /x holds a different run (seed differs)"), flags)
    assert msg.startswith("--out: /x holds")
    msg = user_message(OncoresistError("forecast_days must be a positive number of days, got -5.0"), flags)
    assert msg.startswith("--forecast-days must be")
    # a message that already names a flag is left alone, and an unrelated first word is not rewritten
    assert user_message(OncoresistError("--out: exists"), flags) == "--out: exists"
    assert user_message(OncoresistError("outcome: x"), flags) == "outcome: x"


def test_quoted_value_is_matched_to_the_option_that_carried_it() -> None:
    flags = {"drugs": "--drugs", "tumor": "--tumor"}
    exc = UnknownNameError("drug", "notadrug", ["Mylotarg"])
    assert user_message(exc, flags, {"drugs": "erlotinib,notadrug", "tumor": "NSCLC"}).startswith("--drugs: ")
    assert user_message(exc, flags, {"drugs": "erlotinib", "tumor": "NSCLC"}).startswith("unknown drug")


def test_fit_negative_horizon_names_the_flag() -> None:
    line = _one_line(["fit", str(EXAMPLES / "series" / "egfr_osimertinib.csv"), "--model", "exponential",
                      "--forecast-days", "-5"])  # fmt: skip
    assert line.startswith("error: --forecast-days must be a positive number"), line
