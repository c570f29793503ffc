"""From a tumour profile and the drugs on the table to an evolutionary scenario.

The knowledge decides *which* cell types exist (one per resistance route that a curated fact
lists for the drugs in the tumour type), the quantitative knowledge gives the numbers it has
(EC50 fold shifts from potency tables, per-variant mutation probabilities from the per-bp rate and
codon routes, phenotype defaults), and every other number is a stated default assumption
(:class:`TwinDefaults`). Each value written into the scenario gets an :class:`Origin`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oncoresist.errors import OncoresistError
from oncoresist.knowledge.schema import EVIDENCE_RANK
from oncoresist.model.load import load_scenario
from oncoresist.twin import persister as _persister
from oncoresist.twin import pretreatment as _pretreatment
from oncoresist.twin import route_sources as _route_sources
from oncoresist.twin.lineage import gate_factor, lineage_support, unsourced_reason
from oncoresist.twin.origin import Origin

if TYPE_CHECKING:
    from oncoresist.alteration import Alteration
    from oncoresist.annotate.api import ProfileLike
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.knowledge.index import Knowledge
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.knowledge.schema import Fact
    from oncoresist.model.scenario import Scenario
    from oncoresist.twin.mixture import Stratum

#: Mechanism classes compiled to an EC50 fold shift (the drug binds its target less well).
ON_TARGET = frozenset({"on_target_mutation", "target_amplification", "target_alteration"})
#: Mechanism classes compiled to an Emax reduction (the drug still binds but matters less).
EMAX = frozenset({"bypass_pathway", "downstream_pathway", "apoptosis_evasion"})
#: Mechanism classes compiled to a transformed lineage that does not depend on the target.
LINEAGE = frozenset({"lineage_plasticity"})
SUPPORTED = ON_TARGET | EMAX | LINEAGE
_POINT_KINDS = _route_sources.POINT_KINDS
_ASSUMED = "default assumption"


@dataclass(frozen=True)
class TwinDefaults:
    """Every number the builder assumes when the knowledge has none (all *assumptions*).

    Attributes
    ----------
    burden
        Tumour cells at diagnosis (2e10, as in ``examples/trials/scenarios/egfr_nsclc.yaml``).
    birth, death
        Per-day rates of every cell type (0.14 and 0.13, the values Bozic et al. 2013 used for
        colorectal cancer, DOI:10.7554/eLife.00747; not NSCLC measurements).
    drug_emax, drug_ec50, hill, dose
        Kill (per day, on death) at full exposure, EC50 and Hill coefficient of every drug on the
        sensitive clone, under constant exposure ``dose`` (1.0 = the standard dose): reused from
        the calibrated trial scenario, not drug-specific.
    exposure_over_wt_ic50
        Exposure at the standard dose in units of the drug's IC50 on the *wild-type* target. Where a
        potency table measured the patient's driver and the wild type side by side (Robichaux et al.
        2021 for EGFR), the sensitive clone's EC50 for that drug is ``IC50(driver)/IC50(WT) /
        exposure_over_wt_ic50`` instead of ``drug_ec50``: doses of targeted inhibitors are limited by
        wild-type inhibition (on-target toxicity), so the table's mutant/wild-type ratio is the
        drug's window. One number for every drug (1.0: the standard dose half-inhibits wild type).
    sourced_exposure, exposure_basis
        Where the quantitative knowledge has a published steady-state exposure of a drug at its standard dose in
        the tumour type (``exposures``, e.g. imatinib 400 mg in CML) and a potency table has the drug's IC50 on
        the patient's driver, the sensitive clone's EC50 is ``IC50(driver) / exposure`` (the standard dose's
        exposure is 1.0) instead of the window or ``drug_ec50``: opt-in per drug by the knowledge, so a drug
        without such an entry (every EGFR TKI so far) is built as before. ``exposure_basis`` is the ONE mapping
        assumption: ``"total"`` (default) compares the table's cellular IC50 with the total plasma trough;
        ``"unbound"`` with its unbound part (sensitivity analysis). ``sourced_exposure=False`` turns it off.
    unmeasured_fold
        EC50 fold for a drug that a fact lists as resisted by an on-target change when the
        potency data have no number.
    emax_reduction
        Emax reduction of a bypass, downstream or apoptosis-evasion mechanism.
    per_route_default
        Single-nucleotide routes assumed for a point change without codon data.
    amplification_probability
        Probability per division of a copy-number gain (or another non-point change).
    rate_id
        The per-bp mutation rate of the quantitative knowledge to use.
    min_evidence
        Least evidence level (A–E) of a fact that creates a cell type.
    effects
        Fact effects that create a cell type.
    preexisting
        Seed each mutational cell type at diagnosis with the deterministic mean number of mutants
        accumulated while growing from one cell to ``burden``: ``u·(b/(b−d))·M·ln M``.
    persisters
        Add the drug-tolerant persister state where the knowledge has a persister fact for a twin drug in
        the tumour type (:mod:`oncoresist.twin.persister`). Off by default: at the stated placeholder rates the
        comparator can no longer be calibrated (docs/twin.md, "Persisters and the TP53/RB1 gate").
    persister_min_evidence
        Least evidence level of a persister fact (D: the persister facts are preclinical; the state is a
        phenotype with reduced kill, not a resistance route, so ``min_evidence`` does not apply).
    lineage_gates
        Scale a lineage route's rate by the profile's gate (:mod:`oncoresist.twin.lineage`: small-cell
        transformation with TP53 and RB1 both lost).
    keep_unsourced
        Sensitivity analysis only: keep the non-point routes (fusion, amplification, loss) that have neither a
        sourced rate nor a sourced share at progression, at ``amplification_probability``
        (:mod:`oncoresist.twin.route_sources`; default: left out, listed in ``skipped``).
    mutation_supply
        One factor on every route's probability per division (point and non-point changes, nested routes too),
        applied once per route in :func:`_mutation_probability`, the one place the builder makes a mutation
        probability: the pre-existing counts (deterministic mean, and the Luria-Delbruck clones the cohort draws
        from, :func:`oncoresist.twin.variation.luria_delbruck_block`), the engine's mutations during treatment and
        the persister state's routes all take the scaled probability. What it stands for: the share of
        divisions whose mutant offspring is heritable and clonogenic (a clonogenic or stem fraction of the
        tumour, a per-bp rate that is not the rate of clonogenic mutants); no measurement for EGFR-mutant NSCLC
        is stored, so 1 (every cell a mutation source at the per-bp rate) is an assumption. Lineage switches
        (a rate per day, fitted to a published share) are not scaled. Routes whose rate the calibration fits
        (``calibrate.plan``) absorb it into their fitted multiplier, so in effect it moves the routes with a
        sourced rate (EGFR T790M, C797S, L718Q/V, D761Y) together (docs/trials.md, supply9 pass).
    measured_preexisting
        Where the quantitative knowledge has measured pre-treatment prevalences of a route's variant
        (``pretreatment_prevalence``, keyed by the variant and tumour type; e.g. EGFR T790M by colony hybridization
        and digital PCR), seed the route with ``burden x`` the mean of a lognormal of its fraction fitted to them
        (:mod:`oncoresist.twin.pretreatment`) and let the cohort draw each patient's fraction from that lognormal,
        instead of the codon rate's deterministic mean and Luria-Delbruck count. Routes without such an entry are
        built as before; the route's rate of arising during treatment is unchanged (docs/trials.md, t790m10 pass).
        On by default since the final10 pass (docs/trials.md: its pre-registered comparator rule selected it);
        ``measured_preexisting=False`` gives the codon rate's count, as before.
    measured_sigma
        The lognormal's log-spread where only one threshold is measured (an assumption, recorded); with two or more
        thresholds leave it unset (fitted), or set it to fix the spread (sensitivity analysis).
    """

    burden: float = 2e10
    birth: float = 0.14
    death: float = 0.13
    drug_emax: float = 0.06
    drug_ec50: float = 0.1
    hill: float = 1.0
    dose: float = 1.0
    exposure_over_wt_ic50: float = 1.0
    sourced_exposure: bool = True
    exposure_basis: str = "total"
    unmeasured_fold: float = 1000.0
    emax_reduction: float = 0.95
    per_route_default: int = 1
    amplification_probability: float = 1e-10
    rate_id: str = "bozic2013-point-mutation-rate"
    min_evidence: str = "C"
    effects: tuple[str, ...] = ("resistance",)
    preexisting: bool = True
    persisters: bool = False
    persister_min_evidence: str = "D"
    lineage_gates: bool = True
    keep_unsourced: bool = False
    mutation_supply: float = 1.0
    measured_preexisting: bool = True
    measured_sigma: float | None = None

    def why(self, name: str) -> str:
        """The rationale of one default, for the origin table."""
        return _WHY[name]


_WHY = {
    "burden": "tumour cells at diagnosis; reused from examples/trials/scenarios/egfr_nsclc.yaml (set --burden)",
    "birth": "Bozic et al. 2013 (DOI:10.7554/eLife.00747) colorectal value, used for every type",
    "death": "Bozic et al. 2013 (DOI:10.7554/eLife.00747) colorectal value, used for every type",
    "drug_emax": "kill at full exposure, reused from the calibrated trial scenario; the same for every drug",
    "drug_ec50": "exposure units relative to the standard dose; the same for every drug",
    "hill": "Hill coefficient 1",
    "exposure_over_wt_ic50": (
        "assumption: the standard dose gives an exposure of 1.0 x the drug's wild-type IC50 (doses are limited by "
        "wild-type inhibition), the same for every drug"
    ),
    "exposure_basis": (
        "ONE named assumption (total plasma vs assay): the potency table's cellular IC50 is compared with the drug's "
        "TOTAL steady-state plasma trough, as Peng et al. 2005 (DOI:10.2165/00003088-200544090-00001, abstract) "
        "compare imatinib's trough with the 1 umol/L needed in vitro; no correction for plasma protein binding "
        "(~95% for imatinib) because the table's assay medium (its serum, which also binds the drug) is not stated "
        "per row, so a plasma-side correction could not be matched by the assay-side one; the constant exposure is "
        "the trough, the level the exposure-response studies use (set exposure_basis='unbound' to compare the "
        "unbound trough instead)"
    ),
    "dose": "first drug given continuously at the standard dose (constant exposure 1.0)",
    "unmeasured_fold": "a fact lists resistance but the potency data have no exact number for this drug and variant",
    "emax_reduction": "no quantitative knowledge of how much a bypass/downstream route lowers the kill",
    "per_route_default": "no codon data: one single-nucleotide route assumed",
    "amplification_probability": "no rate in the quantitative knowledge for copy-number or other non-point changes",
    "preexisting": "deterministic mean of mutants accumulated during growth to the burden, u*(b/(b-d))*M*ln(M)",
    "mutation_supply": (
        "share of divisions whose mutant offspring is heritable and clonogenic (no measurement for EGFR-mutant "
        "NSCLC stored): a factor on every route's probability per division (TwinDefaults.mutation_supply)"
    ),
}


@dataclass
class TwinBuild:
    """Everything the builder produced: the scenario, its origins, the annotation, what was left out."""

    scenario: Scenario
    origins: list[Origin]
    annotation: AnnotationResult
    skipped: list[str] = field(default_factory=list)
    routes: list[ResistanceRoute] = field(default_factory=list)
    defaults: TwinDefaults = field(default_factory=lambda: TwinDefaults())
    """The assumptions the scenario was built with (a calibration rebuilds with changed ones)."""
    knowledge: Knowledge | None = field(default=None, repr=False, compare=False)
    quant: QuantKnowledge | None = field(default=None, repr=False, compare=False)
    strata: tuple[Stratum, ...] = field(default=(), repr=False)
    """A population of several drivers (:mod:`oncoresist.twin.mixture`): each patient runs on one stratum's twin,
    drawn with its share; the fields above are the first stratum's. Empty: one twin for every patient."""
    measured: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Routes whose pre-existing count is a measured prevalence (``TwinDefaults.measured_preexisting``): name ->
    (log-spread of the patient's factor, largest factor: the whole burden)."""

    def origin(self, path: str) -> Origin:
        """The origin of one path (KeyError if the builder wrote no such value)."""
        for o in self.origins:
            if o.path == path:
                return o
        raise KeyError(path)


@dataclass
class ResistanceRoute:
    """One cell type to add: an alteration set, its mechanism class and the facts behind it."""

    name: str
    alterations: list[Alteration]
    mechanism: str
    facts: list[Fact]

    def drugs(self, kb: Knowledge, given: Sequence[str]) -> list[str]:
        """The given drugs that a fact lists as resisted."""
        listed: set[str] = set()
        for f in self.facts:
            listed |= kb.fact_drugs(f)
        return [d for d in given if d in listed]

    def fact_source(self) -> str:
        return "; ".join(f"{f.id} ({f.evidence_level}: {', '.join(f.sources)})" for f in self.facts)


def _cell_name(alts: Sequence[Alteration]) -> str:
    return "+".join(re.sub(r"[^A-Za-z0-9:+_.>-]+", "_", a.name).strip("_") for a in alts)


def _tumor_applies(kb: Knowledge, fact: Fact, tumor: str | None) -> bool:
    if not fact.tumors or tumor is None:
        return True
    return bool(set(fact.tumors) & set(kb.tumor_ancestors(tumor)))


def resistance_routes(
    kb: Knowledge, profile_alts: Sequence[Alteration], drugs: Sequence[str], tumor: str | None, d: TwinDefaults,
    quant: QuantKnowledge | None = None,
) -> tuple[list[ResistanceRoute], list[str]]:
    """The resistance routes the knowledge lists for ``drugs`` in ``tumor``, and what was left out.

    A curated fact makes a route if it names one of the drugs (or their classes), holds in the
    tumour type, has one of ``d.effects``, is ``acquired`` (or both), and has evidence at least
    ``d.min_evidence``. Alterations the profile already has are the background, not the route; a
    fact that needs a *different* sensitising driver (e.g. an exon 19 deletion when the profile has
    L858R; see :func:`_sensitising_drivers`), or a compound fact that adds a fusion the profile does
    not have (the fusion is another driver's background), does not apply; nor does an on-target change
    in a gene the profile does not alter (ROS1 G2032R resists crizotinib in ROS1-rearranged tumours,
    not in an ALK-rearranged one). Facts with the same remaining alterations merge. With ``quant``, a
    non-point route with neither a sourced rate nor a sourced share at progression on one of the route
    set's drugs is left out (:mod:`oncoresist.twin.route_sources`) unless ``d.keep_unsourced``.
    """
    from oncoresist.alteration import parse_alteration

    have = {a.name for a in profile_alts}
    profile_genes = {g for a in profile_alts for g in (a.gene, a.partner5, a.partner3) if g}
    drug_set = set(drugs) | driver_drugs(kb, profile_alts, tumor)
    sensitising = _sensitising_drivers(kb, drug_set)
    routes: dict[str, ResistanceRoute] = {}
    skipped: list[str] = []
    for f in kb.curated_facts:
        if not (kb.fact_drugs(f) & drug_set) or f.effect not in d.effects or f.origin == "primary":
            continue
        if not _tumor_applies(kb, f, tumor):
            continue
        if f.mechanism == _persister.MECHANISM:
            skipped.append(f"{f.id}: a persister fact, compiled as the persister state (not a route)")
            continue
        if EVIDENCE_RANK[f.evidence_level] > EVIDENCE_RANK[d.min_evidence]:
            skipped.append(f"{f.id}: evidence {f.evidence_level} below {d.min_evidence}")
            continue
        alts = [parse_alteration(t, kb.resolve_gene) for t in f.alterations]
        new = [a for a in alts if a.name not in have]
        other_driver = [a for a in new if a.name in sensitising]
        if len(alts) > 1:  # a compound fact on another fusion's background (FIP1L1::PDGFRA + T674I in CML)
            other_driver += [a for a in new if a.kind == "fusion"]
        if other_driver:
            skipped.append(f"{f.id}: needs {other_driver[0].name}, which this profile does not have")
            continue
        if not new:
            skipped.append(f"{f.id}: the profile already has {', '.join(a.name for a in alts)} (intrinsic)")
            continue
        if f.mechanism not in SUPPORTED:
            skipped.append(f"{f.id}: mechanism {f.mechanism} has no compiled form in the twin builder")
            continue
        if f.mechanism in LINEAGE:
            unsourced = unsourced_reason([a.name for a in new], kb.tumor_ancestors(tumor) if tumor else [])
            if unsourced:
                skipped.append(f"{f.id}: {unsourced}")
                continue
        genes = {g for a in new for g in (a.gene, a.partner5, a.partner3) if g}
        if f.mechanism in ON_TARGET and not genes & profile_genes:
            skipped.append(
                f"{f.id}: an on-target change in {', '.join(sorted(genes))}, a gene this profile does not alter "
                "(the drug's target here is another)"
            )
            continue
        name = _cell_name(new)
        route = routes.get(name)
        if route is None:
            routes[name] = ResistanceRoute(name, new, f.mechanism, [f])
        elif route.mechanism != f.mechanism:
            skipped.append(f"{f.id}: mechanism {f.mechanism} differs from {route.mechanism} of {name}; first kept")
        else:
            route.facts.append(f)
    if quant is not None and not d.keep_unsourced:
        for name, route in list(routes.items()):
            if route.mechanism in LINEAGE:  # lineage routes: oncoresist.twin.lineage (unsourced_reason above)
                continue
            why = _route_sources.unsourced_reason(route, quant, drug_set, tumor)
            if why:
                skipped += [f"{f.id}: {why}" for f in route.facts]
                del routes[name]
    return list(routes.values()), skipped


def driver_drugs(kb: Knowledge, profile_alts: Sequence[Alteration], tumor: str | None) -> set[str]:
    """Drugs a curated single-drug sensitivity fact says act on the profile's alterations in ``tumor``.

    Resistance routes are the union over these and the twin's own drugs, so that the route *set* does
    not depend on which of them a twin (or a trial's arms) compares: C797S, KRAS, BRAF, ALK and RET
    routes that the curated facts list for osimertinib only are routes of a gefitinib twin too, acting on
    gefitinib as its potency table, its facts or the stated default say (see :func:`_compile_route`).
    Curated facts only, so that imports cannot change the set.
    """
    from oncoresist.alteration import parse_alteration

    have = {a.name for a in profile_alts}
    out: set[str] = set()
    for f in kb.curated_facts:
        if f.effect != "sensitivity" or f.therapy_mode == "combination" or not _tumor_applies(kb, f, tumor):
            continue
        names = {parse_alteration(t, kb.resolve_gene).name for t in f.alterations}
        if names and names <= have:
            out |= kb.fact_drugs(f)
    return out


def _sensitising_drivers(kb: Knowledge, drugs: set[str]) -> set[str]:
    """Alterations the drugs act on (a sensitivity fact) that are never themselves the resistance change.

    In a resistance fact for drug X, an alteration that also has a sensitivity fact for X is the
    background (``BCR::ABL1`` in ``[BCR::ABL1, ABL1 T315I]``); the others are the resistance change.
    EGFR T790M is sensitising for osimertinib but the resistance change for erlotinib, so it is a
    route, not a driver; an EGFR exon 19 deletion is only ever background, so it is a driver.

    Evidence and therapy context decide which sensitivity facts count, so that imports can add
    routes but never remove established ones: a fact for a combination never makes a single-drug
    sensitising driver (CIViC EID277, T790M on erlotinib + pemetrexed), and an imported sensitivity
    fact does not count for an alteration that a curated resistance fact for the same drug lists
    with evidence at least as strong (a level-C case report does not override curated evidence).
    """
    from oncoresist.alteration import parse_alteration

    sens: dict[str, set[str]] = {}
    imported_sens: list[tuple[set[str], set[str], int]] = []
    res: list[tuple[set[str], set[str]]] = []
    curated_res: dict[tuple[str, str], int] = {}
    for f in kb.facts:
        fdrugs = kb.fact_drugs(f) & drugs
        if not fdrugs:
            continue
        names = {parse_alteration(t, kb.resolve_gene).name for t in f.alterations}
        rank = EVIDENCE_RANK[f.evidence_level]
        if f.effect == "sensitivity":
            if f.therapy_mode == "combination":
                continue
            if f.record is not None:
                imported_sens.append((names, fdrugs, rank))
                continue
            for dname in fdrugs:
                sens.setdefault(dname, set()).update(names)
        else:
            res.append((names, fdrugs))
            if f.record is None:
                for n in names:
                    for dname in fdrugs:
                        key = (n, dname)
                        curated_res[key] = min(rank, curated_res.get(key, rank))
    for names, fdrugs, rank in imported_sens:
        for dname in fdrugs:
            kept = {n for n in names if curated_res.get((n, dname), len(EVIDENCE_RANK)) > rank}
            sens.setdefault(dname, set()).update(kept)
    resisting: set[str] = set()
    for names, fdrugs in res:
        resisting |= {n for n in names if not any(n in sens.get(dname, set()) for dname in fdrugs)}
    return set().union(*sens.values()) - resisting if sens else set()


class _Recorder:
    def __init__(self) -> None:
        self.origins: list[Origin] = []

    def __call__(self, path: str, value: Any, kind: str, source: str) -> Any:
        self.origins.append(Origin(path, value, kind, source))  # type: ignore[arg-type]
        return value


def _fold(
    q: QuantKnowledge, drug: str, background: list[str], variant: list[str]
) -> tuple[float, str, tuple[str, ...]] | None:
    """Fold shift of ``variant`` on the background, trying the full genotype then the variant alone."""
    for alts in ([*background, *variant], variant):
        detail = q.fold_shift_detail(drug, alts, background)
        if detail is not None:
            return detail
    return None


def _window_ec50(q: QuantKnowledge, drug: str, alts: Sequence[Alteration], d: TwinDefaults) -> tuple[float, str] | None:
    """The sensitive clone's EC50 for ``drug`` from a table's driver/wild-type ratio, with its source."""
    genes = {a.gene for a in alts if a.gene and a.kind != "fusion"}
    if len(genes) != 1:
        return None
    background = [a.name for a in alts]
    wild = f"{genes.pop()} wild-type"
    detail = q.fold_shift_detail(drug, background, [wild])
    if detail is None or detail[1] != "=":
        detail = _censored_window(q, drug, background, wild) or detail
    if detail is None:
        return None
    value = detail[0] / d.exposure_over_wt_ic50
    censored = {"<": "upper", ">": "lower"}.get(detail[1])
    ratio = f"{detail[1] if censored else ''}{detail[0]:.3g}"
    note = "" if censored is None else (
        f"; censored: {censored} (the table gives only a bound; used at the bound"
        + (", conservatively: the drug is at least this potent" if censored == "upper" else
           ": the drug may be less potent than this") + ")")
    src = (
        f"IC50(driver)/IC50(wild type) {ratio}: {_quant_source(q, detail[2])}; "
        f"/ exposure_over_wt_ic50 {d.exposure_over_wt_ic50:g} ({d.why('exposure_over_wt_ic50')}){note}"
    )
    return value, src


def _exposure_ec50(
    q: QuantKnowledge, drug: str, alts: Sequence[Alteration], tumor: str | None, d: TwinDefaults
) -> tuple[float, str] | None:
    """The sensitive clone's EC50 for ``drug`` from a published exposure at the standard dose and the potency
    table's IC50 on the driver (both in nmol/L), with its derivation; ``None`` where either is missing."""
    from oncoresist.knowledge.quant import EXPOSURE_BASES

    if not d.sourced_exposure:
        return None
    if d.exposure_basis not in EXPOSURE_BASES:
        raise OncoresistError(f"defaults: exposure_basis {d.exposure_basis!r} is not one of "
                              f"{', '.join(EXPOSURE_BASES)}")
    exposure = q.exposure_for(drug, tumor)
    ref = q.reference_ic50(drug, [a.name for a in alts])
    if exposure is None or ref is None:
        return None
    conc = exposure.nanomolar(d.exposure_basis)
    ic50, entry = ref
    value = ic50 / conc
    basis = "total" if d.exposure_basis == "total" else f"unbound part (x {exposure.unbound_fraction:g})"
    how = "measured on the driver" if entry.reference_ic50_nM != ic50 else (
        "the comparator IC50 that entry pairs" + (f": {entry.note.split(';')[0]}" if entry.note else ""))
    measure = {"steady_state_trough_total_plasma": "steady-state total plasma trough"}[exposure.measure]
    src = (
        f"IC50 on {' + '.join(a.name for a in alts)} {ic50:.4g} nM ({_quant_source(q, [entry.id])}; {how}) / "
        f"exposure {conc:.4g} nM ({exposure.regimen}, {measure} {exposure.ng_per_mL:g} ng/mL / "
        f"{exposure.molar_mass_g_per_mol:g} g/mol, {basis}; {exposure.id}: {exposure.source}, {exposure.where}): "
        f"the standard dose gives {conc / ic50:.3g}x the driver's IC50; exposure_basis: {d.why('exposure_basis')}"
    )
    return value, src


def _censored_window(
    q: QuantKnowledge, drug: str, background: list[str], wild: str
) -> tuple[float, str, tuple[str, ...]] | None:
    """A censored driver/wild-type ratio an entry states against the wild type (``<``: below the lowest dose's
    response, i.e. an upper bound; ``>``: no response at the top dose, a lower bound), primary tables first."""
    entries = [e for e in q.potency_all(drug, background) if [str(r) for r in e.reference] == [wild]]
    for e in sorted(entries, key=lambda e: not e.primary):
        folded = e.fold()
        if folded is not None and folded[1] in ("<", ">"):
            return folded[0], folded[1], (e.id,)
    return None


def _no_window(q: QuantKnowledge, drug: str, alts: Sequence[Alteration]) -> str:
    """Why the sensitive clone's EC50 for ``drug`` is the default: which row the potency tables lack."""
    names = [a.name for a in alts]
    sources = sorted({e.source for e in q.potency_entries if e.drug == drug})
    where = f" (the tables holding {drug}: {', '.join(sources)})" if sources else ""
    return f"no row for {drug} on {' + '.join(names)} against the wild type in the potency tables{where}"


def _quant_source(q: QuantKnowledge, ids: Sequence[str]) -> str:
    parts = []
    for i in ids:
        e = next((p for p in q.potency_entries if p.id == i), None)
        if e is None:
            parts.append(i)
            continue
        where = f"{e.source}, {e.table}" + (f", via {e.transcribed_by}" if e.transcribed_by else "")
        parts.append(f"{i} ({where})")
    return "; ".join(parts)


def _option_support(kb: Knowledge, drug: str, alts: Sequence[Alteration], tumor: str | None) -> str | None:
    """An option that names ``drug`` as addressing one of ``alts`` (no resistance), else ``None``."""
    from oncoresist.alteration import parse_alteration

    names = {a.name for a in alts}
    for o in kb.options:
        if drug not in o.therapy or len(o.therapy) != 1:
            continue
        if o.tumors and tumor and not set(o.tumors) & set(kb.tumor_ancestors(tumor)):
            continue
        for pat in o.addresses:
            try:
                if parse_alteration(pat, kb.resolve_gene).name in names:
                    return f"option {o.id} ({o.evidence_level}: {', '.join(o.sources)})"
            except OncoresistError:
                continue
    return None


def build_twin(
    profile: ProfileLike,
    *,
    drugs: str | Sequence[str],
    tumor: str | None,
    knowledge: Knowledge | None = None,
    quant: QuantKnowledge | None = None,
    defaults: TwinDefaults | None = None,
    burden: float | None = None,
) -> TwinBuild:
    """Build the scenario a profile implies for ``drugs`` in ``tumor``, with the origin of every number.

    Parameters
    ----------
    profile
        Alteration strings (``["EGFR L858R"]``) or any profile form :func:`oncoresist.annotate.annotate`
        accepts; its alterations make the sensitive driver clone.
    drugs
        Drug names (generic, brand or code), as a list or comma-separated.
    tumor
        OncoTree code or common name.
    knowledge, quant
        Curated and quantitative knowledge (default: :func:`load_knowledge`, :func:`load_quant`).
    defaults
        The assumptions used where the knowledge has no number.
    burden
        Tumour cells at diagnosis (overrides ``defaults.burden``).

    Returns
    -------
    TwinBuild

    Raises
    ------
    UnknownNameError
        Unknown gene, drug or tumour type (with suggestions).
    OncoresistError
        No drug, a bad burden, or a scenario that does not validate.
    """
    from oncoresist.alteration import parse_alteration
    from oncoresist.annotate.api import annotate, resolve_drugs, resolve_tumor
    from oncoresist.knowledge.loader import load_knowledge
    from oncoresist.knowledge.quant import load_quant

    kb = knowledge if knowledge is not None else load_knowledge()
    d = defaults or TwinDefaults()
    if burden is not None:
        d = TwinDefaults(**{**d.__dict__, "burden": burden})
    if not (1 <= d.burden <= 1e13):
        raise OncoresistError(f"burden {d.burden:g} out of range: give a number of cells between 1 and 1e13")
    if not (math.isfinite(d.mutation_supply) and 0 < d.mutation_supply <= 1e3):
        raise OncoresistError(f"defaults.mutation_supply: {d.mutation_supply!r} is not a factor in (0, 1000]; give "
                              "a positive number (1: every division at the per-bp rate, the default)")
    if not isinstance(d.measured_preexisting, bool):
        raise OncoresistError(f"defaults.measured_preexisting: {d.measured_preexisting!r} is not true or false")
    if d.measured_sigma is not None and not (isinstance(d.measured_sigma, (int, float))
                                             and math.isfinite(d.measured_sigma) and 0 < d.measured_sigma <= 10):
        raise OncoresistError(f"defaults.measured_sigma: {d.measured_sigma!r} is not a log-spread in (0, 10]; give a "
                              "positive number or leave it unset")
    if d.death >= d.birth and d.preexisting:
        raise OncoresistError("defaults: birth must exceed death to seed pre-existing mutants (or preexisting=False)")
    drug_list = resolve_drugs([s for s in drugs.split(",")] if isinstance(drugs, str) else list(drugs), kb)
    if not drug_list:
        raise OncoresistError("no drug given: pass drugs, e.g. 'erlotinib,osimertinib'")
    code = resolve_tumor(tumor, kb)
    q = quant if quant is not None else (load_quant() if knowledge is None else load_quant(kb=kb))
    annotation = annotate(profile, drug=drug_list, tumor=code, knowledge=kb)
    alts = [parse_alteration(t, kb.resolve_gene) for t in annotation.alterations]
    if not alts:
        raise OncoresistError("profile has no alteration: give the driver, e.g. 'EGFR L858R'")
    background = [a.name for a in alts]
    routes, skipped = resistance_routes(kb, alts, drug_list, code, d, q)
    rec = _Recorder()

    # ------------------------------------------------------------ drugs and treatment
    drug_specs = []
    for name in drug_list:
        p = f"drugs.{name}.effect"
        ec50 = _exposure_ec50(q, name, alts, code, d) or _window_ec50(q, name, alts, d)
        if ec50 is None:
            ec50_value = rec(f"{p}.ec50", d.drug_ec50, _ASSUMED, f"{d.why('drug_ec50')}; {_no_window(q, name, alts)}")
        else:
            ec50_value = rec(f"{p}.ec50", ec50[0], "published table", ec50[1])
        drug_specs.append(
            {
                "name": name,
                "pk": {"model": "constant"},
                "effect": {
                    "acts_on": "death",
                    "emax": rec(f"{p}.emax", d.drug_emax, _ASSUMED, d.why("drug_emax")),
                    "ec50": ec50_value,
                    "hill": rec(f"{p}.hill", d.hill, _ASSUMED, d.why("hill")),
                },
            }
        )
    treatment = [{"drug": drug_list[0], "start": 0.0, "dose": rec("treatment.0.dose", d.dose, _ASSUMED, d.why("dose"))}]

    # ------------------------------------------------------------ the sensitive clone
    b = rec("cell_types.*.birth", d.birth, _ASSUMED, d.why("birth"))
    dd = rec("cell_types.*.death", d.death, _ASSUMED, d.why("death"))
    rec("cell_types.sensitive.genotype", background, "knowledge fact", _profile_source(annotation))
    cell_types: list[dict[str, Any]] = []
    transitions: list[dict[str, Any]] = []
    seeded = 0.0
    parents = nested_parents(routes)
    compiled: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    start: dict[str, float] = {}
    measured: dict[str, tuple[float, float]] = {}
    # parents first (fewer alterations), so a nested route can seed from its parent's count
    for route in sorted(routes, key=lambda r: len(r.alterations)):
        parent = parents.get(route.name)
        ct, tr, n0 = _compile_route(route, kb, q, drug_list, background, code, d, rec,
                                    parent=parent, parent_count=start.get(parent.name, 0.0) if parent else 0.0,
                                    profile=alts, measured=measured)
        compiled[route.name] = (ct, tr)
        start[route.name] = n0
        seeded += n0
    for route in routes:
        cell_types.append(compiled[route.name][0])
        transitions.append(compiled[route.name][1])
    if d.mutation_supply != 1.0:
        scaled = ", ".join(f"{t['source']}->{t['target']}" for t in transitions if t["kind"] == "mutation")
        rec("mutation_supply", d.mutation_supply, _ASSUMED,
            f"{d.why('mutation_supply')}; multiplies the probability of every mutation transition ({scaled}; and "
            "the persister state's copies of them), after the per-alteration numbers listed under transitions")
    p_types, p_transitions = _persister_state(kb, q, drug_list, code, background, drug_specs, transitions, d, rec)
    cell_types += p_types
    transitions += p_transitions
    burden_cells = float(round(d.burden))
    rec("burden", burden_cells, _ASSUMED, d.why("burden"))
    sensitive_n = rec(
        "cell_types.sensitive.initial",
        float(max(burden_cells - seeded, 1.0)),
        _ASSUMED,
        "burden minus the pre-existing resistant cells",
    )
    sensitive = {"name": "sensitive", "genotype": background, "initial": sensitive_n, "birth": b, "death": dd}
    data = {
        "name": f"twin: {', '.join(background)} on {', '.join(drug_list)}" + (f" ({code})" if code else ""),
        "description": "built by oncoresist twin from the knowledge; every number's origin is listed in the report",
        "cell_types": [sensitive, *cell_types],
        "transitions": transitions,
        "drugs": drug_specs,
        "treatment": treatment,
    }
    scenario = load_scenario(data)
    return TwinBuild(scenario, rec.origins, annotation, skipped, routes, d, kb, q, measured=measured)


def _persister_state(
    kb: Knowledge,
    q: QuantKnowledge,
    drugs: list[str],
    tumor: str | None,
    background: list[str],
    drug_specs: list[dict[str, Any]],
    transitions: list[dict[str, Any]],
    d: TwinDefaults,
    rec: _Recorder,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The persister cell types and transitions (:mod:`oncoresist.twin.persister`), or none."""
    if not d.persisters:
        return [], []
    facts = _persister.persister_facts(kb, drugs, kb.tumor_ancestors(tumor) if tumor else [],
                                       d.persister_min_evidence)
    if not facts:
        return [], []
    kinds: dict[str, str] = {}
    for o in rec.origins:
        m = re.match(r"transitions\.sensitive->(.+?)\.probability", o.path)
        if m:
            k = kinds.get(m.group(1))
            kinds[m.group(1)] = o.kind if k is None or o.kind == _ASSUMED else k
    ec50 = {s["name"]: float(s["effect"]["ec50"]) for s in drug_specs}
    return _persister.compile_persisters(facts, _persister.parameters(q), background=background, birth=d.birth,
                                         drug_ec50=ec50, route_transitions=transitions, route_kinds=kinds, rec=rec)


def nested_parents(routes: Sequence[ResistanceRoute]) -> dict[str, ResistanceRoute]:
    """Route → the route it arises from: the largest other route whose alterations are a strict subset
    of its own and whose extra alterations are all point changes (e.g. EGFR T790M for T790M + C797S).

    Resistance acquired in steps (C797S in a T790M clone under osimertinib) then follows the
    sequence instead of needing both changes at once in a sensitive cell.
    """
    out: dict[str, ResistanceRoute] = {}
    for r in routes:
        names = {a.name for a in r.alterations}
        best: ResistanceRoute | None = None
        for other in routes:
            sub = {a.name for a in other.alterations}
            extra = [a for a in r.alterations if a.name not in sub]
            if other is r or not sub < names or not all(a.kind in _POINT_KINDS for a in extra):
                continue
            if best is None or len(other.alterations) > len(best.alterations):
                best = other
        if best is not None:
            out[r.name] = best
    return out


def _profile_source(annotation: AnnotationResult) -> str:
    sens = [f for f in annotation.findings if f.effect == "sensitivity"]
    if sens:
        return "; ".join(f"{f.fact_id} ({f.evidence_level}: {', '.join(f.sources)})" for f in sens)
    return "the patient's profile (no sensitivity fact in the knowledge for these drugs)"


def _compile_route(
    route: ResistanceRoute,
    kb: Knowledge,
    q: QuantKnowledge,
    drugs: list[str],
    background: list[str],
    tumor: str | None,
    d: TwinDefaults,
    rec: _Recorder,
    *,
    parent: ResistanceRoute | None = None,
    parent_count: float = 0.0,
    profile: Sequence[Alteration] = (),
    measured: dict[str, tuple[float, float]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], float]:
    """(cell type, transition into it, its initial count) for one route.

    With a ``parent`` route the transition starts from the parent's cell type and needs only the
    alterations the parent lacks; the pre-existing count is the mean accumulated while the parent
    grew to ``parent_count``.
    """
    p = f"cell_types.{route.name}"
    resisted = route.drugs(kb, drugs)
    rec(f"{p}.mechanisms", route.mechanism, "knowledge fact", route.fact_source())
    ct: dict[str, Any] = {
        "name": route.name,
        "genotype": [*background, *(a.name for a in route.alterations)],
        "mechanisms": [route.mechanism],
        "birth": d.birth,
        "death": d.death,
    }
    if route.mechanism in ON_TARGET:
        mods = []
        variant = [a.name for a in route.alterations]
        for drug in drugs:
            detail = _fold(q, drug, background, variant)
            path = f"{p}.modifiers.ec50_fold.{drug}"
            if detail is not None and detail[1] == ">" and drug in resisted and detail[0] < d.unmeasured_fold:
                bound = (f"censored: lower; the potency data give only a lower bound >{detail[0]:.3g} "
                         f"({_quant_source(q, detail[2])}), below this default")
                fold = rec(path, d.unmeasured_fold, _ASSUMED, f"{d.why('unmeasured_fold')}: {bound}")
            elif detail is not None:
                fold, qual, ids = detail
                note = (" (censored: lower; a lower bound, IC50 above the top dose, used at the bound)"
                        if qual == ">" else "")
                rec(path, fold, "published table", _quant_source(q, ids) + note)
            elif drug in resisted:
                fold = rec(path, d.unmeasured_fold, _ASSUMED, d.why("unmeasured_fold") + f"; {route.fact_source()}")
            else:
                support = _option_support(kb, drug, route.alterations, tumor)
                if support:
                    rec(path, 1.0, "knowledge fact", f"no resistance fact; {drug} addresses it: {support}")
                else:
                    rec(path, 1.0, _ASSUMED, "no resistance fact and no potency number: as active as on the driver")
                fold = 1.0
            if fold != 1.0:
                mods.append({"kind": "ec50_fold", "drugs": [drug], "fold": fold})
        ct["modifiers"] = mods
    elif route.mechanism in EMAX:
        red = rec(f"{p}.modifiers.emax_reduction", d.emax_reduction, _ASSUMED, d.why("emax_reduction"))
        rec(f"{p}.modifiers.emax_reduction.drugs", resisted, "knowledge fact", route.fact_source())
        _unnamed(route, drugs, resisted, rec, p)
        ct["modifiers"] = [{"kind": "emax_reduction", "drugs": resisted, "reduction": red}] if resisted else []
    else:  # lineage plasticity: a transformed state that does not depend on the target
        ct["state"] = "transformed"
        ct["pd"] = {drug: {"emax": 0.0} for drug in resisted}
        rec(
            f"{p}.pd.emax",
            {drug: 0.0 for drug in resisted},
            "knowledge fact",
            f"no dependence on the drugs' target; {route.fact_source()}"
            + "".join(f"; {t}" for t in lineage_support([a.name for a in route.alterations])),
        )
        _unnamed(route, drugs, resisted, rec, p)
        ct["initial"] = rec(
            f"{p}.initial", 0.0, _ASSUMED, "a transformed lineage arises under treatment, none at diagnosis"
        )
        rate, origin = _switch_rate(q, d)
        gate = gate_factor([a.name for a in route.alterations], profile, kb.tumor_ancestors(tumor) if tumor else [])
        if gate is not None and d.lineage_gates:
            rate *= gate[0]
            origin += f"; TP53/RB1 gate x {gate[0]:.3g}: {gate[1]}"
            rec(f"cell_types.{route.name}.gate", gate[0], "published table" if gate[0] != 1.0 else _ASSUMED, gate[1])
        rec(f"transitions.sensitive->{route.name}.rate", rate, _ASSUMED, origin)
        return ct, {"kind": "switch", "source": "sensitive", "target": route.name, "rate": rate}, 0.0
    source = "sensitive" if parent is None else parent.name
    prob = _mutation_probability(route, q, d, rec, p, source=source,
                                 skip={a.name for a in parent.alterations} if parent else set())
    n0 = 0.0
    m = d.burden if parent is None else parent_count
    entries = (q.pretreatment_for(route.alterations[0].name, tumor)
               if d.measured_preexisting and d.preexisting and parent is None and len(route.alterations) == 1 else [])
    if entries:
        fit = _pretreatment.fit_lognormal(entries, d.measured_sigma)
        n0 = float(max(round(d.burden * fit.mean), 1.0))
        rec(f"{p}.initial", n0, "published table", _pretreatment.origin_text(fit, entries, d.burden))
        if measured is not None:
            measured[route.name] = (fit.sigma, d.burden / n0)
    elif d.preexisting and m > 1:
        n0 = float(round(prob * d.birth / (d.birth - d.death) * m * math.log(m)))
        why = d.why("preexisting") + ("" if parent is None else f", M = the {parent.name} cells at diagnosis")
        rec(f"{p}.initial", n0, _ASSUMED, why)
    elif d.preexisting:
        rec(f"{p}.initial", 0.0, _ASSUMED, f"arises from {source}, which has no cells at diagnosis")
    else:
        rec(f"{p}.initial", 0.0, _ASSUMED, "no pre-existing resistant cells (preexisting=False)")
    ct["initial"] = n0
    return ct, {"kind": "mutation", "source": source, "target": route.name, "probability": prob}, n0


def _unnamed(route: ResistanceRoute, drugs: Sequence[str], resisted: Sequence[str], rec: _Recorder, p: str) -> None:
    """Record the stated default for the twin's drugs that no fact of a (non-on-target) route names."""
    for drug in drugs:
        if drug not in resisted:
            rec(f"{p}.action.{drug}", 1.0, _ASSUMED,
                f"no fact names {drug} for this route (it comes from facts for "
                f"{', '.join(sorted(_route_drugs(route)))}) and no potency number: as active as on the driver")


def _route_drugs(route: ResistanceRoute) -> set[str]:
    return {x for f in route.facts for x in (*f.drugs, *f.drug_classes)}


def _switch_rate(q: QuantKnowledge, d: TwinDefaults) -> tuple[float, str]:
    found = q.phenotype_default("lineage_plasticity")
    if found:
        e = found[0]
        why = f"quant {e.id} ({e.parameter}, {e.unit})"
        why += f": assumption in the quantitative knowledge: {e.rationale}" if e.assumption else f": {e.source}"
        why += "; used for every lineage route; applied on and off drug (a switch can depend on one drug only)"
        return e.value, why
    return 1e-8, "no phenotype default for lineage_plasticity in the quantitative knowledge"


def _mutation_probability(
    route: ResistanceRoute,
    q: QuantKnowledge,
    d: TwinDefaults,
    rec: _Recorder,
    p: str,
    *,
    source: str = "sensitive",
    skip: set[str] | None = None,
) -> float:
    """Probability per division of acquiring every alteration of the route not in ``skip`` (independent
    events), in a cell of type ``source``."""
    rate = q.mutation_rates.get(d.rate_id)
    if rate is None:
        raise OncoresistError(f"defaults.rate_id: no mutation rate {d.rate_id!r} in the quantitative knowledge")
    prob = 1.0
    for a in route.alterations:
        if skip and a.name in skip:
            continue
        path = f"transitions.{source}->{route.name}.probability[{a.name}]"
        if a.kind in _POINT_KINDS:
            vr = q.variant_rate(a.name, d.rate_id) if a.kind == "protein" else None
            if vr is not None:
                codon = q.nucleotide_changes[vr.codon_entry]
                src = (
                    f"per-bp rate {rate.value:g} ({rate.source}) x {vr.routes} route(s) ({codon.hgvs_c}, "
                    f"{codon.source}) / 3; " + "; ".join(vr.assumptions)
                )
                prob *= rec(path, vr.value, "published table", src)
            else:
                v = rate.value * d.per_route_default / 3
                src = f"per-bp rate {rate.value:g} ({rate.source}) x {d.per_route_default} / 3: " + d.why(
                    "per_route_default"
                )
                prob *= rec(path, v, _ASSUMED, src)
        else:
            prob *= rec(path, d.amplification_probability, _ASSUMED, d.why("amplification_probability"))
    # once per route (one clonogenic event); recorded once for the twin (build_twin), not on the transition's own
    # path: a sourced rate stays sourced (calibrate.plan fits only routes with an assumed rate)
    return prob * d.mutation_supply
