"""Data of :mod:`oncoresist.alteration.report_terms`: cytogenetic, pharmacogenomic and IHC wordings (helper fixd).

Every mapping names its source. Karyotype notation follows ISCN (An International System for Human
Cytogenomic Nomenclature, 2020/2024 editions): ``t`` translocation, ``inv`` inversion, ``del`` deletion,
``i`` isochromosome, ``+``/``-`` gain/loss of a whole chromosome; an arm gain is written ``gain(1q)`` as the
IMWG and ELN texts write it.
"""

from __future__ import annotations

from typing import Literal

#: whole-text karyotype wordings without a bracketed ISCN form → canonical finding
CYTOGENETIC_FINDINGS: dict[str, str] = {
    "philadelphia chromosome": "t(9;22)",
    "philadelphia chromosome positive": "t(9;22)",
    "philadelphia chromosome-positive": "t(9;22)",
    "ph+": "t(9;22)",
    "ph-positive": "t(9;22)",
    "ph chromosome": "t(9;22)",
    "complex karyotype": "complex karyotype",
    "complex cytogenetics": "complex karyotype",
    "monosomal karyotype": "monosomal karyotype",
    "hyperdiploidy": "hyperdiploidy",
    "hyperdiploid": "hyperdiploidy",
    "hypodiploidy": "hypodiploidy",
    "hypodiploid": "hypodiploidy",
    "normal karyotype": "normal karyotype",
}

CytoGene = tuple[Literal["fusion", "loss"], str | None, str]
#: the gene-level alteration a karyotype finding stands for, where one is standard (kind, 5' partner, 3' gene).
#: Sources: t(9;22)(q34;q11) → BCR::ABL1, the Philadelphia chromosome (ELN 2020 CML recommendations, Hochhaus et
#: al., Leukemia 2020); t(15;17) → PML::RARA, t(8;21) → RUNX1::RUNX1T1, inv(16)/t(16;16) → CBFB::MYH11,
#: t(9;11) → KMT2A::MLLT3, t(6;9) → DEK::NUP214 (ELN 2022 AML recommendations, Döhner et al., Blood 2022,
#: Table 1, AML with defining genetic abnormalities); t(12;21) → ETV6::RUNX1, t(1;19) → TCF3::PBX1 (WHO
#: classification of B-lymphoblastic leukaemia, 5th edition); t(11;14)(q13;q32) → CCND1 under the IGH enhancer,
#: t(4;14) → NSD2/FGFR3 with IGH, t(14;16) → MAF with IGH (IMWG risk stratification, Sonneveld et al., Blood
#: 2016, high-risk cytogenetics consensus); del(17p) → loss of TP53 at 17p13.1 (iwCLL 2018 guidelines, Hallek
#: et al., Blood 2018: "del(17p) and/or TP53 mutation"; IMWG). Other findings stay cytogenetic, without knowledge.
CYTOGENETIC_TO_GENE: dict[str, CytoGene] = {
    "t(9;22)": ("fusion", "BCR", "ABL1"),
    "t(15;17)": ("fusion", "PML", "RARA"),
    "t(8;21)": ("fusion", "RUNX1", "RUNX1T1"),
    "inv(16)": ("fusion", "CBFB", "MYH11"),
    "t(16;16)": ("fusion", "CBFB", "MYH11"),
    "inv(16)/t(16;16)": ("fusion", "CBFB", "MYH11"),
    "t(9;11)": ("fusion", "KMT2A", "MLLT3"),
    "t(6;9)": ("fusion", "DEK", "NUP214"),
    "t(12;21)": ("fusion", "ETV6", "RUNX1"),
    "t(1;19)": ("fusion", "TCF3", "PBX1"),
    "t(11;14)": ("fusion", "CCND1", "IGH"),
    "t(4;14)": ("fusion", "IGH", "NSD2"),
    "t(14;16)": ("fusion", "IGH", "MAF"),
    "del(17p)": ("loss", None, "TP53"),
}

