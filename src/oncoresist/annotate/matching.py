"""Does an observed alteration satisfy a knowledge pattern, and how surely?

Both sides are :class:`~oncoresist.alteration.Alteration` objects from the one
grammar; a fact's alteration is a *pattern*, a profile's is an *observation*.
:func:`match_kind` answers ``"exact"`` (the observation is, or implies, the
pattern), ``"possible"`` (the observation is less specific than the pattern, or
disagrees with it only in the stated reference residue: "possible, depends on
the exact variant"), or ``None``. :func:`matches` is ``match_kind(...) == "exact"``.
:func:`reference_mismatch` words the warning for a reference residue that
contradicts the knowledge (``EGFR T858R`` against a fact on ``EGFR L858R``).

Variant meaning uses the gene's role (``role``: a look-up from gene symbol to
``oncogene`` / ``tumor_suppressor`` / ``both``, e.g. :func:`role_lookup` over the
knowledge's genes; roles and their source are in ``knowledge/data/entities``).
A *null* change (nonsense, frameshift, canonical ±1/±2 splice site, start loss:
the "null variant" classes of the ACMG/AMP criterion PVS1, Richards et al. 2015,
PMID:25741868) in a tumour suppressor (or a gene with both roles) is a
loss-of-function change. The rules (also in ``docs/annotate.md``):

=============== ========================================= ==========================================
pattern         exact                                     possible
=============== ========================================= ==========================================
protein         the same change (``G719X``: any missense  a codon, exon class or gene-level mutation
                at 719); reference residues compared      that contains it; the same change with a
                when both sides state them                different stated reference residue
codon / range   a non-synonymous change overlapping the   a wider codon range, an exon class or a
                codon(s); an observed codon inside it     gene-level mutation
exon            an observed class of that exon            a gene-level mutation; an observed codon
                (``mutation`` takes any); a concrete      in the exon; ``mutation`` of the exon for
                change inside the exon's protein range    a deletion/insertion class; a splice site
                (``profile/data/exons.yaml``) that fits   change for *skipping*
mutation        any non-synonymous change, codon, exon    gene-level or unspecific input for a
                class or mutation of the gene (in an      qualified pattern (see ``_qualified``);
                oncogene not a null change: no match);    never for *reversion* / *secondary*;
                qualified patterns: see ``_qualified``
                                                          a *restoring* observation (reversion, or
                                                          secondary in a tumour suppressor) matches
                                                          only reversion/secondary patterns, never
                                                          loss-of-function ones (nor ``loss``)
loss            loss; an inactivating mutation; a null    a gene-level mutation or a missense change
                change or pathogenic variant in a         in a tumour suppressor; a null change in
                tumour suppressor                         a gene without a recorded role
fusion          ``A::B``: the same ordered partners;      ``A::B`` pattern, gene-level fusion input
                ``B fusion``: any fusion of B; a change
                inside a fusion implies the fusion
expression /    expression or overexpression, not a       amplification; for a qualified pattern
overexpression  stated absence (HER2-null, PD-L1 TPS 0%)  (HER2-low): unqualified expression,
                (overexpression: overexpression only);    underexpression
                qualified (HER2-low): the same state
biomarker       the same state (``TMB 12 mut/Mb`` is      a related state by another assay (MSI-H /
                TMB-H: labelled cut-offs); HRD-positive:  dMMR, LOH-high / HRD-positive); dMMR and
                a BRCA1/2 loss of function                MSI-H: an MMR-gene (MLH1, MSH2, MSH6,
                                                          PMS2, EPCAM) loss of function, MLH1
                                                          promoter methylation
others          the same kind (amplification,
                underexpression), isoform, methylation
                state, cytogenetic finding, star allele
                or phenotype
=============== ========================================= ==========================================

A pattern with a phase (``in cis``) or an origin (``germline``) is matched exactly
only by an observation stating the same; an observation without it is a
possible match; a contrary statement is no match.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from oncoresist.alteration import Alteration, ProteinChange
from oncoresist.alteration.vocabulary import BIOMARKER_RELATED, HRD_DEFINING_GENES, MMR_GENES
from oncoresist.profile.exons import exon_range

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge

KnownSpecific = Callable[[Alteration], bool]
RoleLookup = Callable[[str], str | None]
MatchKind = Literal["exact", "possible"]

_TSG = ("tumor_suppressor", "both")
_ONC = ("oncogene", "both")
_NULL_QUALIFIERS = ("inactivating", "nonsense", "frameshift", "splice")


def role_lookup(kb: Knowledge) -> RoleLookup:
    """Gene symbol → role recorded in the knowledge (``None`` when not recorded)."""
    roles = {sym: g.role for sym, g in kb.genes.items() if g.role is not None}
    return roles.get


def is_nonsynonymous(alt: Alteration) -> bool:
    """True for a concrete change that alters the protein (not synonymous)."""
    return alt.kind == "protein" and alt.protein is not None and alt.protein.kind != "synonymous"


def is_truncating(alt: Alteration) -> bool:
    """Null changes: nonsense, frameshift, start loss, canonical splice site, or a mutation called inactivating."""
    if alt.kind == "protein" and alt.protein is not None:
        return alt.protein.kind in ("nonsense", "fs", "start_loss")
    return alt.kind == "mutation" and alt.qualifier in _NULL_QUALIFIERS


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
        return alt.qualifier in ("activating", "itd", "kinase_domain")
    if alt.kind == "protein":
        if not is_nonsynonymous(alt) or is_truncating(alt):
            return False
        return known_specific(alt)
    if alt.kind in ("codon", "exon"):
        return known_specific(alt)
    return False


def _gene_level(o: Alteration) -> bool:
    """An unspecific mutation call: ``KRAS mutation``, ``BRCA2 pathogenic variant``, ``EGFR activating mutation``."""
    return o.kind == "mutation" and o.qualifier in (None, "activating", "pathogenic")


def _span(pc: ProteinChange) -> tuple[int, int]:
    return (pc.start, max(pc.start, pc.end))


def _same_change(p: ProteinChange, o: ProteinChange) -> MatchKind | None:
    if p.start != o.start:
        return None
    ref_differs = bool(p.ref and o.ref and p.ref != o.ref)
    if p.kind == "missense" and p.alt == "X":
        same = o.kind == "missense"
    elif p.kind != o.kind:
        return None
    elif p.kind in ("fs", "start_loss", "ext"):
        same = True
    else:
        same = p.end == o.end and p.alt == o.alt
        if not same and p.kind == "missense" and o.alt == "X" and p.end == o.end:
            return "possible"  # "EGFR C797X" observed: any substitution at the codon; the fact names one of them
    if not same:
        return None
    return "possible" if ref_differs else "exact"


def _exon_class_fits(change: str | None, pc: ProteinChange) -> bool:
    if pc.kind == "synonymous":
        return False
    if change == "mutation":
        return True
    if change == "deletion":
        return pc.kind == "del" or (pc.kind == "delins" and pc.length_change < 0)
    if change == "insertion":
        return pc.kind in ("ins", "dup") or (pc.kind == "delins" and pc.length_change > 0)
    return False


def _fusion_kind(p: Alteration, o: Alteration) -> MatchKind | None:
    partners = p.partner5 and p.partner3
    if o.kind == "fusion":
        if partners:
            if (o.partner5, o.partner3) == (p.partner5, p.partner3):
                return "exact"
            if not (o.partner5 and o.partner3) and o.gene in (p.partner5, p.partner3):
                return "possible"  # "ALK fusion" observed, fact on EML4::ALK
            return None
        return "exact" if p.gene in (o.gene, o.partner5, o.partner3) else None
    if o.fusion_context:
        if partners:
            return "exact" if o.fusion_context == f"{p.partner5}::{p.partner3}" else None
        return "exact" if p.gene in o.fusion_context.split("::") else None
    return None


def _protein_kind(p: Alteration, o: Alteration) -> MatchKind | None:
    assert p.protein is not None
    pp = p.protein
    if o.kind == "protein" and o.protein is not None:
        return _same_change(pp, o.protein)
    s, e = _span(pp)
    if o.kind == "codon" and o.codon_start is not None:
        oe = o.codon_end if o.codon_end is not None else o.codon_start
        return "possible" if o.codon_start <= s and e <= oe else None
    if o.kind == "exon":
        rng = exon_range(p.gene, o.exon)
        if rng is None or not (rng[0] <= s and e <= rng[1]):
            return None
        return "possible" if o.exon_change == "mutation" or _exon_class_fits(o.exon_change, pp) else None
    if o.kind == "mutation":
        if o.qualifier is None or o.qualifier == "pathogenic":
            return "possible"
        if o.qualifier in ("activating", "kinase_domain", "ligand_binding_domain", "dna_binding_domain", "secondary"):
            return None if pp.kind in ("nonsense", "fs", "start_loss", "synonymous") else "possible"
        if o.qualifier in ("inactivating", "nonsense", "frameshift"):
            want = {"nonsense": ("nonsense",), "frameshift": ("fs",)}.get(o.qualifier, ("nonsense", "fs", "start_loss"))
            return "possible" if pp.kind in want else None
    return None


def _codon_kind(p: Alteration, o: Alteration) -> MatchKind | None:
    assert p.codon_start is not None
    lo, hi = p.codon_start, p.codon_end if p.codon_end is not None else p.codon_start
    if o.kind == "protein" and is_nonsynonymous(o):
        assert o.protein is not None
        s, e = _span(o.protein)
        if not (s <= hi and e >= lo):
            return None
        if p.codon_ref and lo == hi and o.protein.ref and o.protein.ref != p.codon_ref:
            return "possible"  # same codon, another reference residue: a warning (reference_mismatch)
        return "exact"
    if o.kind == "codon" and o.codon_start is not None:
        oe = o.codon_end if o.codon_end is not None else o.codon_start
        if not (o.codon_start <= hi and oe >= lo):
            return None
        if p.codon_ref and o.codon_ref and p.codon_ref != o.codon_ref:
            return "possible"
        return "exact" if lo <= o.codon_start and oe <= hi else "possible"
    if o.kind == "exon":
        rng = exon_range(p.gene, o.exon)
        return "possible" if rng is not None and rng[0] <= hi and lo <= rng[1] else None
    return "possible" if _gene_level(o) else None


def _exon_kind(p: Alteration, o: Alteration) -> MatchKind | None:
    if o.kind == "exon":
        if o.exon != p.exon:
            return None
        if p.exon_change == "mutation" or o.exon_change == p.exon_change:
            return "exact"
        return "possible" if o.exon_change == "mutation" and p.exon_change != "skipping" else None
    rng = exon_range(p.gene, p.exon)
    if o.kind == "protein" and o.protein is not None:
        if rng is None:
            return None
        s, e = _span(o.protein)
        return "exact" if rng[0] <= s and e <= rng[1] and _exon_class_fits(p.exon_change, o.protein) else None
    if o.kind == "codon" and o.codon_start is not None:
        oe = o.codon_end if o.codon_end is not None else o.codon_start
        return "possible" if rng is not None and rng[0] <= o.codon_start and oe <= rng[1] else None
    if p.exon_change == "skipping":
        return "possible" if o.kind == "mutation" and o.qualifier in (None, "splice", "pathogenic") else None
    return "possible" if _gene_level(o) else None


def is_restoring(o: Alteration, role: str | None) -> bool:
    """An observation that restores the gene's function: a reversion mutation, or a
    "secondary" mutation of a tumour suppressor (the BRCA1/2 reversions seen after PARP
    inhibitors or platinum). It is not the loss of function it reverts."""
    if o.kind != "mutation":
        return False
    return o.qualifier == "reversion" or (o.qualifier == "secondary" and role in _TSG)


def _qualified(p: Alteration, o: Alteration, known: KnownSpecific, role: str | None) -> MatchKind | None:
    """A mutation pattern with qualifier ``q`` against an observation of the same gene."""
    q = p.qualifier
    if is_restoring(o, role):
        # a restoring change satisfies only reversion patterns (and "secondary" ones), never a
        # plain, pathogenic or inactivating mutation pattern of a tumour suppressor (loss of function)
        if q in ("reversion", "secondary"):
            return "exact"
        if q is None and role not in _TSG:
            return "possible"
        return None
    if o.kind == "protein" and not is_nonsynonymous(o):
        return None
    if o.kind not in ("protein", "codon", "exon", "mutation"):
        return None
    if q is None:
        # a gene-level fact on an oncogene is about its activating changes; a null change (nonsense,
        # frameshift, canonical splice site) is not one (FLT3 splice site vs the label's "FLT3 mutation")
        return None if role == "oncogene" and is_truncating(o) else "exact"
    if o.kind == "mutation" and o.qualifier == q:
        return "exact"
    if q in ("reversion", "secondary"):
        return None  # only an observation called so: a plain mutation is not a reversion
    unspecific = o.kind == "mutation" and o.qualifier is None
    if q == "activating":
        if is_activating(o, known) or (o.kind == "mutation" and o.qualifier == "pathogenic" and role in _ONC):
            return "exact"
        if is_truncating(o):
            return None
        return (
            "possible" if unspecific or o.kind in ("protein", "codon", "exon") or o.qualifier == "pathogenic" else None
        )
    if q == "inactivating":
        if is_truncating(o) or (o.kind == "mutation" and o.qualifier == "pathogenic" and role in _TSG):
            return "exact"
        return "possible" if unspecific or (role in _TSG and o.kind == "protein") else None
    if q == "pathogenic":
        if (is_truncating(o) and role in _TSG) or (role in _ONC and is_activating(o, known)):
            return "exact"
        return "possible" if unspecific or is_nonsynonymous(o) or o.kind in ("codon", "exon", "mutation") else None
    if q in ("nonsense", "frameshift", "splice"):
        pk = {"nonsense": "nonsense", "frameshift": "fs"}.get(q)
        if pk and o.kind == "protein" and o.protein is not None and o.protein.kind == pk:
            return "exact"
        return (
            "possible"
            if unspecific or (o.kind == "mutation" and o.qualifier in ("inactivating", "pathogenic"))
            else None
        )
    return "possible" if unspecific else None  # itd, kinase_domain, ... : only the same qualifier is exact


def _loss_kind(o: Alteration, role: str | None) -> MatchKind | None:
    if is_restoring(o, role):
        return None  # a restoring change is never the loss of function it reverts
    if o.kind == "loss":
        return "exact"
    if o.kind == "mutation" and o.qualifier == "inactivating":
        return "exact"
    if is_truncating(o) or (o.kind == "mutation" and o.qualifier == "pathogenic"):
        if role in _TSG:
            return "exact"
        return "possible" if role is None else None
    if role in _TSG and ((o.kind == "mutation" and o.qualifier is None) or is_nonsynonymous(o)):
        return "possible"
    return None


#: expression states that say the protein is (next to) absent (report_vocabulary.HER2_STATES)
_NOT_EXPRESSED = frozenset({"HER2-null"})


def _expression_kind(p: Alteration, o: Alteration) -> MatchKind | None:
    """An expression pattern (``CD274 expression``, ``HER2-low``) against an observation of the same gene.

    A qualified pattern (``HER2-low``) is met exactly by the same state, possibly by an unqualified expression or
    an underexpression; an unqualified pattern by any expression except a stated absence (``HER2-null``, a PD-L1
    score of 0) and possibly by an amplification.
    """
    if p.qualifier is not None:
        if o.kind == "expression" and o.qualifier == p.qualifier:
            return "exact"
        unqualified = o.kind == "expression" and o.qualifier is None
        return "possible" if unqualified or o.kind == "underexpression" else None
    if o.kind == "expression" and (o.qualifier in _NOT_EXPRESSED or o.value == 0):
        return None
    if o.kind in ("expression", "overexpression"):
        return "exact"
    return "possible" if o.kind == "amplification" else None


MeasureState = Literal["met", "below", "unstated"]


def measure_state(measures: Sequence[Mapping[str, object]], o: Alteration) -> MeasureState:
    """Whether the observed expression ``o`` reaches a fact's score cut-offs (``Fact.measure``; any one suffices).

    ``"met"``: no cut-off, or the observation states a score of a named kind at or above it; ``"below"``: the
    observation states a score of every named kind and none reaches its cut-off (``PD-L1 TPS 5%`` against
    ``TPS >= 50``); ``"unstated"``: otherwise (``PD-L1 positive``, ``CD274 expression``, or a score of another
    kind, ``PD-L1 CPS 5`` against ``TPS >= 1``): the engine counts that as a *possible* match (lower standing).
    """
    if not measures:
        return "met"
    stated = [m for m in measures if o.kind == "expression" and o.value is not None and o.qualifier == m["kind"]]
    if any(o.value is not None and o.value >= float(str(m["at_least"])) for m in stated):
        return "met"
    return "below" if stated and len(stated) == len(measures) else "unstated"


def measure_text(measures: Sequence[Mapping[str, object]]) -> str:
    """``TPS >= 50%`` / ``TC >= 50% or IC >= 10%``: a fact's cut-offs as the warnings and reasons write them."""
    return " or ".join(f"{m['kind']} >= {float(str(m['at_least'])):g}{'' if m['kind'] == 'CPS' else '%'}"
                       for m in measures)  # fmt: skip


