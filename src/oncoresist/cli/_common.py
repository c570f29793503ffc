"""Shared CLI plumbing: the Rich consoles and the error boundary.

Every command body runs inside :func:`error_boundary`: an :class:`OncoresistError`
(bad input) becomes one line on stderr and exit code 2, Ctrl-C exit code 130,
never a traceback. Library messages name *parameters* (``t_end: …``); the boundary
rewrites a leading parameter name into the command's flag (``--t-end: …``), using the
command's own options plus an explicit ``flags`` map for library names that differ
(``out_dir`` → ``--out``). A message that names no parameter but quotes a value the user
gave to one option (``unknown drug 'erlotinb'``) is prefixed with that option's flag.

Errors Click finds while parsing (an out-of-range ``--replicates``, a missing ``--drugs``,
an unknown option) go through :class:`OneLineErrorGroup`: the same one line and exit code 2,
instead of Click's boxed usage text.

Output to a pipe whose reader has gone (``oncoresist kb show EGFR | head -1``) ends the command
quietly with the shell's SIGPIPE status 141, as ``git log | head`` does: no message, no traceback.
That is handled once, in :class:`OneLineErrorGroup` (Rich's own handler, which exits 1, is replaced
in :func:`console`); files already written stay, and the atomic writers leave no partial file.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import os
import re
import select
import signal
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ParamSpec, TypeVar, get_origin, overload

import typer
from typer.core import TyperGroup

from oncoresist.errors import OncoresistError, UnknownNameError, name_hint, one_line, validation_message


def _click_exceptions() -> Any:
    """The exceptions of the Click that Typer runs on: vendored as ``typer._click`` in recent Typer, else click."""
    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:  # pragma: no cover - Typer before it vendored Click
        return importlib.import_module("click.exceptions")


click = _click_exceptions()
P = ParamSpec("P")
R = TypeVar("R")


#: the exit status of a command whose stdout reader went away: the shell's for a death by SIGPIPE (128 + 13)
CLOSED_PIPE_EXIT = 128 + int(getattr(signal, "SIGPIPE", 13))


def stdout_closed() -> bool:
    """Whether stdout is a pipe (or socket) whose reading end has been closed (poll reports an error on it)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), no real file descriptor (a test's buffer)
        return False


def _stdout_is_null() -> bool:
    """Whether the descriptor behind stdout is the null device."""
    try:
        here, null = os.fstat(sys.stdout.fileno()), os.stat(os.devnull)
    except (AttributeError, OSError, ValueError):
        return False
    return (here.st_dev, here.st_ino) == (null.st_dev, null.st_ino)


@contextlib.contextmanager
def closed_pipe_quiet() -> Iterator[None]:
    """Turn a write to a stdout whose reader went away into a quiet exit with status 141.

    What is still buffered goes to the null device, so that the interpreter's final flush does not
    fail again. Another broken pipe (a worker's, a socket) is left to the caller.
    """
    try:
        yield
    except BrokenPipeError:
        if not stdout_closed():
            raise
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):  # pragma: no cover - stdout without a descriptor
            pass
        sys.exit(CLOSED_PIPE_EXIT)


def console() -> Any:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # Rich's own exits 1; the CLI's one handler exits 141
            self.quiet = True
            raise BrokenPipeError(32, "stdout closed")

    return _Console()


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


_QUOTED = re.compile(r"'([^']+)'")

# the shared hints (oncoresist.errors.NAME_HINTS), and on the command line where to look a drug up
_LOOK_UP = " ('oncoresist kb show NAME' looks one up)"


def _tokens(value: Any) -> set[str]:
    """The lower-cased values a user gave one option: the whole value and its comma/plus-separated parts."""
    items = value if isinstance(value, list | tuple) else [value]
    out: set[str] = set()
    for item in items:
        if isinstance(item, str) or hasattr(item, "__fspath__"):
            text = str(item).strip().lower()
            out.add(text)
            out.update(t.strip() for t in re.split(r"[,+]", text) if t.strip())
    return out


def _param_quoting(text: str, given: Mapping[str, Any]) -> str | None:
    """The one parameter whose given value the message quotes (``unknown drug 'x'``), if exactly one.

    The quoted values are tried in order: a message may quote a command first (``unknown knowledge version
    (see 'oncoresist kb versions') 'x'``)."""
    for m in _QUOTED.finditer(text):
        quoted = m.group(1).strip().lower()
        hits = [name for name, value in given.items() if value is not None and quoted in _tokens(value)]
        if hits:
            return hits[0] if len(hits) == 1 else None
    return None


