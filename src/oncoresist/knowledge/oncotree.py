"""The tumour vocabulary: the full OncoTree, read from the release shipped in ``bundled/``.

OncoTree, Memorial Sloan Kettering Cancer Center (https://oncotree.mskcc.org), release
2025-10-03, CC BY 4.0. The file is the release's JSON exactly as published (its sha256 is
recorded in ``bundled/manifest.json``). Every node becomes a :class:`TumorType` with its
OncoTree code, name and parent; the root ``TISSUE`` stands for "any tumour type"
(tumour-agnostic scope). Codes the release lists as a node's ``history`` or
``precursors``, and ``revocations`` that point to exactly one node (``GBM`` → ``GB``),
resolve to the current code.

OncoTree codes are taken verbatim: two of them (``HCL-V``, ``MDS/MPN``) contain
characters the curated schema does not allow in codes it defines itself, so the nodes
are built without schema validation (the release is pinned and checked by its hash).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge._construct import fast_constructor
from oncoresist.knowledge._yaml import read_yaml_mapping, sourced_rows
from oncoresist.knowledge.schema import TumorType

BUNDLE_DIR = Path(__file__).parent / "bundled"
ONCOTREE_RELEASE = "2025-10-03"
ONCOTREE_FILE = BUNDLE_DIR / "oncotree_2025_10_03.json"
ONCOTREE_ATTRIBUTION = "OncoTree, Memorial Sloan Kettering Cancer Center"
ONCOTREE_LICENCE = "CC BY 4.0"
#: the root node: a fact recorded here applies to every tumour type
ROOT = "TISSUE"
#: how file labels and ``Knowledge.defined_in`` name the OncoTree layer
LABEL = f"oncotree-{ONCOTREE_RELEASE}"


@dataclass(frozen=True)
class OncoTree:
    """The nodes of one OncoTree release, with the old codes that now resolve to them."""

    release: str
    nodes: list[TumorType]
    #: old code (history, precursor, unambiguous revocation) -> current code
    code_aliases: dict[str, str] = field(default_factory=dict)
    #: code -> the tissue (level-1 node) it belongs to; the root maps to itself
    tissue: dict[str, str] = field(default_factory=dict)
    #: code -> the release's ``mainType`` of the node ("Thyroid Cancer"), where it has one
    main_type: dict[str, str] = field(default_factory=dict)


_construct_tumor = fast_constructor(TumorType)


def _tumor(code: str, name: str, parent: str | None) -> TumorType:
    tumor: TumorType = _construct_tumor({"code": code, "name": name, "parent": parent, "synonyms": []})
    return tumor


def parse_oncotree(doc: Any, release: str = ONCOTREE_RELEASE, label: str = "oncotree") -> OncoTree:
    """Nodes of an OncoTree JSON document (``{"TISSUE": {..., "children": {...}}}``).

    Raises
    ------
    KnowledgeError
        The document is not an OncoTree tree (no ``TISSUE`` root, a node without code or name).
    """
    if not isinstance(doc, dict) or ROOT not in doc or not isinstance(doc[ROOT], dict):
        raise KnowledgeError(f"{label}: not an OncoTree tree (expected a top-level {ROOT!r} node)")
    nodes: list[TumorType] = []
    tissue: dict[str, str] = {}
    main_type: dict[str, str] = {}
    old: dict[str, set[str]] = {}
    todo: list[tuple[dict[str, Any], str | None, str | None]] = [(doc[ROOT], None, None)]
    while todo:
        node, parent, tis = todo.pop()
        code, name = node.get("code"), node.get("name")
        if not isinstance(code, str) or not code or not isinstance(name, str) or not name:
            raise KnowledgeError(f"{label}: a node below {parent or 'the root'} has no code or name")
        nodes.append(_tumor(code, name, parent))
        tissue[code] = tis or code
        mt = node.get("mainType")
        if isinstance(mt, str) and mt.strip():
            main_type[code] = mt.strip()
        for key in ("history", "precursors", "revocations"):
            for c in node.get(key) or []:
                if isinstance(c, str) and c:
                    old.setdefault(c, set()).add(code)
        children = node.get("children") or {}
        for child in sorted(children.values(), key=lambda n: str(n.get("code")), reverse=True):
            todo.append((child, code, tis if parent is not None else (child.get("code") or None)))
    codes = {t.code for t in nodes}
    dup = [c for c, n in Counter(t.code for t in nodes).items() if n > 1]
    if dup:
        raise KnowledgeError(f"{label}: code {dup[0]!r} appears more than once")
    aliases = {o: next(iter(cur)) for o, cur in sorted(old.items()) if len(cur) == 1 and o not in codes}
    tissue[ROOT] = ROOT
    return OncoTree(release=release, nodes=nodes, code_aliases=aliases, tissue=tissue, main_type=main_type)


def read_oncotree(path: Path = ONCOTREE_FILE, release: str = ONCOTREE_RELEASE) -> OncoTree:
    """Read an OncoTree release (default: the one shipped with the package)."""
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, json.JSONDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot read the OncoTree release ({exc})") from None
    return parse_oncotree(doc, release, label=str(path))


# ------------------------------------------------------------------ name forms
#: words that vary between reports and the OncoTree without changing the meaning
_WORD_FORMS = {
    "cancer": "carcinoma",
    "cancers": "carcinoma",
    "carcinomas": "carcinoma",
    "tumour": "tumor",
    "tumours": "tumor",
    "tumors": "tumor",
    "leukaemia": "leukemia",
    "haematological": "hematological",
    "oesophageal": "esophageal",
    "oesophagus": "esophagus",
    "neoplasms": "neoplasm",
}
_DROP_WORDS = frozenset({"the", "nos", "origin"})


def loose_key(name: str) -> str:
    """A tumour name as compared loosely: lower case, punctuation and hyphens read as spaces,
    "cancer" read as "carcinoma" (and British spellings as American), "the"/"NOS" dropped.

    ``"B-lymphoblastic leukaemia"`` -> ``"b lymphoblastic leukemia"``;
    ``"Thyroid Cancer"`` -> ``"thyroid carcinoma"``.
    """
    words = re.sub(r"[^a-z0-9]+", " ", name.lower()).split()
    return " ".join(_WORD_FORMS.get(w, w) for w in words if w not in _DROP_WORDS)


def name_forms(name: str, *, comma: bool = True) -> list[str]:
    """The ways a report may write an OncoTree name: the name, the part before a comma
    (``"Astrocytoma, IDH-Mutant"`` -> ``"Astrocytoma"``), and each alternative of a ``/``
    (``"B-Lymphoblastic Leukemia/Lymphoma"`` -> ``"B-Lymphoblastic Leukemia"``,
    ``"B-Lymphoblastic Lymphoma"``; ``"Esophagus/Stomach"`` -> ``"Esophagus"``, ``"Stomach"``).
    ``comma=False`` leaves out the part before a comma.
    """
    out: list[str] = []

    def add(form: str) -> None:
        form = " ".join(form.split())
        if form and form not in out:
            out.append(form)

    heads = [name]
    if comma and "," in name:
        heads.append(name.split(",", 1)[0])
    for head in heads:
        add(head)
        if "/" not in head:
            continue
        if " / " in head:  # whole phrases as alternatives
            for part in head.split(" / "):
                add(part)
            continue
        words = head.split()
        for i, word in enumerate(words):
            if "/" in word and "(" not in word and ";" not in word:
                for alt in word.split("/"):
                    if alt:
                        add(" ".join([*words[:i], alt, *words[i + 1 :]]))
    return out


#: clinical tumour names OncoTree does not carry (with the source of each wording)
CLINICAL_SYNONYMS_FILE = Path(__file__).parent / "data_vocabulary" / "tumor_synonyms.yaml"


@dataclass(frozen=True)
class ClinicalSynonym:
    """A clinical tumour name, the OncoTree code it names, and where the wording comes from."""

    name: str
    code: str
    source: str


@lru_cache(maxsize=4)
def clinical_tumor_synonyms(path: Path = CLINICAL_SYNONYMS_FILE) -> tuple[ClinicalSynonym, ...]:
    """The clinical synonym table (``data_vocabulary/tumor_synonyms.yaml``), read once.

    Raises
    ------
    KnowledgeError
        When the file cannot be read or an entry lacks ``name``, ``code`` or ``source``.
    """
    what = "the clinical tumour synonyms"
    rows = sourced_rows(path, read_yaml_mapping(path, what), "synonyms", required=("name", "code"), what=what,
                        label="name")  # fmt: skip
    return tuple(ClinicalSynonym(str(e["name"]), str(e["code"]), str(e["source"])) for e in rows)


#: clinical qualifiers that say how far a tumour has spread, how it was treated, for whom, or which
#: biomarker subset it is, but not which tumour type it is (stripped when the full name names nothing)
_QUALIFIER_RE = re.compile(
    r"\b(?:"
    r"locally\s+advanced\s+or\s+metastatic|locally\s+advanced|advanced\s+or\s+metastatic|metastatic|advanced"
    r"|unresectable(?:\s+or\s+metastatic)?|inoperable|recurrent|relapsed(?:\s*(?:or|/)\s*refractory)?|refractory"
    r"|r/r|newly[\s-]+diagnosed|previously[\s-]+treated|treatment[\s-]+naive|progressive|progressing|symptomatic"
    r"|early[\s-]+stage|early|stage\s+(?:iv|iii|ii|i|[1-4])[abc]?|high[\s-]+risk|intermediate[\s-]+risk|de\s+novo"
    r"|castration[\s-]+(?:resistant|sensitive)|hormone[\s-]+(?:sensitive|naive)|platinum[\s-]+(?:resistant|sensitive)"
    r"|hormone[\s-]+receptor[\s-]*(?:positive|negative)|(?:hr|er|pr|her2|egfr|alk|ros1|braf|kras|brca)[\s-]*"
    r"(?:positive|negative|low|ultralow|mutant|mutated|rearranged|altered|amplified|\+|-)(?=\s|$)"
    r"|pediatric|paediatric|childhood|adult|malignant|primary|secondary"
    r"|(?:radioactive[\s-]+iodine|radio[\s-]*iodine|rai)[\s-]+(?:refractory|resistant)"
    r")(?=\s|$|,)",
    re.IGNORECASE,
)


#: a biomarker-defined subset written before the tumour name: "KRAS G12C-mutated", "MSI-high", "NTRK fusion-positive"
_BIOMARKER_SUBSET_RE = re.compile(
    r"(?<![\w-])[A-Z][A-Z0-9]{1,9}(?:\s+[A-Z]?\d{1,4}[A-Z*]?)?(?:\s+fusion)?[\s-]+"
    r"(?:[Mm]utant|[Mm]utated|[Pp]ositive|[Nn]egative|[Rr]earranged|[Aa]ltered|[Aa]mplified|[Ll]ow|[Hh]igh"
    r"|[Dd]eficient|[Pp]roficient|[Ee]xpressing)(?=\s|$|,)"
)


def strip_clinical_qualifiers(name: str) -> str:
    """``name`` without qualifiers of stage, treatment history, age group or biomarker subset, and without a
    trailing abbreviation in parentheses: ``"metastatic castration-resistant prostate cancer (mCRPC)"`` ->
    ``"prostate cancer"``; ``"HER2-positive breast cancer"`` -> ``"breast cancer"``."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    text = _BIOMARKER_SUBSET_RE.sub(" ", text)
    text = _QUALIFIER_RE.sub(" ", text)
    return " ".join(text.replace(" ,", ",").strip(" ,").split())
