"""Derived (inferred) facts: a pharmacological fact carried to every drug with the same property.

A fact about drug efflux, drug metabolism or DNA repair names the drugs it was observed with, but
its reason is a property those drugs share with others. At knowledge build,
:func:`add_derived_facts` writes one *inferred* fact per (base fact, other drug with the property):

=================  ============================================  ===================================
base mechanism     base alteration (all alterations alike)        drugs it carries to
=================  ============================================  ===================================
``drug_efflux``    gain of ABCB1 or ABCG2 (overexpression,        ``abcb1_substrate`` / ``abcg2_substrate``
                   amplification, expression, fusion)             is ``True``
``drug_metabolism`` gain of a CYP enzyme                          ``cyp_route`` is that enzyme
``dna_repair``     any                                            same ``dna_damage`` kind as *every*
                                                                  drug the base fact covers
=================  ============================================  ===================================

Only resistance and reduced-sensitivity facts given drug by drug (``therapy_mode: each``) are carried.
Loss of a metabolising enzyme is not carried: whether it lowers or raises activity depends on
whether the enzyme activates (a prodrug, tamoxifen and CYP2D6) or inactivates the drug, which the
flags do not record. A drug already named, with the same alterations, by a non-derived fact is left
alone (what was observed wins over what is inferred).

Each derived fact keeps the base fact's alterations, tumours, effect, mechanism and origin; its
evidence level is one step below the base fact's and never above C (A, B -> C; C -> D; D, E -> E);
its sources are the base fact's plus those of the drug's property; its summary gives the reasoning;
its ``record`` is ``derived:<base fact id>`` (:func:`is_derived`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import EVIDENCE_RANK, Drug, Fact

#: ``Fact.record`` prefix of a derived fact
DERIVED_PREFIX = "derived:"
#: the most a derived fact's evidence level can be
DERIVED_BEST_LEVEL = "C"
_LEVELS = sorted(EVIDENCE_RANK, key=EVIDENCE_RANK.__getitem__)

TRANSPORTER_FLAGS = {"ABCB1": "abcb1_substrate", "ABCG2": "abcg2_substrate"}
_FLAG_WORDS = {
    "abcb1_substrate": "a P-glycoprotein (ABCB1) substrate",
    "abcg2_substrate": "a BCRP (ABCG2) substrate",
}
_GAIN_RE = re.compile(r"\b(over-?expression|amplification|amplified|expression|gain|up-?regulation|fusion)\b", re.I)
_LOSS_RE = re.compile(r"\b(loss|deletion|deleted|silencing|low expression|under-?expression|inactivat\w*)\b", re.I)
_CYP_RE = re.compile(r"^CYP[0-9][A-Z][0-9]+$")
_RULE_MECHANISMS = frozenset({"drug_efflux", "drug_metabolism", "dna_repair"})


def is_derived(fact: Fact) -> bool:
    """True for a fact written by :func:`derive_facts`."""
    return bool(fact.record and fact.record.startswith(DERIVED_PREFIX))


def derived_level(level: str) -> str:
    """One step below ``level``, never better than ``C``."""
    rank = max(EVIDENCE_RANK[level] + 1, EVIDENCE_RANK[DERIVED_BEST_LEVEL])
    return _LEVELS[min(rank, len(_LEVELS) - 1)]


def _gene_and_direction(kb: Knowledge, alteration: str) -> tuple[str | None, str]:
    """(gene symbol, 'gain' | 'loss' | 'other') of an expression-level alteration text."""
    first, _, rest = alteration.strip().partition(" ")
    gene = kb.resolve_gene(first)
    if _LOSS_RE.search(rest):
        return gene, "loss"
    if _GAIN_RE.search(rest):
        return gene, "gain"
    return gene, "other"


def _common_gene(kb: Knowledge, fact: Fact, direction: str) -> str | None:
    genes = set()
    for a in fact.alterations:
        g, d = _gene_and_direction(kb, a)
        if g is None or d != direction:
            return None
        genes.add(g)
    return genes.pop() if len(genes) == 1 else None


class _Members:
    """Drugs a fact covers, with each class's members computed once (``Knowledge.drugs_in_class`` is O(drugs))."""

    def __init__(self, kb: Knowledge) -> None:
        self.by_class: dict[str, set[str]] = {}
        for name in kb.drugs:
            for c in kb.classes_of(name):
                self.by_class.setdefault(c, set()).add(name)

    def of(self, fact: Fact) -> set[str]:
        out = set(fact.drugs)
        for c in fact.drug_classes:
            out |= self.by_class.get(c, set())
        return out


