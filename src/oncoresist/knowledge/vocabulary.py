"""Therapy names as reports and databases write them: drugs, drug classes and named regimens.

:meth:`Knowledge.resolve_drug` knows generic names, brand names and codes. This module adds
what a molecular tumour board report or a CIViC/CGI row may name instead:

* a salt or form of a drug (``Regorafenib Anhydrous``, ``Pictilisib Bismesylate``) or a biologic with
  its FDA suffix (``tarlatamab-dlle``, ``fam-trastuzumab deruxtecan-nxki``);
* a drug class by its id, name or one of its synonyms (``MEK inhibitor``, ``Platinum Compound``);
* a named regimen (``FOLFOX``, ``R-CHOP``; ``data_vocabulary/regimens.yaml``) or drugs joined by
  ``/`` or ``+`` (``Dabrafenib/Trametinib Regimen``);

and, for the annotator's next options, the later generations of a drug's class
(:func:`next_generation_classes`, :func:`next_generation_drugs`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from oncoresist.errors import KnowledgeError
from oncoresist.knowledge._yaml import read_yaml_mapping
from oncoresist.knowledge.index import Knowledge, normalize_name
from oncoresist.knowledge.schema import Drug

REGIMENS_FILE = Path(__file__).parent / "data_vocabulary" / "regimens.yaml"

#: words of a salt, hydrate or form that do not change which drug is meant
_SALT_WORDS = frozenset(
    {
        *("anhydrous", "hydrochloride", "hcl", "dihydrochloride", "mesylate", "bismesylate", "dimesylate"),
        *("besylate", "tosylate", "maleate", "citrate", "acetate", "sodium", "potassium", "calcium"),
        *("phosphate", "sulfate", "sulphate", "tartrate", "fumarate", "malate", "succinate"),
        *("hydrobromide", "monohydrate", "trihydrate", "hydrate", "free", "base"),
    }
)
_REGIMEN_WORDS = ("regimen", "protocol", "combination", "chemotherapy", "therapy")
#: the class an importer gives a therapy name it could not place (``knowledge/importers/_common.py``)
_IMPORTED_UNCLASSIFIED = "imported_unclassified"

TermKind = Literal["drug", "class", "regimen"]


@dataclass(frozen=True)
class TherapyTerm:
    """What a therapy name means: one drug, one drug class, or drugs given together."""

    text: str
    kind: TermKind
    drugs: tuple[str, ...] = ()
    drug_class: str | None = None
    how: str = ""  # "name", "salt form", "class name", "named regimen", "joined drugs"


@lru_cache(maxsize=1)
def regimens() -> dict[str, tuple[str, ...]]:
    """Named regimens by normalised acronym -> the generic names given together."""
    table = read_yaml_mapping(REGIMENS_FILE, "the regimen table").get("regimens")
    if not isinstance(table, dict):
        raise KnowledgeError(f"{REGIMENS_FILE}: top level must have a 'regimens:' mapping")
    return {normalize_name(str(k)): tuple(str(d) for d in v) for k, v in table.items()}


@lru_cache(maxsize=1)
def regimen_names() -> tuple[str, ...]:
    """The regimen acronyms as the table writes them (``FOLFOX``, ``R-CHOP``), for suggestions."""
    table = read_yaml_mapping(REGIMENS_FILE, "the regimen table").get("regimens")
    return tuple(str(k) for k in table) if isinstance(table, dict) else ()


_CLASS_ALIAS_CACHE: dict[int, tuple[Knowledge, dict[str, str]]] = {}


def class_aliases(kb: Knowledge) -> dict[str, str]:
    """Normalised class id, name and synonyms -> class id (built once per knowledge object)."""
    hit = _CLASS_ALIAS_CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    out: dict[str, str] = {}
    for cid, dc in kb.drug_classes.items():
        out.setdefault(normalize_name(cid), cid)
        out.setdefault(normalize_name(re.sub(r"\s*\(.*?\)", "", dc.name)), cid)
        out.setdefault(normalize_name(dc.name), cid)
    for cid, dc in kb.drug_classes.items():
        for syn in dc.synonyms:
            out.setdefault(normalize_name(syn), cid)
    _CLASS_ALIAS_CACHE.clear()
    _CLASS_ALIAS_CACHE[id(kb)] = (kb, out)
    return out


def resolve_class(kb: Knowledge, text: str) -> str | None:
    """Class id for a class id, name or synonym (case and ``_``/space insensitive), or ``None``.

    A leading ``novel`` and a plural ``inhibitors`` are read away (``novel MEK inhibitor``,
    ``PARP inhibitors``); a parenthesised remark is ignored.
    """
    aliases = class_aliases(kb)
    n = normalize_name(re.sub(r"\s*\(.*?\)", "", text))
    hit = aliases.get(n)
    if hit is None:
        n = re.sub(r"^novel ", "", n)
        n = re.sub(r"\binhibitors$", "inhibitor", n)
        hit = aliases.get(n)
    return hit


#: the four-letter suffix FDA adds to a biologic's name (``amivantamab-vmjw``, ``fam-trastuzumab deruxtecan-nxki``)
_BIOLOGIC_SUFFIX_RE = re.compile(r"-[a-z]{4}$")


def _drug(kb: Knowledge, text: str) -> tuple[str, str] | None:
    name = kb.resolve_drug(text)
    if name is not None:
        return name, "name"
    words = [w for w in normalize_name(text).split() if w not in _SALT_WORDS]
    if words:
        name = kb.resolve_drug(" ".join(words))
        if name is not None:
            return name, "salt form"
        stem = _BIOLOGIC_SUFFIX_RE.sub("", " ".join(words))
        if stem != " ".join(words):
            name = kb.resolve_drug(stem)
            if name is not None:
                return name, "biologic suffix"
    return None


def _strip_regimen_words(text: str) -> str:
    core = text
    for w in _REGIMEN_WORDS:
        core = re.sub(rf"\s+{w}$", "", core, flags=re.IGNORECASE)
    return core


def imported_regimen_drugs(kb: Knowledge, name: str) -> tuple[str, ...] | None:
    """The drugs an imported pseudo-drug named for a regimen stands for, else ``None``.

    An importer keeps a therapy it cannot place as a new drug of class ``imported_unclassified`` (CIViC's
    ``FOLFOX Regimen`` became the drug ``folfox regimen``). Where that name, without its ``Regimen``/``Protocol``
    word, is a named regimen (``regimens.yaml``: FOLFOX, R-CHOP, EAP, PCV) or drugs joined by ``-``, ``/`` or ``+``
    that are all known drugs (``Dabrafenib/Trametinib Regimen``, ``larotrectinib regimen``), this is those drugs.
    """
    d = kb.drugs.get(name)
    if d is None or d.classes != [_IMPORTED_UNCLASSIFIED]:
        return None
    for text in (name, *d.synonyms):
        core = _strip_regimen_words(" ".join(text.split()))
        if core == text:
            continue  # not named as a regimen
        named = regimens().get(normalize_name(core))
        if named is not None:
            return named
        found = [_drug(kb, p) for p in re.split(r"\s*[-/+]\s*", core) if p.strip()]
        if found and all(f is not None and kb.drugs[f[0]].classes != [_IMPORTED_UNCLASSIFIED] for f in found):
            return tuple(f[0] for f in found if f is not None)
    return None


def resolve_therapy(kb: Knowledge, text: str) -> TherapyTerm | None:
    """What ``text`` names: a drug, a drug class or a regimen; ``None`` when it is none of these.

    Order: a drug (name, brand, code, then without salt words); a named regimen; drugs joined by
    ``/`` or ``+`` (each part a drug); a drug class. A trailing ``Regimen``/``Protocol`` is ignored.
    """
    t = " ".join(text.split())
    if not t:
        return None
    hit = _drug(kb, t)
    if hit is not None:
        return _drug_term(kb, t, hit)
    core = _strip_regimen_words(t)
    if core != t:
        hit = _drug(kb, core)
        if hit is not None:
            return _drug_term(kb, t, hit)
    named = regimens().get(normalize_name(core))
    if named is not None:
        return TherapyTerm(t, "regimen", named, how="named regimen")
    parts = [p.strip() for p in re.split(r"\s*[/+]\s*", core) if p.strip()]
    if len(parts) > 1:
        found = [_drug(kb, p) for p in parts]
        if all(f is not None for f in found):
            return TherapyTerm(t, "regimen", tuple(f[0] for f in found if f is not None), how="joined drugs")
    cid = resolve_class(kb, t) or resolve_class(kb, core)
    if cid is not None:
        return TherapyTerm(t, "class", drug_class=cid, how="class name")
    return None


def _drug_term(kb: Knowledge, text: str, hit: tuple[str, str]) -> TherapyTerm:
    """One drug, or the drugs of the regimen an imported pseudo-drug names (:func:`imported_regimen_drugs`)."""
    drugs = imported_regimen_drugs(kb, hit[0])
    if drugs is not None:
        return TherapyTerm(text, "regimen", drugs, how="imported regimen name")
    return TherapyTerm(text, "drug", (hit[0],), how=hit[1])


# ------------------------------------------------------------------ generations


def next_generation_classes(kb: Knowledge, class_id: str) -> list[str]:
    """Classes of the same lineage (same parent) with a higher ``generation``, lowest first.

    ``egfr_tki_gen1`` -> ``["egfr_tki_gen2", "egfr_tki_gen3"]``; a class without a generation -> ``[]``.
    """
    dc = kb.drug_classes.get(class_id)
    if dc is None or dc.generation is None or dc.parent is None:
        return []
    later = [
        (other.generation, cid)
        for cid, other in kb.drug_classes.items()
        if other.parent == dc.parent and other.generation is not None and other.generation > dc.generation
    ]
    return [cid for _, cid in sorted(later)]


def next_generation_drugs(kb: Knowledge, drug: str) -> dict[str, list[str]]:
    """For each generation class of ``drug``: the later-generation classes' drugs (approved first).

    Returns ``{later class id: [drug, ...]}`` in generation order; withdrawn drugs are left out.
    """
    d = kb.drugs[drug]
    out: dict[str, list[str]] = {}
    for c in d.classes:
        for later in next_generation_classes(kb, c):
            members = [n for n in kb.drugs_in_class(later) if not kb.drugs[n].withdrawn and n != drug]
            members.sort(key=lambda n: (not kb.drugs[n].is_approved, n))
            if members:
                out.setdefault(later, members)
    return out


# ------------------------------------------------------------------ targets

PENDING_TARGETS_FILE = Path(__file__).parent / "data_vocabulary" / "pending_targets.yaml"


@lru_cache(maxsize=1)
def pending_targets() -> dict[str, tuple[str, ...]]:
    """Targets recorded for drugs whose gene entities another layer defines (drug -> HGNC symbols)."""
    table = read_yaml_mapping(PENDING_TARGETS_FILE, "the pending targets").get("pending_targets") or {}
    if not isinstance(table, dict):
        raise KnowledgeError(f"{PENDING_TARGETS_FILE}: 'pending_targets:' must be a mapping of drug -> [genes]")
    return {str(k): tuple(str(g) for g in v) for k, v in table.items()}


def drug_targets(kb: Knowledge, drug: str) -> list[str]:
    """``Drug.targets`` plus the pending targets whose genes resolve in ``kb`` (HGNC symbols, in order)."""
    out = list(kb.drugs[drug].targets)
    for g in pending_targets().get(drug, ()):
        sym = kb.resolve_gene(g)
        if sym is not None and sym not in out:
            out.append(sym)
    return out


# ------------------------------------------------------------------ status wording

_STATUS_WORDS = {
    "investigational": "investigational (no FDA or EMA approval recorded)",
    "preclinical": "a research compound (not developed clinically)",
    "non_oncology": "approved outside oncology",
}


def status_note(drug: Drug) -> str:
    """One phrase on a drug's regulatory standing, for reports and 'no knowledge' reasons.

    ``"approved (FDA 2024: Voranigo)"``, ``"approved (FDA 2016: Lartruvo); withdrawn"``,
    ``"investigational (no FDA or EMA approval recorded)"``, ``"regulatory status not recorded"``.
    """
    if drug.approvals and drug.status != "non_oncology":
        first = ", ".join(
            f"{a.agency} {a.year if a.year is not None else '(year not recorded)'}: {a.label}" for a in drug.approvals
        )
        text = f"approved ({first})"
    elif drug.status is not None:
        text = _STATUS_WORDS.get(drug.status, drug.status)
    else:
        text = "regulatory status not recorded"
    if drug.withdrawn:
        text += "; withdrawn from the market"
    return text
