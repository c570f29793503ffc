"""The alteration grammar: the vocabulary every layer above the base shares (DESIGN layer 1).

Knowledge facts (patterns) and tumour profiles (observations) are both parsed
here into :class:`Alteration` objects. This package imports nothing from
oncoresist except :mod:`oncoresist.errors`.
"""

from oncoresist.alteration.grammar import (
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
