"""The words of the grammar: change words, phenotypes, named isoforms and exon classes (data, not logic)."""

from __future__ import annotations

from oncoresist.alteration.model import Kind

PHENOTYPES: dict[str, tuple[str, ...]] = {
    "small cell transformation": (
        "small cell transformation", "small-cell transformation", "sclc transformation",
        "transformation to small cell lung cancer", "small cell lung cancer transformation",
        "small cell histologic transformation",
    ),
    "neuroendocrine transformation": (
        "neuroendocrine transformation", "neuroendocrine differentiation", "nepc transformation",
        "treatment-emergent neuroendocrine prostate cancer", "t-nepc",
    ),
    "squamous transformation": ("squamous transformation", "squamous cell transformation"),
    "epithelial-mesenchymal transition": (
        "emt", "epithelial-mesenchymal transition", "epithelial to mesenchymal transition",
        "epithelial mesenchymal transition",
    ),
    "drug-tolerant persister state": (
        "drug-tolerant persister state", "drug-tolerant persisters", "drug tolerant persister",
        "persister state", "dtp state",
    ),
    "cancer stem cell state": ("cancer stem cell state", "cancer stem cells", "stem-like state", "csc"),
    "tumor hypoxia": ("tumor hypoxia", "tumour hypoxia", "hypoxia"),
    "poor drug penetration": ("poor drug penetration", "sanctuary site", "pharmacological sanctuary"),
    "polyclonal resistance": ("polyclonal resistance", "multiple resistant subclones"),
}  # fmt: skip
PHENOTYPE_LOOKUP = {syn: canon for canon, syns in PHENOTYPES.items() for syn in syns}

