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