#: CPIC standardised phenotype terms (Caudle et al., Genet Med 2017, "Standardizing terms for clinical
#: pharmacogenetic test results: consensus terms from CPIC") → canonical; "poor metabolizer" (no activity) is read
#: as a germline loss of function of the gene, the way the knowledge writes it (``CYP2D6 loss``)
METABOLIZER_PHENOTYPES: dict[str, str] = {
    "poor metabolizer": "poor metabolizer",
    "pm": "poor metabolizer",
    "intermediate metabolizer": "intermediate metabolizer",
    "im": "intermediate metabolizer",
    "normal metabolizer": "normal metabolizer",
    "extensive metabolizer": "normal metabolizer",
    "nm": "normal metabolizer",
    "rapid metabolizer": "rapid metabolizer",
    "ultrarapid metabolizer": "ultrarapid metabolizer",
    "ultra-rapid metabolizer": "ultrarapid metabolizer",
    "um": "ultrarapid metabolizer",
}
#: enzyme-deficiency wordings (DPYD deficiency, TPMT deficient): a loss of function, origin not stated
DEFICIENCY_WORDS = frozenset({"deficient", "deficiency", "complete deficiency", "enzyme deficiency"})

#: HER2 expression states (Enhertu (fam-trastuzumab deruxtecan) US prescribing information, 1 Indications:
#: HER2-low = IHC 1+ or IHC 2+/ISH-negative; HER2-ultralow = IHC 0 with membrane staining; ASCO/CAP 2023 HER2
#: testing update: IHC 3+ or IHC 2+/ISH-positive is HER2-positive). Keys are the words after "HER2".
HER2_STATES: dict[str, str] = {
    "low": "HER2-low",
    "low expression": "HER2-low",
    "low positive": "HER2-low",
    "ultralow": "HER2-ultralow",
    "ultra-low": "HER2-ultralow",
    "ultra low": "HER2-ultralow",
    "null": "HER2-null",
    "zero": "HER2-null",
    "0": "HER2-null",
    "ihc 0": "HER2-null",
    "positive": "overexpression",
    "overexpressing": "overexpression",
    "enriched": "overexpression",
}

#: PD-L1 immunohistochemistry scores (Keytruda label: tumour proportion score TPS, combined positive score CPS;
#: Tecentriq label SP142: tumour cells TC, immune cells IC; TAP tumour area positivity, Tevimbra label)
PDL1_SCORES: dict[str, str] = {"tps": "TPS", "cps": "CPS", "tc": "TC", "ic": "IC", "tap": "TAP"}

#: named promoter hotspots written by genomic coordinate: TERT C228T = c.-124C>T and C250T = c.-146C>T
#: (Horn et al., Science 2013; Huang et al., Science 2013: the two recurrent TERT promoter mutations, 124 and
#: 146 bp upstream of the ATG start)
PROMOTER_HOTSPOTS: dict[tuple[str, str], str] = {
    ("TERT", "c228t"): "c.-124C>T",
    ("TERT", "c250t"): "c.-146C>T",
    ("TERT", "-124c>t"): "c.-124C>T",
    ("TERT", "-146c>t"): "c.-146C>T",
}

#: named aberrant splice isoforms (gene, words after the gene) → isoform name. p61BRAF(V600E): BRAF V600E
#: lacking exons 4-8 (the RAS-binding domain), which dimerises and resists vemurafenib (Poulikakos et al.,
#: Nature 2011, DOI:10.1038/nature10662)
NAMED_SPLICE_ISOFORMS: dict[tuple[str, str], str] = {
    ("BRAF", "v600e splice variant"): "p61BRAF(V600E)",
    ("BRAF", "p.v600e splice variant"): "p61BRAF(V600E)",
    ("BRAF", "p61 splice variant"): "p61BRAF(V600E)",
    ("BRAF", "p61"): "p61BRAF(V600E)",
    ("BRAF", "splice variant"): "p61BRAF(V600E)",
    ("BRAF", "v600e splice isoform"): "p61BRAF(V600E)",
    ("BRAF", "splice isoform"): "p61BRAF(V600E)",
}

#: legacy residue numbers still written in reports → HGVS numbers, per gene, keyed by the (reference residue, legacy
#: position) pair so that an HGVS-numbered change is never moved. AR: the legacy numbering counts a 919-residue
#: receptor, HGVS NP_000035.2 counts 920 (one more glutamine in the N-terminal repeat), so every ligand-binding-
#: domain residue is one higher in HGVS: F876L = F877L, T877A = T878A, L701H = L702H, W741C/L = W742C/L,
#: H874Y = H875Y (the knowledge's facts on AR, hormone.yaml, record both numberings in their summaries: CIViC EID447
#: "F876L/F877L", EID448 "W741C/W741L, codon W742 in current numbering"; Romanel et al. 2015 use T878A/L702H)
LEGACY_RESIDUES: dict[str, dict[tuple[str, int], int]] = {
    "AR": {("F", 876): 877, ("T", 877): 878, ("L", 701): 702, ("W", 741): 742, ("H", 874): 875},
}
