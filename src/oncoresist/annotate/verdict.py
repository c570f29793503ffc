"""The verdict rule: weighing aggregated findings (documented in docs/annotate.md, "Verdict rule").

Each finding has a *strength*: the best, over its evidence, of the evidence level's rank
(A 0 … E 4) plus a tumour-standing penalty (:data:`oncoresist.annotate.scope.PENALTY`:
0 when the evidence was recorded in the query tumour, an ancestor, or any tumour; 1 in a
subtype; 2 in a sibling; 3 elsewhere) plus 1 when the input only *possibly* matches the
fact (gene- or codon-level input below a specific variant; another reference residue).
Lower is stronger.

0. **Reversions.** A resistance finding on a change that restores a loss of function (a reversion
   mutation; a secondary mutation of a homologous-recombination gene) decides over every
   sensitivity finding on that gene's loss for the same drug, at any level and tumour standing:
   the sensitivity rests on the loss the reversion undoes (:mod:`.reversion`).
1. **Standing.** Findings whose evidence was all recorded in sibling or unrelated tumour types
   are reported (``lower_standing``) but do not decide, unless no finding has evidence from the
   query tumour, its ancestors, its subtypes or any tumour: then they are weighed (with their
   tumour penalty) and the verdict reason says so.
   1b. Exception, the mirror of 3b: a resistance finding with clinical evidence (A–C, matched exactly)
   naming the observed change itself, recorded in a *sibling* tumour type, decides when a decisive
   sensitivity finding for the same drug is about another change of the same gene only (the primary
   driver): the secondary change's evidence is about the compound genotype, and the driver's
   sensitivity is no evidence against it. Evidence from unrelated tumour types, at level D/E, or on a
   codon, class or gene pattern stays ``lower_standing``.
2. **Regimens.** For drugs given together: a per-drug finding on alterations that
   regimen-level evidence (a combination fact about the drugs given) also covers is
   ``outranked`` (unless the per-drug evidence is more than one tier stronger); a per-drug
   resistance finding that another drug of the regimen addresses
   (that drug has sensitivity evidence on the same alteration, targets the gene whose
   bypass/amplification/downstream activation causes the resistance, or a curated option
   with that drug inside the regimen addresses it), and that does not also defeat that drug,
   is ``overcome``.
3. **Contrary evidence on the same alteration(s)** (resistance vs sensitivity for the same
   drug, where the sensitivity evidence is about every alteration the resistance finding is
   about; evidence on a fusion is not about a kinase change inside it): when both sides have
   clinical evidence (A–C) matched exactly, the *more specific* one governs (a protein change
   over one codon over a codon range or exon class over any mutation of the gene:
   ``PDGFRA D842V`` resistance over ``PDGFRA codons 814-854`` sensitivity); otherwise the
   stronger side wins and the weaker is ``outweighed``; at equal strength the more specific
   pattern wins; then the side recorded closer to the query tumour (in the query tumour itself
   over an ancestor; with no tumour given, a tissue-agnostic indication over one type's
   evidence); otherwise the two are ``tied``.
   3a. Before that: resistance with *variant-level support* (evidence naming the observed change
   itself, clinical A–C or from at least two level-D records) outweighs sensitivity evidence that
   is only about the change's codon range, exon class or gene (a ``KIT codons 627-664`` or
   ``KIT mutation`` sensitivity fact is no evidence that ``KIT V654A`` is sensitive). The mirror: sensitivity
   with such support outweighs resistance only about the change's class or gene (``EGFR A763_Y764insFQEA``).
   3c. At equal strength, breadth and standing, evidence about a superset of the other side's alterations (the
   compound genotype observed) governs (``ALK C1156Y + L1198F`` on crizotinib over ``C1156Y`` alone).
3b. **Compound genotypes: the secondary change governs.** A resistance finding about one change *Y*
   alone (the primary driver) is ``outweighed`` by a sensitivity finding on another change *X* of the
   same gene for the same drug when (i) the sensitivity has clinical evidence (A–C) about *X*, its codon
   or its class (not the whole gene, and not evidence that *Y* satisfies too), at least as good as the
   resistance's best level, (ii) *X* is a secondary change that arose on *Y*
   under an earlier line: the knowledge holds on-target resistance evidence naming *X* against a drug
   first approved before every drug given, to which *Y* responds (``KIT V654A`` defeats imatinib, 2001,
   to which ``KIT W557_K558del`` responds; sunitinib, 2006, is given), and not the other way round, and (iii) the
   resistance on *Y* is contested: the knowledge also holds sensitivity evidence on *Y* for this drug.
   Evidence on a secondary change was recorded in tumours that carry a primary one and failed the
   earlier drug, so it is about the compound genotype; evidence on *Y* alone is not (``KIT exon 11
   deletion + V654A`` on sunitinib is ``sensitive``; with ``D820Y``, which has no such sensitivity, the
   rule does not apply).
4. **A resistance finding on an added alteration** (a co-occurring or acquired change the
   sensitivity evidence is not about) decides against sensitivity evidence, unless its
   evidence is only preclinical/inferential (level D/E) while the sensitivity is validated or
   clinical (strength ≤ 1: level A/B in the tumour): then it is ``outweighed`` — except a
   secondary change in the same gene as the sensitising one whose resistance has variant-level
   support (see 3a): it decides.
   4a. And a specific on-target change on top of the driver decides at any level: evidence naming the observed
   protein change itself, mechanism ``on_target_mutation``, in the driver's gene, when the driver's sensitivity
   is not about the change and no sensitivity evidence for the drug is (``ROS1 fusion + G2032R`` on entrectinib).
5. **Verdict.** Any remaining decisive resistance-side finding (``resistance``, or
   ``reduced_sensitivity``: clinically meaningful loss of activity, kept as its own effect)
   → ``resistant``; else a tie → ``unknown``; else any remaining decisive ``sensitivity``
   finding with clinical evidence (A–C) → ``sensitive`` (only preclinical or inferred: ``unknown``);
   else ``unknown``.

Outweighed and tied findings are listed in ``conflicts`` with the finding on the other side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from oncoresist.annotate.aggregate import BREADTH, adopt_curated_mechanisms, item_strength
from oncoresist.annotate.result import Conflict, EvidenceItem, Finding, Verdict
from oncoresist.annotate.reversion import restored_gene
from oncoresist.annotate.scope import DECIDING, FULL, PENALTY
from oncoresist.knowledge.oncotree import ROOT
from oncoresist.knowledge.schema import EVIDENCE_RANK

RESISTANCE_SIDE = ("resistance", "reduced_sensitivity")
#: how the note of a decisive sensitivity finding starts when a resistance on another alteration decides the verdict
SET_ASIDE = "set aside"
#: mechanism classes that a drug aimed at the gene involved overcomes within a regimen
_ADDRESSABLE = frozenset({"bypass_pathway", "target_amplification", "downstream_pathway", "apoptosis_evasion"})
#: regimen-level evidence outranks per-drug evidence up to this many tiers stronger than itself
REGIMEN_BONUS = 1
#: strength at or above which a resistance finding counts as preclinical / inferential only
PRECLINICAL = 3
#: strength at or below which sensitivity evidence counts as validated or clinical
CLINICAL = 1


@dataclass(frozen=True)
class Weighed:
    findings: list[Finding]
    verdict: Verdict
    reason: str
    conflicts: list[Conflict]


#: strength per evidence tuple (shared by a finding and the copies weighing makes of it), held with the tuple
_STRENGTH: dict[int, tuple[tuple[EvidenceItem, ...], int]] = {}


def strength(f: Finding) -> int:
    """Best (lowest) level rank + tumour penalty over the finding's evidence."""
    ev = f.evidence
    if not ev:
        return EVIDENCE_RANK[f.evidence_level] + PENALTY.get(f.tumor_relation, 0)
    hit = _STRENGTH.get(id(ev))
    if hit is None or hit[0] is not ev:
        if len(_STRENGTH) >= 200_000:
            _STRENGTH.clear()
        hit = _STRENGTH[id(ev)] = (ev, min(item_strength(e) for e in ev))
    return hit[1]


