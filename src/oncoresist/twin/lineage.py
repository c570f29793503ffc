"""Profile gates on lineage routes: the small-cell route's rate and the profile's TP53/RB1 status.

Lee et al. 2017 (J Clin Oncol; ``twin/data/lineage_gates.yaml`` quotes the abstract) found that EGFR-mutant lung
adenocarcinomas whose TP53 and RB1 were both inactivated had a 42.8-fold risk of small-cell transformation
(95% CI 5.88–311), and that both were inactivated in 3% of the tumours that did not transform. The twin's
small-cell route has a *population* rate (a default, calibrated to Yu et al. 2013's 3% share on first-generation
TKIs, a series of unselected patients). A profile that names both losses gets the rate of that subgroup:

    rate_lost = rate_population · RR / (1 + f·(RR − 1)),

f the share of tumours with both losses (approximated by the non-transformed group's 3%, as transformation is
rare), and the risk ratio read as a rate ratio (both are *stated approximations*: transformation is rare, so
risk ≈ rate × time). A profile that does not name both keeps the population rate: its TP53/RB1 status is not
known to the twin (the profile grammar has no "wild type"), so it is treated as unselected.

**Lineage routes without a sourced rate** (session 6). A lineage switch has no rate in the quantitative knowledge
(the builder's 1e-8 per cell per day is an assumption); the twin can use one only where a published share at
progression on the first drug lets the calibration fit it (small-cell transformation: Yu et al. 2013, 3% on
erlotinib or gefitinib). The same file lists the lineage routes for which no stored source gives a share or a rate
(``unsourced``: squamous transformation, EMT), with what was searched; :func:`unsourced_reason` says so for a route,
so that the builder can leave it out of the twin's routes (its knowledge fact stays for the annotator) instead of
running it at the unsourced default or at another lineage's fitted rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oncoresist.errors import OncoresistError

if TYPE_CHECKING:
    from oncoresist.alteration import Alteration

GATES_FILE = Path(__file__).resolve().parent / "data" / "lineage_gates.yaml"
#: Alteration kinds read as inactivating a tumour suppressor (a loss, or a point or named mutation).
INACTIVATING = frozenset({"loss", "mutation", "protein", "codon"})


class LineageGate(BaseModel):
    """One gate: the route's alteration, the genes whose combined loss raises its rate, and the numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alteration: str = Field(min_length=3)
    tumors: tuple[str, ...] = ()
    genes_lost: tuple[str, ...] = Field(min_length=1)
    relative_risk: float = Field(gt=0)
    relative_risk_ci95: tuple[float, float]
    prevalence_without_transformation: float = Field(ge=0, lt=1)
    source: str = Field(min_length=10)
    supporting: str = ""

    def factor(self) -> float:
        """Rate of a profile with every gene lost over the unselected population's rate."""
        rr, f = self.relative_risk, self.prevalence_without_transformation
        return rr / (1.0 + f * (rr - 1.0))


class UnsourcedRoute(BaseModel):
    """A lineage route whose rate no stored source gives: left out of the twin's routes, with the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alteration: str = Field(min_length=3)
    tumors: tuple[str, ...] = ()
    reason: str = Field(min_length=20)
    searched: str = Field(min_length=10)


class _GatesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal["1"]
    gates: tuple[LineageGate, ...]
    unsourced: tuple[UnsourcedRoute, ...] = ()


@lru_cache(maxsize=4)
def _load(path: str | None) -> _GatesFile:
    import yaml

    p = Path(path) if path is not None else GATES_FILE
    try:
        return _GatesFile(**yaml.safe_load(p.read_text(encoding="utf-8")))
    except (OSError, TypeError, yaml.YAMLError) as exc:
        raise OncoresistError(f"path: cannot read lineage gates {str(p)!r}: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise OncoresistError(f"lineage gates {str(p)!r}: {where}: {err['msg']}") from None


def load_gates(path: str | None = None) -> tuple[LineageGate, ...]:
    """The packaged gates (``twin/data/lineage_gates.yaml``) or those of ``path``."""
    return _load(path).gates


def load_unsourced(path: str | None = None) -> tuple[UnsourcedRoute, ...]:
    """The lineage routes the packaged file (or ``path``) lists as having no sourced share or rate."""
    return _load(path).unsourced


def _applies(alteration: str, tumors: Sequence[str], route_alterations: Sequence[str],
             tumor_lineage: Sequence[str]) -> bool:
    """Whether an entry (a gate or an unsourced route) names one of the route's alterations and, if it lists
    tumours, one of them is in ``tumor_lineage`` (no lineage known: it applies)."""
    if alteration.lower() not in {n.lower() for n in route_alterations}:
        return False
    return not (tumors and tumor_lineage and not set(tumors) & set(tumor_lineage))


def unsourced_reason(
    route_alterations: Sequence[str],
    tumor_lineage: Sequence[str],
    unsourced: Sequence[UnsourcedRoute] | None = None,
) -> str | None:
    """Why a lineage route is left out of the twin (no stored source gives its share or rate), else ``None``.

    ``tumor_lineage``: the tumour's OncoTree code and its ancestors (an entry with tumours applies below them).
    """
    for u in unsourced if unsourced is not None else load_unsourced():
        if not _applies(u.alteration, u.tumors, route_alterations, tumor_lineage):
            continue
        return (f"lineage route without a sourced share or rate, left out of the twin (the fact stays for the "
                f"annotator): {u.reason}")
    return None


def lost_genes(alts: Iterable[Alteration]) -> set[str]:
    """Genes the profile names with an inactivating alteration (:data:`INACTIVATING`)."""
    return {a.gene for a in alts if a.gene and a.kind in INACTIVATING}


def gate_factor(
    route_alterations: Sequence[str],
    profile: Sequence[Alteration],
    tumor_lineage: Sequence[str],
    gates: Sequence[LineageGate] | None = None,
) -> tuple[float, str] | None:
    """(factor on the route's rate, why) where a gate names the route, else ``None``.

    ``tumor_lineage``: the tumour's OncoTree code and its ancestors (a gate with tumours applies below them).
    """
    for g in gates if gates is not None else load_gates():
        if not _applies(g.alteration, g.tumors, route_alterations, tumor_lineage):
            continue
        lost = lost_genes(profile)
        need = " and ".join(g.genes_lost)
        if set(g.genes_lost) <= lost:
            why = (f"the profile names {need} loss: population rate x {g.factor():.3g} = RR {g.relative_risk:g} / "
                   f"(1 + {g.prevalence_without_transformation:g} x (RR - 1)) (stated approximations: risk ratio "
                   f"read as a rate ratio; prevalence of both losses from the non-transformed group); {g.source}")
            return g.factor(), why
        why = (f"the profile does not name {need} loss, so its status is unknown: the unselected population's rate "
               f"(x 1); with both lost it would be x {g.factor():.3g} ({g.source})")
        return 1.0, why
    return None


def lineage_support(route_alterations: Sequence[str], gates: Sequence[LineageGate] | None = None) -> list[str]:
    """The supporting quotations of the gates that name the route (for its compiled form's origin)."""
    names = {n.lower() for n in route_alterations}
    return [g.supporting for g in (gates if gates is not None else load_gates())
            if g.alteration.lower() in names and g.supporting]
