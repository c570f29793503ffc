"""Importers of public evidence tables (CIViC, CGI) into the knowledge schema.

Each importer reads a TSV snapshot, turns the rows it can translate into
:class:`~oncoresist.knowledge.schema.Fact` objects (plus the minimal gene, drug,
drug-class and tumour entities they need), and reports every row it could not
translate with a reason. :func:`store.write_import` writes the result as JSON
into :func:`~oncoresist.knowledge.loader.import_dir`, where the loader merges it.
"""

from __future__ import annotations

from oncoresist.knowledge.importers._common import ImportResult
from oncoresist.knowledge.importers.cgi import import_cgi
from oncoresist.knowledge.importers.civic import import_civic
from oncoresist.knowledge.importers.store import write_import

__all__ = ["ImportResult", "import_cgi", "import_civic", "write_import"]