_SCOPE_NOTE = {
    False: "evidence recorded in this tumour type governs over equal evidence recorded for a broader type",
    True: "a tissue-agnostic indication governs a tumour-agnostic query; contrary evidence recorded in one "
    "tumour type is listed as a conflict",
}


def _agnostic(f: Finding) -> bool:
    return any(ROOT in e.tumors for e in f.evidence if not e.preclinical)


def _tumour_scope_winner(r: Finding, s: Finding) -> str | None:
    """At equal strength and specificity: the side recorded closer to the query tumour (``"r"``/``"s"``).

    With a query tumour, evidence recorded in that very type beats evidence recorded only for an
    ancestor (a label's Limitation of Use in colorectal cancer over the tissue-agnostic approval it
    qualifies). With no tumour, a tissue-agnostic indication beats evidence recorded in one type.
    """
    rel = (r.tumor_relation, s.tumor_relation)
    if rel == ("same", "ancestor"):
        return "r"
    if rel == ("ancestor", "same"):
        return "s"
    if rel == ("not_assessed", "not_assessed") and _agnostic(r) != _agnostic(s):
        return "r" if _agnostic(r) else "s"
    return None


def breadth(f: Finding) -> int:
    """How broad the patterns of the finding's strongest evidence are (0 exact … 3 gene level)."""
    if not f.evidence:
        return 0
    best = strength(f)
    return min(BREADTH.get(e.pattern, 0) for e in f.evidence if item_strength(e) == best)


_WHERE = {
    "descendant": ", recorded in a subtype of the query tumour",
    "sibling": ", recorded in a sibling tumour type",
    "unrelated": ", recorded in another tumour type",
    "not_assessed": " (tumour-agnostic query)",
}


def best_level(f: Finding) -> int:
    """Best evidence level rank (A 0 … E 4) among the finding's evidence that may decide."""
    ranks = [EVIDENCE_RANK[e.evidence_level] for e in f.evidence if e.relation in DECIDING]
    return min(ranks) if ranks else EVIDENCE_RANK[f.evidence_level]


def clinical_breadth(f: Finding) -> int | None:
    """Pattern breadth of the most specific clinical (A–C), exactly matched, deciding evidence, or ``None``."""
    b = [BREADTH.get(e.pattern, 0) for e in f.evidence
         if EVIDENCE_RANK[e.evidence_level] <= 2 and e.relation in DECIDING and e.match == "exact"]  # fmt: skip
    return min(b) if b else None


#: independent variant-level preclinical records that together count as support for a change's resistance
MULTIPLE_D = 2


def variant_support(f: Finding) -> bool:
    """Whether a resistance finding has *variant-level* support: evidence whose pattern names the
    observed change itself (breadth ``exact``), matched exactly, recorded where it may decide, that
    is clinical (A–C) or comes from at least :data:`MULTIPLE_D` records at level D."""
    items = [e for e in f.evidence
             if BREADTH.get(e.pattern, 0) == 0 and e.match == "exact" and e.relation in DECIDING]  # fmt: skip
    if any(EVIDENCE_RANK[e.evidence_level] <= 2 for e in items):
        return True
    return len({(e.database, e.record) for e in items if e.evidence_level == "D"}) >= MULTIPLE_D


def sibling_variant_support(f: Finding) -> bool:
    """Whether a finding of a gene has clinical (A–C) evidence naming the observed change itself (breadth
    ``exact``, matched exactly) recorded in a sibling tumour type of the query (rule 1b)."""
    return f.gene is not None and any(
        BREADTH.get(e.pattern, 0) == 0 and e.match == "exact" and e.relation == "sibling"
        and EVIDENCE_RANK[e.evidence_level] <= 2
        for e in f.evidence
    )  # fmt: skip


def variant_sensitivity_support(f: Finding) -> bool:
    """The mirror of :func:`variant_support` for a sensitivity finding: evidence naming the observed change itself,
    matched exactly, where it may decide, clinical (A–C) or from at least :data:`MULTIPLE_D` level-D records."""
    return variant_support(f)


def specific_on_target(f: Finding) -> bool:
    """Whether a resistance finding names the observed change itself as an on-target mutation (rule 4a): evidence
    whose pattern is that protein change (breadth ``exact``), matched exactly, recorded where it may decide."""
    return f.mechanism == "on_target_mutation" and f.gene is not None and any(
        BREADTH.get(e.pattern, 0) == 0 and e.match == "exact" and e.relation in DECIDING for e in f.evidence
    )


def variant_level_sensitivity(f: Finding) -> bool:
    """Whether a sensitivity finding has evidence naming the observed change itself (not only its
    codon range, exon class or gene)."""
    return any(BREADTH.get(e.pattern, 0) == 0 and e.match == "exact" and e.relation in DECIDING for e in f.evidence)


def variant_level_resistance(f: Finding) -> bool:
    """Whether a resistance finding has evidence naming the observed change itself (not only its class or gene)."""
    return variant_level_sensitivity(f)


def _label(f: Finding) -> str:
    mech = f" ({f.mechanism})" if f.mechanism else ""
    effect = f.effect.replace("_", " ")
    where = _WHERE.get(f.tumor_relation, "")
    return f"{f.alteration}: {effect}{mech} to {' + '.join(f.drugs)}, level {f.evidence_level}{where}"


def restores(f: Finding) -> str | None:
    """The gene whose loss of function the finding's alteration restores (a reversion), else ``None``."""
    return next((g for n in (f.core or f.observed) if (g := restored_gene(n)) is not None), None)


def decides(f: Finding) -> bool:
    return f.status == "decisive"


def own_clinical_level(f: Finding, shared: frozenset[str]) -> int | None:
    """Best level rank (A 0 … C 2) of clinical evidence on the finding's own change: matched exactly, recorded
    where it may decide, about the change, its codon or its class (not the whole gene), and not among the
    facts ``shared`` with another change's findings; ``None`` without such evidence."""
    ranks = [EVIDENCE_RANK[e.evidence_level] for e in f.evidence
             if BREADTH.get(e.pattern, 0) < BREADTH["gene"] and e.match == "exact" and e.relation in DECIDING
             and EVIDENCE_RANK[e.evidence_level] <= 2 and e.fact_id not in shared]  # fmt: skip
    return min(ranks) if ranks else None


def _no_secondary(secondary: Finding, primary: Finding) -> str | None:
    return None


def weigh(
    findings: Sequence[Finding],
    given: frozenset[str],
    *,
    addresses: Callable[[str, Finding], str | None],
    core: Callable[[Finding], frozenset[str]] = lambda f: frozenset(f.observed),
    arose_under: Callable[[Finding, Finding], str | None] = _no_secondary,
) -> Weighed:
    """Apply the verdict rule to the findings of one profile and therapy.

    ``addresses(drug, finding)`` says why a drug of the regimen overcomes a per-drug
    resistance finding (a short reason), or ``None``. ``core(finding)`` gives the
    alterations the finding is about, without the fusion a kinase-domain change sits in
    (``BCR::ABL1 + ABL1 E255K`` is about ``ABL1 E255K``). ``arose_under(secondary, primary)``
    names a drug (not given) under which the change of the sensitivity finding ``secondary``
    arose on the change of the resistance finding ``primary`` (rule 3b), or ``None``.
    """
    fs = adopt_curated_mechanisms(findings)
    st = [strength(f) for f in fs]
    status = ["decisive" if (f.tumor_relation in FULL or f.tumor_relation == "descendant") else "lower_standing"
              for f in fs]  # fmt: skip
    notes = [""] * len(fs)
    against: dict[int, int] = {}
    if fs and all(x == "lower_standing" for x in status):  # nothing recorded in this tumour: weigh what there is
        status = ["decisive"] * len(fs)
        notes = ["only evidence from other tumour types applies (lower standing)"] * len(fs)

    # 1b. a secondary change's clinical resistance recorded in a related (sibling) tumour type decides against
    #     sensitivity on the primary driver of the same gene alone
    for r, f in enumerate(fs):
        if status[r] != "lower_standing" or f.effect not in RESISTANCE_SIDE or not sibling_variant_support(f):
            continue
        for s, g in enumerate(fs):
            if (g.effect == "sensitivity" and status[s] == "decisive" and g.gene == f.gene
                    and set(g.drugs) & set(f.drugs) and not core(f) <= core(g)):  # fmt: skip
                status[r] = "decisive"
                notes[r] = (
                    "clinical evidence naming this secondary change, recorded in a related tumour type, decides over "
                    f"sensitivity on {g.alteration} alone"
                )
                break

    # 0. a reversion restores the loss of function that a sensitivity finding rests on: it decides
    protected: set[int] = set()
    for r, f in enumerate(fs):
        gene = restores(f) if f.effect in RESISTANCE_SIDE else None
        if gene is None:
            continue
        for s, g in enumerate(fs):
            if g.effect != "sensitivity" or g.gene != gene or not set(g.drugs) & set(f.drugs) or restores(g):
                continue
            status[s], against[s] = "outweighed", r
            notes[s] = f"{f.alteration} restores the {gene} loss of function this sensitivity rests on"
            if status[r] != "decisive":
                notes[r] = "a reversion defeats the loss's sensitivity in any tumour type"
            status[r] = "decisive"
            protected.add(r)

    # 2. regimens
    if len(given) >= 2:
        reg = [(set(f.observed), st[i]) for i, f in enumerate(fs) if f.regimen and status[i] == "decisive"]
        for i, f in enumerate(fs):
            if status[i] != "decisive" or f.regimen:
                continue
            if any(set(f.observed) & ra and rs <= st[i] + REGIMEN_BONUS for ra, rs in reg):
                status[i] = "outranked"
                notes[i] = "regimen-level evidence about the drugs given together outranks this per-drug evidence"
        for i, f in enumerate(fs):
            if status[i] != "decisive" or f.effect not in RESISTANCE_SIDE:
                continue
            for d in sorted(given - set(f.drugs)):
                why = addresses(d, f)
                if why is None:
                    continue
                defeated = any(
                    g.effect in RESISTANCE_SIDE and d in g.drugs and set(g.observed) & set(f.observed)
                    for k, g in enumerate(fs) if status[k] == "decisive"
                )  # fmt: skip
                if not defeated:
                    status[i] = "overcome"
                    notes[i] = f"overcome within the regimen: {d} {why}"
                    break

    # 3. contrary evidence on the same alteration(s)
    res = [i for i, f in enumerate(fs) if f.effect in RESISTANCE_SIDE]
    sens = [i for i, f in enumerate(fs) if f.effect == "sensitivity"]
    for r in res:
        for s in sens:
            if r in protected or status[r] not in ("decisive", "tied") or status[s] not in ("decisive", "tied"):
                continue
            if not set(fs[r].drugs) & set(fs[s].drugs) or not core(fs[r]) <= core(fs[s]):
                continue
            br, bs = breadth(fs[r]), breadth(fs[s])
            cr, cs = clinical_breadth(fs[r]), clinical_breadth(fs[s])
            if variant_support(fs[r]) and not variant_level_sensitivity(fs[s]):
                # class- or gene-level sensitivity is no evidence that this very change is sensitive
                status[s], against[s] = "outweighed", r
                notes[s] = "variant-level resistance evidence on this change governs over class-level sensitivity"
            elif variant_sensitivity_support(fs[s]) and not variant_level_resistance(fs[r]):
                # the mirror: class- or gene-level resistance is no evidence that this very change resists
                status[r], against[r] = "outweighed", s
                notes[r] = "variant-level sensitivity evidence on this change governs over class-level resistance"
            elif cr is not None and cs is not None and cr != cs:  # the more specific clinical evidence governs
                loser = s if cr < cs else r
                status[loser], against[loser] = "outweighed", r if loser == s else s
                notes[loser] = "more specific clinical evidence on this variant governs"
            elif st[s] < st[r] or (st[s] == st[r] and bs < br):
                status[r], against[r] = "outweighed", s
            elif st[r] < st[s] or (st[r] == st[s] and br < bs):
                status[s], against[s] = "outweighed", r
            elif (w := _tumour_scope_winner(fs[r], fs[s])) is not None:
                loser = s if w == "r" else r
                status[loser], against[loser] = "outweighed", r if loser == s else s
                notes[loser] = _SCOPE_NOTE[fs[r].tumor_relation == "not_assessed"]
            elif core(fs[r]) < core(fs[s]):  # 3c. evidence on the compound genotype observed governs
                status[r], against[r] = "outweighed", s
                notes[r] = (
                    f"evidence on the compound genotype {fs[s].alteration} governs over equal evidence on "
                    f"{fs[r].alteration} alone"
                )
            else:
                status[r], status[s] = "tied", "tied"
                against.setdefault(r, s)
                against.setdefault(s, r)
    # 3b. compound genotypes: clinical sensitivity on the secondary change outweighs resistance on the driver alone
    for r in res:
        if r in protected or status[r] != "decisive" or fs[r].gene is None:
            continue
        y = core(fs[r])
        on_y = [fs[s] for s in sens if core(fs[s]) == y and set(fs[s].drugs) & set(fs[r].drugs)]
        if len(y) != 1 or not on_y:
            continue  # about several changes, or the resistance on the driver is not contested
        shared = frozenset(e.fact_id for g in on_y for e in g.evidence)
        for s in sens:
            g = fs[s]
            if status[s] != "decisive" or g.gene != fs[r].gene or core(g) & y or not set(g.drugs) & set(fs[r].drugs):
                continue
            lvl = own_clinical_level(g, shared)
            if lvl is None or lvl > best_level(fs[r]):
                continue
            earlier = arose_under(g, fs[r])
            if earlier is None:
                continue
            status[r], against[r] = "outweighed", s
            notes[r] = (
                f"{g.alteration} arose on {fs[r].alteration} under {earlier}; clinical evidence naming it is about "
                f"the compound genotype and governs over evidence on {fs[r].alteration} alone"
            )
            break

    def contested(f: Finding) -> bool:
        """Whether sensitivity evidence for the same drug(s) is about this finding's change itself."""
        return any(set(g.drugs) & set(f.drugs) and core(f) <= core(g) for g in (fs[s] for s in sens))

    # 4. resistance on an added alteration vs validated/clinical sensitivity
    for r in res:
        if r in protected or status[r] != "decisive" or best_level(fs[r]) < PRECLINICAL:
            continue
        for s in sens:
            if status[s] != "decisive" or st[s] > CLINICAL or not set(fs[r].drugs) & set(fs[s].drugs):
                continue
            if fs[r].gene is not None and fs[r].gene == fs[s].gene and variant_support(fs[r]):
                continue  # a secondary on-target change with variant-level support beats the driver's sensitivity
            if (fs[r].gene == fs[s].gene and specific_on_target(fs[r]) and not core(fs[r]) & core(fs[s])
                    and not contested(fs[r])):  # fmt: skip
                # 4a. a specific on-target change on top of the driver: the driver's sensitivity was recorded in
                #     tumours without it, so it is no evidence against the change's own (even inferred) resistance
                notes[r] = (
                    f"a specific on-target change on top of {fs[s].alteration}: the driver's sensitivity is evidence "
                    "about tumours without this change, not against it"
                )
                continue
            status[r], against[r] = "outweighed", s
            notes[r] = (
                "preclinical or inferential evidence on an added alteration does not override validated sensitivity"
            )
            break

    # a resistance that stays decisive beside a decisive sensitivity on another alteration (rule 4) decides the
    # verdict; the sensitivity keeps its status, so it says what set it aside (the verdict reason names it too)
    live_res = [i for i in range(len(fs)) if status[i] == "decisive" and fs[i].effect in RESISTANCE_SIDE]
    for s in sens:
        if status[s] == "decisive" and not notes[s] and (by := [r for r in live_res
                                                                if set(fs[r].drugs) & set(fs[s].drugs)]):
            r = min(by, key=lambda r: (fs[r].effect != "resistance", st[r]))
            notes[s] = (f"{SET_ASIDE}: the resistance of {fs[r].alteration}, an added alteration, decides the "
                        "verdict (verdict rule 4)")

    out: list[Finding] = []
    for i, f in enumerate(fs):
        note = notes[i]
        if status[i] in ("outweighed", "tied") and not note:
            other = fs[against[i]]
            note = ("outweighed by " if status[i] == "outweighed" else "tied with ") + _label(other)
        out.append(replace(f, status=status[i], note=note) if (status[i], note) != (f.status, f.note) else f)

    conflicts = [
        Conflict(
            side="resistance" if f.effect in RESISTANCE_SIDE else "sensitivity",
            alteration=f.alteration,
            drugs=list(f.drugs),
            evidence_level=f.evidence_level,
            sources=list(f.sources),
            tumor_relation=f.tumor_relation,
            resolution=f.status,
            against=_label(fs[against[i]]) if i in against else "",
        )
        for i, f in enumerate(out)
        if f.status in ("outweighed", "tied")
    ]
    live = [f for f in out if f.status == "decisive"]
    tied = [f for f in out if f.status == "tied"]
    verdict: Verdict
    if any(f.effect in RESISTANCE_SIDE for f in live):
        verdict = "resistant"
        top = min(
            (f for f in live if f.effect in RESISTANCE_SIDE), key=lambda f: (f.effect != "resistance", strength(f))
        )
        reason = f"decided by {_label(top)}"
        if set_aside := [f for f in live if f.effect == "sensitivity" and set(f.drugs) & set(top.drugs)]:
            reason += f", over {_label(min(set_aside, key=strength))}"
    elif tied:
        verdict = "unknown"
        reason = "evidence of equal standing disagrees: " + _label(tied[0])
    elif live and best_level(top := min(live, key=strength)) < PRECLINICAL:
        verdict = "sensitive"
        reason = f"decided by {_label(top)}"
    elif live:  # a cell-line or inferred report is a lead to follow, not a call that the drug works
        verdict = "unknown"
        reason = f"only preclinical or inferred evidence of sensitivity: {_label(min(live, key=strength))}"
    else:
        verdict = "unknown"
        reason = (
            "no evidence applies with full standing: " + _label(out[0])
            if out and all(f.status in ("lower_standing", "overcome", "outranked", "outweighed") for f in out)
            else "no knowledge applies to these alterations for the drug(s) given"
        )
        if not out:
            reason = "no knowledge applies to these alterations for the drug(s) given"
    return Weighed(out, verdict, reason, conflicts)
