"""Writing output files atomically: all of a file or nothing.

Every command that writes a result (tables, Parquet, HTML, figures, imports) goes
through :func:`atomic_path`: the content is written to a hidden temporary file in
the destination folder and renamed into place with :func:`os.replace` only when
the writer finished. An error or Ctrl-C removes the temporary file and leaves any
previous output untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from oncoresist.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it to ``path`` when the block succeeds.

    ``suffix`` lets writers that choose a format by extension (matplotlib) see the
    right one. The final file gets the usual permissions (``0o666`` less the umask),
    not the private ``0o600`` of :func:`tempfile.mkstemp`.
    """
    dest = check_output_file(path)
    folder = dest.parent if str(dest.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {dest}: {exc.strerror or exc}", param="out") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _folder_problem(folder: Path) -> str | None:
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    return None


def check_output_file(path: str | os.PathLike[str], *, param: str = "out",
                      suffixes: Iterable[str] | None = None) -> Path:
    """Check, before any work, that a file can be written at ``path``; return it as a Path.

    Raises :class:`~oncoresist.errors.OutputError` (naming ``param``) when the folder is
    missing, not a folder or not writable, when ``path`` is an existing folder, or when its
    suffix is not one of ``suffixes`` (lower-case, with the dot).
    """
    dest = Path(path)
    if dest.is_dir():
        raise OutputError(f"{param}: {dest} is a folder; give a file name", param=param)
    if suffixes is not None:
        allowed = sorted(suffixes)
        if dest.suffix.lower() not in allowed:
            raise OutputError(f"{param}: {dest} must end in one of {', '.join(allowed)}", param=param)
    problem = _folder_problem(dest.parent if str(dest.parent) else Path("."))
    if problem:
        raise OutputError(f"{param}: cannot write {dest}: {problem}", param=param)
    if dest.exists() and not os.access(dest, os.W_OK):
        raise OutputError(f"{param}: cannot write {dest}: the file is not writable", param=param)
    return dest


def check_output_dir(path: str | os.PathLike[str], *, param: str = "out_dir") -> Path:
    """Check, before any work, that ``path`` is (or can be created as) a writable folder."""
    dest = Path(path)
    if dest.exists() and not dest.is_dir():
        raise OutputError(f"{param}: {dest} exists and is not a folder; give a folder for the run", param=param)
    probe = dest
    while not probe.exists():
        parent = probe.parent
        if parent == probe:
            break
        probe = parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"{param}: cannot create or write {dest}: {probe} is not a writable folder", param=param)
    return dest
