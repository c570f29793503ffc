"""The one YAML loader of the knowledge layer, and the one reader of its sourced vocabulary tables.

``YAML_LOADER`` is libyaml's C safe loader where present (about ten times faster). The sourced tables (OncoTree
clinical synonyms, tumour abbreviations, variant classes, the exon table ...) are read by :func:`read_yaml_mapping`
and :func:`sourced_rows`, which check the fields every row needs and that each row says where it comes from
(``source``), and refuse a bad file in one line naming the file, the row (with its line) and the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge.schema import SOURCE_RE

YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: source ids written as identifiers must be well formed; free-text sources ("FDA label: Gleevec ...") need only text
_ID_PREFIXES = ("PMID:", "DOI:")


def read_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    """The top-level mapping of a packaged YAML table, or :class:`KnowledgeError` in one line naming the file.

    ``what`` names the table in the message (``"the tumour abbreviations"``).
    """
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot read {what} ({exc.__class__.__name__}: {exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise KnowledgeError(f"{where}: cannot read {what}: not valid YAML ({problem})") from None
    if not isinstance(doc, dict):
        raise KnowledgeError(f"{path}: cannot read {what}: the file must be a mapping with named sections")
    return doc


def _row_lines(path: Path, section: str) -> dict[int, int]:
    """1-based line of each row of ``section`` (composed only when an error is reported)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if getattr(key, "value", None) == section and isinstance(value, yaml.SequenceNode):
            return {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return {}


def check_source_text(value: object) -> str | None:
    """Why ``value`` is no source (``None`` when it is one): a non-empty text, or a list of them; an identifier
    (``PMID:``, ``DOI:``) must be well formed."""
    items = value if isinstance(value, list) else [value]
    if not items:
        return "is empty: give the label, guideline, paper or table the row comes from"
    for item in items:
        if not isinstance(item, str) or not " ".join(item.split()):
            return "is empty: give the label, guideline, paper or table the row comes from"
        text = item.strip()
        if text.startswith(_ID_PREFIXES) and " " not in text and not SOURCE_RE.match(text):
            return f"{text!r} is not a well-formed identifier (PMID:<digits> or DOI:10.<registrant>/<suffix>)"
    return None


def sourced_rows(
    path: Path,
    doc: dict[str, Any],
    section: str,
    *,
    required: Sequence[str],
    what: str,
    label: str | None = None,
    source: str | None = "source",
) -> list[dict[str, Any]]:
    """The rows of list ``section`` of ``doc`` (read from ``path``), each checked.

    Every row is a mapping with each field of ``required`` present and not empty, and (unless ``source`` is
    ``None``) a ``source`` field that :func:`check_source_text` accepts. A bad row raises
    :class:`KnowledgeError` in one line: ``FILE:LINE: <what> row N (<label value>): field 'F' ...; fix it``.
    """
    rows = doc.get(section)
    if not isinstance(rows, list):
        raise KnowledgeError(f"{path}: cannot read {what}: field '{section}' must be a list of rows")
    needed = [*required, *([source] if source else [])]
    for i, row in enumerate(rows):
        problem: tuple[str, str] | None = None
        if not isinstance(row, dict):
            problem = ("(row)", "is not a mapping of fields")
        else:
            for f in needed:
                v = row.get(f)
                if v is None or (isinstance(v, (str, list, dict)) and not v):
                    problem = (f, "is missing or empty")
                    break
            if problem is None and source:
                why = check_source_text(row[source])
                if why is not None:
                    problem = (source, why)
        if problem is not None:
            line = _row_lines(path, section).get(i)
            where = f"{path}:{line}" if line is not None else str(path)
            name = f" ({row.get(label)!r})" if label and isinstance(row, dict) and row.get(label) else ""
            raise KnowledgeError(f"{where}: {what} row {i + 1}{name}: field '{problem[0]}' {problem[1]}; fix the row")
    return rows


def sourced_document(path: Path, what: str, *, required: Sequence[str], source: str = "source") -> dict[str, Any]:
    """A table whose rows share one top-level ``source`` (the exon table): the mapping, with ``source`` and each
    field of ``required`` checked as :func:`sourced_rows` checks a row's."""
    doc = read_yaml_mapping(path, what)
    for f in required:
        if not doc.get(f):
            raise KnowledgeError(f"{path}: cannot read {what}: field '{f}' is missing or empty; fix the file")
    why = check_source_text(doc.get(source))
    if why is not None:
        raise KnowledgeError(f"{path}: cannot read {what}: field '{source}' {why}; fix the file")
    return doc
