"""Reversions: a change that restores a loss-of-function allele defeats the sensitivity the loss gave.

A *reversion* (``BRCA2 reversion mutation``; a "secondary" mutation of a homologous-recombination
gene) restores the reading frame of the gene's loss-of-function allele, and with it homologous
recombination: the synthetic lethality with PARP inhibition and the sensitivity to platinum that
the loss gave are gone (DESIGN mechanism class ``dna_repair``: "BRCA1/2 reversion"). The knowledge
records this for BRCA1 and BRCA2 with platinum and PARP inhibitors (facts whose pattern is
``<gene> reversion mutation``).

:func:`reversion_findings` adds, for every restoring observation of a gene whose loss the profile's
sensitivity findings rest on, a resistance finding for each drug of those findings that has no
reversion finding yet, *inferred* from the knowledge's reversion facts of the drug's class (its
sources are theirs; level ``E``, inferential, when the facts are about another gene of the pathway
or another drug of the class). Without such facts nothing is inferred. The verdict rule then lets
the reversion finding decide over the loss's sensitivity (:mod:`.verdict`, rule 0).

The reversion facts and the drugs they concern are read from the annotator's index (its facts as it
applies them, their parsed patterns, their drug sets with every member of a class and of the classes
below it), the same as every other finding, not from the raw facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from oncoresist.alteration import Alteration, parse_alteration
from oncoresist.annotate.result import EvidenceItem, Finding
from oncoresist.errors import AlterationSyntaxError
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import EVIDENCE_RANK, Fact

#: homologous-recombination genes whose reversions restore repair (BRCA1/2 reversions: Sakai et al. and
#: Edwards et al., Nature 2008; PALB2 and RAD51C/RAD51D reversions are reported after PARP inhibitors too)
HR_GENES = frozenset({"BRCA1", "BRCA2", "PALB2", "RAD51C", "RAD51D", "RAD51B", "BARD1", "BRIP1"})
#: losses that restore homologous recombination in a BRCA1-deficient tumour without touching BRCA1: 53BP1
#: (TP53BP1) and the shieldin complex (SHLD1, SHLD2, SHLD3, REV7/MAD2L2). Bouwman et al., Nat Struct Mol Biol 2010
#: (PMID:20453858: 53BP1 loss restores HR in Brca1- but not Brca2-deleted cells); Jaspers et al., Cancer Discov 2013
#: (PMID:23103855); Noordermeer et al., Nature 2018 (DOI:10.1038/s41586-018-0340-7). They restore BRCA1's loss
#: only: a BRCA2-deficient tumour keeps its sensitivity.
HR_RESTORING_LOSSES: dict[str, str] = {g: "BRCA1" for g in ("TP53BP1", "SHLD1", "SHLD2", "SHLD3", "MAD2L2")}
_NULL_QUALIFIERS = frozenset({"inactivating", "nonsense", "frameshift", "splice"})
INFERRED_LEVEL = "E"
MECHANISM = "dna_repair"


def restored_gene(name: str) -> str | None:
    """The gene a finding's observed alteration restores (``BRCA2 reversion mutation`` → BRCA2), else ``None``.

    ``name`` is a canonical alteration name (it parses back): a reversion of any gene, or a
    secondary mutation of a homologous-recombination gene."""
    try:
        alt = parse_alteration(name)
    except AlterationSyntaxError:
        return None
    return restored_by(alt)


def restored_by(alt: Alteration) -> str | None:
    """The gene an observed alteration restores (a reversion; a secondary mutation of an HR gene; a loss of 53BP1 or a
    shieldin subunit, which restores BRCA1's homologous recombination: :data:`HR_RESTORING_LOSSES`), else ``None``."""
    if alt.gene in HR_RESTORING_LOSSES and (
        alt.kind == "loss" or (alt.kind == "mutation" and alt.qualifier in _NULL_QUALIFIERS)
    ):
        return HR_RESTORING_LOSSES[alt.gene]
    if alt.kind != "mutation" or alt.gene is None:
        return None
    if alt.qualifier == "reversion" or (alt.qualifier == "secondary" and alt.gene in HR_GENES):
        return alt.gene
    return None


class FactIndex(Protocol):
    """What reversions read of the annotator (:class:`~oncoresist.annotate.engine.Annotator`)."""

    @property
    def knowledge(self) -> Knowledge: ...
    @property
    def facts(self) -> list[Fact]: ...
    def fact_patterns(self, i: int) -> list[Alteration]: ...
    def fact_drugs(self, i: int) -> frozenset[str]: ...


def _reversion_facts(index: FactIndex) -> list[int]:
    """The positions of the single-alteration resistance facts whose pattern restores a gene."""
    out = []
    for i, f in enumerate(index.facts):
        if f.effect == "resistance" and len(f.alterations) == 1:
            pats = index.fact_patterns(i)
            if len(pats) == 1 and restored_by(pats[0]) is not None:
                out.append(i)
    return out


_FACTS: dict[int, tuple[FactIndex, list[int]]] = {}


def _facts_for(index: FactIndex) -> list[int]:
    hit = _FACTS.get(id(index))
    if hit is None or hit[0] is not index:
        hit = _FACTS[id(index)] = (index, _reversion_facts(index))
    return hit[1]


def reversion_findings(
    index: FactIndex, alts: Sequence[Alteration], given: frozenset[str], findings: Sequence[Finding]
) -> list[Finding]:
    """``findings`` plus an inferred reversion finding for each drug that the loss of a restored gene
    sensitises to and that has no reversion finding yet (see the module text); ``index`` is the annotator."""
    restored = {g: a for a in alts if (g := restored_by(a)) is not None}
    if not restored:
        return list(findings)
    have = {(tuple(f.observed), d) for f in findings if f.effect != "sensitivity" for d in f.drugs}
    out = list(findings)
    for s in findings:
        if s.effect != "sensitivity" or s.gene not in restored:
            continue
        rev = restored[s.gene]
        for drug in s.drugs:
            if drug not in given or ((rev.name,), drug) in have:
                continue
            new = _infer(index, rev, drug, s)
            if new is not None:
                out.append(new)
                have.add(((rev.name,), drug))
    return out


def _infer(index: FactIndex, rev: Alteration, drug: str, sens: Finding) -> Finding | None:
    facts = [index.facts[i] for i in _facts_for(index) if drug in index.fact_drugs(i)]
    if not facts:
        return None
    best = min(facts, key=lambda f: EVIDENCE_RANK[f.evidence_level])
    level = INFERRED_LEVEL
    basis = ", ".join(dict.fromkeys(f"{f.alterations[0]} ({f.id}, level {f.evidence_level})" for f in facts))
    items = tuple(
        EvidenceItem(
            fact_id=f.id, database="derived", record=f"reversion:{f.id}", evidence_level=level,
            tumors=tuple(f.tumors), relation="any", sources=tuple(f.sources), preclinical=level in ("D", "E"),
            regimen=False,
        )
        for f in facts
    )  # fmt: skip
    return Finding(
        alteration=rev.name,
        gene=rev.gene,
        effect="resistance",
        drugs=[drug],
        mechanism=MECHANISM,
        origin="acquired",
        evidence_level=level,
        sources=list(dict.fromkeys(s for f in facts for s in f.sources)),
        summary=(
            f"{rev.name} restores the reading frame of the {rev.gene} loss-of-function allele that "
            f"{sens.alteration} sensitises to {drug} through; restored homologous recombination defeats that "
            f"sensitivity (inferred from the knowledge's reversion evidence for the drug's class: {basis})."
        ),
        fact_id=best.id,
        fact_ids=tuple(f.id for f in facts),
        tumors=list(dict.fromkeys(t for f in facts for t in f.tumors)),
        observed=(rev.name,),
        evidence=items,
        tumor_relation="any",
        core=(rev.name,),
    )