def _core_kind(p: Alteration, o: Alteration, known: KnownSpecific, role: str | None) -> MatchKind | None:
    match p.kind:
        case "protein":
            return _protein_kind(p, o)
        case "codon":
            return _codon_kind(p, o)
        case "exon":
            return _exon_kind(p, o)
        case "mutation":
            return _qualified(p, o, known, role)
        case "loss":
            return _loss_kind(o, role)
        case "expression":
            return _expression_kind(p, o)
        case "overexpression":
            if o.kind == "overexpression":
                return "exact"
            if o.kind == "expression" and o.qualifier is not None:  # HER2-low, a PD-L1 score: no overexpression
                return None
            return "possible" if o.kind in ("amplification", "expression") else None
        case "isoform" | "methylation" | "cytogenetic" | "pharmacogenomic":
            return "exact" if o.kind == p.kind and o.qualifier == p.qualifier else None
        case _:
            return "exact" if o.kind == p.kind else None


def match_kind(
    pattern: Alteration,
    observed: Alteration,
    known_specific: KnownSpecific | None = None,
    *,
    role: RoleLookup | None = None,
) -> MatchKind | None:
    """``"exact"``, ``"possible"`` or ``None`` for ``observed`` against the knowledge ``pattern``.

    Parameters
    ----------
    pattern, observed
        The fact's alteration and the profile's.
    known_specific
        True for an observation the knowledge names specifically (for *activating*).
    role
        Gene symbol → ``oncogene`` / ``tumor_suppressor`` / ``both`` (or ``None``);
        without it, no change is read as loss of function from the gene's role.
    """
    p, o = pattern, observed
    known = known_specific or _never
    if p.kind == "phenotype":
        return "exact" if o.kind == "phenotype" and o.qualifier == p.qualifier else None
    if p.kind == "biomarker":
        return _biomarker_kind(p, o, role(o.gene) if role is not None and o.gene else None)
    if o.kind == "biomarker":
        return None
    if p.kind == "fusion":
        kind = _fusion_kind(p, o)
    elif o.gene != p.gene:
        return None
    else:
        kind = _core_kind(p, o, known, role(p.gene) if role is not None and p.gene else None)
    if kind is None:
        return None
    for attr in ("phase", "origin"):
        want, have = getattr(p, attr), getattr(o, attr)
        if want is not None:
            if have is not None and have != want:
                return None
            if have is None:
                kind = "possible"
    return kind


