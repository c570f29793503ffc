"""Shared CLI plumbing: the Rich consoles and the error boundary.

Every command body runs inside :func:`error_boundary`: an :class:`OncoresistError`
(bad input) becomes one line on stderr and exit code 2, Ctrl-C exit code 130,
never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer

P = ParamSpec("P")
R = TypeVar("R")


def console() -> Any:
    from rich.console import Console

    return Console()


def err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    """Print ``error: message`` on one line to stderr and exit with ``code``."""
    one_line = " ".join(str(message).split())
    sys.stderr.write(f"error: {one_line}\n")
    raise typer.Exit(code)


def error_boundary(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for command functions: user errors → one line, exit 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from oncoresist.errors import OncoresistError

        try:
            return func(*args, **kwargs)
        except OncoresistError as exc:
            fail(str(exc), getattr(exc, "exit_code", 2))
        except FileNotFoundError as exc:
            fail(f"file not found: {exc.filename or exc}")
        except KeyboardInterrupt:
            fail("interrupted; no output was written", 130)
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper
