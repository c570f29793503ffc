"""Command-line parsing for the benchmarks: a bad flag is one line naming the flag and the fix, exit code 2.

argparse's own ``error`` prints the whole usage block first; the project's contract for bad input (one line,
exit 2, no traceback) is kept by ``OneLineParser``. ``bounded_float`` turns a non-number into the same message
as an out-of-range number, so the fix is stated either way.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """``ArgumentParser`` whose errors are ``error: --flag: message (see --help)`` on one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        message = message.removeprefix("argument ").replace("\n", " ")
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def bounded_float(low: float, high: float, *, fix: str) -> Callable[[str], float]:
    """An argparse ``type`` for a finite number in ``(low, high]``; anything else is refused with ``fix``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low < value <= high):
            raise argparse.ArgumentTypeError(f"{fix}, got {text!r}")
        return value

    return parse


def add_default_path_flags(ap: argparse.ArgumentParser) -> None:
    """``--share-fit`` and ``--measured-preexisting``, the two choices of the twin's default path (final10 pass;
    docs/trials.md), with the library's own defaults (``calibrate.DEFAULT_SHARE_FIT``,
    ``TwinDefaults.measured_preexisting``) so a benchmark cannot drift from them."""
    from oncoresist.twin.builder import TwinDefaults
    from oncoresist.twin.calibrate import DEFAULT_SHARE_FIT, SHARE_FIT

    ap.add_argument("--share-fit", choices=list(SHARE_FIT), default=DEFAULT_SHARE_FIT,
                    help="how the assumed routes' multipliers are fitted to the published shares at progression: by "
                         "the joint binomial likelihood of every published share with its n, a mechanism target's "
                         "included (likelihood, the default since final10; twin.calibrate) or each to its point "
                         "(point, the procedure before)")
    ap.add_argument("--measured-preexisting", choices=["on", "off"],
                    default="on" if TwinDefaults().measured_preexisting else "off",
                    help="a route whose variant has measured pre-treatment prevalences in the quantitative knowledge "
                         "(EGFR T790M) starts from a lognormal of its fraction fitted to them, drawn per patient (on, "
                         "the default since final10; TwinDefaults.measured_preexisting), or from its codon rate's "
                         "Luria-Delbruck count (off, the procedure before)")
