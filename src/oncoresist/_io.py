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
from collections.abc import Iterator
from pathlib import Path


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
    dest = Path(path)
    folder = dest.parent if str(dest.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=folder)
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