_M: Kind = "mutation"
#: change words after a gene: (kind, qualifier)
WORDS: dict[str, tuple[Kind, str | None]] = {
    "amplification": ("amplification", None),
    "amplified": ("amplification", None),
    "amp": ("amplification", None),
    "gain": ("amplification", None),
    "copy number gain": ("amplification", None),
    "high-level amplification": ("amplification", None),
    "focal amplification": ("amplification", None),
    "loss": ("loss", None),
    "deletion": ("loss", None),
    "deleted": ("loss", None),
    "homozygous deletion": ("loss", None),
    "homozygous loss": ("loss", None),
    "deep deletion": ("loss", None),
    "copy number loss": ("loss", None),
    "loss of function": ("loss", None),
    "loss-of-function": ("loss", None),
    "inactivation": ("loss", None),
    "biallelic loss": ("loss", None),
    "biallelic inactivation": ("loss", None),
    "loss of expression": ("loss", None),
    "overexpression": ("overexpression", None),
    "over-expression": ("overexpression", None),
    "overexpressed": ("overexpression", None),
    "high expression": ("overexpression", None),
    "upregulation": ("overexpression", None),
    "expression": ("expression", None),
    "expressed": ("expression", None),
    "positive": ("expression", None),
    "underexpression": ("underexpression", None),
    "low expression": ("underexpression", None),
    "downregulation": ("underexpression", None),
    "mutation": (_M, None),
    "mutations": (_M, None),
    "mutant": (_M, None),
    "mutated": (_M, None),
    "mut": (_M, None),
    "any mutation": (_M, None),
    "variant": (_M, None),
    "variants": (_M, None),
    "somatic mutation": (_M, None),
    "activating mutation": (_M, "activating"),
    "activating mutations": (_M, "activating"),
    "gain-of-function mutation": (_M, "activating"),
    "inactivating mutation": (_M, "inactivating"),
    "inactivating mutations": (_M, "inactivating"),
    "loss-of-function mutation": (_M, "inactivating"),
    "loss of function mutation": (_M, "inactivating"),
    "truncating mutation": (_M, "inactivating"),
    "truncating mutations": (_M, "inactivating"),
    "truncating variant": (_M, "inactivating"),
    "truncation": (_M, "inactivating"),
    "pathogenic variant": (_M, "pathogenic"),
    "pathogenic variants": (_M, "pathogenic"),
    "pathogenic mutation": (_M, "pathogenic"),
    "likely pathogenic variant": (_M, "pathogenic"),
    "pathogenic or likely pathogenic variant": (_M, "pathogenic"),
    "pathogenic": (_M, "pathogenic"),
    "deleterious mutation": (_M, "pathogenic"),
    "deleterious variant": (_M, "pathogenic"),
    "oncogenic mutation": (_M, "pathogenic"),
    "oncogenic mutations": (_M, "pathogenic"),
    "nonsense": (_M, "nonsense"),
    "nonsense mutation": (_M, "nonsense"),
    "nonsense variant": (_M, "nonsense"),
    "stop-gain": (_M, "nonsense"),
    "stop gain": (_M, "nonsense"),
    "stop-gained": (_M, "nonsense"),
    "frameshift": (_M, "frameshift"),
    "frame-shift": (_M, "frameshift"),
    "frameshift mutation": (_M, "frameshift"),
    "frame-shift mutation": (_M, "frameshift"),
    "frameshift variant": (_M, "frameshift"),
    "frameshift deletion": (_M, "frameshift"),
    "frameshift insertion": (_M, "frameshift"),
    "splice site mutation": (_M, "splice"),
    "splice-site mutation": (_M, "splice"),
    "splice site variant": (_M, "splice"),
    "splice-site variant": (_M, "splice"),
    "splice mutation": (_M, "splice"),
    "splice site": (_M, "splice"),
    "splice": (_M, "splice"),
    "splice donor variant": (_M, "splice"),
    "splice acceptor variant": (_M, "splice"),
    "splice region variant": (_M, "splice_region"),
    "reversion mutation": (_M, "reversion"),
    "reversion mutations": (_M, "reversion"),
    "reversion": (_M, "reversion"),
    "secondary mutation": (_M, "secondary"),
    "kinase domain mutation": (_M, "kinase_domain"),
    "kinase domain mutations": (_M, "kinase_domain"),
    "tyrosine kinase domain mutation": (_M, "kinase_domain"),
    "tkd": (_M, "kinase_domain"),
    "tkd mutation": (_M, "kinase_domain"),
    "dna binding domain mutation": (_M, "dna_binding_domain"),
    "dna-binding domain mutation": (_M, "dna_binding_domain"),
    "itd": (_M, "itd"),
    "internal tandem duplication": (_M, "itd"),
    "itd mutation": (_M, "itd"),
    "ligand-binding domain mutation": (_M, "ligand_binding_domain"),
    "ligand binding domain mutation": (_M, "ligand_binding_domain"),
    "fusion": ("fusion", None),
    "fusions": ("fusion", None),
    "rearrangement": ("fusion", None),
    "rearranged": ("fusion", None),
    "translocation": ("fusion", None),
    "fusion positive": ("fusion", None),
    "fusion-positive": ("fusion", None),
    "rearrangement positive": ("fusion", None),
    "promoter methylation": ("methylation", "methylated"),
    "promoter methylated": ("methylation", "methylated"),
    "promoter hypermethylation": ("methylation", "methylated"),
    "methylated": ("methylation", "methylated"),
    "methylation": ("methylation", "methylated"),
    "promoter unmethylated": ("methylation", "unmethylated"),
    "unmethylated": ("methylation", "unmethylated"),
    "promoter unmethylation": ("methylation", "unmethylated"),
    # how pathology reports state the assay result (MGMT promoter methylation by methylation-specific PCR)
    "promoter methylation positive": ("methylation", "methylated"),
    "promoter methylation detected": ("methylation", "methylated"),
    "methylation positive": ("methylation", "methylated"),
    "promoter methylation negative": ("methylation", "unmethylated"),
    "promoter methylation not detected": ("methylation", "unmethylated"),
    "promoter not methylated": ("methylation", "unmethylated"),
    "methylation negative": ("methylation", "unmethylated"),
    "non-methylated": ("methylation", "unmethylated"),
    "promoter non-methylated": ("methylation", "unmethylated"),
}

