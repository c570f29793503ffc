"""The profile file format (JSON or YAML): one tumour's alterations, optionally its tumour type and drugs.

Print the JSON Schema with ``oncoresist schema profile``. Example (YAML)::

    schema_version: "1"
    sample: patient-042
    tumor: NSCLC                 # OncoTree code or common name
    drugs: [osimertinib]         # given together; --drug on the command line overrides
    alterations:
      - EGFR L858R
      - alteration: MET amplification
        note: copy number 9 by NGS
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ProfileAlteration(BaseModel):
    """An alteration with optional measurements."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    alteration: str = Field(min_length=1, description="As written: 'EGFR T790M', 'MET amplification', 'EML4::ALK'.")
    vaf: float | None = Field(default=None, ge=0, le=1, description="Variant allele fraction, 0..1.")
    note: str | None = None


class Profile(BaseModel):
    """One tumour profile: the input of ``oncoresist annotate --profile FILE``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    schema_version: Literal["1"] = "1"
    sample: str | None = Field(default=None, description="Sample or patient identifier.")
    tumor: str | None = Field(default=None, description="OncoTree code or common name, e.g. NSCLC, melanoma.")
    drugs: list[str] = Field(default_factory=list, description="Drug(s) given together, generic or brand names.")
    alterations: list[str | ProfileAlteration] = Field(
        default_factory=list,
        description="Alterations as clinicians and reports write them (see 'oncoresist annotate --help').",
    )

    def alteration_texts(self) -> list[str]:
        """The alterations as plain strings."""
        return [a if isinstance(a, str) else a.alteration for a in self.alterations]
