"""Mechanism classes for imported facts, inferred by rules from the curated knowledge.

CIViC and CGI say *that* an alteration changes the response to a drug, not *how*.
The importers assign a mechanism class by these rules, in order, and mark the
fact ``mechanism_inferred: true``:

1. promoter methylation → ``epigenetic``; a phenotype (small cell transformation,
   EMT, ...) → ``lineage_plasticity``;
2. the altered gene is a target of one of the fact's drugs (curated ``targets``,
   including members of the fact's drug classes, and genes that a drug class's
   name names, e.g. "BCR-ABL inhibitor 2nd gen" → BCR::ABL1): amplification →
   ``target_amplification``; expression, overexpression, underexpression, loss or
   an isoform → ``target_alteration``; any sequence change or fusion →
   ``on_target_mutation``;
3. the gene's curated ``pathways``: RTK/kinase → ``bypass_pathway``; MAPK,
   PI3K_AKT, cell_cycle → ``downstream_pathway``; DNA_repair → ``dna_repair``;
   apoptosis → ``apoptosis_evasion``; drug_transport → ``drug_efflux``;
   drug_metabolism → ``drug_metabolism``; methylation/epigenetic → ``epigenetic``;
   immune → ``immune_evasion``; lineage/phenotype → ``lineage_plasticity``;
   autophagy → ``autophagy``;
4. fallback: a gain (amplification, overexpression, expression, fusion) of a gene
   that is not the target → ``bypass_pathway``; anything else → ``downstream_pathway``.

In a profile of several alterations (``EML4::ALK`` AND ``ALK L1196M``) the
non-fusion alterations are considered first: the fusion is usually the driver,
the other alteration the cause of the effect. Two more rules for such profiles:

- *a second change in the driver's gene is on target*: when two alterations of the
  profile share a gene (``PML::RARA`` AND ``PML A216V``; ``FGFR2 fusion`` AND
  ``FGFR2 V564F``), that gene is the drug's target even where the drug's targets are
  not recorded (arsenic trioxide binds PML);
- *the driver is not the cause*: when some alterations lie in a target gene and others
  do not (``BRAF V600E`` AND ``PTEN loss`` on a BRAF inhibitor), the target-gene
  alteration is the sensitising driver and the others decide (rules 3-4).

A drug-class name may name a gene family rather than a gene ("FGFR inhibitor",
"PARP inhibitor", "IDH inhibitor"): a token that is no gene symbol names every known
gene that is the token followed by a number (FGFR → FGFR1, FGFR2, FGFR3, FGFR4).
"""

from __future__ import annotations

import re

from oncoresist.alteration import Alteration
from oncoresist.knowledge.importers.result import ImportResult
from oncoresist.knowledge.index import Knowledge

PATHWAY_MECHANISM: dict[str, str] = {
    "rtk": "bypass_pathway",
    "kinase": "bypass_pathway",
    "mapk": "downstream_pathway",
    "pi3k_akt": "downstream_pathway",
    "pi3k": "downstream_pathway",
    "cell_cycle": "downstream_pathway",
    "dna_repair": "dna_repair",
    "apoptosis": "apoptosis_evasion",
    "drug_transport": "drug_efflux",
    "drug_efflux": "drug_efflux",
    "drug_metabolism": "drug_metabolism",
    "methylation": "epigenetic",
    "epigenetic": "epigenetic",
    "immune": "immune_evasion",
    "lineage": "lineage_plasticity",
    "phenotype": "lineage_plasticity",
    "autophagy": "autophagy",
}

_GAIN = {"amplification", "overexpression", "expression", "fusion"}
_TARGET_FORM = {"expression", "overexpression", "underexpression", "loss", "isoform"}


