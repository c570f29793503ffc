"""``oncoresist kb update``: fetch the current CIViC nightly evidence TSV into a new knowledge version.

The download goes to a temporary file in the versions folder; it must arrive whole
(the announced ``Content-Length``, a final line end), parse as a CIViC evidence
table (header columns present, every row complete) and yield at least
``min_facts`` facts. Only then is a new version written (the base version's other
layers, e.g. the bundled CGI snapshot, plus the new CIViC layer;
:func:`~oncoresist.knowledge.importers.store.create_version`). Nothing that exists is
changed: the default knowledge and every other version stay as they are, and results
change only where the user selects the new version. Any failure (HTTP error,
connection closed mid-stream, truncated or corrupt body) raises an
:class:`~oncoresist.errors.OncoresistError` and writes nothing. Uses :mod:`urllib` only.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from oncoresist._version import __version__
from oncoresist.errors import ImportFormatError, OncoresistError
from oncoresist.knowledge.importers.civic import import_civic
from oncoresist.knowledge.importers.result import ImportResult
from oncoresist.knowledge.importers.store import check_new_version, create_version, default_version_name
from oncoresist.knowledge.selection import versions_root

CIVIC_NIGHTLY_URL = "https://civicdb.org/downloads/nightly/nightly-AcceptedClinicalEvidenceSummaries.tsv"
#: a real CIViC nightly yields thousands of facts; far fewer means a wrong or partial file
DEFAULT_MIN_FACTS = 500


class DownloadError(OncoresistError):
    """The download failed or arrived incomplete; nothing is written."""


def download(url: str, dest: Path, *, timeout: float = 60.0) -> int:
    """Stream ``url`` into ``dest``; return the number of bytes.

    Raises
    ------
    DownloadError
        HTTP error, network error, or fewer bytes than the server announced.
    """
    req = urllib.request.Request(url, headers={"User-Agent": f"oncoresist/{__version__}"})
    total = 0
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp, dest.open("wb") as out:
            expected = resp.headers.get("Content-Length")
            while True:
                block = resp.read(1 << 16)
                if not block:
                    break
                out.write(block)
                total += len(block)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}; nothing written") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: cannot connect ({exc.reason}); nothing written") from None
    except http.client.IncompleteRead as exc:
        raise DownloadError(
            f"{url}: connection closed after {total + len(exc.partial)} bytes"
            f"{f' of {exc.expected + len(exc.partial) + total}' if exc.expected else ''}; nothing written"
        ) from None
    except (http.client.HTTPException, OSError) as exc:
        raise DownloadError(
            f"{url}: download interrupted ({exc.__class__.__name__}: {exc}); nothing written"
        ) from None
    if expected is not None and expected.isdigit() and int(expected) != total:
        raise DownloadError(f"{url}: got {total} of {expected} bytes; nothing written")
    if total == 0:
        raise DownloadError(f"{url}: empty response; nothing written")
    return total


def update_civic(
    url: str = CIVIC_NIGHTLY_URL,
    *,
    name: str | None = None,
    base: str = "default",
    min_facts: int = DEFAULT_MIN_FACTS,
    root: Path | None = None,
    timeout: float = 60.0,
) -> tuple[ImportResult, Path]:
    """Download, verify and import the CIViC nightly TSV as a new knowledge version.

    Parameters
    ----------
    name
        The new version's name (default ``civic-<release date>-<sha8>``).
    base
        The version whose other layers are kept (default: the bundled snapshots).
    root
        Where versions live (default ``<data dir>/versions``).

    Returns
    -------
    (ImportResult, Path)
        The import (counts and skip reasons) and the new version's folder.

    Raises
    ------
    InvalidArgument, UnknownNameError
        A bad or taken ``name``, an unknown ``base``: refused before the download.
    DownloadError, ImportFormatError, KnowledgeError
        Nothing is written.
    """
    target_dir = root or versions_root()
    check_new_version(name, base=base, root=target_dir)  # before the download
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".civic-download.", suffix=".tsv", dir=target_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        download(url, tmp, timeout=timeout)
        try:
            result = import_civic(tmp)
        except ImportFormatError as exc:
            raise ImportFormatError(
                f"downloaded file from {url} is not usable: {str(exc).replace(str(tmp), 'download')}; nothing written"
            ) from None
        if len(result.facts) < min_facts:
            raise ImportFormatError(
                f"downloaded file from {url} yields {len(result.facts)} facts, fewer than --min-facts "
                f"{min_facts}; nothing written"
            )
        result.path = url
        new_name = default_version_name(result) if name is None else name
        path = create_version(new_name, [result], base=base, root=target_dir)
        return result, path
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
