"""Matching observed alterations against the knowledge: findings, verdicts and options.

An :class:`Annotator` is built once per :class:`~oncoresist.knowledge.index.Knowledge`
and pre-indexes every fact and option pattern by gene. Per observed alteration the set of
matching patterns is cached, and per drug set the facts concerning those drugs are cached;
the weighed outcome per (recognised alterations, drugs, tumour) is cached too, so that
annotating many samples costs little more than a few dict look-ups per alteration.

The steps (docs/annotate.md): match facts → aggregate into findings
(:mod:`.aggregate`) → weigh (:mod:`.verdict`) → derive options (:mod:`.options`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from oncoresist._version import __version__
from oncoresist.alteration import Alteration, parse_alteration
from oncoresist.annotate.aggregate import BREADTH, Match, build_finding, finding_key, pattern_breadth
from oncoresist.annotate.exon_check import stated_exon_warning
from oncoresist.annotate.matching import (
    index_keys,
    match_kind,
    matches,
    measure_state,
    measure_text,
    reference_mismatch,
    role_lookup,
)
from oncoresist.annotate.memo import Memo
from oncoresist.annotate.options import OptionDeriver
from oncoresist.annotate.result import AnnotationResult, Finding, TherapyOption, Unrecognised
from oncoresist.annotate.reversion import restored_by, reversion_findings
from oncoresist.annotate.scope import DECIDING, TumorScope
from oncoresist.annotate.verdict import _ADDRESSABLE, RESISTANCE_SIDE, Weighed, strength, weigh
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.pharmacogenes import pharmacogene_reason
from oncoresist.knowledge.schema import EVIDENCE_RANK, Fact, Option
from oncoresist.knowledge.vocabulary import imported_regimen_drugs

_EFFECT_RANK = {"resistance": 0, "reduced_sensitivity": 1, "sensitivity": 2}
_STATUS_RANK = {"decisive": 0, "tied": 1, "outweighed": 2, "overcome": 3, "outranked": 4, "lower_standing": 5}
_SPECIFIC_KINDS = ("protein", "codon", "exon")


@dataclass(frozen=True)
class _Pattern:
    owner: int  # index of the fact or option
    slot: int  # index of the pattern within the owner
    alt: Alteration
    #: the owner fact's score cut-offs (``Fact.measure``) when this is its expression pattern, else empty
    measure: tuple[Mapping[str, object], ...] = ()


def _option_fact(opt: Option) -> Fact:
    """A curated option as a sensitivity fact about its therapy (database ``curated``, record ``option:<id>``)."""
    return Fact.model_construct(
        id=f"option:{opt.id}", alterations=list(opt.addresses) or ["(mechanism-level option)"], drugs=list(opt.therapy),
        drug_classes=[], therapy_mode="combination" if len(opt.therapy) > 1 else "each", tumors=list(opt.tumors),
        effect="sensitivity", mechanism=opt.mechanism or "on_target_mutation", mechanism_inferred=False,
        origin="acquired", evidence_level=opt.evidence_level, sources=list(opt.sources),
        summary=f"Curated option: {opt.rationale}", record=None,
    )  # fmt: skip


def regimen_fact(kb: Knowledge, fact: Fact) -> Fact:
    """A fact on an imported regimen pseudo-drug (``folfox regimen``) as a fact on the regimen's drugs given together.

    The same table resolves a query's ``FOLFOX regimen`` (:func:`~oncoresist.knowledge.vocabulary.resolve_therapy`),
    so both sides name the same drugs. A fact about one of several drugs each on its own (``temozolomide`` or ``PCV``)
    is kept as recorded.
    """
    parts = [imported_regimen_drugs(kb, d) for d in fact.drugs]
    if all(p is None for p in parts) or (fact.therapy_mode == "each" and len(fact.drugs) > 1):
        return fact
    drugs = list(dict.fromkeys(x for d, p in zip(fact.drugs, parts, strict=True) for x in (p or (d,))))
    mode = "combination" if len(drugs) > 1 else fact.therapy_mode
    return fact.model_copy(update={"drugs": drugs, "therapy_mode": mode})


def finding_order(f: Finding) -> tuple[object, ...]:
    """Findings that decided first, then by strength (level + tumour standing), level, effect, alteration."""
    return (_STATUS_RANK.get(f.status, 9), strength(f), EVIDENCE_RANK[f.evidence_level], _EFFECT_RANK[f.effect],
            f.alteration, f.fact_id)  # fmt: skip


def _defeating(effect: str, level: str) -> bool:
    """Whether resistance-side evidence removes a candidate next option: resistance at any level, reduced
    sensitivity only from clinical trials or labels (A-B). Reduced sensitivity from patient series (C) or below is an
    association (e.g. PTEN loss and anti-PD-1 in melanoma): it decides a verdict on the drug asked about, but it does
    not strike a standard next line off the list."""
    return effect == "resistance" or EVIDENCE_RANK[level] <= 1


class Annotator:
    """Pre-indexed knowledge for fast, repeated annotation.

    Parameters
    ----------
    knowledge
        The loaded knowledge (:func:`oncoresist.knowledge.load_knowledge`).
    cache
        Memoise matches, findings, verdicts and options (bounded tables, :mod:`.memo`).
        ``False`` computes every answer afresh and without the relevance reduction of
        option derivation: slow, the reference the memoised path is tested against.
    """

    def __init__(self, knowledge: Knowledge, *, cache: bool = True) -> None:
        self.knowledge = knowledge
        self.caching = cache
        self.knowledge_version = knowledge.version
        kb = knowledge
        self.scope = TumorScope(kb)
        self._facts: list[Fact] = [regimen_fact(kb, f) for f in kb.facts]
        self._options: list[Option] = list(kb.options)
        self._parsed: dict[str, Alteration | None] = {}
        self._fact_pats = [self._parse_all(f.alterations) for f in self._facts]
        self._opt_pats = [self._parse_all(o.addresses) for o in self._options]
        self._fact_index = self._index(self._fact_pats, [tuple(f.measure) for f in self._facts])
        #: the facts whose score cut-off an observation stated a score below (``PD-L1 TPS 5%`` against TPS >= 50%)
        self._below: dict[Alteration, tuple[int, ...]] = {}
        self._opt_index = self._index(self._opt_pats)
        members: dict[str, set[str]] = defaultdict(set)
        for d in kb.drugs:  # same as Knowledge.drugs_in_class, computed once for every class
            for c in kb.classes_of(d):
                members[c].add(d)
        self._class_members: dict[str, frozenset[str]] = {c: frozenset(m) for c, m in members.items()}
        self._fact_drugs = [
            frozenset(f.drugs).union(*(self._class_members.get(c, ()) for c in f.drug_classes)) for f in self._facts
        ]
        self._by_drug: dict[str, list[int]] = defaultdict(list)
        for i, fd in enumerate(self._fact_drugs):
            for d in fd:
                self._by_drug[d].append(i)
        self._option_drugs = {d for o in self._options for d in o.therapy}
        self._fact_genes: set[str] = set()
        self._specific: dict[str, list[Alteration]] = defaultdict(list)
        for pats in self._fact_pats + self._opt_pats:
            for p in pats:
                if p is not None and p.gene:
                    self._fact_genes.add(p.gene)
                    self._fact_genes.update(g for g in (p.partner5, p.partner3) if g)
        for pats in self._fact_pats:
            for p in pats:
                if p is not None and p.kind in _SPECIFIC_KINDS and p.gene:
                    self._specific[p.gene].append(p)
        on = cache
        # per observed alteration: (fact or option, slot) matches, and which of them are only "possible"
        self._fact_cache: Memo[Alteration, tuple[tuple[tuple[int, int], ...], frozenset[tuple[int, int]]]] = Memo(
            500_000, enabled=on
        )
        self._opt_cache: Memo[Alteration, tuple[tuple[tuple[int, int], ...], frozenset[tuple[int, int]]]] = Memo(
            500_000, enabled=on
        )
        self._known_cache: Memo[Alteration, bool] = Memo(500_000, enabled=on)
        self._touch_cache: Memo[Alteration, frozenset[str]] = Memo(500_000, enabled=on)
        self._why_cache: Memo[tuple[str | None, ...], str] = Memo(100_000, enabled=on)
        # stand-ins (see canonical): signature id per observation, and the observations standing for each id
        self._sig_of: dict[Alteration, int] = {}
        self._sig_ids: dict[tuple[object, ...], int] = {}
        self._stand_ins: dict[int, list[Alteration]] = {}
        self._role = role_lookup(kb)
        self._applicable: Memo[frozenset[str], dict[int, list[str]]] = Memo(10_000, enabled=on)
        self._ctx_cache: Memo[tuple[Alteration, frozenset[str]], tuple[tuple[int, int], ...]] = Memo(
            500_000, enabled=on
        )
        self._weighed: Memo[tuple[object, ...], Weighed] = Memo(200_000, enabled=on)
        self._sens_cache: Memo[Alteration, dict[int, frozenset[int]]] = Memo(500_000, enabled=on)
        self._sens_sat: Memo[tuple[object, ...], dict[int, list[str]]] = Memo(100_000, enabled=on)
        self._defeated: Memo[tuple[object, ...], bool] = Memo(200_000, enabled=on)
        self._finding_cache: Memo[tuple[object, ...], Finding] = Memo(200_000, enabled=on)
        self._match_cache: Memo[tuple[object, ...], Match] = Memo(500_000, enabled=on)
        self._breadth = [
            max((pattern_breadth(p) for p in pats), key=BREADTH.__getitem__, default="exact")
            for pats in self._fact_pats
        ]
        # curated options read as sensitivity evidence for exactly their therapy (given together)
        self._opt_facts = [_option_fact(o) for o in self._options]
        self._opt_by_therapy: dict[frozenset[str], list[int]] = defaultdict(list)
        for j, o in enumerate(self._options):
            if o.addresses:
                self._opt_by_therapy[frozenset(o.therapy)].append(j)
        self._breadth += [
            max((pattern_breadth(p) for p in pats), key=BREADTH.__getitem__, default="exact") for pats in self._opt_pats
        ]
        # facts with an unparsable pattern can never be satisfied
        self._n_slots = [len(p) if all(a is not None for a in p) else -1 for p in self._fact_pats]
        self.options = OptionDeriver(self)

    # ------------------------------------------------------------- indexing
    def _parse_all(self, texts: Sequence[str]) -> list[Alteration | None]:
        out: list[Alteration | None] = []
        for t in texts:
            if t not in self._parsed:
                try:
                    self._parsed[t] = parse_alteration(t, self.knowledge.resolve_gene)
                except ValueError:  # invalid patterns are reported by 'kb validate'
                    self._parsed[t] = None
            out.append(self._parsed[t])
        return out

    @staticmethod
    def _index(
        all_pats: list[list[Alteration | None]], measures: Sequence[tuple[Mapping[str, object], ...]] = ()
    ) -> dict[str, list[_Pattern]]:
        idx: dict[str, list[_Pattern]] = defaultdict(list)
        for owner, pats in enumerate(all_pats):
            cut = measures[owner] if owner < len(measures) else ()
            for slot, p in enumerate(pats):
                if p is None:
                    continue
                for key in index_keys(p):
                    idx[key].append(_Pattern(owner, slot, p, cut if p.kind == "expression" else ()))
        return dict(idx)

    @property
    def facts(self) -> list[Fact]:
        return self._facts

    @property
    def option_entries(self) -> list[Option]:
        return self._options

    def option_patterns(self, j: int) -> list[Alteration]:
        return [p for p in self._opt_pats[j] if p is not None]

    def fact_patterns(self, i: int) -> list[Alteration]:
        return [p for p in self._fact_pats[i] if p is not None]

    def fact_drugs(self, i: int) -> frozenset[str]:
        return self._fact_drugs[i]

    def members(self, class_id: str) -> frozenset[str]:
        return self._class_members.get(class_id, frozenset())

    def known_specific(self, alt: Alteration) -> bool:
        """Whether the knowledge names this change specifically (protein, codon or exon) for its gene."""
        hit = self._known_cache.get(alt)
        if hit is None:
            hit = any(matches(p, alt) for p in self._specific.get(alt.gene or "", ()))
            self._known_cache[alt] = hit
        return hit

    def _lookup(
        self,
        alt: Alteration,
        index: dict[str, list[_Pattern]],
        cache: Memo[Alteration, tuple[tuple[tuple[int, int], ...], frozenset[tuple[int, int]]]],
        *,
        possible: bool = True,
    ) -> tuple[tuple[tuple[int, int], ...], frozenset[tuple[int, int]]]:
        """(owner, slot) of the patterns ``alt`` satisfies, and those of them matched only "possibly";
        with ``possible``, "possible" matches count (gene- or codon-level input below a specific pattern;
        :func:`~.matching.match_kind`)."""
        hit = cache.get(alt)
        if hit is None:
            seen: dict[tuple[int, int], None] = {}
            maybe: set[tuple[int, int]] = set()
            below: dict[int, None] = {}
            for key in index_keys(alt):
                for p in index.get(key, ()):
                    k = (p.owner, p.slot)
                    if k in seen:
                        continue
                    kind = match_kind(p.alt, alt, self.known_specific, role=self._role)
                    if kind is not None and p.measure:  # a labelled score cut-off (docs/knowledge.md)
                        state = measure_state(p.measure, alt)
                        if state == "below":
                            below[p.owner] = None
                            continue
                        if state == "unstated":
                            kind = "possible"
                    if kind == "exact" or (kind == "possible" and possible):
                        seen[k] = None
                        if kind == "possible":
                            maybe.add(k)
            hit = (tuple(seen), frozenset(maybe))
            cache[alt] = hit
            if below:
                self._below[alt] = tuple(below)
        return hit

    def possible_pairs(self, alt: Alteration) -> frozenset[tuple[int, int]]:
        """The (fact, slot) matches of ``alt`` that are only "possible"."""
        return self._lookup(alt, self._fact_index, self._fact_cache)[1]

    def fact_matches(self, alt: Alteration) -> tuple[tuple[int, int], ...]:
        """(fact index, pattern slot) of every fact pattern the observation satisfies."""
        return self._lookup(alt, self._fact_index, self._fact_cache)[0]

    def option_matches(self, alt: Alteration) -> tuple[tuple[int, int], ...]:
        """(option index, pattern slot) of every option pattern the observation satisfies exactly."""
        return self._lookup(alt, self._opt_index, self._opt_cache, possible=False)[0]

    def touched_drugs(self, alt: Alteration) -> frozenset[str]:
        """Every drug a fact that ``alt`` satisfies a pattern of concerns (class members included).

        A superset of what the observation can matter to: a fact concerning a therapy shares a drug
        with it, so an observation none of whose drugs a therapy contains has no say about it.
        """
        hit = self._touch_cache.get(alt)
        if hit is None:
            hit = frozenset().union(*(self._fact_drugs[i] for i, _slot in self.fact_matches(alt)))
            self._touch_cache[alt] = hit
        return hit

    def recognised(self, alt: Alteration) -> bool:
        """Whether any fact or option pattern matches the observation."""
        return bool(self.fact_matches(alt)) or bool(self.option_matches(alt)) or restored_by(alt) is not None

    def _signature(self, alt: Alteration) -> int:
        """An id shared by observations that the verdict rule cannot tell apart except by name: the same
        gene, kind, partners, qualifiers and fusion context, and the same exact and possible matches
        of every fact and option pattern (``LRP1B Y4399T`` and ``LRP1B L4409H`` both satisfy only
        ``LRP1B mutation`` and, possibly, ``LRP1B loss``)."""
        hit = self._sig_of.get(alt)
        if hit is None:
            if len(self._sig_of) >= 200_000:  # bounded: ids and stand-ins are dropped together
                self._sig_of.clear()
                self._sig_ids.clear()
                self._stand_ins.clear()
            facts, maybe = self._lookup(alt, self._fact_index, self._fact_cache)
            sig = (alt.kind, alt.gene, alt.partner5, alt.partner3, alt.qualifier, alt.fusion_context, alt.origin,
                   alt.phase, facts, maybe, self.option_matches(alt), self.known_specific(alt))  # fmt: skip
            hit = self._sig_ids.setdefault(sig, len(self._sig_ids))
            self._sig_of[alt] = hit
        return hit

    def canonical(self, alts: Sequence[Alteration]) -> tuple[Alteration, ...]:
        """``alts`` with each observation replaced by a stand-in of the same :meth:`_signature`.

        For answers that carry no observation names: whether a therapy is defeated (:meth:`defeated`).
        The rule reads observations only through their signature and compares their names only for
        equality, so an injective replacement by equivalent observations gives the same answer, and a
        cohort whose samples differ only in passenger changes of one gene shares the work. The k-th
        observation of one signature becomes that signature's k-th stand-in, so distinct observations
        stay distinct; where names are not unique (the same change inside and outside a fusion) the
        observations are kept as they are. Without caching: ``alts`` unchanged.
        """
        if not self.caching:
            return tuple(alts)
        seen: dict[int, int] = {}
        out = []
        for a in alts:
            sid = self._signature(a)
            k = seen.get(sid, 0)
            seen[sid] = k + 1
            reps = self._stand_ins.setdefault(sid, [])
            if k == len(reps):
                reps.append(a)
            out.append(reps[k])
        names = {a.name for a in alts}
        if len(names) != len(alts) or len({a.name for a in out}) != len(out):
            return tuple(alts)
        return tuple(out)

    # ------------------------------------------------------------ drugs, tumours
    def tumor_context(self, tumor: str) -> set[str]:
        """The tumour type, its OncoTree ancestors, and codes of the same name from other sources."""
        return set(self.scope.ancestors(tumor))

    def _drug_hit(self, i: int, given: frozenset[str]) -> list[str]:
        fact = self._facts[i]
        if fact.therapy_mode == "combination":
            if not set(fact.drugs) <= given:
                return []
            if any(not (self.members(c) & given) for c in fact.drug_classes):
                return []
        return sorted(self._fact_drugs[i] & given)

    def applicable(self, drugs: frozenset[str]) -> dict[int, list[str]]:
        """Facts that concern these drugs (in any tumour type): index → drugs they concern."""
        hit = self._applicable.get(drugs)
        if hit is None:
            hit = {}
            for i in sorted({i for d in drugs for i in self._by_drug.get(d, ())}):
                d = self._drug_hit(i, drugs)
                if d:
                    hit[i] = d
            self._applicable[drugs] = hit
        return hit

    # -------------------------------------------------------------- profile
    def _ctx_matches(self, alt: Alteration, drugs: frozenset[str]) -> tuple[tuple[int, int], ...]:
        """(fact, slot) matches of ``alt`` among the facts concerning ``drugs``."""
        ck = (alt, drugs)
        hit = self._ctx_cache.get(ck)
        if hit is None:
            app = self.applicable(drugs)
            hit = tuple(m for m in self.fact_matches(alt) if m[0] in app)
            self._ctx_cache[ck] = hit
        return hit

    def satisfied(self, alts: Sequence[Alteration], drugs: frozenset[str] | None = None) -> dict[int, list[Alteration]]:
        """Facts whose every pattern is satisfied: index → the observations, in pattern order.

        With ``drugs``, only facts concerning those drugs are considered.
        """
        return {i: obs for i, (obs, _kind) in self.satisfied_kinds(alts, drugs).items()}

    def satisfied_kinds(
        self, alts: Sequence[Alteration], drugs: frozenset[str] | None = None
    ) -> dict[int, tuple[list[Alteration], str]]:
        """Like :meth:`satisfied`, with ``"exact"``, ``"possible"`` (some pattern only possibly matched) or
        ``"implied"`` (every pattern but a fusion that a matched change of a partner gene presupposes)."""
        per_fact: dict[int, dict[int, int]] = {}
        single: dict[int, int] = {}
        maybe: set[int] = set()
        for ai, alt in enumerate(alts):
            pairs = self.fact_matches(alt) if drugs is None else self._ctx_matches(alt, drugs)
            poss = self.possible_pairs(alt)
            for owner, slot in pairs:
                if self._n_slots[owner] == 1:
                    if owner in single:
                        if (owner, slot) not in poss and owner in maybe:  # an exact match beats a possible one
                            single[owner] = ai
                            maybe.discard(owner)
                        continue
                    single[owner] = ai
                    if (owner, slot) in poss:
                        maybe.add(owner)
                else:
                    slots = per_fact.setdefault(owner, {})
                    if slot not in slots:
                        slots[slot] = ai
                        if (owner, slot) in poss:
                            maybe.add(owner)
        out: dict[int, tuple[list[Alteration], str]] = {
            owner: ([alts[ai]], "possible" if owner in maybe else "exact") for owner, ai in single.items()
        }
        for owner, slots in per_fact.items():
            obs = [alts[ai] for ai in dict.fromkeys(slots[s] for s in sorted(slots))]
            if len(slots) == self._n_slots[owner]:
                out[owner] = (obs, "possible" if owner in maybe else "exact")
            elif len(slots) == self._n_slots[owner] - 1 and self._implied_fusion(owner, slots, obs) is not None:
                out[owner] = (obs, "implied")
        return out

    def _implied_fusion(self, owner: int, slots: dict[int, int], obs: Sequence[Alteration]) -> Alteration | None:
        """The one unmatched pattern of fact ``owner`` when it is a fusion that a matched kinase change
        of one of its partner genes presupposes (``ABL1 T315I`` lies in ``BCR::ABL1``), else ``None``."""
        missing = [k for k in range(self._n_slots[owner]) if k not in slots]
        if len(missing) != 1:
            return None
        pat = self._fact_pats[owner][missing[0]]
        if pat is None or pat.kind != "fusion":
            return None
        partners = {pat.gene, pat.partner5, pat.partner3} - {None}
        if any(a.kind in ("protein", "codon", "exon") and a.gene in partners for a in obs):
            return pat
        return None

    def _sens_pairs(self, alt: Alteration) -> dict[int, frozenset[int]]:
        """Sensitivity facts whose patterns ``alt`` satisfies: fact index -> slots (cached)."""
        hit = self._sens_cache.get(alt)
        if hit is None:
            acc: dict[int, set[int]] = {}
            poss = self.possible_pairs(alt)
            for owner, slot in self.fact_matches(alt):
                if (
                    self._facts[owner].effect == "sensitivity"
                    and self._n_slots[owner] > 0
                    and (owner, slot) not in poss
                ):
                    acc.setdefault(owner, set()).add(slot)
            hit = self._sens_cache[alt] = {k: frozenset(v) for k, v in acc.items()}
        return hit

    def sensitivity_satisfied(self, alts: Sequence[Alteration], focus: Sequence[Alteration]) -> dict[int, list[str]]:
        """Sensitivity facts satisfied by ``alts`` that involve one of ``focus``: index -> observation names."""
        per_alt = [(a, p) for a in alts if (p := self._sens_pairs(a))]
        key = (tuple(a for a, _p in per_alt), tuple(focus))
        hit = self._sens_sat.get(key)
        if hit is not None:
            return hit
        out: dict[int, list[str]] = {}
        for f in focus:
            for i in self._sens_pairs(f):
                if i in out:
                    continue
                n = self._n_slots[i]
                if n == 1:  # one pattern: the first observation that satisfies it
                    first = next((a.name for a, pairs in per_alt if i in pairs), None)
                    if first is not None:
                        out[i] = [first]
                    continue
                names: dict[int, str] = {}
                for a, pairs in per_alt:
                    for slot in pairs.get(i, ()):
                        names.setdefault(slot, a.name)
                if len(names) == n:
                    out[i] = list(dict.fromkeys(names[k] for k in sorted(names)))
        self._sens_sat[key] = out
        return out

    def defeated(self, alts: Sequence[Alteration], therapy: frozenset[str], tumor: str | None) -> bool:
        """Whether a decisive resistance-side finding of ``alts`` defeats ``therapy`` (verdict rule)."""
        rel = self.canonical([a for a in alts if self._ctx_matches(a, therapy)])
        key = (rel, therapy, tumor)
        hit = self._defeated.get(key)
        if hit is None:
            sat = self.satisfied(rel, therapy)
            facts = [self._facts[i] for i in sat]
            if not any(f.effect in RESISTANCE_SIDE for f in facts):
                hit = False
            elif len(therapy) == 1 and all(f.effect in RESISTANCE_SIDE for f in facts):
                # nothing to weigh against: defeated when any resistance fact applies with full standing
                hit = any(self.scope.best(tumor, f.tumors) in DECIDING for f in facts
                          if _defeating(f.effect, f.evidence_level))
            else:
                w = self.evaluate(rel, therapy, tumor)
                hit = any(g.effect in RESISTANCE_SIDE and g.status == "decisive"
                          and _defeating(g.effect, g.evidence_level) for g in w.findings)
            self._defeated[key] = hit
        return hit

    def _findings(self, alts: Sequence[Alteration], given: frozenset[str], tumor: str | None) -> list[Finding]:
        app = self.applicable(given)
        groups: dict[tuple[object, ...], list[tuple[Fact, Match]]] = {}
        for i, (obs, kind) in self.satisfied_kinds(alts, given).items():
            fact = self._facts[i]
            mk = (i, tuple(obs), given, kind)
            m = self._match_cache.get(mk)
            if m is None:
                m = self._match_cache[mk] = self._match(i, obs, tuple(app[i]), kind)
            groups.setdefault(finding_key(fact, m), []).append((fact, m))
        for j in self._opt_by_therapy.get(given, ()):  # curated options for exactly this therapy: evidence for it
            names = [a for a in alts if any(owner == j for owner, _slot in self.option_matches(a))]
            if not names:
                continue
            fact = self._opt_facts[j]
            idx = len(self._facts) + j
            for a in names:
                m = Match(idx, (a.name,), tuple(sorted(given)), a.gene, "exact", (), (a.name,), None)
                groups.setdefault(finding_key(fact, m), []).append((fact, m))
        out = []
        for members in groups.values():
            ck = (tuple(m.fact for _f, m in members), members[0][1].observed, members[0][1].drugs, tumor)
            hit = self._finding_cache.get(ck)
            if hit is None:
                hit = self._finding_cache[ck] = build_finding(
                    [f for f, _m in members], [m for _f, m in members], self.scope, tumor,
                    [self._breadth[m.fact] for _f, m in members],
                )  # fmt: skip
            out.append(hit)
        return out

    def _match(self, i: int, obs: Sequence[Alteration], drugs: tuple[str, ...], kind: str) -> Match:
        """The :class:`Match` of fact ``i`` satisfied by ``obs``: warnings, what it is about, mechanism."""
        fact = self._facts[i]
        pats = self.fact_patterns(i)
        warnings: tuple[str, ...] = ()
        if kind == "implied":
            fusion = next((p for p in pats if p.kind == "fusion"), None)
            names = ", ".join(a.name for a in obs)
            warnings = (f"assumes {fusion.name if fusion else 'the fusion'} (not given), in which {names} lies",)
            kind = "possible"
        elif kind == "possible":
            warnings = tuple(w for a in obs for p in pats if (w := reference_mismatch(p, a)) is not None)
        warnings += tuple(w for a in obs if (w := stated_exon_warning(a)) is not None)
        if fact.measure:
            cut = measure_text(fact.measure)
            warnings += tuple(
                f"{a.name}: no {' or '.join(dict.fromkeys(str(m['kind']) for m in fact.measure))} score stated; "
                f"the fact needs {cut}"
                for a in obs
                if a.kind == "expression" and any(p.kind == "expression" and p.gene == a.gene for p in pats)
                and measure_state(fact.measure, a) == "unstated"
            )  # fmt: skip
        gene = next((a.gene for a in obs if a.gene), None)
        inner = [
            a for a in obs
            if any(p.kind != "fusion" and match_kind(p, a, self.known_specific, role=self._role) for p in pats)
        ]  # fmt: skip
        # a fusion is left out only when a matched change sits inside it (BCR::ABL1 + ABL1 T315I is about T315I);
        # a fusion of other genes (KRAS G12C + CCDC6::RET) is an added alteration the fact is also about
        inner_genes = {a.gene for a in inner}
        added = [
            a for a in obs
            if a.kind == "fusion" and a not in inner and not {a.partner5, a.partner3, a.gene} & inner_genes
        ]  # fmt: skip
        core = tuple(a.name for a in (*inner, *added) if inner) or tuple(p.name for p in pats if p.kind == "fusion")
        return Match(i, tuple(a.name for a in obs), drugs, gene, kind, warnings, core,
                     self._mechanism(fact, obs, drugs))  # fmt: skip

    def _addresses(
        self, findings: list[Finding], alts: Sequence[Alteration], given: frozenset[str], tumor: str | None
    ) -> Callable[[str, Finding], str | None]:
        """The regimen callback of :func:`~oncoresist.annotate.verdict.weigh`."""
        kb = self.knowledge
        by_alt = {a.name: a for a in alts}

        def why(drug: str, f: Finding) -> str | None:
            for g in findings:
                if (g.effect == "sensitivity" and g.drugs == [drug] and set(g.observed) & set(f.observed)
                        and g.standing == "applies"):  # fmt: skip
                    return f"has sensitivity evidence on {g.alteration} (level {g.evidence_level})"
            d = kb.drugs.get(drug)
            if d is not None and f.gene and f.gene in d.targets and f.mechanism in _ADDRESSABLE:
                return f"targets {f.gene}, whose {f.mechanism.replace('_', ' ')} causes the resistance"
            for j in self.options.curated_for(f, by_alt, tumor):
                opt = self._options[j]
                if drug in opt.therapy and set(opt.therapy) <= given:
                    return f"is part of the curated option {' + '.join(opt.therapy)} for {f.alteration}"
            return None

        return why

    def _arose_under(
        self, alts: Sequence[Alteration], given: frozenset[str]
    ) -> Callable[[Finding, Finding], str | None]:
        """The compound-genotype callback of :func:`~oncoresist.annotate.verdict.weigh` (rule 3b)."""
        by_alt = {a.name: a for a in alts}

        def one(f: Finding) -> Alteration | None:
            names = [n for n in (f.core or f.observed) if n in by_alt]
            return by_alt[names[0]] if len(names) == 1 else None

        def arose(secondary: Finding, primary: Finding) -> str | None:
            x, y = one(secondary), one(primary)
            if x is None or y is None:
                return None
            earlier = self.arose_on(x, y, given)
            if earlier is None or self.arose_on(y, x, given) is not None:
                return None  # each arose on the other (compound secondaries): no order to read
            return earlier

        return arose

    def first_approval(self, drug: str) -> int | None:
        """The year of a drug's first recorded approval (any agency), or ``None``."""
        d = self.knowledge.drugs.get(drug)
        years = [a.year for a in d.approvals if a.year is not None] if d is not None else []
        return min(years) if years else None

    def arose_on(self, x: Alteration, y: Alteration, given: frozenset[str]) -> str | None:
        """A drug of an earlier line under which change ``x`` arose on change ``y`` of the same gene, else ``None``:
        single-pattern resistance evidence naming ``x`` (a protein change or codon, matched exactly) against a
        drug that targets the gene and was first approved before every drug ``given`` (the earlier line), and
        sensitivity evidence on ``y`` for that drug. The best-evidenced first."""
        if x.gene is None or x.gene != y.gene:
            return None
        years = [self.first_approval(d) for d in given]
        if not years or any(yr is None for yr in years):
            return None
        before = min(yr for yr in years if yr is not None)
        drugs = self.knowledge.drugs
        res: dict[str, int] = {}
        poss = self.possible_pairs(x)
        for owner, slot in self.fact_matches(x):
            fact = self._facts[owner]
            pat = self._fact_pats[owner][slot]
            if (fact.effect not in RESISTANCE_SIDE or self._n_slots[owner] != 1 or (owner, slot) in poss
                    or pat is None or pat.kind not in ("protein", "codon")):  # fmt: skip
                continue
            rank = EVIDENCE_RANK[fact.evidence_level]
            for d in self._fact_drugs[owner] - given:
                drug = drugs.get(d)
                yr = self.first_approval(d)
                if (
                    drug is not None
                    and x.gene in drug.targets
                    and yr is not None
                    and yr < before
                    and rank < res.get(d, 9)
                ):
                    res[d] = rank
        if not res:
            return None
        sens: set[str] = set()
        poss = self.possible_pairs(y)
        for owner, slot in self.fact_matches(y):
            if self._facts[owner].effect == "sensitivity" and self._n_slots[owner] == 1 and (owner, slot) not in poss:
                sens |= self._fact_drugs[owner] & res.keys()
        return min(sens, key=lambda d: (res[d], d)) if sens else None

    def _mechanism(self, fact: Fact, obs: Sequence[Alteration], drugs: Sequence[str]) -> str | None:
        """The mechanism class of a resistance-side match: the fact's, except that an importer's *inferred*
        class is corrected when the altered gene is a target of every drug concerned (a change in the
        drug's own target is ``on_target_mutation``, more of it ``target_amplification``)."""
        if fact.effect == "sensitivity" or not fact.mechanism_inferred:
            return fact.mechanism
        targets = [set(d.targets) for name in drugs if (d := self.knowledge.drugs.get(name)) is not None]
        genes = {a.gene for a in obs if a.gene and a.kind != "fusion"}
        if not targets or not genes or not all(genes <= t for t in targets):  # a non-target gene: the fact's class
            return fact.mechanism
        kinds = {a.kind for a in obs if a.gene in genes}
        if kinds <= {"protein", "codon", "exon", "mutation"}:
            return "on_target_mutation"
        if kinds <= {"amplification"}:
            return "target_amplification"
        return fact.mechanism

    def evaluate(self, alts: Sequence[Alteration], given: frozenset[str], tumor: str | None) -> Weighed:
        """Findings and verdict of ``alts`` under ``given`` (drugs together) in ``tumor``; cached."""
        opts = self._opt_by_therapy.get(given, ())
        alts = [  # only these can change the outcome
            a for a in alts
            if self._ctx_matches(a, given) or restored_by(a)
            or (opts and any(o in opts for o, _s in self.option_matches(a)))
        ]  # fmt: skip
        key = (tuple(alts), given, tumor)
        hit = self._weighed.get(key)
        if hit is None:
            findings = reversion_findings(self, alts, given, self._findings(alts, given, tumor))
            hit = weigh(
                findings,
                given,
                addresses=self._addresses(findings, alts, given, tumor),
                core=lambda f: frozenset(f.core or f.observed),
                arose_under=self._arose_under(alts, given),
            )
            hit.findings.sort(key=finding_order)
            self._weighed[key] = hit
        return hit

    def _unrecognised(
        self, alts: Sequence[Alteration], recognised: Sequence[Alteration], drugs: Sequence[str]
    ) -> list[Unrecognised]:
        out = []
        known_ids = {id(a) for a in recognised}
        for a in alts:
            if id(a) in known_ids:
                continue
            short = self._below_reason(a)
            if short is not None:
                out.append(Unrecognised(a.name, "alteration", short))
                continue
            pgx = pharmacogene_reason(a.gene, tuple(drugs)) if a.kind != "fusion" else None
            if pgx is not None:
                out.append(Unrecognised(a.name, "alteration", pgx))
                continue
            gk = (a.gene, a.partner5, a.partner3)
            why = self._why_cache.get(gk)
            if why is None:
                genes = [g for g in gk if g]
                known = [g for g in genes if g in self._fact_genes]
                if genes and not known:
                    why = f"no fact or option in the knowledge names {' or '.join(dict.fromkeys(genes))}"
                elif genes:
                    why = f"the knowledge has facts on {', '.join(known)}, but none that this change satisfies"
                else:
                    why = "no fact or option in the knowledge matches it"
                self._why_cache[gk] = why
            out.append(Unrecognised(a.name, "alteration", why))
        for d in drugs:
            if d not in self._by_drug and d not in self._option_drugs:
                why = f"{d} is a known drug, but no fact or option in the knowledge concerns it"
                out.append(Unrecognised(d, "drug", why))
        return out

    def _below_reason(self, a: Alteration, drugs: frozenset[str] | None = None) -> str | None:
        """Why ``a`` met no fact of a score cut-off it fell below (of ``drugs`` when given), or ``None``."""
        self.fact_matches(a)  # fills the table of cut-offs not reached
        below = [i for i in self._below.get(a, ()) if drugs is None or not drugs.isdisjoint(self._fact_drugs[i])]
        if not below:
            return None
        cuts = "; ".join(f"{self._facts[i].id} needs {measure_text(self._facts[i].measure)}" for i in below)
        return f"below the labelled score cut-off: {cuts}"

    def _uncovered(
        self, recognised: Sequence[Alteration], findings: Sequence[Finding], options: Sequence[TherapyOption],
        given: frozenset[str],
    ) -> list[Unrecognised]:
        """Recognised observations that ended in no finding and no option: each with why (before, they were
        neither findings nor listed, e.g. RUNX1 and U2AF1 mutations annotated for osimertinib)."""
        covered = {n for f in findings for n in (f.alteration, *f.observed, *f.core)}
        covered.update(n for o in options for n in o.addresses)
        drugs = ", ".join(sorted(given)) or "the drugs given"
        out = []
        for a in recognised:
            if a.name in covered:
                continue
            short = self._below_reason(a, given)
            if short is not None:
                why = short
            elif self._ctx_matches(a, given):
                why = (f"no finding for {drugs}: the facts on {drugs} that it satisfies need further conditions "
                       "(other alterations or a tumour type) that this profile does not meet")
            else:
                touched = sorted(self.touched_drugs(a))
                named = ", ".join(touched[:3]) + (f" and {len(touched) - 3} more" if len(touched) > 3 else "")
                why = (f"no finding for {drugs}: the knowledge's facts that it satisfies concern "
                       f"{named or 'other therapies'}")
            out.append(Unrecognised(a.name, "alteration", why))
        return out

    def annotate(
        self,
        alterations: Sequence[Alteration],
        *,
        drugs: Sequence[str],
        tumor: str | None = None,
        sample: str | None = None,
    ) -> AnnotationResult:
        """Annotate parsed observations with resolved drug names and an OncoTree code.

        Use :func:`oncoresist.annotate.annotate` for free text and names to resolve.
        """
        alts = list(dict.fromkeys(alterations))
        given = frozenset(drugs)
        recognised = [a for a in alts if self.recognised(a)]
        weighed = self.evaluate(recognised, given, tumor)
        options = self.options.derive(weighed.findings, recognised, given, tumor)
        unrec = self._unrecognised(alts, recognised, list(drugs))
        order = {a.name: i for i, a in enumerate(alts)}
        unrec = sorted([*(u for u in unrec if u.kind == "alteration"),
                        *self._uncovered(recognised, weighed.findings, options, given)],
                       key=lambda u: order.get(u.input, len(order))) + [u for u in unrec if u.kind != "alteration"]
        return AnnotationResult(
            tumor=tumor,
            drug=sorted(given) if len(drugs) != len(given) else list(drugs),
            verdict=weighed.verdict,
            findings=list(weighed.findings),
            options=options,
            unrecognised=[u.input for u in unrec],
            knowledge_version=self.knowledge.version,
            oncoresist_version=__version__,
            sample=sample,
            alterations=tuple(a.name for a in alts),
            conflicts=list(weighed.conflicts),
            verdict_reason=weighed.reason,
            unrecognised_detail=unrec,
        )

    def resistance_side(self, findings: Sequence[Finding]) -> list[Finding]:
        return [f for f in findings if f.effect in RESISTANCE_SIDE and f.status == "decisive"]