#: biomarker states that an MMR-gene loss of function (possibly) causes, and that a BRCA1/2 loss defines
_MMR_STATES = ("dMMR", "MSI-H")
_HRD_STATES = ("HRD-positive",)


def _biomarker_kind(p: Alteration, o: Alteration, role: str | None) -> MatchKind | None:
    """A genome-level biomarker pattern (``MSI-H``, ``dMMR``, ``TMB-H``, ``HRD-positive``, ...).

    exact: the same state (a measured value classified by the labelled cut-off); for ``HRD-positive``,
    also a loss of function of BRCA1/BRCA2 (the label's definition). possible: a related state measured
    by another assay (MSI-H / dMMR, LOH-high / HRD-positive); for ``dMMR`` / ``MSI-H``, a loss of
    function of a mismatch-repair gene (MLH1, MSH2, MSH6, PMS2, EPCAM) or MLH1 promoter methylation,
    since a single report of the gene does not show that the tumour is mismatch-repair deficient.
    """
    q = p.qualifier
    if o.kind == "biomarker":
        if o.qualifier == q:
            return "exact"
        return "possible" if q in BIOMARKER_RELATED.get(str(o.qualifier), ()) else None
    gene = o.gene
    if gene is None:
        return None
    if q in _MMR_STATES and gene in MMR_GENES:
        if o.kind == "methylation":
            return "possible" if gene == "MLH1" and o.qualifier == "methylated" else None
        return "possible" if _loss_kind(o, role or "tumor_suppressor") == "exact" else None
    if q in _HRD_STATES and gene in HRD_DEFINING_GENES:
        return "exact" if _loss_kind(o, role or "tumor_suppressor") == "exact" else None
    return None