def _carry(kb: Knowledge, fact: Fact, members: _Members) -> tuple[list[str], str, str] | None:
    """(drugs the fact carries to, property field, property wording) or ``None``."""
    if fact.mechanism == "drug_efflux":
        gene = _common_gene(kb, fact, "gain")
        flag = TRANSPORTER_FLAGS.get(gene or "")
        if flag is None:
            return None
        drugs = [n for n, d in kb.drugs.items() if getattr(d, flag) is True]
        return drugs, flag, _FLAG_WORDS[flag]
    if fact.mechanism == "drug_metabolism":
        gene = _common_gene(kb, fact, "gain")
        if gene is None or not _CYP_RE.match(gene):
            return None
        drugs = [n for n, d in kb.drugs.items() if d.cyp_route == gene]
        return drugs, "cyp_route", f"metabolised mainly by {gene}"
    if fact.mechanism == "dna_repair":
        base = members.of(fact)
        kinds = {kb.drugs[n].dna_damage for n in base if n in kb.drugs}
        if len(kinds) != 1 or None in kinds:
            return None
        kind = kinds.pop()
        drugs = [n for n, d in kb.drugs.items() if d.dna_damage == kind]
        return drugs, "dna_damage", f"a DNA-damaging drug of the same kind ({str(kind).replace('_', ' ')})"
    return None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_.:\-]+", "-", name.lower()).strip("-")


def _names(items: Iterable[str]) -> str:
    return ", ".join(sorted(items))


def derive_facts(kb: Knowledge) -> list[Fact]:
    """The inferred facts of ``kb`` (see the module docstring); ``kb`` is not changed."""
    bases = [
        f
        for f in kb.facts
        if f.mechanism in _RULE_MECHANISMS
        and not is_derived(f)
        and f.effect != "sensitivity"
        and f.therapy_mode == "each"
    ]
    keys = {tuple(sorted(f.alterations)) for f in bases}
    members = _Members(kb)
    observed: set[tuple[tuple[str, ...], str]] = set()
    wanted = {a for key in keys for a in key}
    for f in kb.facts:
        if f.alterations[0] not in wanted:
            continue
        key = tuple(sorted(f.alterations))
        if key in keys and not is_derived(f):
            for d in members.of(f):
                observed.add((key, d))
    out: list[Fact] = []
    seen_ids = {f.id for f in kb.facts}
    for f in bases:
        plan = _carry(kb, f, members)
        if plan is None:
            continue
        drugs, flag, wording = plan
        base_drugs = members.of(f)
        key = tuple(sorted(f.alterations))
        for name in sorted(drugs):
            if name in base_drugs or (key, name) in observed:
                continue
            drug: Drug = kb.drugs[name]
            prop_sources = drug.flag_source(flag)
            if not prop_sources:
                continue
            fid = f"derived.{_slug(f.id)}.{_slug(name)}"
            if fid in seen_ids:
                continue
            seen_ids.add(fid)
            effect = f.effect.replace("_", " ")
            summary = (
                f"Inferred: {' + '.join(f.alterations)} confers {effect} to {_names(base_drugs)} "
                f"[{', '.join(f.sources)}]; {name} is {wording} [{', '.join(prop_sources)}]. "
                f"Carried from fact {f.id} by the {f.mechanism.replace('_', ' ')} rule; not observed with {name}."
            )
            out.append(
                Fact(
                    id=fid,
                    alterations=list(f.alterations),
                    drugs=[name],
                    therapy_mode="each",
                    tumors=list(f.tumors),
                    effect=f.effect,
                    mechanism=f.mechanism,
                    mechanism_inferred=f.mechanism_inferred,
                    origin=f.origin,
                    evidence_level=derived_level(f.evidence_level),
                    sources=list(dict.fromkeys([*f.sources, *prop_sources])),
                    summary=summary,
                    record=f"{DERIVED_PREFIX}{f.id}",
                )
            )
    return out


def add_derived_facts(kb: Knowledge) -> int:
    """Append :func:`derive_facts` to ``kb.facts`` (defined in ``"derived"``); return how many."""
    new = derive_facts(kb)
    for f in new:
        kb.facts.append(f)
        kb.defined_in[("fact", f.id)] = "derived"
    return len(new)
