"""Organ sub-sites and the number of a tumour name, as forms to try when a name resolves no other way.

* :func:`site_forms`: a sub-site that OncoTree has no node for, replaced by the site it names
  (``data_vocabulary/tumor_sites.yaml``): ``sigmoid colon adenocarcinoma`` -> ``colon adenocarcinoma``,
  ``caecal cancer`` -> ``colon cancer``, ``rectosigmoid adenocarcinoma`` -> ``colorectal adenocarcinoma``;
* :func:`number_forms`: the other grammatical number of the last word (``myelodysplastic syndrome`` ->
  ``myelodysplastic syndromes``): OncoTree writes some names in the plural, reports in either.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from oncoresist.knowledge._yaml import read_yaml_mapping, sourced_rows

SITES_FILE = Path(__file__).parent / "data_vocabulary" / "tumor_sites.yaml"


@lru_cache(maxsize=2)
def tumor_sites(path: Path = SITES_FILE) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern of the sub-site as a whole word, the site it reads as), in the file's order; read once.

    Raises
    ------
    KnowledgeError
        When the file cannot be read or a row lacks ``site``, ``reads_as`` or ``source``.
    """
    what = "the tumour sub-sites"
    doc = read_yaml_mapping(path, what)
    rows = sourced_rows(path, doc, "sites", required=("site", "reads_as"), what=what, label="site")
    return tuple(
        (re.compile(rf"(?<![\w-]){re.escape(str(r['site']))}(?![\w-])", re.IGNORECASE), str(r["reads_as"]))
        for r in rows
    )


def site_forms(text: str) -> list[str]:
    """``text`` with its first known sub-site replaced by the site (``[]`` when it names none)."""
    for rx, site in tumor_sites():
        if rx.search(text):
            return [" ".join(rx.sub(site, text, count=1).split())]
    return []


#: the nouns whose number reports and OncoTree write differently ("myelodysplastic syndrome" / "Syndromes")
_NOUN_RE = re.compile(
    r"\b(?P<w>syndrome|neoplasm|tumou?r|carcinoma|lymphoma|leuka?emia|sarcoma|melanoma|myeloma|disorder|cancer)"
    r"(?P<s>s?)\b",
    re.IGNORECASE,
)


def number_forms(text: str) -> list[str]:
    """``text`` with its last tumour noun in the other number (``syndrome`` <-> ``syndromes``); ``[]`` without one."""
    found = list(_NOUN_RE.finditer(text))
    if not found:
        return []
    m = found[-1]
    other = m["w"] if m["s"] else m["w"] + "s"
    return [text[: m.start()] + other + text[m.end() :]]