#: one-word change suffixes written with a hyphen after the gene: EGFR-mutant, ALK-rearranged, FLT3-ITD
HYPHEN_SUFFIXES = {
    "mutant",
    "mutated",
    "mutation",
    "amplified",
    "rearranged",
    "positive",
    "itd",
    "tkd",
    "fusion",
    "deleted",
    "null",
    "loss",
    "negative",  # CD19-negative (an antigen's loss: report_context.ANTIGEN_GENES; else "describes no alteration")
}
WORDS_EXTRA: dict[str, tuple[Kind, str | None]] = {
    "null": ("loss", None),
    # copy-number phrasing (helper annot10p): "copy-number gain" is read as "copy number gain" (a hyphen, spaces)
    "copy number amplification": ("amplification", None),
    "copy number increase": ("amplification", None),
    "copy gain": ("amplification", None),
    "focal gain": ("amplification", None),
    "focal copy number gain": ("amplification", None),
    "high-level gain": ("amplification", None),
    "high-level copy number gain": ("amplification", None),
    "high-copy gain": ("amplification", None),
    "high-level amplified": ("amplification", None),
    "amplification detected": ("amplification", None),
    "gene amplified": ("amplification", None),
    # expression levels as IHC reports write them (annot10p): "TROP2 high", "FRalpha high"
    "high": ("overexpression", None),
    "high expression by ihc": ("overexpression", None),
    "expression high": ("overexpression", None),
    "positive by flow": ("expression", None),
    "positive by flow cytometry": ("expression", None),
    "expressed by flow": ("expression", None),
    "expressed by flow cytometry": ("expression", None),
    "detected": ("expression", None),
}
#: change words that also state the allelic state (helper annot10p): (kind, the allelic state kept on the alteration;
#: measures.ALLELIC_WORDS' spellings). "GENE LOH" alone is the loss of one allele: the gene's loss, as LOH.
ALLELIC_CHANGE_WORDS: dict[str, tuple[Kind, str]] = {
    "homozygous deletion": ("loss", "homozygous"),
    "homozygous loss": ("loss", "homozygous"),
    "homozygous deleted": ("loss", "homozygous"),
    "deep deletion": ("loss", "homozygous"),
    "biallelic deletion": ("loss", "biallelic"),
    "biallelic loss": ("loss", "biallelic"),
    "biallelic inactivation": ("loss", "biallelic"),
    "biallelic alteration": ("loss", "biallelic"),
    "two-hit": ("loss", "biallelic"),
    "two-hit inactivation": ("loss", "biallelic"),
    "two-hit loss": ("loss", "biallelic"),
    "heterozygous deletion": ("loss", "heterozygous"),
    "heterozygous loss": ("loss", "heterozygous"),
    "hemizygous deletion": ("loss", "hemizygous"),
    "hemizygous loss": ("loss", "hemizygous"),
    "monoallelic loss": ("loss", "monoallelic"),
    "monoallelic deletion": ("loss", "monoallelic"),
    "loh": ("loss", "LOH"),
    "loss of heterozygosity": ("loss", "LOH"),
    "copy-neutral loh": ("loss", "LOH"),
    "copy neutral loh": ("loss", "LOH"),
    "loss of the wild-type allele": ("loss", "LOH"),
    "loss of wild-type allele": ("loss", "LOH"),
    "loss of the wild type allele": ("loss", "LOH"),
    "loss of the remaining allele": ("loss", "LOH"),
    "loss of the remaining wild-type allele": ("loss", "LOH"),
}


def change_word_key(rest_low: str) -> str:
    """One spelling of a change word: ``copy-number gain`` → ``copy number gain``, ``high level`` → ``high-level``,
    ``wild type`` inside allele wordings → ``wild-type``."""
    t = " ".join(rest_low.replace("copy-number", "copy number").split())
    t = t.replace("high level", "high-level").replace("wildtype", "wild-type").replace("wild type", "wild-type")
    return t.replace("bi-allelic", "biallelic").replace("two hit", "two-hit")


#: words that describe no alteration at all (a clear error rather than a silent miss)
NOT_ALTERATIONS = {"wild-type", "wildtype", "wild type", "wt", "negative", "normal", "not detected"}

#: words after an isoform that state it was found: "AR-V7 expression", "AR-V7 positive", "AR-V7 detected"
ISOFORM_STATES = frozenset({"expression", "expressed", "positive", "overexpression", "detected", "present"})
#: words after an isoform that state it was looked for and not found: "AR-V7 negative", "AR-V7 not detected"
#: (an absence, no alteration: ``absence.stated_absent_isoform``)
ISOFORM_ABSENT = ("negative", "neg", "not detected", "undetected", "undetectable", "absent", "not expressed",
                  "no expression", "not present")  # fmt: skip