class MechanismRules:
    """Infer mechanism classes against one knowledge (target sets are cached per drug tuple)."""

    def __init__(self, kb: Knowledge, result: ImportResult | None = None) -> None:
        self.kb = kb
        self.result = result
        self._targets: dict[tuple[tuple[str, ...], tuple[str, ...]], frozenset[str]] = {}
        self._class_members: dict[str, list[str]] = {}
        self._class_genes: dict[str, set[str]] = {}

    def targets(self, drugs: list[str], drug_classes: list[str]) -> frozenset[str]:
        key = (tuple(drugs), tuple(drug_classes))
        hit = self._targets.get(key)
        if hit is not None:
            return hit
        names = [d for d in drugs if d in self.kb.drugs]
        classes = list(drug_classes)
        for c in drug_classes:
            if c not in self._class_members:
                self._class_members[c] = self.kb.drugs_in_class(c) if c in self.kb.drug_classes else []
            names += self._class_members[c]
        out: set[str] = set()
        for n in names:
            classes += self.kb.drugs[n].classes
            for t in self.kb.drugs[n].targets:
                out.add(self.kb.resolve_gene(t) or t)
        for label in [*drug_classes, *self._class_labels(drugs), *classes]:
            out.update(self.genes_named_in(label))
        for sym in list(out):
            if "::" in sym:  # a fusion target (BCR::ABL1) is also a target of its partners' kinase
                out.update(sym.split("::"))
        self._targets[key] = frozenset(out)
        return self._targets[key]

    def _class_labels(self, drugs: list[str]) -> list[str]:
        """Classes of drugs created by the import itself (CGI drug families)."""
        if self.result is None:
            return []
        return [c for d in drugs if d in self.result.drugs for c in self.result.drugs[d].classes]

    def genes_named_in(self, class_id: str) -> set[str]:
        """Genes a drug-class name names as its target ("BCR-ABL inhibitor 2nd gen" → BCR::ABL1)."""
        hit = self._class_genes.get(class_id)
        if hit is not None:
            return hit
        dc = self.kb.drug_classes.get(class_id)
        if dc is None and self.result is not None:
            dc = self.result.drug_classes.get(class_id)
        out: set[str] = set()
        if dc is not None:
            for tok in re.split(r"[\s/,()]+", dc.name):
                for t in {tok, *tok.split("-")}:
                    if len(t) >= 2 and t.upper() == t and any(c.isalpha() for c in t):
                        sym = self.kb.resolve_gene(t)
                        if sym:
                            out.add(sym)
                        else:
                            out.update(self.family(t))
        self._class_genes[class_id] = out
        return out

    def family(self, token: str) -> set[str]:
        """Known genes named by a family token: ``FGFR`` → FGFR1 … FGFR4 (at least 3 letters, then digits)."""
        if len(token) < 3 or not token.isalpha():
            return set()
        rx = re.compile(rf"{re.escape(token)}\d{{1,2}}[A-Z]?")
        return {g for g in self.kb.genes if rx.fullmatch(g)}

    def _oncogene(self, symbol: str) -> bool:
        """Whether the gene is recorded as an oncogene (not a tumour suppressor, whose second change may restore
        it: BRCA1 loss AND a BRCA1 reversion is DNA-repair restoration, not a change in the drug's target)."""
        gene = self.kb.genes.get(symbol)
        return gene is not None and gene.role == "oncogene"

    def infer(self, alterations: list[Alteration], drugs: list[str], drug_classes: list[str]) -> tuple[str, str]:
        """``(mechanism class, rule)`` for a fact; the rule names which of the rules above decided."""
        ordered = [a for a in alterations if a.kind != "fusion"] + [a for a in alterations if a.kind == "fusion"]
        for a in ordered:
            if a.kind == "methylation":
                return "epigenetic", "methylation"
            if a.kind == "phenotype":
                return "lineage_plasticity", "phenotype"
        targets = set(self.targets(drugs, drug_classes))
        gene_sets = [_genes(a) for a in ordered]
        shared = {g for i, gs in enumerate(gene_sets) for g in gs if any(g in o for o in gene_sets[i + 1:])}
        gains = {g for a, gs in zip(ordered, gene_sets, strict=True) if a.kind in _GAIN for g in gs}
        # a second change in the driver's gene is on target (the driver: a fusion or gain, or an oncogene)
        targets |= {g for g in shared if g in gains or self._oncogene(g)}
        on = [a for a, gs in zip(ordered, gene_sets, strict=True) if gs & targets]
        off = [a for a, gs in zip(ordered, gene_sets, strict=True) if not gs & targets and gs]
        if on and off:  # the target-gene alteration is the driver; the others cause the effect
            ordered = off
            on = []
        for a in on:
            if a.kind == "amplification":
                return "target_amplification", "target amplified"
            if a.kind in _TARGET_FORM:
                return "target_alteration", "target expression/form"
            return "on_target_mutation", "target mutated"
        for a in ordered:
            for g in (a.gene, a.partner5, a.partner3):
                gene = self.kb.genes.get(g or "")
                if gene is None:
                    continue
                for p in gene.pathways:
                    mech = PATHWAY_MECHANISM.get(p.lower())
                    if mech:
                        return mech, f"pathway {p}"
        if any(a.kind in _GAIN for a in ordered):
            return "bypass_pathway", "fallback: gain of a non-target gene"
        return "downstream_pathway", "fallback: other"


def _genes(a: Alteration) -> set[str]:
    """The genes an alteration concerns (a fusion: both partners and the fusion itself)."""
    genes = {g for g in (a.gene, a.partner5, a.partner3) if g}
    if a.fusion_context:
        genes.update(a.fusion_context.split("::"))
    if a.partner5 and a.partner3:
        genes.add(f"{a.partner5}::{a.partner3}")
    return genes