def biomarker_keys(alt: Alteration) -> tuple[str, ...]:
    """Index keys of the biomarker states ``alt`` may imply (its own; related states; dMMR/MSI-H for an
    MMR gene; HRD-positive for BRCA1/2)."""
    if alt.kind == "biomarker":
        q = str(alt.qualifier)
        return tuple(f"biomarker:{x}" for x in (q, *BIOMARKER_RELATED.get(q, ())))
    if alt.gene in MMR_GENES:
        return tuple(f"biomarker:{x}" for x in _MMR_STATES)
    if alt.gene in HRD_DEFINING_GENES:
        return tuple(f"biomarker:{x}" for x in _HRD_STATES)
    return ()


def _never(_alt: Alteration) -> bool:
    return False


def matches(
    pattern: Alteration,
    observed: Alteration,
    known_specific: KnownSpecific | None = None,
    *,
    role: RoleLookup | None = None,
) -> bool:
    """True when ``observed`` satisfies (is or implies) the knowledge ``pattern``: :func:`match_kind` is exact."""
    return match_kind(pattern, observed, known_specific, role=role) == "exact"


def reference_mismatch(pattern: Alteration, observed: Alteration) -> str | None:
    """A warning when ``observed`` states another reference residue than the knowledge at the same codon.

    ``EGFR T858R`` against a fact on ``EGFR L858R`` → ``"EGFR T858R: the knowledge has L858
    (EGFR L858R), the input T858; check the reference residue (or the transcript)"``.
    ``None`` when the genes or codons differ, or either side states no reference residue.
    """
    if pattern.gene != observed.gene or pattern.gene is None:
        return None
    p_ref, p_pos = _ref_at(pattern)
    o_ref, o_pos = _ref_at(observed)
    if not p_ref or not o_ref or p_pos is None or p_pos != o_pos or p_ref == o_ref:
        return None
    return (
        f"{observed.name}: the knowledge has {p_ref}{p_pos} ({pattern.name}), the input {o_ref}{o_pos}; "
        "check the reference residue (or the transcript)"
    )


def _ref_at(alt: Alteration) -> tuple[str, int | None]:
    if alt.kind == "protein" and alt.protein is not None:
        return alt.protein.ref, alt.protein.start
    if alt.kind == "codon" and alt.codon_ref and alt.codon_start == alt.codon_end:
        return alt.codon_ref, alt.codon_start
    return "", None


def index_keys(alt: Alteration) -> tuple[str, ...]:
    """Keys under which a pattern is indexed / an observation is looked up."""
    if alt.kind == "phenotype":
        return (f"phenotype:{alt.qualifier}",)
    if alt.kind == "biomarker":
        return biomarker_keys(alt)
    keys = [alt.gene] if alt.gene else []
    if alt.kind == "fusion":
        keys += [g for g in (alt.partner5, alt.partner3) if g]
    if alt.fusion_context:
        keys += alt.fusion_context.split("::")
    keys += biomarker_keys(alt)
    return tuple(dict.fromkeys(keys))