# Named isoforms / truncated forms written as one token.
ISOFORM_TOKENS: dict[str, tuple[str, str]] = {
    "P95HER2": ("ERBB2", "p95HER2"),
    "P95-HER2": ("ERBB2", "p95HER2"),
    "P95ERBB2": ("ERBB2", "p95HER2"),
    "EGFRVIII": ("EGFR", "EGFRvIII"),
    "EGFRV3": ("EGFR", "EGFRvIII"),
    # --- fixd: aberrantly spliced BRAF V600E (report_vocabulary.NAMED_SPLICE_ISOFORMS) ---
    "P61BRAF(V600E)": ("BRAF", "p61BRAF(V600E)"),
    "P61BRAF": ("BRAF", "p61BRAF(V600E)"),
}
# Named isoforms written as gene + word: "EGFR vIII".
ISOFORM_WORDS: dict[tuple[str, str], str] = {("EGFR", "viii"): "EGFRvIII", ("EGFR", "v3"): "EGFRvIII"}
#: named exon classes written as one token: METex14 (MET exon 14 skipping alterations)
EXON_TOKENS: dict[str, tuple[str, int, str]] = {"METEX14": ("MET", 14, "skipping")}

EXON_KIND = {
    "deletion": "deletion", "deletions": "deletion", "del": "deletion", "dels": "deletion",
    "insertion": "insertion", "insertions": "insertion", "ins": "insertion",
    "mutation": "mutation", "mutations": "mutation", "mut": "mutation", "alteration": "mutation",
    "skipping": "skipping", "skip": "skipping", "skipping mutation": "skipping", "skipping alteration": "skipping",
    "duplication": "insertion", "dup": "insertion",
}  # fmt: skip

#: genome-level biomarkers (``kind="biomarker"``, no gene): canonical name → ways reports write it (lower case)
BIOMARKERS: dict[str, tuple[str, ...]] = {
    "MSI-H": (
        "msi-h", "msi-high", "msi high", "msih", "msi", "msi-hi", "high msi", "microsatellite instability",
        "microsatellite instability-high", "microsatellite instability high", "high microsatellite instability",
        "microsatellite unstable", "microsatellite instable", "msi-h/dmmr", "msi-h / dmmr", "msi-high/dmmr",
    ),
    "MSS": (
        "mss", "microsatellite stable", "microsatellite stability", "msi-l", "msi-low", "msi low",
        "microsatellite instability-low", "mss/pmmr",
    ),
    "dMMR": (
        "dmmr", "mmr-d", "mmrd", "mmr deficient", "mmr-deficient", "mmr deficiency", "deficient mmr",
        "mismatch repair deficient", "mismatch repair-deficient", "mismatch repair deficiency",
        "deficient mismatch repair",
        "mismatch-repair deficient", "mismatch repair protein loss", "loss of mmr protein expression", "dmmr/msi-h",
    ),
    "pMMR": (
        "pmmr", "mmr-p", "mmr proficient", "mmr-proficient", "proficient mmr", "mismatch repair proficient",
        "mismatch repair-proficient", "proficient mismatch repair", "pmmr/mss",
    ),
    "TMB-H": (
        "tmb-h", "tmb-high", "tmb high", "tmb hi", "high tmb", "tmbh", "tumor mutational burden-high",
        "tumor mutational burden high", "high tumor mutational burden", "tumour mutational burden-high",
        "tumour mutational burden high", "high tumour mutational burden", "tumor mutation burden high",
        "high tumor mutation burden", "hypermutated", "hypermutation",
    ),
    "TMB-L": (
        "tmb-l", "tmb-low", "tmb low", "low tmb", "tumor mutational burden-low", "tumor mutational burden low",
        "low tumor mutational burden", "tumour mutational burden low", "low tumour mutational burden",
    ),
    "HRD-positive": (
        "hrd", "hrd-positive", "hrd positive", "hrd+", "hrd high", "hrd-high", "hr-deficient", "hr deficient",
        "homologous recombination deficiency", "homologous recombination deficient",
        "homologous recombination deficiency positive", "homologous recombination repair deficiency",
        "brcaness", "genomic instability score high", "gis-positive", "gis positive",
    ),
    "HRD-negative": (
        "hrd-negative", "hrd negative", "hrd-", "hr-proficient", "hr proficient", "homologous recombination proficient",
        "homologous recombination proficiency", "gis-negative",
    ),
    "LOH-high": (
        "loh-high", "loh high", "genomic loh", "genomic loh-high", "genomic loh high", "high genomic loh", "high loh",
        "genomic loss of heterozygosity", "genomic loss of heterozygosity high", "high genomic loss of heterozygosity",
    ),
    "LOH-low": ("loh-low", "loh low", "genomic loh-low", "genomic loh low", "low genomic loh"),
    # the IGHV somatic hypermutation status of CLL, a prognostic marker the iwCLL guidelines ask for before treatment
    # (Hallek et al., Blood 2018, PMID:29540348); "unmutated" here is a state of the IGHV genes, not an absence
    "IGHV-mutated": ("ighv-mutated", "ighv mutated", "mutated ighv", "m-cll", "ighv hypermutated", "ighv mutation"),
    "IGHV-unmutated": ("ighv-unmutated", "ighv unmutated", "unmutated ighv", "u-cll", "ighv non-mutated"),
}  # fmt: skip
BIOMARKER_LOOKUP = {syn: canon for canon, syns in BIOMARKERS.items() for syn in (*syns, canon.lower())}

