"""Does an observed alteration satisfy a knowledge pattern?

Both sides are :class:`~oncoresist.alteration.Alteration` objects from the
one grammar; a fact's alteration is a *pattern*, a profile's is an *observation*.
The rules (documented in ``docs/annotate.md``):

============== ===============================================================
pattern        observations that satisfy it
============== ===============================================================
protein        the same change: same positions, same kind, same new residues
               (``G719X``: any missense at 719); reference residues are compared
               only when both sides state them
codon / range  a non-synonymous protein change overlapping the codon(s); an
               observed codon inside the range
exon           an observed exon class of that exon (``mutation`` takes any
               change); a concrete change lying inside the exon's protein range
               (``profile/data/exons.yaml``): deletions for *deletion*,
               insertions/duplications for *insertion*, any non-synonymous change
               for *mutation*; *skipping* only from an explicit observation
mutation       any non-synonymous change, codon, exon class or mutation of the
               gene; qualified patterns are stricter (see :func:`is_activating`,
               :func:`is_truncating`; *reversion*, *secondary*, *ITD*, *splice* and
               domain qualifiers only from an observation with the same qualifier)
fusion         ``A::B``: the same ordered partners; ``B fusion``: any fusion with
               the gene as a partner; a change observed inside a fusion
               (``BCR-ABL1 T315I``) implies that fusion
expression     expression or overexpression
others         the same kind (amplification, loss, overexpression,
               underexpression), the same isoform, methylation state or phenotype
============== ===============================================================
"""

from __future__ import annotations

from collections.abc import Callable

from oncoresist.alteration import Alteration, ProteinChange
from oncoresist.profile.exons import exon_range

KnownSpecific = Callable[[Alteration], bool]


def is_nonsynonymous(alt: Alteration) -> bool:
    """True for a concrete change that alters the protein (not synonymous)."""
    return alt.kind == "protein" and alt.protein is not None and alt.protein.kind != "synonymous"


def is_truncating(alt: Alteration) -> bool:
    """Nonsense, frameshift or splice-site changes, or an observation called inactivating."""
    if alt.kind == "protein" and alt.protein is not None:
        return alt.protein.kind in ("nonsense", "fs")
    return alt.kind == "mutation" and alt.qualifier in ("inactivating", "splice")


def is_activating(alt: Alteration, known_specific: KnownSpecific) -> bool:
    """Conservative test for an activating mutation.

    An observation counts as activating when it is called so explicitly
    (``KRAS activating mutation``), or when it is a missense or in-frame change
    (never truncating, never synonymous), a codon or an exon class that the
    knowledge names specifically for that gene (``known_specific``), i.e. a
    variant curated or imported as functionally relevant. Variants of unknown
    significance are not counted.
    """
    if alt.kind == "mutation":
        return alt.qualifier == "activating"
    if alt.kind == "protein":
        if not is_nonsynonymous(alt) or is_truncating(alt):
            return False
        return known_specific(alt)
    if alt.kind in ("codon", "exon"):
        return known_specific(alt)
    return False


def _same_change(p: ProteinChange, o: ProteinChange) -> bool:
    if p.start != o.start:
        return False
    if p.ref and o.ref and p.ref != o.ref:
        return False
    if p.kind == "missense" and p.alt == "X":
        return o.kind == "missense"
    if p.kind != o.kind:
        return False
    if p.kind == "fs":
        return True
    return p.end == o.end and p.alt == o.alt


def _span(pc: ProteinChange) -> tuple[int, int]:
    return (pc.start, max(pc.start, pc.end))


def _exon_class_fits(change: str | None, pc: ProteinChange) -> bool:
    if pc.kind == "synonymous":
        return False
    if change == "mutation":
        return True
    removed = pc.end - pc.start + 1
    if change == "deletion":
        return pc.kind == "del" or (pc.kind == "delins" and len(pc.alt) < removed)
    if change == "insertion":
        return pc.kind in ("ins", "dup") or (pc.kind == "delins" and len(pc.alt) > removed)
    return False


def _fusion_match(p: Alteration, o: Alteration) -> bool:
    if o.kind == "fusion":
        if p.partner5 and p.partner3:
            return (o.partner5, o.partner3) == (p.partner5, p.partner3)
        return p.gene in (o.gene, o.partner5, o.partner3)
    if o.fusion_context:
        partners = o.fusion_context.split("::")
        if p.partner5 and p.partner3:
            return o.fusion_context == f"{p.partner5}::{p.partner3}"
        return p.gene in partners
    return False


def _mutation_match(p: Alteration, o: Alteration, known_specific: KnownSpecific) -> bool:
    q = p.qualifier
    if o.kind == "mutation":
        return q is None or o.qualifier == q
    if o.kind == "protein" and not is_nonsynonymous(o):
        return False
    if o.kind not in ("protein", "codon", "exon"):
        return False
    if q is None:
        return True
    if q == "activating":
        return is_activating(o, known_specific)
    if q == "inactivating":
        return is_truncating(o)
    return False


def matches(pattern: Alteration, observed: Alteration, known_specific: KnownSpecific | None = None) -> bool:
    """True when ``observed`` satisfies the knowledge ``pattern`` (rules in the module docstring)."""
    p, o = pattern, observed
    known = known_specific or (lambda _a: False)
    if p.kind == "phenotype":
        return o.kind == "phenotype" and o.qualifier == p.qualifier
    if p.kind == "fusion":
        return _fusion_match(p, o)
    if o.gene != p.gene:
        return False
    match p.kind:
        case "protein":
            assert p.protein is not None
            return o.kind == "protein" and o.protein is not None and _same_change(p.protein, o.protein)
        case "codon":
            assert p.codon_start is not None
            lo, hi = p.codon_start, p.codon_end if p.codon_end is not None else p.codon_start
            if o.kind == "protein" and is_nonsynonymous(o):
                assert o.protein is not None
                s, e = _span(o.protein)
                if p.codon_ref and lo == hi and o.protein.ref and o.protein.ref != p.codon_ref:
                    return False
                return s <= hi and e >= lo
            if o.kind == "codon" and o.codon_start is not None:
                oe = o.codon_end if o.codon_end is not None else o.codon_start
                if p.codon_ref and o.codon_ref and p.codon_ref != o.codon_ref:
                    return False
                return lo <= o.codon_start and oe <= hi
            return False
        case "exon":
            if o.kind == "exon":
                return o.exon == p.exon and (p.exon_change == "mutation" or o.exon_change == p.exon_change)
            if o.kind == "protein" and o.protein is not None:
                rng = exon_range(p.gene, p.exon)
                if rng is None:
                    return False
                s, e = _span(o.protein)
                return rng[0] <= s and e <= rng[1] and _exon_class_fits(p.exon_change, o.protein)
            return False
        case "mutation":
            return _mutation_match(p, o, known)
        case "expression":
            return o.kind in ("expression", "overexpression")
        case "isoform" | "methylation":
            return o.kind == p.kind and o.qualifier == p.qualifier
        case _:
            return o.kind == p.kind


def index_keys(alt: Alteration) -> tuple[str, ...]:
    """Keys under which a pattern is indexed / an observation is looked up."""
    if alt.kind == "phenotype":
        return (f"phenotype:{alt.qualifier}",)
    keys = [alt.gene] if alt.gene else []
    if alt.kind == "fusion":
        keys += [g for g in (alt.partner5, alt.partner3) if g]
    if alt.fusion_context:
        keys += alt.fusion_context.split("::")
    return tuple(dict.fromkeys(keys))
