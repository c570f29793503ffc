"""Tumour scope: how the tumour a piece of evidence was recorded in relates to the query tumour.

Relations (most to least applicable), for a query tumour *q* and a fact recorded in *t*:

``any``          the fact names no tumour type (it holds in any tumour)
``same``         *t* is *q* (or a code of the same name from another source)
``ancestor``     *t* is an ancestor of *q* in the OncoTree: the fact applies fully
``descendant``   *t* is a subtype of *q* (a fact on lung adenocarcinoma for an NSCLC query)
``sibling``      *t* and *q* share a parent
``unrelated``    anything else
``not_assessed`` no query tumour (a tumour-agnostic query); the fact is tumour-specific

Where the knowledge provides ``tumor_relation`` (the full OncoTree), it is used; otherwise
the relation is computed from ``Knowledge.tumor_ancestors``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from oncoresist.errors import OncoresistError
from oncoresist.knowledge.index import Knowledge

#: relations under which a fact applies to the query with full standing
FULL = frozenset({"any", "same", "ancestor", "not_assessed"})
#: relations under which a finding may decide the verdict (a subtype's evidence decides, one tier lower)
DECIDING = FULL | {"descendant"}
#: standing penalty (in evidence tiers) per relation; see docs/annotate.md
PENALTY: dict[str, int] = {
    "any": 0, "same": 0, "ancestor": 0, "not_assessed": 0, "descendant": 1, "sibling": 2, "unrelated": 3,
}  # fmt: skip
#: the order in which one finding's relation is chosen among its facts' relations
_ORDER = ("same", "ancestor", "any", "not_assessed", "descendant", "sibling", "unrelated")


class TumorScope:
    """Cached tumour relations for one knowledge object."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.kb = knowledge
        names: dict[str, set[str]] = defaultdict(set)
        for code, t in knowledge.tumors.items():
            names[" ".join(t.name.lower().split())].add(code)
        self._same_name = names
        self._cache: dict[tuple[str, str], str] = {}
        self._anc: dict[str, frozenset[str]] = {}
        self._native = getattr(knowledge, "tumor_relation", None)

    def _alias(self, code: str) -> frozenset[str]:
        t = self.kb.tumors.get(code)
        if t is None:
            return frozenset({code})
        return frozenset(self._same_name.get(" ".join(t.name.lower().split()), {code}) | {code})

    def ancestors(self, code: str) -> frozenset[str]:
        """The tumour type, codes of the same name, and all their ancestors."""
        hit = self._anc.get(code)
        if hit is None:
            out: set[str] = set()
            todo = [code]
            while todo:
                c = todo.pop()
                for a in self.kb.tumor_ancestors(c):
                    if a not in out:
                        out.add(a)
                        todo.extend(self._alias(a) - out)
            hit = self._anc[code] = frozenset(out)
        return hit

    def relation(self, query: str | None, fact_code: str) -> str:
        """Relation of ``fact_code`` (where a fact was recorded) to the ``query`` tumour."""
        if query is None:
            return "not_assessed"
        key = (query, fact_code)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._relation(query, fact_code)
        return hit

    def _relation(self, query: str, fact_code: str) -> str:
        if fact_code == query or fact_code in self._alias(query):
            return "same"
        if self._native is not None:
            try:
                rel = str(self._native(query, fact_code))
            except (KeyError, OncoresistError):  # a code outside the tree: fall back to the local relation
                rel = ""
            if rel in PENALTY:
                return rel
        q_anc = self.ancestors(query)
        if fact_code in q_anc:
            return "ancestor"
        f_anc = self.ancestors(fact_code)
        if query in f_anc or (self._alias(query) & f_anc):
            return "descendant"
        q_parents = {self.kb.tumors[c].parent for c in self._alias(query) if c in self.kb.tumors}
        f_parents = {self.kb.tumors[c].parent for c in self._alias(fact_code) if c in self.kb.tumors}
        if (q_parents & f_parents) - {None}:
            return "sibling"
        return "unrelated"

    def best(self, query: str | None, fact_tumors: Sequence[str]) -> str:
        """The most applicable relation among the tumours a fact was recorded in.

        For a cross-lineage tumour set (``acute leukemia``: AML, BLL, TLL, ALAL;
        ``Knowledge.tumor_set_needs_every_member``) the relation is the least applicable over the members: a fact
        recorded for every member (or an ancestor of each) applies; one recorded for some members only is a
        ``sibling`` (reported, lower standing), as the query does not say which lineage it is.
        """
        if not fact_tumors:
            return "any"
        if query is not None and self._every_member(query):
            members = self.kb.tumor_set(query) or ()
            per = [self.best(m, fact_tumors) for m in members]
            worst = max(per, key=_ORDER.index)
            partial = worst in ("sibling", "unrelated") and any(r in DECIDING for r in per)
            return "sibling" if partial else worst
        rels = {self.relation(query, t) for t in fact_tumors}
        return next(r for r in _ORDER if r in rels)

    def _every_member(self, query: str) -> bool:
        check = getattr(self.kb, "tumor_set_needs_every_member", None)
        return bool(check is not None and check(query))