#: measured biomarkers: stem → (high name, low name, cut-off, unit words). The cut-offs are the labelled ones:
#: TMB-H ≥ 10 mut/Mb (Keytruda (pembrolizumab) US prescribing information, 1 Indications and Usage, TMB-H solid
#: tumours by an FDA-approved test); genomic LOH-high ≥ 16 % (ARIEL2/ARIEL3 cut-off of the FoundationFocus CDx
#: BRCA LOH assay, Rubraca (rucaparib) US prescribing information, 14 Clinical Studies).
BIOMARKER_CUTOFFS: dict[str, tuple[str, str, float]] = {
    "TMB": ("TMB-H", "TMB-L", 10.0),
    "LOH": ("LOH-high", "LOH-low", 16.0),
    # --- fixd: the genomic instability score of Myriad myChoice CDx, the HRD test of the Lynparza (olaparib) US
    # prescribing information (1 Indications, HRD-positive advanced ovarian cancer with bevacizumab; PAOLA-1 used a
    # GIS cut-off of 42, Ray-Coquard et al., N Engl J Med 2019) ---
    "HRD": ("HRD-positive", "HRD-negative", 42.0),
}
#: biomarkers that report (mostly) the same state by another assay: an observation of one is a *possible*
#: match for a fact on the other (MSI-H by PCR/NGS and dMMR by immunohistochemistry, as the pembrolizumab and
#: dostarlimab labels pair them; genomic LOH-high as one measure of HRD, as the olaparib + bevacizumab label
#: defines HRD-positive by a genomic instability score)
BIOMARKER_RELATED: dict[str, tuple[str, ...]] = {
    "MSI-H": ("dMMR",),
    "dMMR": ("MSI-H",),
    "MSS": ("pMMR",),
    "pMMR": ("MSS",),
    "LOH-high": ("HRD-positive",),
    "HRD-positive": ("LOH-high",),
}
#: mismatch-repair genes whose loss of function makes a tumour mismatch-repair deficient (a *possible* dMMR / MSI-H:
#: the IHC panel of MLH1, MSH2, MSH6, PMS2; EPCAM deletions silence MSH2)
MMR_GENES = frozenset({"MLH1", "MSH2", "MSH6", "PMS2", "EPCAM"})
#: homologous-recombination genes whose deleterious alteration defines HRD-positive in the olaparib + bevacizumab
#: label (Lynparza US prescribing information, 1 Indications: "HRD-positive status defined by either a deleterious
#: or suspected deleterious BRCA mutation, and/or genomic instability")
HRD_DEFINING_GENES = frozenset({"BRCA1", "BRCA2"})
