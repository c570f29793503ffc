"""Next options derived from the knowledge, for each resistance finding that decided.

Candidates (``basis`` of a :class:`~oncoresist.annotate.result.TherapyOption`):

``curated``               a hand-curated option whose patterns match the finding's alterations
``class_switch``          a curated option for the finding's mechanism class (no alteration named, or
                          only cell states of that class), e.g. platinum–etoposide after small-cell
                          transformation, also offered for TP53 + RB1 loss read as lineage plasticity
``sensitivity_evidence``  a fact in the knowledge: the profile's alterations, including the
                          resistant one (or its codon/class), respond to this drug, recorded
                          in the query tumour, an ancestor, a subtype, or any tumour
``combination``           the same from a combination-level fact (drugs given together)
``next_generation``       a later-generation member of the failing drug's class with potency
                          data (``knowledge/data_quant``) on the variant: IC50 fold change
                          against the sensitive reference below :data:`POTENT_FOLD` (level D);
                          for an on-target mutation without such data, a later-generation
                          member that no evidence in the knowledge shows defeated (level E,
                          inferred from the generation only, said so in the rationale)
``other_driver``          the standard therapy (approved, level A) of the profile's other drivers, which no
                          resistance finding is about, outside the failed drugs' families; at most
                          :data:`MAX_OTHER_DRIVER`, ranked in tier 1 (:mod:`.rank`)
``earlier_generation``    for an on-target change that defeats a later-generation drug: an earlier-
                          generation member of its class that the profile's sensitising change in
                          the same gene has sensitivity evidence for (its level), e.g. a
                          first-generation EGFR TKI for C797S without T790M on osimertinib; dropped,
                          like every candidate, when another finding (T790M) defeats it

Every candidate is then annotated itself against the whole profile (same verdict rule): a
therapy that another finding defeats (a decisive resistance-side finding: resistance at any level, reduced
sensitivity from A-B evidence only, ``engine._defeating``) is dropped, unless
the regimen addresses it (the regimen rule of :mod:`.verdict`). The drugs given, and any
subset of them, are never offered; at most :data:`MAX_OPTIONS` are listed. Ranking: evidence
level, then tumour standing, then approved therapies (every drug with a recorded oncology
approval) before investigational ones, then basis (curated, combination, sensitivity evidence, class
switch, next or earlier generation, other driver), then how many findings the therapy addresses.
Curated options apply in their tumours and subtypes, and one tier lower to a query for an
ancestor; sensitivity evidence from a sibling tumour counts when the resistance was decided on
sibling evidence. Drugs the knowledge marks as withdrawn or not marketed carry a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from oncoresist.alteration import Alteration, parse_alteration
from oncoresist.annotate.aggregate import database_of
from oncoresist.annotate.matching import matches
from oncoresist.annotate.memo import Memo
from oncoresist.annotate.rank import rank_candidates, tier
from oncoresist.annotate.result import Finding, TherapyOption
from oncoresist.annotate.scope import FULL, PENALTY
from oncoresist.errors import OncoresistError
from oncoresist.knowledge.schema import EVIDENCE_RANK

if TYPE_CHECKING:
    from oncoresist.annotate.engine import Annotator

#: at most this many options are listed (the best ranked that no finding defeats)
MAX_OPTIONS = 8
#: a next-generation drug counts as potent on a variant below this IC50 fold change vs the reference
POTENT_FOLD = 10.0
#: ties at one evidence level and standing: evidence about the resistance first, then the guideline's class switch
#: for its mechanism, then choices inferred from drug generations, then another driver's standard therapy
_BASIS_ORDER = {"curated": 0, "combination": 1, "sensitivity_evidence": 2, "class_switch": 3, "next_generation": 4,
                "earlier_generation": 4, "other_driver": 5}  # fmt: skip
#: at most this many therapies are put forward as another driver's standard therapy (``other_driver``)
MAX_OTHER_DRIVER = 3
_RESISTANCE_SIDE = ("resistance", "reduced_sensitivity")
_MARKETED = (None, "", "marketed", "approved")
#: tumour relations under which a curated option written for other tumour types still applies
_OPTION_RELATIONS = frozenset({"same", "descendant"})
#: ranked candidates: (rank key, therapy, its candidates best first, the alterations it addresses)
_Ranked = list[tuple[tuple[object, ...], tuple[str, ...], list["_Candidate"], list[str]]]


@dataclass
class _Candidate:
    basis: str
    level: str
    relation: str
    rationale: str
    addresses: list[str]
    sources: list[str]
    records: list[str] = field(default_factory=list)

    @property
    def rank(self) -> tuple[int, int]:
        return (EVIDENCE_RANK[self.level] + PENALTY.get(self.relation, 0), _BASIS_ORDER[self.basis])


def _short(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class OptionDeriver:
    """Option derivation over one :class:`~oncoresist.annotate.engine.Annotator`."""

    def __init__(self, annotator: Annotator) -> None:
        self.ann = annotator
        self.kb = annotator.knowledge
        on = annotator.caching
        self._cache: Memo[tuple[object, ...], list[TherapyOption]] = Memo(100_000, enabled=on)
        self._ranked_cache: Memo[tuple[object, ...], tuple[tuple[Finding, ...], _Ranked]] = Memo(100_000, enabled=on)
        self._final_cache: Memo[tuple[object, ...], tuple[tuple[Finding, ...], list[TherapyOption]]] = Memo(
            100_000, enabled=on
        )
        self._potency: dict[str, list[tuple[frozenset[str], Any]]] | None = None
        self._later: dict[str, list[tuple[str, list[str]]]] = {}
        self._earlier: dict[str, list[tuple[str, list[str]]]] = {}
        self._approved_cache: dict[tuple[str, ...], bool] = {}
        self._standard: dict[Alteration, bool] = {}
        self._opt_rel: dict[tuple[int, str], str] = {}
        self._families: dict[str, frozenset[str]] = {}
        self._lineages: dict[str, frozenset[str]] = {}
        self._others_cache: Memo[tuple[object, ...], _Ranked] = Memo(100_000, enabled=on)
        self._potency_names: frozenset[str] | None = None
        self._nextgen_cache: Memo[tuple[object, ...], list[tuple[tuple[str, ...], _Candidate]]] = Memo(
            100_000, enabled=on
        )
        self._sens_cache: Memo[tuple[object, ...], list[tuple[tuple[str, ...], _Candidate]]] = Memo(200_000, enabled=on)

    # ------------------------------------------------------------ curated
    def curated_for(self, f: Finding, by_alt: dict[str, Alteration], tumor: str | None) -> list[int]:
        """Indices of curated options that apply to finding ``f``."""
        observed = [by_alt[n] for n in f.observed if n in by_alt]
        cands: dict[int, None] = {}
        for a in observed:
            for owner, _slot in self.ann.option_matches(a):
                cands[owner] = None
        for j, opt in enumerate(self.ann.option_entries):
            if opt.mechanism is None or opt.mechanism != f.mechanism:
                continue
            # a class switch: an option for a mechanism class (no alteration named), or one that names
            # only cell states of that class (small cell transformation): a finding of the same class on
            # other observations (TP53 + RB1 loss, the genomic mark of that transformation) is addressed too
            if not opt.addresses or all(p.kind == "phenotype" for p in self.ann.option_patterns(j)):
                cands[j] = None
        out = []
        for j in cands:
            opt = self.ann.option_entries[j]
            if opt.mechanism is not None and opt.mechanism != f.mechanism:
                continue
            if opt.after_drugs or opt.after_drug_classes:
                after = set(opt.after_drugs)
                for c in opt.after_drug_classes:
                    after |= self.ann.members(c)
                if not after & set(f.drugs):
                    continue
            if opt.tumors and tumor is not None and self.option_relation(j, tumor) not in _OPTION_RELATIONS:
                continue
            out.append(j)
        return out

    def option_relation(self, j: int, tumor: str | None) -> str:
        """How the tumours curated option ``j`` is written for relate to the query tumour (:mod:`.scope`):
        ``any`` for an option without tumours; an option written for a subtype of the query tumour
        (``HGSOC`` for an "ovarian cancer" query) applies as ``descendant``, one tier lower."""
        opt = self.ann.option_entries[j]
        if not opt.tumors:
            return "any"
        if tumor is None:
            return "not_assessed"
        hit = self._opt_rel.get((j, tumor))
        if hit is None:
            if len(self._opt_rel) >= 200_000:
                self._opt_rel.clear()
            ctx = self.ann.tumor_context(tumor)
            hit = self._opt_rel[(j, tumor)] = (
                "same" if ctx.intersection(opt.tumors) else self.ann.scope.best(tumor, opt.tumors)
            )
        return hit

    # ------------------------------------------------------------ potency
    def _potency_index(self) -> dict[str, list[tuple[frozenset[str], Any]]]:
        if self._potency is None:
            idx: dict[str, list[tuple[frozenset[str], Any]]] = {}
            try:
                from oncoresist.knowledge.quant import load_quant

                q = load_quant(kb=self.kb)
                entries = list(q.potency_entries)
            except OncoresistError:  # quantitative tables that do not load give no potency-based options
                entries = []
            for e in entries:
                try:
                    names = frozenset(parse_alteration(a, self.kb.resolve_gene).name for a in e.alterations)
                except ValueError:
                    continue
                idx.setdefault(e.drug, []).append((names, e))
            self._potency = idx
        return self._potency

    def _generation_of(self, class_id: str) -> int | None:
        """The generation shared by every member of a class, or ``None`` (not a generation class)."""
        gens = {self.kb.drugs[m].generation for m in self.ann.members(class_id)}
        return gens.pop() if len(gens) == 1 else None

    def _generation_members(self, drug: str, generation: int, *, later: bool) -> list[tuple[str, list[str]]]:
        """(family, members of its later- or earlier-generation classes) for each generation class of ``drug``.

        Later generations are listed for every family (possibly empty); earlier ones only where there are any.
        """
        cache = self._later if later else self._earlier
        hit = cache.get(drug)
        if hit is not None:
            return hit
        out = []
        classes = self.kb.drug_classes
        for c in self.kb.drugs[drug].classes:
            dc = classes.get(c)
            if dc is None or dc.parent is None or self._generation_of(c) != generation:
                continue
            members: set[str] = set()
            for c2, dc2 in classes.items():
                g2 = self._generation_of(c2) if dc2.parent == dc.parent else None
                if g2 is not None and (g2 > generation if later else g2 < generation):
                    members |= self.ann.members(c2)
            if later or members:
                out.append((dc.parent, sorted(members)))
        cache[drug] = out
        return out

    def _earlier_generation(
        self, f: Finding, known: Sequence[Alteration], tumor: str | None
    ) -> list[tuple[tuple[str, ...], _Candidate]]:
        """Earlier-generation members of the failing drug's class, for an on-target change that
        defeats a later generation (``EGFR C797S`` on osimertinib without ``T790M``): each with the
        sensitivity evidence that the profile's *other* changes in the same gene (the sensitising
        driver) have for it in this tumour. Whether another finding defeats it (``T790M`` for a
        first-generation drug) is checked afterwards, like every candidate."""
        if f.mechanism != "on_target_mutation" or f.gene is None:
            return []
        plan = [(d, fam, m) for d in f.drugs if (drug := self.kb.drugs.get(d)) is not None and drug.generation
                for fam, members in self._generation_members(d, drug.generation, later=False)
                for m in members]  # fmt: skip
        if not plan:
            return []
        fobs = set(f.observed)
        drivers = [a for a in known if a.gene == f.gene and a.name not in fobs]
        if not drivers:
            return []
        sens = self.ann.sensitivity_satisfied(known, drivers)
        out: list[tuple[tuple[str, ...], _Candidate]] = []
        for d, fam, m in plan:
            best: _Candidate | None = None
            for i, obs in sens.items():
                if m not in self.ann.fact_drugs(i) or fobs & set(obs):
                    continue  # evidence about the driver, not about the resistant change
                for t, c in self._from_sensitivity(i, tuple(obs), tumor):
                    if t == (m,) and c.basis == "sensitivity_evidence" and (best is None or c.rank < best.rank):
                        best = c
            if best is None:
                continue
            fam_name = self.kb.drug_classes[fam].name if fam in self.kb.drug_classes else fam
            gen_m, gen_d = self.kb.drugs[m].generation, self.kb.drugs[d].generation
            out.append(((m,), _Candidate(
                basis="earlier_generation", level=best.level, relation=best.relation,
                rationale=(f"{m} is an earlier-generation {fam_name} (generation {gen_m}, before {d}'s {gen_d}); "
                           f"{f.alteration} is resistance evidence against {d}, and the profile's sensitising "
                           f"change has sensitivity evidence for {m}: {best.rationale}"),
                addresses=[f.alteration], sources=list(best.sources), records=list(best.records),
            )))  # fmt: skip
        return out

    def _next_generation(self, f: Finding, names: frozenset[str]) -> list[tuple[tuple[str, ...], _Candidate]]:
        idx = self._potency_index()
        if self._potency_names is None:
            self._potency_names = frozenset(n for entries in idx.values() for alts, _e in entries for n in alts)
        key = (tuple(f.drugs), f.observed, f.mechanism, f.alteration, tuple(f.sources), names & self._potency_names)
        hit = self._nextgen_cache.get(key)
        if hit is None:
            hit = self._nextgen_cache[key] = self._next_generation_uncached(f, names)
        return hit

    def _next_generation_uncached(self, f: Finding, names: frozenset[str]) -> list[tuple[tuple[str, ...], _Candidate]]:
        out: list[tuple[tuple[str, ...], _Candidate]] = []
        for d in f.drugs:
            drug = self.kb.drugs.get(d)
            if drug is None or drug.generation is None:
                continue
            for fam, later in self._generation_members(d, drug.generation, later=True):
                for m in later:
                    md = self.kb.drugs[m]
                    assert md.generation is not None
                    fam_name = self.kb.drug_classes[fam].name if fam in self.kb.drug_classes else fam
                    found = False
                    for alt_names, entry in self._potency_index().get(m, ()):
                        if not alt_names <= names or not alt_names & set(f.observed):
                            continue
                        fold = entry.fold()
                        if fold is None or fold[1] == ">" or fold[0] >= POTENT_FOLD:
                            continue
                        found = True
                        out.append(((m,), _Candidate(
                            basis="next_generation", level="D", relation="any",
                            rationale=(f"{m} is a later-generation {fam_name} (generation {md.generation} after "
                                       f"{d}'s {drug.generation}); IC50 on {' + '.join(sorted(alt_names))} is "
                                       f"{fold[0]:.3g}-fold the reference ({entry.assay}, {entry.source})"),
                            addresses=[n for n in f.observed if n in alt_names] or [f.alteration],
                            sources=[entry.source], records=[f"potency:{entry.id}"],
                        )))  # fmt: skip
                        break
                    # inferred from the generation only where the later drug aims at the gene the change is in
                    # (bosutinib, a later BCR::ABL1 TKI, is no inference for KIT V654A on imatinib)
                    aims = f.gene is None or not md.targets or f.gene in md.targets
                    if not found and f.mechanism == "on_target_mutation" and aims:
                        out.append(((m,), _Candidate(
                            basis="next_generation", level="E", relation="any",
                            rationale=(f"{m} is a later-generation {fam_name} (generation {md.generation} after "
                                       f"{d}'s {drug.generation}) and the knowledge holds no evidence that "
                                       f"{f.alteration} defeats it; inferred from the drug generation only, "
                                       f"no variant-specific data (sources: {md.name}'s own where the knowledge "
                                       f"has them, and the evidence that {f.alteration} defeats {d})"),
                            addresses=[f.alteration], sources=list(dict.fromkeys([*md.sources, *f.sources])),
                            records=[f"drug:{m}"],
                        )))  # fmt: skip
        return out

    def _from_sensitivity(
        self, i: int, obs_names: tuple[str, ...], tumor: str | None, *, sibling: bool = False
    ) -> list[tuple[tuple[str, ...], _Candidate]]:
        """Candidates from sensitivity fact ``i`` satisfied by ``obs_names`` (cached): evidence recorded in the
        query tumour, an ancestor, a subtype or any tumour; with ``sibling`` (the resistance itself was decided
        on evidence from sibling tumour types only) also evidence recorded in a sibling, at that standing."""
        key = (i, obs_names, tumor, sibling)
        hit = self._sens_cache.get(key)
        if hit is not None:
            return hit
        out: list[tuple[tuple[str, ...], _Candidate]] = []
        fact = self.ann.facts[i]
        rel = self.ann.scope.best(tumor, fact.tumors)
        if rel in FULL or rel == "descendant" or (sibling and rel == "sibling"):
            db, rid = database_of(fact)
            where = "" if not fact.tumors else f", recorded in {', '.join(fact.tumors[:3])}"
            if fact.therapy_mode == "combination":
                therapies = [] if fact.drug_classes else [tuple(sorted(fact.drugs))]
                basis = "combination" if len(fact.drugs) > 1 else "sensitivity_evidence"
            else:
                therapies = [(d,) for d in sorted(self.ann.fact_drugs(i))]
                basis = "sensitivity_evidence"
            summary = _short(fact.summary)
            for t in therapies:
                out.append((t, _Candidate(
                    basis=basis, level=fact.evidence_level, relation=rel,
                    rationale=(f"{db} {rid} (level {fact.evidence_level}{where}): sensitivity of "
                               f"{' + '.join(obs_names)} to {' + '.join(t)}. {summary}"),
                    addresses=list(obs_names), sources=list(fact.sources), records=[fact.id],
                )))  # fmt: skip
        self._sens_cache[key] = out
        return out

    def standard_sensitivity(self, alt: Alteration) -> bool:
        """Whether ``alt`` satisfies a pattern of a level-A sensitivity fact (a driver with a standard therapy)."""
        hit = self._standard.get(alt)
        if hit is None:
            if len(self._standard) >= 500_000:
                self._standard.clear()
            hit = self._standard[alt] = any(self.ann.facts[i].evidence_level == "A" for i in self.ann._sens_pairs(alt))
        return hit

    def _family(self, drug: str) -> frozenset[str]:
        """A drug's classes, a generation class read as its family (``egfr_tki_gen3`` → ``egfr_tki``)."""
        hit = self._families.get(drug)
        if hit is not None:
            return hit
        d = self.kb.drugs.get(drug)
        if d is None:
            return frozenset()
        out = set()
        for c in d.classes:
            dc = self.kb.drug_classes.get(c)
            out.add(dc.parent if dc is not None and dc.parent and self._generation_of(c) is not None else c)
        hit = self._families[drug] = frozenset(out)
        return hit

    def _lineage(self, drug: str) -> frozenset[str]:
        """A drug's classes and their parents (``egfr_exon20_inhibitor`` → also ``egfr_tki``)."""
        hit = self._lineages.get(drug)
        if hit is None:
            d = self.kb.drugs.get(drug)
            if d is None:
                return frozenset()
            parents = {dc.parent for c in d.classes if (dc := self.kb.drug_classes.get(c)) is not None and dc.parent}
            hit = self._lineages[drug] = frozenset(d.classes) | frozenset(parents)
        return hit

    def _driver_inputs(self, targets: Sequence[Finding], alts: Sequence[Alteration]) -> list[Alteration]:
        """The observations :meth:`_other_rows` reads: the profile's other drivers, those no resistance finding is
        about that satisfy a level-A sensitivity fact (facts of several patterns count when the drivers satisfy
        all of them)."""
        resistant = {n for f in targets for n in f.observed}
        ann = self.ann
        return [a for a in alts if a.name not in resistant and ann.fact_matches(a) and self.standard_sensitivity(a)]

    def _other_rows(
        self, targets: Sequence[Finding], known: Sequence[Alteration], given: frozenset[str], tumor: str | None
    ) -> _Ranked:
        """:meth:`_other_drivers` as ranked rows (tier 1: clinical, but no answer to the resistance found)."""
        rows: dict[tuple[str, ...], list[_Candidate]] = {}
        for t, c in self._other_drivers(targets, known, given, tumor):
            rows.setdefault(t, []).append(c)
        return [((EVIDENCE_RANK[items[0].level], PENALTY.get(items[0].relation, 0), not self._approved(t),
                  _BASIS_ORDER["other_driver"], -len({a for c in items for a in c.addresses}), t), t, items,
                 [a for c in items for a in c.addresses]) for t, items in rows.items()]  # fmt: skip

    def _merge(self, ranked: _Ranked, others: _Ranked) -> _Ranked:
        """``ranked`` (tier, then key order) with ``others`` (tier 1) put in place; a therapy already ranked keeps
        its own evidence."""
        if not others:
            return ranked
        have = {frozenset(r[1]) for r in ranked}
        rows = [((tier(r[2], self._approved(r[1])), r[0]), r) for r in ranked]
        rows += [((1, r[0]), r) for r in others if frozenset(r[1]) not in have]
        rows.sort(key=lambda x: x[0])
        return [r for _k, r in rows]

    def _other_drivers(
        self, targets: Sequence[Finding], known: Sequence[Alteration], given: frozenset[str], tumor: str | None
    ) -> list[tuple[tuple[str, ...], _Candidate]]:
        """``other_driver`` candidates: the standard therapy (approved drugs with level-A sensitivity evidence,
        recorded in the query tumour, an ancestor or any tumour) of the profile's *other* drivers — alterations
        no resistance finding is about — unless a drug of it belongs to a family of the failed drugs or to a
        class below one (``KRAS G12C`` → sotorasib after ``STK11`` loss defeats pembrolizumab; no first-generation
        or exon-20 EGFR TKI after osimertinib). At most :data:`MAX_OTHER_DRIVER` therapies, single drugs first, then
        by tumour standing and name."""
        resistant = {n for f in targets for n in f.observed}
        drivers = [a for a in known if a.name not in resistant and self.standard_sensitivity(a)]
        if not drivers:
            return []
        failed = frozenset().union(*(self._family(d) for d in given))  # the regimen failed as a whole
        why = "; ".join(dict.fromkeys(f"{f.alteration} on {' + '.join(f.drugs)}" for f in targets))
        out: list[tuple[tuple[str, ...], _Candidate]] = []
        for i, obs in self.ann.sensitivity_satisfied(known, drivers).items():
            if self.ann.facts[i].evidence_level != "A" or set(obs) & resistant:
                continue
            for t, c in self._from_sensitivity(i, tuple(obs), tumor):
                if (c.level != "A" or c.relation not in FULL or not self._approved(t) or set(t) <= given
                        or any(self._lineage(d) & failed for d in t)):  # fmt: skip
                    continue
                out.append((t, replace(c, basis="other_driver", rationale=(
                    f"standard therapy for another driver of the profile ({' + '.join(obs)}); the resistance "
                    f"found ({why}) does not concern it. {c.rationale}"))))  # fmt: skip
        out.sort(key=lambda tc: (len(tc[0]), PENALTY.get(tc[1].relation, 0), tc[0]))
        keep = list(dict.fromkeys(frozenset(t) for t, _c in out))[:MAX_OTHER_DRIVER]
        return [(t, c) for t, c in out if frozenset(t) in keep]

    def _approved(self, therapy: tuple[str, ...]) -> bool:
        """Whether every drug of the therapy has a recorded oncology approval (``status: approved``)."""
        hit = self._approved_cache.get(therapy)
        if hit is None:
            hit = self._approved_cache[therapy] = all(
                (d := self.kb.drugs.get(name)) is not None and d.status == "approved" for name in therapy
            )
        return hit

    # ------------------------------------------------------------ derive
    def derive(
        self, findings: Sequence[Finding], alts: Sequence[Alteration], given: frozenset[str], tumor: str | None
    ) -> list[TherapyOption]:
        """Options for the decisive resistance-side findings among ``findings``.

        ``alts`` are the profile's recognised observations, ``findings`` their weighed findings
        under ``given`` in ``tumor``. Memoised in two steps, each keyed on only the observations
        that can change its answer (in profile order), so that a cohort whose samples differ in
        passenger changes shares the work: the ranked candidates (:meth:`_ranked`) and then the
        options that survive the check against the profile (:meth:`_survivors`). With the
        annotator's ``cache=False`` every step is computed afresh on the whole profile.
        """
        targets = [f for f in findings if f.effect in _RESISTANCE_SIDE and f.status == "decisive"]
        if not targets:
            return []
        if not self.ann.caching:
            known = [a for a in alts if self.ann.fact_matches(a)]
            others = self._other_rows(targets, self._driver_inputs(targets, alts), given, tumor)
            return self._survivors(self._merge(self._ranked(targets, alts, given, tumor), others), known, tumor)
        key = (tuple(alts), given, tumor)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        tkey = tuple(id(f) for f in targets)
        held = tuple(targets)  # kept with the entry: the ids stay valid while it lives
        rel = self._ranking_inputs(targets, alts)
        rkey = (tuple(rel), given, tumor, tkey)
        rhit = self._ranked_cache.get(rkey)
        if rhit is None or not all(a is b for a, b in zip(rhit[0], held, strict=True)):
            rhit = (held, self._ranked(targets, rel, given, tumor))
            self._ranked_cache[rkey] = rhit
        ranked = rhit[1]
        base: tuple[object, ...] = rkey
        drivers = self._driver_inputs(targets, alts)  # another driver's standard therapy (_other_rows), apart
        if drivers:
            # what the rows read of the targets: the observations they are about, their drugs (failed families)
            sig = tuple((f.alteration, f.observed, tuple(f.drugs)) for f in targets)
            okey = (tuple(drivers), given, tumor, sig)
            rows = self._others_cache.get(okey)
            if rows is None:
                rows = self._others_cache[okey] = self._other_rows(targets, drivers, given, tumor)
            if rows:
                ranked = self._merge(ranked, rows)
                base = (rkey, okey)
        # whether a candidate is defeated depends only on observations with facts on one of its drugs
        cand = frozenset(d for _r, therapy, _i, _x in ranked for d in therapy)
        touched = self.ann.canonical(
            [a for a in alts if self.ann.fact_matches(a) and not cand.isdisjoint(self.ann.touched_drugs(a))]
        )
        fkey = (base, touched)
        fhit = self._final_cache.get(fkey)
        if fhit is None or not all(a is b for a, b in zip(fhit[0], held, strict=True)):
            fhit = (held, self._survivors(ranked, touched, tumor))
            self._final_cache[fkey] = fhit
        out = fhit[1]
        self._cache[key] = out
        return out

    def _ranking_inputs(self, targets: Sequence[Finding], alts: Sequence[Alteration]) -> list[Alteration]:
        """The observations (in profile order) that can change :meth:`_ranked`'s answer for ``targets``.

        Those a finding is about (the curated options and focus are read from them); those named by
        potency data (next generation); for an on-target finding, the other changes of its gene
        (the sensitising driver of the earlier-generation rule); and every observation that
        satisfies a pattern of a sensitivity fact one of those satisfies (multi-pattern facts).
        Any other observation never enters a candidate, so leaving it out changes nothing.
        """
        ann = self.ann
        if self._potency_names is None:
            self._potency_names = frozenset(n for es in self._potency_index().values() for ns, _e in es for n in ns)
        pot = self._potency_names
        names = {n for f in targets for n in f.observed}
        genes = {f.gene for f in targets if f.mechanism == "on_target_mutation" and f.gene is not None}
        core = [a for a in alts if a.name in names or (a.gene in genes and ann.fact_matches(a))]
        facts: set[int] = set()
        for a in core:
            facts.update(ann._sens_pairs(a))
        return [
            a for a in alts
            if a.name in names or a.name in pot
            or (ann.fact_matches(a) and (a.gene in genes or not facts.isdisjoint(ann._sens_pairs(a))))
        ]  # fmt: skip

    def _ranked(
        self, targets: Sequence[Finding], alts: Sequence[Alteration], given: frozenset[str], tumor: str | None
    ) -> _Ranked:
        """Every candidate therapy for ``targets``, ranked (best first), before the check against the profile."""
        by_alt = {a.name: a for a in alts}
        names = frozenset(by_alt)
        known = [a for a in alts if self.ann.fact_matches(a)]
        focus = [by_alt[n] for f in targets for n in f.observed if n in by_alt]
        sens = [(i, tuple(obs)) for i, obs in self.ann.sensitivity_satisfied(known, focus).items()]
        sens_at: dict[str, list[int]] = {}  # observation name -> positions in sens of the facts it is part of
        for k, (_i, obs_names) in enumerate(sens):
            for n in obs_names:
                sens_at.setdefault(n, []).append(k)
        cands: dict[tuple[str, ...], list[_Candidate]] = {}
        extra: dict[tuple[str, ...], list[str]] = {}
        seen: dict[frozenset[str], tuple[str, ...]] = {}

        def add(therapy: tuple[str, ...], c: _Candidate, addresses: list[str] | None = None) -> None:
            if set(therapy) <= given:
                return
            therapy = seen.setdefault(frozenset(therapy), therapy)  # one entry per drug set, first spelling kept
            cands.setdefault(therapy, []).append(c)
            extra.setdefault(therapy, []).extend(c.addresses if addresses is None else addresses)

        for f in targets:
            fobs = set(f.observed)
            for j in self.curated_for(f, by_alt, tumor):
                opt = self.ann.option_entries[j]
                pats = self.ann.option_patterns(j)
                named = [n for n in f.observed if n in by_alt and any(matches(p, by_alt[n], self.ann.known_specific)
                                                                      for p in pats)]  # fmt: skip
                add(tuple(opt.therapy), _Candidate(
                    basis="curated" if opt.addresses and named else "class_switch", level=opt.evidence_level,
                    relation=self.option_relation(j, tumor) if opt.tumors and tumor is not None else
                    "any" if not opt.tumors else "same", rationale=opt.rationale,
                    addresses=named or [f.alteration], sources=list(opt.sources), records=[opt.id],
                ))  # fmt: skip
            sibling = f.tumor_relation == "sibling"  # decided on sibling evidence only: options of that standing
            for k in sorted({k for n in fobs for k in sens_at.get(n, ())}):  # the facts about f, in order
                i, obs_names = sens[k]
                for t, c in self._from_sensitivity(i, obs_names, tumor, sibling=sibling):
                    add(t, c, [n for n in f.observed if n in obs_names])
            for t, c in self._next_generation(f, names):
                add(t, c)
            for t, c in self._earlier_generation(f, known, tumor):
                add(t, c)

        ranked: _Ranked = []
        for therapy, items in cands.items():
            items.sort(key=lambda c: c.rank)
            b = items[0]
            n_addr = len(set(extra[therapy]))
            ranked.append(((EVIDENCE_RANK[b.level], PENALTY.get(b.relation, 0), not self._approved(therapy),
                            _BASIS_ORDER[b.basis], -n_addr, therapy), therapy, items, extra[therapy]))  # fmt: skip
        return rank_candidates(ranked, kb=self.kb, targets=targets, given=given, approved=self._approved)  # rank.py

    def _survivors(self, ranked: _Ranked, known: Sequence[Alteration], tumor: str | None) -> list[TherapyOption]:
        """The best :data:`MAX_OPTIONS` ranked candidates that no finding of ``known`` defeats."""
        out: list[TherapyOption] = []
        # an observation matters to a therapy only if a fact it satisfies concerns one of the therapy's drugs
        touched = [(a, self.ann.touched_drugs(a)) for a in known]
        for _rank, therapy, items, addressed in ranked:
            if len(out) >= MAX_OPTIONS:
                break
            given = frozenset(therapy)
            if self.ann.defeated([a for a, drugs in touched if not given.isdisjoint(drugs)], given, tumor):
                continue
            best = items[0]
            warnings = []
            for d in therapy:
                drug = self.kb.drugs.get(d)
                status = getattr(drug, "marketing_status", None) if drug is not None else None
                if status not in _MARKETED:
                    warnings.append(f"{d}: {str(status).replace('_', ' ')} (per the knowledge)")
            out.append(TherapyOption(
                therapy=list(therapy), rationale=best.rationale,
                addresses=list(dict.fromkeys(addressed)),
                evidence_level=best.level,
                option_ids=tuple(dict.fromkeys(r for c in items for r in c.records)),
                sources=tuple(dict.fromkeys(s for c in items for s in c.sources)),
                basis=best.basis, tumor_relation=best.relation, warnings=tuple(warnings),
            ))  # fmt: skip
        return out
