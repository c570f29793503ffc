"""``Knowledge.drugs_in_class`` is memoised (the twin's route building calls it millions of times):
the memo must give what a fresh scan of the tables gives, hand out lists callers may change, and
follow a table that changes."""

from __future__ import annotations

from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import Drug


def _scan(kb: Knowledge, class_id: str) -> list[str]:
    """Members by walking every drug's classes up to the root (independent of the memo)."""
    out = []
    for name, drug in kb.drugs.items():
        seen = set()
        for c in drug.classes:
            cur: str | None = c
            while cur and cur not in seen:
                seen.add(cur)
                parent = kb.drug_classes.get(cur)
                cur = parent.parent if parent else None
        if class_id in seen:
            out.append(name)
    return sorted(out)


def test_memo_matches_a_fresh_scan_for_every_class(kb: Knowledge) -> None:
    assert kb.drug_classes
    for cid in kb.drug_classes:
        assert kb.drugs_in_class(cid) == _scan(kb, cid)
        assert kb.drugs_in_class(cid) == _scan(kb, cid)  # second call: from the memo
    assert kb.drugs_in_class("no_such_class") == []


def test_memo_hands_out_copies_and_follows_new_drugs(kb: Knowledge) -> None:
    cid = max(kb.drug_classes, key=lambda c: len(kb.drugs_in_class(c)))
    first = kb.drugs_in_class(cid)
    first.append("not-a-drug")
    assert "not-a-drug" not in kb.drugs_in_class(cid)
    extra = Drug(name="zz-memo-test", classes=[cid])
    kb.drugs[extra.name] = extra
    try:
        assert "zz-memo-test" in kb.drugs_in_class(cid)
    finally:
        del kb.drugs[extra.name]
    assert "zz-memo-test" not in kb.drugs_in_class(cid)
