"""Where each number of a built scenario comes from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

OriginKind = Literal["knowledge fact", "published table", "default assumption", "calibrated"]
ORIGIN_KINDS: tuple[str, ...] = ("knowledge fact", "published table", "default assumption", "calibrated")


@dataclass(frozen=True)
class Origin:
    """The origin of one value in a built scenario.

    Attributes
    ----------
    path
        Dotted location in the scenario, e.g. ``cell_types.EGFR_T790M.modifiers.ec50_fold.erlotinib``.
    value
        The value written there.
    kind
        ``"knowledge fact"`` (a curated fact or option), ``"published table"`` (a number of the
        quantitative knowledge read from a cited table or paper), ``"default assumption"``, or
        ``"calibrated"`` (an assumed rate fitted to a published share at progression, see
        :mod:`oncoresist.twin.calibrate`).
    source
        Fact ids, quantitative entry ids and their citations, or the rationale of the assumption.
    """

    path: str
    value: Any
    kind: OriginKind
    source: str

    def __post_init__(self) -> None:
        if self.kind not in ORIGIN_KINDS:
            raise ValueError(f"origin kind must be one of {', '.join(ORIGIN_KINDS)}, not {self.kind!r}")
        if not self.source.strip():
            raise ValueError(f"origin of {self.path} needs a source or a rationale")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return asdict(self)