def user_message(exc: BaseException, flags: Mapping[str, str] | None = None,
                 given: Mapping[str, Any] | None = None) -> str:
    """The one-line message for a user error, naming the command-line flag at fault.

    A leading parameter name (``param: …`` or ``param must …``) is spelt as its flag; a message that
    names none but quotes a value given to one option gets that option's flag in front. An unknown
    name without a suggestion gets a hint on what to give instead.
    """
    text = one_line(exc)
    if isinstance(exc, UnknownNameError) and (hint := name_hint(exc)) is not None:
        text = f"{text}; {hint}{_LOOK_UP if 'drug' in exc.kind else ''}"
    if not flags:
        return text
    param = getattr(exc, "param", None)
    candidates = [param] if isinstance(param, str) else []
    candidates += [name for name in flags if name not in candidates]
    for name in candidates:
        if name in flags and (text.startswith(f"{name}:") or text.startswith(f"{name} ")):
            return flags[name] + text[len(name):]
    if any(text.startswith(f"{flag}:") or text.startswith(f"{flag} ") for flag in flags.values()):
        return text
    hit = _param_quoting(text, given or {})
    if hit is not None and hit in flags:
        return f"{flags[hit]}: {text}"
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
                fail(user_message(exc, names, kwargs), getattr(exc, "exit_code", 2))
            except ValidationError as exc:  # a library boundary that forgot to convert
                fail(validation_message(exc))
            except BrokenPipeError as exc:
                if stdout_closed():  # the reader of stdout went away: OneLineErrorGroup ends the command quietly
                    raise
                fail(_os_message(exc))
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


def usage_message(exc: Any) -> str:
    """Click's parse error on one line: the flag (or ARGUMENT), what is wrong, and where the help is."""
    text = one_line(exc.format_message())
    param = getattr(exc, "param", None)
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) and param is not None:
        opts = [o for o in (getattr(param, "opts", None) or []) if o.startswith("--")]
        name = opts[0] if opts else str(getattr(param, "name", "") or "").upper()
        if name:
            text = f"{name}: {one_line(exc.message).removeprefix('Value error, ')}"
    ctx = exc.ctx
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        text = f"{text.rstrip('.')} (see '{ctx.command_path} {ctx.help_option_names[0]}')"
    return text


class OneLineErrorGroup(TyperGroup):
    """The root command group: a parse error is one line on stderr and exit code 2, like every user error.

    Help (``--help``, or a command run without arguments) is printed as before. Output to a closed pipe
    ends the command quietly with status 141 (:data:`CLOSED_PIPE_EXIT`).
    """

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:  # a caller that handles Click's exceptions itself
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        null_before = _stdout_is_null()
        try:
            self._main(args, prog_name, complete_var, windows_expand_args, **extra)
        except SystemExit as exc:
            # Rich's handler (the console Typer prints help with) points stdout at the null device and exits 1
            if exc.code == 1 and not null_before and _stdout_is_null():
                sys.exit(CLOSED_PIPE_EXIT)
            raise

    def _main(self, args: Any, prog_name: str | None, complete_var: str | None, windows_expand_args: bool,
              **extra: Any) -> None:
        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except click.NoArgsIsHelpError as exc:  # the help is already printed
            with closed_pipe_quiet():
                sys.stdout.flush()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            sys.stderr.write(f"error: {usage_message(exc)}\n")
            sys.exit(2)
        except click.ClickException as exc:
            sys.stderr.write(f"error: {one_line(exc.format_message())}\n")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("error: aborted; no output was written\n")
            sys.exit(1)
        with closed_pipe_quiet():  # here, not in the interpreter's exit, where a closed pipe prints a warning
            sys.stdout.flush()
        sys.exit(rv if isinstance(rv, int) else 0)

    # Typer's own handler (inside ``super().main``) turns EPIPE into a silent exit 1; these two run before it:
    # ``make_context`` prints the root's help, ``invoke`` runs every command and the sub-groups' help.
    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with closed_pipe_quiet():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with closed_pipe_quiet():
            return super().invoke(ctx)


__all__ = ["CLOSED_PIPE_EXIT", "OneLineErrorGroup", "closed_pipe_quiet", "console", "err_console", "error_boundary",
           "fail", "flag_map", "stdout_closed", "usage_message", "user_message"]
