"""Drug-tolerant persisters: a reversible, drug-induced state from which resistance arises under treatment.

Where the curated knowledge has a ``drug_tolerant_persister`` fact for one of the twin's drugs in the tumour
type (for EGFR-mutant NSCLC: Sharma et al. 2010, Hata et al. 2016, Ramirez et al. 2016,
``facts/nongenetic.yaml``), the builder adds, per such drug X, a cell type ``persister_X`` of the sensitive
clone's genotype in the state ``persister``:

- **entry** (switch ``sensitive → persister_X``): 0 off drug, the quantitative knowledge's
  ``entry_rate_on_drug`` on X (a Hill function of X's exposure at X's EC50 on the sensitive clone);
- **exit** (switch ``persister_X → sensitive``): ``exit_rate_off_drug`` off X, 0 on it (reversible: Sharma et
  al.'s cells regain sensitivity after a drug holiday); one persister type per drug, because an engine switch
  follows one drug's exposure;
- **tolerance**: every drug a persister fact names has its EC50 × ``ec50_fold`` on the persister (Sharma et al.
  2010: ">100-fold reduced drug sensitivity", used at the bound), written as a ``pd`` override, not as a
  modifier or mechanism label: the trial layer treats typed with those as resistant routes (a pre-existing draw
  and the resistant-only growth factor, whose spread is the regrowth of resistant lesions), and the state does
  not expand;
- **slow cycling**: birth = the proliferating birth × ``cycling_fraction``, death = birth (the state holds but
  does not expand without drug);
- **resistance from persisters** (Hata et al. 2016: initially T790M-negative persisters later evolve T790M and
  other mechanisms; Ramirez et al. 2016: diverse mechanisms from one cell's persisters): a mutation
  transition ``persister_X → route`` for every route that arises from the sensitive clone by mutation, with
  the route's own probability per division (the persister's divisions are assumed to mutate as any other's:
  no adaptive mutability is assumed).

No persister is at diagnosis (the state is drug-induced; an assumption). A tumour type or drug without a
persister fact gets no persister state (the CML twin has none).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oncoresist.errors import OncoresistError
from oncoresist.knowledge.schema import EVIDENCE_RANK

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge
    from oncoresist.knowledge.quant import QuantKnowledge
    from oncoresist.knowledge.schema import Fact

MECHANISM = "drug_tolerant_persister"
STATE = "persister"
_ASSUMED = "default assumption"
#: quantitative-knowledge parameters the state needs, by name
PARAMETERS = ("entry_rate_on_drug", "exit_rate_off_drug", "ec50_fold", "cycling_fraction")

Recorder = Callable[[str, Any, str, str], Any]


@dataclass(frozen=True)
class PersisterParameter:
    value: float
    kind: str
    source: str


def persister_name(drug: str) -> str:
    """The cell type of persisters entered on ``drug``."""
    return "persister_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", drug)


def persister_facts(
    kb: Knowledge, drugs: Sequence[str], tumor_lineage: Sequence[str], min_evidence: str
) -> dict[str, list[Fact]]:
    """Twin drug → the curated persister facts that name it (or its class) in the tumour type, at evidence
    ``min_evidence`` or better."""
    out: dict[str, list[Fact]] = {}
    for f in kb.curated_facts:
        if f.mechanism != MECHANISM or f.effect not in ("reduced_sensitivity", "resistance"):
            continue
        if f.tumors and tumor_lineage and not set(f.tumors) & set(tumor_lineage):
            continue
        if EVIDENCE_RANK[f.evidence_level] > EVIDENCE_RANK[min_evidence]:
            continue
        for drug in drugs:
            if drug in kb.fact_drugs(f):
                out.setdefault(drug, []).append(f)
    return out


def parameters(q: QuantKnowledge) -> dict[str, PersisterParameter]:
    """The state's numbers from the quantitative knowledge's phenotype defaults (kind and source per number)."""
    out: dict[str, PersisterParameter] = {}
    for name in PARAMETERS:
        found = q.phenotype_default(MECHANISM, name)
        if not found:
            raise OncoresistError(
                f"quantitative knowledge: no phenotype default {MECHANISM}/{name}; add it to data_quant/rates.yaml "
                "or build with TwinDefaults(persisters=False)")
        e = found[0]
        if e.assumption or e.source is None:
            out[name] = PersisterParameter(e.value, _ASSUMED, f"quant {e.id} ({e.unit}): assumption: {e.rationale}")
        else:
            out[name] = PersisterParameter(e.value, "published table", f"quant {e.id} ({e.unit}): {e.source}; "
                                                                         f"{e.rationale}")
    return out


def _facts_source(facts: Sequence[Fact]) -> str:
    seen: dict[str, Fact] = {f.id: f for f in facts}
    return "; ".join(f"{f.id} ({f.evidence_level}: {', '.join(f.sources)})" for f in seen.values())


def compile_persisters(
    facts: dict[str, list[Fact]],
    params: dict[str, PersisterParameter],
    *,
    background: Sequence[str],
    birth: float,
    drug_ec50: dict[str, float],
    route_transitions: Sequence[dict[str, Any]],
    route_kinds: dict[str, str],
    rec: Recorder,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(cell types, transitions) of the persister state for the drugs in ``facts``.

    ``route_transitions``: the routes' compiled transitions (those from ``sensitive`` by mutation get a twin
    from each persister type); ``route_kinds``: route → the origin kind of its probability (so a route whose
    rate is the knowledge's stays held out of the calibration, and an assumed one is fitted, persister path
    included).
    """
    if not facts:
        return [], []
    tolerant = sorted(facts)
    p_fold, p_in, p_out, p_cyc = (params[k] for k in ("ec50_fold", "entry_rate_on_drug", "exit_rate_off_drug",
                                                       "cycling_fraction"))
    b = birth * p_cyc.value
    cell_types: list[dict[str, Any]] = []
    switches: list[dict[str, Any]] = []
    mutations: list[dict[str, Any]] = []
    firsts = [t for t in route_transitions if t["kind"] == "mutation" and t["source"] == "sensitive"]
    for drug in tolerant:
        name = persister_name(drug)
        p = f"cell_types.{name}"
        rec(f"{p}.mechanisms", MECHANISM, "knowledge fact",
            f"{_facts_source(facts[drug])}; recorded here, not as the cell type's mechanism label, so that the "
            "trial layer does not treat the state as a resistant route (no pre-existing draw, no resistant-only "
            "growth factor: the state does not expand)")
        rec(f"{p}.state", STATE, "knowledge fact", f"entered on {drug}: {_facts_source(facts[drug])}")
        for other in tolerant:
            rec(f"{p}.modifiers.ec50_fold.{other}", p_fold.value, p_fold.kind,
                f"a persister fact names {other} ({_facts_source(facts[other])}); " + p_fold.source)
            rec(f"{p}.pd.ec50.{other}", drug_ec50[other] * p_fold.value, p_fold.kind,
                f"{other}'s EC50 on the sensitive clone {drug_ec50[other]:.3g} x {p_fold.value:g}")
        rec(f"{p}.birth", b, p_cyc.kind, f"proliferating birth {birth:g} x cycling fraction {p_cyc.value:g}; "
            + p_cyc.source)
        rec(f"{p}.death", b, _ASSUMED, "equal to the persister's birth: the state holds without drug but does not "
                                       "expand (the drug's reduced kill comes on top)")
        rec(f"{p}.initial", 0.0, _ASSUMED, "a drug-induced state: no persisters at diagnosis")
        cell_types.append({
            "name": name, "genotype": list(background), "state": STATE, "initial": 0.0, "birth": b, "death": b,
            "pd": {other: {"ec50": drug_ec50[other] * p_fold.value} for other in tolerant},
        })
        ec50 = drug_ec50[drug]
        rec(f"transitions.sensitive->{name}.rate", 0.0, _ASSUMED, f"off {drug}: none (a drug-induced state)")
        rec(f"transitions.sensitive->{name}.rate_on_drug", p_in.value, p_in.kind,
            f"on {drug} (a Hill function of its exposure at its EC50 on the sensitive clone, {ec50:.3g}); 0 off it; "
            + p_in.source)
        rec(f"transitions.{name}->sensitive.rate", p_out.value, p_out.kind,
            f"off {drug} (reversible: Sharma et al. 2010, DOI:10.1016/j.cell.2010.02.027); " + p_out.source)
        rec(f"transitions.{name}->sensitive.rate_on_drug", 0.0, _ASSUMED, f"on {drug}: the state holds")
        switches.append({"kind": "switch", "source": "sensitive", "target": name, "rate": 0.0, "drug": drug,
                         "rate_on_drug": p_in.value, "ec50": ec50, "hill": 1.0})
        switches.append({"kind": "switch", "source": name, "target": "sensitive", "rate": p_out.value,
                         "drug": drug, "rate_on_drug": 0.0, "ec50": ec50, "hill": 1.0})
        rec(f"{p}.mutation", "as proliferating cells", _ASSUMED,
            "each division of a persister acquires a route with the route's own probability per division "
            "(Hata et al. 2016, DOI:10.1038/nm.4040; Ramirez et al. 2016, DOI:10.1038/ncomms10690: resistance "
            "evolves from persisters); no elevated mutability assumed")
        for t in firsts:
            route = t["target"]
            kind = route_kinds.get(route, _ASSUMED)
            rec(f"transitions.{name}->{route}.probability", t["probability"], kind,
                f"the route's probability per division from the sensitive clone ({kind}), in a persister's division")
            mutations.append({"kind": "mutation", "source": name, "target": route, "probability": t["probability"]})
    return cell_types, switches + mutations
