"""Re-export of the alteration grammar, which lives in the base layer (:mod:`oncoresist.alteration`).

Kept so that ``from oncoresist.profile.alteration import parse_alteration`` keeps
working; new code imports :mod:`oncoresist.alteration`.
"""

from oncoresist.alteration import (
    AA1,
    AA3,
    Alteration,
    GeneResolver,
    Kind,
    ProteinChange,
    parse_alteration,
    parse_protein_change,
)

__all__ = [
    "AA1", "AA3", "Alteration", "GeneResolver", "Kind", "ProteinChange", "parse_alteration", "parse_protein_change",
]  # fmt: skip
