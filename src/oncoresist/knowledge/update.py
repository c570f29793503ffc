"""``oncoresist kb update``: fetch the current CIViC nightly evidence TSV and replace the import.

The download goes to a temporary file beside the import; it must arrive whole
(the announced ``Content-Length``, a final line end), parse as a CIViC evidence
table (header columns present, every row complete) and yield at least
``min_facts`` facts. Only then is ``civic.json`` replaced, atomically. Any
failure (HTTP error, connection closed mid-stream, truncated or corrupt body)
raises an :class:`~oncoresist.errors.OncoresistError` and leaves the previous
import exactly as it was. Uses :mod:`urllib` only.
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
from oncoresist.knowledge.importers._common import ImportResult

CIVIC_NIGHTLY_URL = "https://civicdb.org/downloads/nightly/nightly-AcceptedClinicalEvidenceSummaries.tsv"
#: a real CIViC nightly yields thousands of facts; far fewer means a wrong or partial file
DEFAULT_MIN_FACTS = 500


class DownloadError(OncoresistError):
    """The download failed or arrived incomplete; the previous import is kept."""


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
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}; previous import kept") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: cannot connect ({exc.reason}); previous import kept") from None
    except http.client.IncompleteRead as exc:
        raise DownloadError(
            f"{url}: connection closed after {total + len(exc.partial)} bytes"
            f"{f' of {exc.expected + len(exc.partial) + total}' if exc.expected else ''}; previous import kept"
        ) from None
    except (http.client.HTTPException, OSError) as exc:
        raise DownloadError(
            f"{url}: download interrupted ({exc.__class__.__name__}: {exc}); previous import kept"
        ) from None
    if expected is not None and expected.isdigit() and int(expected) != total:
        raise DownloadError(f"{url}: got {total} of {expected} bytes; previous import kept")
    if total == 0:
        raise DownloadError(f"{url}: empty response; previous import kept")
    return total


def update_civic(
    url: str = CIVIC_NIGHTLY_URL,
    *,
    min_facts: int = DEFAULT_MIN_FACTS,
    directory: Path | None = None,
    timeout: float = 60.0,
) -> tuple[ImportResult, Path]:
    """Download, verify and import the CIViC nightly TSV; replace ``civic.json`` atomically.

    Returns
    -------
    (ImportResult, Path)
        The import (counts and skip reasons) and the path of the new ``civic.json``.

    Raises
    ------
    DownloadError, ImportFormatError
        Nothing is replaced.
    """
    from oncoresist.knowledge.importers.civic import import_civic
    from oncoresist.knowledge.importers.store import write_import
    from oncoresist.knowledge.loader import import_dir

    target_dir = directory or import_dir()
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
                f"downloaded file from {url} is not usable: {str(exc).replace(str(tmp), 'download')}; "
                "previous import kept"
            ) from None
        if len(result.facts) < min_facts:
            raise ImportFormatError(
                f"downloaded file from {url} yields {len(result.facts)} facts, fewer than --min-facts "
                f"{min_facts}; previous import kept"
            )
        result.path = url
        path = write_import(result, target_dir)
        return result, path
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
