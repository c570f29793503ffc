"""The alteration grammar: the vocabulary every layer above the base shares (DESIGN layer 1).

Knowledge facts (patterns) and tumour profiles (observations) are both parsed
here into :class:`Alteration` objects. This package imports nothing from
oncoresist except :mod:`oncoresist.errors`.
"""

from oncoresist.alteration.grammar import GeneResolver, parse_alteration
from oncoresist.alteration.model import MUTATION_QUALIFIERS, Alteration, Kind, ProteinChange
from oncoresist.alteration.protein import AA1, AA3, parse_protein_change

__all__ = [
    "AA1", "AA3", "MUTATION_QUALIFIERS", "Alteration", "GeneResolver", "Kind", "ProteinChange",
    "parse_alteration", "parse_protein_change",
]  # fmt: skip
