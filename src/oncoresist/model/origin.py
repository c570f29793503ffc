"""What a scenario file's header says of the knowledge it was built from.

``oncoresist twin`` writes ``# Knowledge version <version>, oncoresist <version>.`` in the first lines
of the scenario YAML it exports (``oncoresist.twin.export``); a scenario written by hand has no such line.
"""

from __future__ import annotations

import re
from pathlib import Path

_KNOWLEDGE_LINE = re.compile(r"^#\s*Knowledge version\s+(\S+?),?\s+oncoresist\s+(\S+?)[.,]?(\s|$)")
_HEAD_LINES = 10


def scenario_knowledge_version(path: str | Path) -> dict[str, str] | None:
    """``{"knowledge": …, "oncoresist": …}`` from the file's header, or ``None`` for a hand-written file.

    Raises ``OSError`` when the file cannot be read.
    """
    with Path(path).open(encoding="utf-8") as fh:
        head = [next(fh, "") for _ in range(_HEAD_LINES)]
    hit = next((m for m in map(_KNOWLEDGE_LINE.match, head) if m), None)
    return None if hit is None else {"knowledge": hit.group(1), "oncoresist": hit.group(2)}
