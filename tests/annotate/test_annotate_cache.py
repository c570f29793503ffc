"""The memoised annotator gives exactly the answers of the unmemoised one.

``Annotator(kb, cache=False)`` computes every answer afresh on the whole profile (no memo
tables, no relevance reduction of option derivation, no stand-ins); the default path shares
work between samples. Both annotate the same real profiles (TCGA AML,
../shared/data/profiles_real/tcga_laml.maf.gz, and the vcf2maf test MAF) and a cohort mixing
their alterations with common lung-cancer drivers, and the full JSON of every result and every
batch-table row must be equal. The cohorts are built so that the memo tables are hit: samples
share alterations and differ in passenger changes of the same genes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from oncoresist.alteration import Alteration
from oncoresist.annotate.api import annotate_samples, annotator_for
from oncoresist.annotate.batch import result_row
from oncoresist.annotate.engine import Annotator
from oncoresist.annotate.memo import Memo
from oncoresist.annotate.result import AnnotationResult
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.loader import load_knowledge
from oncoresist.profile.observed import SampleProfile, parse_observed
from oncoresist.profile.readers import read_maf

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "profiles_real"
LAML = REAL / "tcga_laml.maf.gz"
VCF2MAF = REAL / "vcf2maf_test_b38_output.maf"

# drivers and resistance changes as lung-cancer reports name them (not read from the knowledge)
LUNG = [
    "EGFR L858R", "EGFR T790M", "EGFR C797S", "EGFR exon 19 deletion", "EGFR exon 20 insertion",
    "MET amplification", "MET exon 14 skipping", "KRAS G12C", "KRAS G12D", "BRAF V600E", "ERBB2 amplification",
    "PIK3CA E545K", "PTEN loss", "TP53 R273H", "RB1 loss", "ALK fusion", "ALK G1202R", "NRAS Q61K",
    "small cell transformation", "MAP2K1 K57N",
]  # fmt: skip


def _dump(results: Iterable[AnnotationResult]) -> list[str]:
    return [json.dumps([r.to_dict(), result_row(r)], sort_keys=True, default=str) for r in results]


def _both(kb: Knowledge, samples: list[SampleProfile], drug: str, tumor: str | None) -> tuple[list[str], list[str]]:
    fast = _dump(annotate_samples(samples, drug=drug, tumor=tumor, knowledge=kb))
    slow = _dump(annotate_samples(samples, drug=drug, tumor=tumor, knowledge=kb, cache=False))
    return fast, slow


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def laml(kb: Knowledge) -> list[SampleProfile]:
    if not LAML.is_file():
        pytest.skip(f"{LAML} not found")
    return list(read_maf(LAML, kb).samples.values())


def _mixed(kb: Knowledge, pool: list[Alteration], n: int, seed: int) -> list[SampleProfile]:
    """Samples of 1-4 lung drivers plus 0-5 changes drawn from ``pool`` (real MAF alterations)."""
    rng = random.Random(seed)
    drivers = [parse_observed(t, kb) for t in LUNG]
    out = []
    for k in range(n):
        alts = rng.sample(drivers, rng.randint(1, 4)) + rng.sample(pool, rng.randint(0, 5))
        out.append(SampleProfile(sample=f"mix-{k:03d}", alterations=alts))
    return out


@pytest.mark.parametrize(
    ("drug", "tumor"),
    [("midostaurin", "AML"), ("gilteritinib", None), ("cytarabine+daunorubicin", "AML"), ("imatinib", "CML")],
)
def test_real_aml_maf_same_json_with_and_without_cache(
    kb: Knowledge, laml: list[SampleProfile], drug: str, tumor: str | None
) -> None:
    fast, slow = _both(kb, laml, drug, tumor)
    assert len(fast) == len(laml) == 193
    assert fast == slow


def test_mixed_cohort_same_json_with_and_without_cache(kb: Knowledge, laml: list[SampleProfile]) -> None:
    pool = list(dict.fromkeys(a for s in laml for a in s.alterations))
    if VCF2MAF.is_file():
        pool += [a for s in read_maf(VCF2MAF, kb).samples.values() for a in s.alterations]
    samples = _mixed(kb, pool, 160, seed=11)
    for drug, tumor in [("erlotinib", "NSCLC"), ("osimertinib", "LUAD"), ("osimertinib+savolitinib", "NSCLC")]:
        fast, slow = _both(kb, samples, drug, tumor)
        assert fast == slow, (drug, tumor)
    # the comparison is not vacuous: resistant verdicts with options were derived on the way
    last = [json.loads(x)[0] for x in fast]
    assert sum(1 for r in last if r["verdict"] == "resistant" and r["options"]) >= 20


def test_passenger_changes_of_one_gene_share_a_stand_in(kb: Knowledge) -> None:
    """Two changes that satisfy the same patterns share the work, but each result names its own change."""
    ann = annotator_for(kb)
    a, b = parse_observed("LRP1B Y4399T", kb), parse_observed("LRP1B L4409H", kb)
    if not ann.fact_matches(a):
        pytest.skip("the knowledge has no LRP1B facts")
    assert ann.fact_matches(a) == ann.fact_matches(b)
    first = ann.canonical([a])[0]
    assert ann.canonical([b]) == (first,)  # one stand-in for both
    assert ann.canonical([a, b]) == (a, b) or len(set(ann.canonical([a, b]))) == 2  # distinct stays distinct
    t790m = parse_observed("EGFR T790M", kb)
    assert ann.canonical([t790m])[0] is t790m or ann.canonical([t790m])[0] == t790m
    for alt in (a, b):
        res = annotate_samples([SampleProfile(sample="s", alterations=[alt, t790m])], drug="erlotinib",
                               tumor="NSCLC", knowledge=kb)  # fmt: skip
        assert alt.name in next(iter(res)).alterations


def test_uncached_annotator_stores_nothing(kb: Knowledge) -> None:
    slow = Annotator(kb, cache=False)
    alts = [parse_observed("EGFR L858R", kb), parse_observed("EGFR T790M", kb)]
    r1 = slow.annotate(alts, drugs=["erlotinib"], tumor="NSCLC")
    assert not slow._weighed and not slow._fact_cache and not slow.options._cache
    assert r1.verdict == "resistant"
    assert annotator_for(kb, cache=False) is not annotator_for(kb)
    assert annotator_for(kb) is annotator_for(kb)


def test_annotator_is_rebuilt_for_another_knowledge_version(kb: Knowledge) -> None:
    other = replace(kb, version=kb.version + "+changed") if hasattr(kb, "__dataclass_fields__") else None
    if other is None:
        pytest.skip("Knowledge is not a dataclass")
    assert annotator_for(other) is not annotator_for(kb)
    assert annotator_for(other).knowledge_version == kb.version + "+changed"


def test_memo_is_bounded_and_can_be_disabled() -> None:
    m: Memo[int, int] = Memo(3)
    for k in range(3):
        m[k] = k
    assert len(m) == 3
    m[3] = 3  # full: cleared first
    assert dict(m) == {3: 3}
    off: Memo[int, int] = Memo(3, enabled=False)
    off[1] = 1
    assert off.get(1) is None and len(off) == 0
