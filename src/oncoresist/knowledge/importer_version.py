"""The version of the CIViC/CGI importers and of the import document they write.

Knowledge versions name each imported layer by its source table (release date and sha256)
*and* by what turned the table into facts: this number and the sha256 of the compiled file
(:func:`oncoresist.knowledge.selection.layer_label`). Bump :data:`IMPORTER_VERSION` whenever
an importer's mapping changes (row filters, evidence-level or mechanism rules, disease or
name resolution) or the import document's schema changes, so that results computed with
the old and the new importer never carry the same knowledge version; the compiled file's
digest changes with any change of output as well, even if the bump is forgotten.

A leaf module (no imports) so that :mod:`.selection`, :mod:`.loader`, :mod:`.bundle` and the
importers can all read it without an import circle.
"""

from __future__ import annotations

#: 1: the importers as first written (before this number existed; not recorded in manifests);
#: 2: recorded in every manifest and import document, and part of each layer's version label;
#: 3: CGI: a ``;`` list within one gene's biomarker (``MET:Y1230C;Y1235D``) is a choice of variants, one fact
#:    each, no longer all of them required together (the CGI layer: 11,021 → 11,024 facts).
IMPORTER_VERSION = "3"
