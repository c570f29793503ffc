"""Loading the selected knowledge for a command (``--knowledge``, ``$ONCORESIST_KNOWLEDGE``, config, default)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge


def load_for_command(selection: str | Path | None = None) -> Knowledge:
    """:func:`oncoresist.knowledge.load_knowledge` for a command process.

    The knowledge is read-only and lives as long as the command, so it is moved out of
    the cyclic garbage collector's reach (``gc.freeze``): otherwise each later collection
    walks its tens of thousands of objects again (a fifth of an ``annotate`` command).
    """
    from oncoresist.knowledge import load_knowledge

    kb = load_knowledge(selection)
    if gc.get_freeze_count() == 0:  # once per process (commands run in-process, as in tests, freeze once)
        gc.freeze()
    return kb
