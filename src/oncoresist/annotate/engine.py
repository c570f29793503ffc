"""Matching observed alterations against the knowledge: facts, verdicts and options.

An :class:`Annotator` is built once per :class:`~oncoresist.knowledge.index.Knowledge`
and pre-indexes every fact and option pattern by gene. Per observed alteration the
set of matching patterns is cached, and per (drugs, tumour) the applicable facts
are cached, so that annotating many samples costs little more than a few dict
look-ups per alteration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from oncoresist._version import __version__
from oncoresist.annotate.matching import index_keys, matches
from oncoresist.annotate.result import AnnotationResult, Finding, TherapyOption, Verdict
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import EVIDENCE_RANK, Fact, Option
from oncoresist.profile.alteration import Alteration, parse_alteration

_EFFECT_RANK = {"resistance": 0, "reduced_sensitivity": 1, "sensitivity": 2}
_SPECIFIC_KINDS = ("protein", "codon", "exon")


@dataclass(frozen=True)
class _Pattern:
    owner: int  # index of the fact or option
    slot: int  # index of the pattern within the owner
    alt: Alteration


class Annotator:
    """Pre-indexed knowledge for fast, repeated annotation.

    Parameters
    ----------
    knowledge
        The loaded knowledge (:func:`oncoresist.knowledge.load_knowledge`).
    """

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        kb = knowledge
        self._facts: list[Fact] = list(kb.facts)
        self._options: list[Option] = list(kb.options)
        self._parsed: dict[str, Alteration | None] = {}
        self._finding_cache: dict[tuple[object, ...], Finding] = {}
        self._fact_pats = [self._parse_all(f.alterations) for f in self._facts]
        self._opt_pats = [self._parse_all(o.addresses) for o in self._options]
        self._fact_index = self._index(self._fact_pats)
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
        self._specific: dict[str, list[Alteration]] = defaultdict(list)
        for pats in self._fact_pats:
            for p in pats:
                if p is not None and p.kind in _SPECIFIC_KINDS and p.gene:
                    self._specific[p.gene].append(p)
        self._fact_cache: dict[Alteration, tuple[tuple[int, int], ...]] = {}
        self._opt_cache: dict[Alteration, tuple[tuple[int, int], ...]] = {}
        self._known_cache: dict[Alteration, bool] = {}
        self._applicable: dict[tuple[frozenset[str], str | None], dict[int, list[str]]] = {}
        self._option_cache: dict[tuple[object, ...], list[TherapyOption]] = {}
        self._tumor_names: dict[str, set[str]] | None = None
        self._ctx_cache: dict[tuple[Alteration, tuple[frozenset[str], str | None]], tuple[tuple[int, int], ...]] = {}
        # facts with an unparsable pattern can never be satisfied
        self._n_slots = [len(p) if all(a is not None for a in p) else -1 for p in self._fact_pats]

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
    def _index(all_pats: list[list[Alteration | None]]) -> dict[str, list[_Pattern]]:
        idx: dict[str, list[_Pattern]] = defaultdict(list)
        for owner, pats in enumerate(all_pats):
            for slot, p in enumerate(pats):
                if p is None:
                    continue
                for key in index_keys(p):
                    idx[key].append(_Pattern(owner, slot, p))
        return dict(idx)

    def known_specific(self, alt: Alteration) -> bool:
        """Whether the knowledge names this change specifically (protein, codon or exon) for its gene."""
        hit = self._known_cache.get(alt)
        if hit is None:
            hit = any(matches(p, alt) for p in self._specific.get(alt.gene or "", ()))
            self._known_cache[alt] = hit
        return hit

    def _lookup(
        self, alt: Alteration, index: dict[str, list[_Pattern]], cache: dict[Alteration, tuple[tuple[int, int], ...]]
    ) -> tuple[tuple[int, int], ...]:
        hit = cache.get(alt)
        if hit is None:
            seen: dict[tuple[int, int], None] = {}
            for key in index_keys(alt):
                for p in index.get(key, ()):
                    k = (p.owner, p.slot)
                    if k not in seen and matches(p.alt, alt, self.known_specific):
                        seen[k] = None
            hit = tuple(seen)
            cache[alt] = hit
        return hit

    def fact_matches(self, alt: Alteration) -> tuple[tuple[int, int], ...]:
        """(fact index, pattern slot) of every fact pattern the observation satisfies."""
        return self._lookup(alt, self._fact_index, self._fact_cache)

    def recognised(self, alt: Alteration) -> bool:
        """Whether any fact or option pattern matches the observation."""
        return bool(self.fact_matches(alt)) or bool(self._lookup(alt, self._opt_index, self._opt_cache))

    # ------------------------------------------------------------ drugs, tumours
    def _members(self, class_id: str) -> frozenset[str]:
        return self._class_members.get(class_id, frozenset())

    def tumor_context(self, tumor: str) -> set[str]:
        """The tumour type, its OncoTree ancestors, and codes of the same name from other sources.

        Two imports may name one tumour type under two codes (an OncoTree code from CGI,
        a DOID from CIViC); types with the same name are treated as the same type.
        """
        if self._tumor_names is None:
            names: dict[str, set[str]] = defaultdict(set)
            for code, t in self.knowledge.tumors.items():
                names[" ".join(t.name.lower().split())].add(code)
            self._tumor_names = names
        out: set[str] = set()
        todo = [tumor]
        while todo:
            code = todo.pop()
            if code in out:
                continue
            for anc in self.knowledge.tumor_ancestors(code):
                if anc in out:
                    continue
                out.add(anc)
                tt = self.knowledge.tumors.get(anc)
                if tt is not None:
                    todo.extend(self._tumor_names.get(" ".join(tt.name.lower().split()), ()))
        return out

    def _drug_hit(self, i: int, given: frozenset[str]) -> list[str]:
        fact = self._facts[i]
        if fact.therapy_mode == "combination":
            if not set(fact.drugs) <= given:
                return []
            if any(not (self._members(c) & given) for c in fact.drug_classes):
                return []
        return sorted(self._fact_drugs[i] & given)

    def applicable(self, drugs: frozenset[str], tumor: str | None) -> dict[int, list[str]]:
        """Facts that apply to these drugs in this tumour context: index → drugs they concern."""
        key = (drugs, tumor)
        hit = self._applicable.get(key)
        if hit is None:
            ancestors = self.tumor_context(tumor) if tumor else None
            hit = {}
            candidates = sorted({i for d in drugs for i in self._by_drug.get(d, ())})
            for i in candidates:
                fact = self._facts[i]
                if ancestors is not None and fact.tumors and not ancestors.intersection(fact.tumors):
                    continue
                d = self._drug_hit(i, drugs)
                if d:
                    hit[i] = d
            self._applicable[key] = hit
        return hit

    # -------------------------------------------------------------- profile
    def _ctx_matches(self, alt: Alteration, key: tuple[frozenset[str], str | None]) -> tuple[tuple[int, int], ...]:
        """(fact, slot) matches of ``alt`` among the facts applicable in context ``key``."""
        ck = (alt, key)
        hit = self._ctx_cache.get(ck)
        if hit is None:
            app = self.applicable(*key)
            hit = tuple(m for m in self.fact_matches(alt) if m[0] in app)
            if len(self._ctx_cache) > 500_000:
                self._ctx_cache.clear()
            self._ctx_cache[ck] = hit
        return hit

    def satisfied(
        self, alts: Sequence[Alteration], context: tuple[frozenset[str], str | None] | None = None
    ) -> dict[int, list[Alteration]]:
        """Facts whose every pattern is satisfied: index → the observations, in pattern order.

        With ``context`` (drugs, tumour), only facts applicable there are considered.
        """
        per_fact: dict[int, dict[int, int]] = {}
        single: dict[int, int] = {}
        for ai, alt in enumerate(alts):
            pairs = self.fact_matches(alt) if context is None else self._ctx_matches(alt, context)
            for owner, slot in pairs:
                if self._n_slots[owner] == 1:
                    single.setdefault(owner, ai)
                else:
                    per_fact.setdefault(owner, {}).setdefault(slot, ai)
        out: dict[int, list[Alteration]] = {owner: [alts[ai]] for owner, ai in single.items()}
        for owner, slots in per_fact.items():
            if len(slots) == self._n_slots[owner]:
                out[owner] = [alts[ai] for ai in dict.fromkeys(slots[s] for s in sorted(slots))]
        return out

    def _finding(self, i: int, observed: list[Alteration], drugs: list[str]) -> Finding:
        key = (i, tuple(observed), tuple(drugs))
        hit = self._finding_cache.get(key)
        if hit is None:
            if len(self._finding_cache) > 200_000:
                self._finding_cache.clear()
            hit = self._finding_cache[key] = self._make_finding(i, observed, drugs)
        return hit

    def _make_finding(self, i: int, observed: list[Alteration], drugs: list[str]) -> Finding:
        fact = self._facts[i]
        names = [a.name for a in observed]
        gene = next((a.gene for a in observed if a.gene), None)
        return Finding(
            alteration=" + ".join(names),
            gene=gene,
            effect=fact.effect,
            drugs=drugs,
            mechanism=fact.mechanism,
            origin=fact.origin,
            evidence_level=fact.evidence_level,
            sources=list(fact.sources),
            summary=fact.summary,
            fact_id=fact.id,
            tumors=list(fact.tumors),
            observed=tuple(names),
        )

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
        app = self.applicable(given, tumor)
        sat = self.satisfied(alts, (given, tumor))
        findings = [self._finding(i, obs, app[i]) for i, obs in sat.items()]
        findings.sort(key=lambda f: (EVIDENCE_RANK[f.evidence_level], _EFFECT_RANK[f.effect], f.alteration, f.fact_id))
        effects = {f.effect for f in findings}
        verdict: Verdict
        if "resistance" in effects:
            verdict = "resistant"
        elif effects == {"sensitivity"}:
            verdict = "sensitive"
        else:
            verdict = "unknown"
        options = self._options_for(findings, alts, given, tumor)
        unrecognised = [a.name for a in alts if not self.recognised(a)]
        return AnnotationResult(
            tumor=tumor,
            drug=sorted(given) if len(drugs) != len(given) else list(drugs),
            verdict=verdict,
            findings=findings,
            options=options,
            unrecognised=unrecognised,
            knowledge_version=self.knowledge.version,
            oncoresist_version=__version__,
            sample=sample,
            alterations=tuple(a.name for a in alts),
        )

    # -------------------------------------------------------------- options
    def _option_applies(self, j: int, finding: Finding, given: frozenset[str], tumor: str | None) -> bool:
        opt = self._options[j]
        if opt.mechanism is not None and opt.mechanism != finding.mechanism:
            return False
        if opt.after_drugs or opt.after_drug_classes:
            after = set(opt.after_drugs)
            for c in opt.after_drug_classes:
                after |= self._members(c)
            if not after & given:
                return False
        return not (opt.tumors and tumor is not None and not self.tumor_context(tumor).intersection(opt.tumors))

    def _defeated(self, j: int, alts: Sequence[Alteration], tumor: str | None) -> bool:
        """True when a finding in this profile confers resistance to a drug of option ``j``
        and the option is not a combination whose addresses cover that finding."""
        opt = self._options[j]
        therapy = frozenset(opt.therapy)
        pats = [p for p in self._opt_pats[j] if p is not None]
        for i, observed in self.satisfied(alts, (therapy, tumor)).items():
            if self._facts[i].effect != "resistance":
                continue
            covered = len(opt.therapy) > 1 and all(
                any(matches(p, a, self.known_specific) for p in pats) for a in observed
            )
            if not covered:
                return True
        return False

    def _options_for(
        self,
        findings: list[Finding],
        alts: Sequence[Alteration],
        given: frozenset[str],
        tumor: str | None,
    ) -> list[TherapyOption]:
        resist = [f for f in findings if f.effect in ("resistance", "reduced_sensitivity")]
        if not resist or not self._options:
            return []
        key = (given, tumor, tuple(alts))
        hit = self._option_cache.get(key)
        if hit is not None:
            return hit
        by_alt = {a.name: a for a in alts}
        chosen: dict[tuple[str, ...], list[tuple[Option, list[str]]]] = defaultdict(list)
        for f in resist:
            observed = [by_alt[n] for n in f.observed if n in by_alt]
            cands: dict[int, None] = {}
            for a in observed:
                for owner, _slot in self._lookup(a, self._opt_index, self._opt_cache):
                    cands[owner] = None
            for j, opt in enumerate(self._options):
                if not opt.addresses and opt.mechanism == f.mechanism:
                    cands[j] = None
            for j in cands:
                if not self._option_applies(j, f, given, tumor) or self._defeated(j, alts, tumor):
                    continue
                opt = self._options[j]
                pats = [p for p in self._opt_pats[j] if p is not None]
                named = [a.name for a in observed if any(matches(p, a, self.known_specific) for p in pats)]
                chosen[tuple(opt.therapy)].append((opt, named or [f.alteration]))
        out: list[TherapyOption] = []
        for therapy, items in chosen.items():
            items.sort(key=lambda t: (EVIDENCE_RANK[t[0].evidence_level], t[0].id))
            best = items[0][0]
            addresses = list(dict.fromkeys(n for _o, names in items for n in names))
            out.append(
                TherapyOption(
                    therapy=list(therapy),
                    rationale=best.rationale,
                    addresses=addresses,
                    evidence_level=best.evidence_level,
                    option_ids=tuple(dict.fromkeys(o.id for o, _n in items)),
                    sources=tuple(dict.fromkeys(s for o, _n in items for s in o.sources)),
                )
            )
        out.sort(key=lambda o: (EVIDENCE_RANK[o.evidence_level], o.therapy))
        self._option_cache[key] = out
        return out
