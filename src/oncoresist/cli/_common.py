"""Shared CLI plumbing: the Rich consoles and the error boundary.

Every command body runs inside :func:`error_boundary`: an :class:`OncoresistError`
(bad input) becomes one line on stderr and exit code 2, Ctrl-C exit code 130,
never a traceback. Library messages name *parameters* (``t_end: …``); the boundary
rewrites a leading parameter name into the command's flag (``--t-end: …``), using the
command's own options plus an explicit ``flags`` map for library names that differ
(``out_dir`` → ``--out``).
"""

from __future__ import annotations

import functools
import inspect
import sys
import zlib
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar, get_origin, overload

import typer

from oncoresist.errors import OncoresistError, one_line, validation_message

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
    sys.stderr.write(f"error: {one_line(message)}\n")
    raise typer.Exit(code)


def _flag_of(param: inspect.Parameter) -> str | None:
    """The first ``--long`` declaration of a Typer option (``None`` for arguments)."""
    infos = []
    if get_origin(param.annotation) is not None and hasattr(param.annotation, "__metadata__"):
        infos.extend(param.annotation.__metadata__)
    infos.append(param.default)
    for info in infos:
        decls = getattr(info, "param_decls", None)
        if isinstance(info, typer.models.ArgumentInfo):
            return param.name.upper()
        if isinstance(info, typer.models.OptionInfo):
            # in ``Annotated[..., typer.Option("--out", "-o")]`` Typer keeps the first name as ``default``
            names = [*([info.default] if isinstance(info.default, str) and info.default.startswith("-") else []),
                     *(decls or ())]
            longs = [d for d in names if d.startswith("--")]
            if names:
                return longs[0] if longs else names[0]
    return None


def flag_map(func: Callable[..., Any], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Parameter name → how the command line spells it, for the command ``func``."""
    try:
        sig = inspect.signature(func, eval_str=True)
    except (NameError, TypeError):  # pragma: no cover - unresolvable annotations
        sig = inspect.signature(func)
    out: dict[str, str] = {}
    for p in sig.parameters.values():
        out[p.name] = _flag_of(p) or "--" + p.name.replace("_", "-")
    out.update(extra or {})
    return out


def user_message(exc: BaseException, flags: Mapping[str, str] | None = None) -> str:
    """The one-line message for a user error, with a leading parameter name spelt as its flag."""
    text = one_line(exc)
    param = getattr(exc, "param", None)
    if flags and isinstance(param, str) and param in flags and text.startswith(f"{param}:"):
        text = flags[param] + text[len(param):]
    return text


def _os_message(exc: OSError) -> str:
    name = exc.filename
    reason = exc.strerror or exc.__class__.__name__
    if name and "/." in str(name) and str(name).endswith(".tmp"):  # a temporary file of an atomic writer
        return f"cannot write output next to {name}: {reason}"
    if isinstance(exc, FileNotFoundError) and name:
        return f"file not found: {name}"
    return f"{reason}: {name}" if name else one_line(exc)


@overload
def error_boundary(func: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def error_boundary(*, flags: Mapping[str, str] | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def error_boundary(func: Callable[P, R] | None = None, /, *, flags: Mapping[str, str] | None = None) -> Any:
    """Decorator for command functions: user errors → one line, exit 2; Ctrl-C → exit 130.

    ``flags`` maps library parameter names that are not the command's own (``out_dir``) to flags.
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        names = flag_map(fn, flags)

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            from pydantic import ValidationError

            try:
                return fn(*args, **kwargs)
            except OncoresistError as exc:
                fail(user_message(exc, names), getattr(exc, "exit_code", 2))
            except ValidationError as exc:  # a library boundary that forgot to convert
                fail(validation_message(exc))
            except OSError as exc:  # missing input, unreadable file, full disk, bad gzip
                fail(_os_message(exc))
            except (EOFError, zlib.error) as exc:
                fail(f"an input file ended early or is damaged (truncated download?): {one_line(exc) or 'EOF'}")
            except UnicodeDecodeError as exc:
                fail(f"an input file is not UTF-8 text ({exc.reason} at byte {exc.start})")
            except KeyboardInterrupt as exc:  # a library may say what it kept (TrialInterrupted)
                fail(str(exc) or "interrupted; no output was written", 130)
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(func) if func is not None else decorate


__all__ = ["console", "err_console", "error_boundary", "fail", "flag_map", "user_message"]
