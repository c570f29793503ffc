"""Importers of public evidence tables (CIViC, CGI) into the knowledge schema.

Each importer reads a TSV snapshot, turns the rows it can translate into
:class:`~oncoresist.knowledge.schema.Fact` objects (plus the minimal gene, drug,
drug-class and tumour entities they need), and reports every row it could not
translate with a reason. :func:`store.create_version` writes results as a new named
knowledge version (selected with ``--knowledge NAME``); :func:`store.write_import` writes
one into a folder of import files (``load_knowledge(imports=folder)``).
"""

from __future__ import annotations

from oncoresist.knowledge.importers.cgi import import_cgi
from oncoresist.knowledge.importers.civic import import_civic
from oncoresist.knowledge.importers.result import ImportResult
from oncoresist.knowledge.importers.store import (
    check_new_version,
    create_version,
    default_version_name,
    write_import,
)

__all__ = ["ImportResult", "check_new_version", "create_version", "default_version_name", "import_cgi", "import_civic",
           "write_import"]
