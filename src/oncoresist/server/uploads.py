"""Uploaded sequencing files: size, row and content checks, then the project's readers.

An upload is written to a private temporary folder only for the reader to open it, and the
folder is removed before the response is sent, whatever happened. Messages name the uploaded
file by its (sanitised) name, never by the temporary path.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from oncoresist.errors import ImportFormatError, OncoresistError
from oncoresist.profile.observed import ReadResult

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge

FileFormat = Literal["maf", "vcf", "cna"]
FORMATS: tuple[str, ...] = ("maf", "vcf", "cna")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadTooLargeError(OncoresistError):
    """The upload is over the size or row limit (HTTP 413)."""

    field = "file"


class BadUploadError(OncoresistError):
    """The upload is empty, binary, not UTF-8, or of an unknown format (HTTP 422)."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Upload:
    """Bytes of one uploaded file, with its name as the client gave it."""

    filename: str
    data: bytes

    @property
    def safe_name(self) -> str:
        base = Path(self.filename.replace("\\", "/")).name or "upload"
        return _SAFE.sub("_", base)[:80] or "upload"


def guess_format(filename: str) -> FileFormat | None:
    """``maf`` for ``*.maf``/``*.maf.txt``, ``vcf`` for ``*.vcf``, ``cna`` for ``*.tsv``/``*.txt``; else None."""
    name = filename.lower()
    if name.endswith((".maf", ".maf.txt", ".maf.tsv")):
        return "maf"
    if name.endswith(".vcf"):
        return "vcf"
    if name.endswith((".tsv", ".txt", ".cna", ".fusions")):
        return "cna"
    return None


GZIP_MAGIC = b"\x1f\x8b"


def refuse_compressed(upload: Upload) -> None:
    """A gzip upload (by its name or its first bytes) gets a message saying what to do instead."""
    name = upload.safe_name
    if upload.data[:2] == GZIP_MAGIC or name.lower().endswith((".gz", ".bgz")):
        plain = re.sub(r"\.b?gz$", "", name, flags=re.IGNORECASE) or "the file"
        raise BadUploadError(f"{name}: compressed uploads are not accepted; decompress it (gunzip {name}) and "
                             f"upload {plain}, or run 'oncoresist annotate --maf {name}', which reads gzip")


def check_text(upload: Upload, *, max_rows: int) -> int:
    """Data rows (non-empty, non-comment lines) of a UTF-8 text upload; raise on anything else."""
    name = upload.safe_name
    refuse_compressed(upload)
    if not upload.data.strip():
        raise BadUploadError(f"{name}: the file is empty; upload a MAF, VCF or copy-number/fusion table")
    if b"\x00" in upload.data[:65536]:
        raise BadUploadError(f"{name}: a binary file, not a text table; upload a plain-text MAF, VCF or TSV "
                             "(compressed files are not accepted)")  # fmt: skip
    try:
        text = upload.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadUploadError(f"{name}: not UTF-8 text (byte {exc.start}); save the table as UTF-8") from None
    rows = sum(1 for line in text.splitlines() if line.strip() and not line.startswith("#"))
    if rows > max_rows + 1:  # + the header
        raise UploadTooLargeError(f"{name}: {rows - 1} data rows; this server accepts at most {max_rows} per file")
    return max(rows - 1, 0)


def read_upload(
    upload: Upload, fmt: FileFormat, kb: Knowledge, *, max_rows: int, tmp_root: Path | None = None
) -> ReadResult:
    """Check ``upload`` and read it with the reader for ``fmt``; nothing stays on disk.

    Raises
    ------
    UploadTooLargeError
        Over ``max_rows`` data rows.
    BadUploadError, ImportFormatError
        Empty, binary or not UTF-8; or the reader rejects it (missing columns...).
    """
    from oncoresist.profile import readers

    check_text(upload, max_rows=max_rows)
    reader: Callable[..., ReadResult] = {
        "maf": readers.read_maf, "vcf": readers.read_vcf, "cna": readers.read_alteration_table,
    }[fmt]  # fmt: skip
    suffix = {"maf": ".maf", "vcf": ".vcf", "cna": ".tsv"}[fmt]
    with tempfile.TemporaryDirectory(prefix="oncoresist-upload-", dir=tmp_root) as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(upload.data)
        try:
            result = reader(path, kb)
        except OncoresistError as exc:
            message = str(exc).replace(str(path), upload.safe_name)
            if message == str(exc):
                raise
            raise ImportFormatError(message) from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # a reader's library rejects the bytes
            why = type(exc).__name__
            raise ImportFormatError(f"{upload.safe_name}: cannot be read as {fmt.upper()}: {why}") from None
    for i, bad in enumerate(result.bad_rows):
        if bad.file == str(path):
            result.bad_rows[i] = type(bad)(upload.safe_name, bad.line, bad.field, bad.message)
    # the reader's notes start with the file's name: the uploaded one, never the temporary one
    result.notes = [upload.safe_name + n[len(path.name):] if n.startswith(path.name) else n for n in result.notes]
    if result.tumor_note and result.tumor_note.startswith(path.name):
        result.tumor_note = upload.safe_name + result.tumor_note[len(path.name):]
    return result
