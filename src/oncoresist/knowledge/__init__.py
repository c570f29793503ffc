"""The knowledge base: curated, source-cited resistance mechanisms plus CIViC/CGI imports."""

from __future__ import annotations

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import import_dir, load_knowledge

__all__ = ["Knowledge", "import_dir", "load_knowledge"]
