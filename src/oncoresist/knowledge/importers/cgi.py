"""Import the Cancer Genome Interpreter biomarkers table (``cgi_biomarkers_per_variant.tsv``).

Associations ``Responsive`` → ``sensitivity`` and ``Resistant`` → ``resistance``
become facts; ``No Responsive`` and ``Increased Toxicity`` rows are skipped with
their reason. Alteration forms::

    ABL1:T315I          -> ABL1 T315I              EGFR:.      -> EGFR mutation (any)
    EGFR:G719.          -> EGFR G719 (codon)       ESR1:.537.  -> ESR1 codon 537
    KIT:550-592         -> KIT codons 550-592      ERBB2:amp   -> ERBB2 amplification
    PTEN:del            -> PTEN loss               AR:over / :under / :norm -> over-/under-/expression
    BCR__ABL1           -> BCR::ABL1               AKT3__.     -> AKT3 fusion

A comma list (``KIT:V559.,V560.``) is a choice: each listed variant becomes its
own fact (ids ``cgi-row<N>-<k>``); so is a ``;`` list within one gene's biomarker
(``MET:Y1230C;Y1235D``, Biomarker ``MET (Y1230C;Y1235D)``). A ``;`` part that names
its gene again (``AR:F877L;AR:T878A``, ``MET:amp;EGFR:.``) is another biomarker,
required together with the first (Biomarker ``AR (F877L) + AR (T878A)``).
Drugs: a bracketed list (``[Nilotinib,Dasatinib]``) names examples of the drug
family, so the fact names both the drugs and the family's drug class;
``[]`` names the family only; ``;`` joins drugs given together
(``therapy_mode: combination``). Drug families map to curated classes where the
curated knowledge has them (``EGFR inhibitor 3rd gen`` → ``egfr_tki_gen3``), else
to an imported class ``imported_<family>``.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from oncoresist.alteration import Alteration
from oncoresist.errors import AlterationSyntaxError
from oncoresist.knowledge.importers._common import (
    WILD_TYPE,
    DrugPlan,
    EntityBuilder,
    ImportResult,
    Skip,
    inferred_fact,
    partial_fusion,
    plan_names,
    run_import,
)
from oncoresist.knowledge.importers.infer import MechanismRules
from oncoresist.knowledge.index import Knowledge
from oncoresist.knowledge.schema import EVIDENCE_RANK, Fact

COLUMNS = [
    "Alteration", "Alteration type", "Association", "Biomarker", "Drug", "Drug family", "Drug full name",
    "Evidence level", "Gene", "Primary Tumor acronym", "Source", "Primary Tumor type",
]  # fmt: skip

EFFECTS = {"Responsive": "sensitivity", "Resistant": "resistance"}

#: CGI drug families → curated drug-class ids (used only where the curated knowledge has the id)
FAMILY_CLASSES = {
    "EGFR inhibitor 1st gen": "egfr_tki_gen1",
    "EGFR inhibitor 2nd gen": "egfr_tki_gen2",
    "EGFR inhibitor 3rd gen": "egfr_tki_gen3",
    "3rd generation EGFR inhibitor": "egfr_tki_gen3",
    "EGFR TK inhibitor": "egfr_tki",
    "EGFR mAb inhibitor": "egfr_antibody",
    "ERBB2 mAb inhibitor": "her2_antibody",
    "ERBB2 inhibitor": "her2_tki",
    "ALK inhibitor": "alk_tki",
    "ALK&ROS1 inhibitor": "alk_tki",
    "ROS1 inhibitor": "ros1_tki",
    "RET inhibitor": "ret_inhibitor",
    "MET inhibitor": "met_tki",
    "BRAF inhibitor": "braf_inhibitor",
    "MEK inhibitor": "mek_inhibitor",
    "PI3K inhibitor": "pi3k_inhibitor",
    "MTOR inhibitor": "mtor_inhibitor",
    "PARP inhibitor": "parp_inhibitor",
    "CDK4/6 inhibitor": "cdk46_inhibitor",
    "FGFR inhibitor": "fgfr_inhibitor",
    "FLT3 inhibitor": "flt3_inhibitor",
    "BTK inhibitor": "btk_inhibitor",
    "JAK inhibitor": "jak_inhibitor",
    "HDAC inhibitor": "hdac_inhibitor",
    "EZH2 inhibitor": "ezh2_inhibitor",
    "AR inhibitor": "antiandrogen",
    "AR inhibitor next gen": "antiandrogen_gen2",
    "Hormonal therapy": "endocrine_therapy",
    "Aromatase inhibitor": "aromatase_inhibitor",
    "Aromatase ihibitor": "aromatase_inhibitor",  # sic, as spelt in the CGI table
    "KIT inhibitor": "kit_inhibitor",
    "BCR-ABL inhibitor 1st gen": "bcr_abl1_tki_gen1",
    "BCR-ABL inhibitor 2nd gen": "bcr_abl1_tki_gen2",
    "BCR-ABL inhibitor 3rd gen": "bcr_abl1_tki_gen3",
    "PD1 Ab inhibitor": "pd1_antibody",
    "Chemotherapy": "chemotherapy",
    "Platinum Agent": "platinum",
}

_FDA = re.compile(r"^(FDA|EMA)(?: guidelines)?$", re.IGNORECASE)
_GUIDELINE = re.compile(r"^(NCCN|NCCN/CAP|ESMO|ELN|European LeukemiaNet|CPIC)(?: guidelines)?$", re.IGNORECASE)


def evidence_level(text: str) -> str:
    """CGI evidence level(s) → A–E: guidelines/FDA → A, late trials → B, early trials and case reports → C,
    pre-clinical → D; with several levels (``Late trials,Pre-clinical``) the strongest counts."""
    best: str | None = None
    for part in text.split(","):
        p = part.strip().lower()
        if not p:
            continue
        if "guideline" in p or p in {"fda", "fda approved"}:
            lvl = "A"
        elif p.startswith("late trial"):
            lvl = "B"
        elif p.startswith("early trial") or p.startswith("clinical trial") or p.startswith("case report"):
            lvl = "C"
        elif p.startswith("pre-clinical") or p.startswith("preclinical"):
            lvl = "D"
        else:
            continue
        if best is None or EVIDENCE_RANK[lvl] < EVIDENCE_RANK[best]:
            best = lvl
    if best is None:
        raise Skip("evidence level not recognised", text)
    return best


def sources(text: str, drug_label: str, level_text: str) -> list[str]:
    """CGI ``Source`` → source ids: PMIDs, DOIs, ``label:<drug> (FDA)``, ``guideline:<body>``.

    Conference abstracts, trial ids and web links are not citable ids in the
    schema; a row citing only those is skipped.
    """
    out: list[str] = []
    for raw in re.split(r"[;]", text):
        s = raw.strip()
        if not s:
            continue
        m = re.fullmatch(r"PMID:\s*(\d{1,9})", s)
        if m:
            out.append(f"PMID:{m[1]}")
            continue
        m = re.search(r"\b(10\.\d{4,9}/\S+)", s)
        if m and ("doi" in s.lower() or s.startswith("10.")):
            out.append(f"DOI:{m[1].rstrip('.')}")
            continue
        m = _FDA.match(s)
        if m:
            out.append(f"label:{drug_label} ({m[1].upper()})")
            continue
        m = _GUIDELINE.match(s)
        if m:
            body = {"european leukemianet": "ELN"}.get(m[1].lower(), m[1].upper())
            out.append(f"guideline:{body}")
            continue
    if not out and "leukemianet" in level_text.lower():
        pass  # the level names the body, but without a source we do not invent one
    if not out:
        raise Skip("no citable source (only conference abstracts, trial ids or links)", text)
    return list(dict.fromkeys(out))


def _segments(alteration: str) -> list[list[str]]:
    """Split a CGI alteration into its biomarkers (required together), each a list of alternative segments.

    A ``;`` part that names its gene (``AR:F877L;AR:T878A``, ``MET:amp;EGFR:.``) starts another biomarker;
    a bare part (``MET:Y1230C;Y1235D``, ``JAK1:S646F;R683.``) is one more variant of the same biomarker,
    like a comma. In the snapshot (1,442 rows) the gene-led parts are exactly the ``;`` parts of
    ``Alteration type`` (``MUT;CNA``) and the `` + `` parts of ``Biomarker``; a bare part's row has one type
    and one biomarker (``MET (Y1230C;Y1235D)``, type ``MUT``).
    """
    out: list[list[str]] = []
    gene = ""
    for seg in alteration.split(";"):
        seg = seg.strip()
        if not seg:
            continue
        m = re.match(r"^([A-Za-z0-9.\-]+)(?:__|::|:)", seg)
        if m:
            gene = m[1]
            out.append([seg])
        elif gene:
            out[-1].append(f"{gene}:{seg}")
        else:
            raise Skip("alteration not in a CGI form", alteration)
    return out


_WORDS = {"amp": "amplification", "del": "loss", "over": "overexpression", "under": "underexpression",
          "norm": "expression", ".": "mutation"}  # fmt: skip


def segment_texts(seg: str, kb: Knowledge, biomarker: str) -> list[str]:
    """The alternatives (OR) one CGI biomarker segment stands for, in the alteration grammar."""
    if "__" in seg:
        five, _, three = seg.partition("__")
        one_partner = partial_fusion(five, three, {".", ""}, seg)
        if one_partner is not None:
            return [one_partner]
        # CGI writes some fusions in alphabetical order (ABL1__BCR); use the curated orientation if one is known
        if kb.resolve_gene(f"{five}::{three}") is None and kb.resolve_gene(f"{three}::{five}") is not None:
            five, three = three, five
        return [f"{five}::{three}"]
    gene, _, spec = seg.partition(":")
    if spec.startswith(":wildtype"):
        raise Skip(WILD_TYPE, seg)
    if spec.startswith(":consequence"):
        m = re.search(r"exon (\d+) (insertion|deletion)s?\b", biomarker, re.IGNORECASE)
        if m and ";" not in seg:
            return [f"{gene} exon {m[1]} {m[2].lower()}"]
        raise Skip("consequence-based alteration (e.g. inframe_insertion:762-823) not in the alteration grammar", seg)
    if spec in _WORDS:
        return [f"{gene} {_WORDS[spec]}"]
    out: list[str] = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        if m := re.fullmatch(r"(\d+)-(\d+)", item):
            out.append(f"{gene} codons {m[1]}-{m[2]}")
        elif m := re.fullmatch(r"\.(\d+)\.", item):
            out.append(f"{gene} codon {m[1]}")
        elif m := re.fullmatch(r"([A-Z*])(\d+)\.", item):
            out.append(f"{gene} {m[1]}{m[2]}")
        else:
            out.append(f"{gene} {item}")
    if not out:
        raise Skip("alteration not in a CGI form", seg)
    return list(dict.fromkeys(out))


def alteration_sets(text: str, biomarker: str, builder: EntityBuilder, limit: int = 200) -> list[list[Alteration]]:
    """Every combination of required alterations a CGI ``Alteration`` cell stands for."""
    choices: list[list[Alteration]] = []
    for group in _segments(text):
        texts = list(dict.fromkeys(t for seg in group for t in segment_texts(seg, builder.kb, biomarker)))
        alts: list[Alteration] = []
        for t in texts:
            try:
                alts.append(builder.alteration(t))
            except AlterationSyntaxError:
                raise Skip("variant not in the alteration grammar", t) from None
        choices.append(alts)
    n = 1
    for c in choices:
        n *= len(c)
    if n > limit:
        raise Skip(f"more than {limit} combinations of listed variants", text[:80])
    return [list(combo) for combo in itertools.product(*choices)]


def _families(text: str) -> list[list[str]]:
    """``Drug family`` → per ``;`` part, the family names joined by ``&``."""
    t = text.strip().strip("[]")
    return [[f.strip() for f in part.split("&") if f.strip()] for part in t.split(";")] if t else []


def therapy(row: dict[str, str], builder: EntityBuilder) -> tuple[list[DrugPlan], list[str], list[str], str]:
    """``(plans, drugs, drug classes, therapy_mode)`` of a CGI row."""
    drug_cell = row["Drug"].strip()
    bracket = drug_cell.startswith("[")
    inner = drug_cell.strip("[]").strip()
    fams = _families(row["Drug family"])
    plans: list[DrugPlan] = []

    def family_plans(names: list[str]) -> list[DrugPlan]:
        out = []
        for f in names:
            cid, new = builder.drug_class(f)
            out.append(DrugPlan("class", cid, new_class=new))
        return out

    if not inner:
        if not fams:
            raise Skip("no drug or drug family named", row["Drug full name"])
        for fam_names in fams:
            plans += family_plans(fam_names)
        mode = "combination" if len(fams) > 1 else "each"
    else:
        parts = [p.strip() for p in inner.split(";") if p.strip()]
        mode = "combination" if len(parts) > 1 else "each"
        for i, part in enumerate(parts):
            fam = fams[i] if len(fams) == len(parts) else (fams[0] if len(fams) == 1 else [])
            fam_plans = family_plans(fam)
            for name in [n.strip() for n in part.split(",") if n.strip()]:
                plans.append(builder.therapy(name, [p.name for p in fam_plans]))
            plans += [p for p in fam_plans if p.new_class is not None]  # classes new drugs need
            if bracket:
                plans += [p for p in fam_plans if p.new_class is None]
    drugs = plan_names(plans, "drug")
    classes: list[str] = []
    if bracket or not inner:
        classes = plan_names(plans, "class")
    else:  # only class tokens written in the Drug cell itself ("Sorafenib;MEK inhibitor")
        for cell in inner.split(";"):
            for name in cell.split(","):
                if builder.looks_like_class(name):
                    cid, _ = builder.drug_class(name)
                    classes.append(cid)
        classes = list(dict.fromkeys(classes))
    if not drugs and not classes:
        raise Skip("no drug or drug family named", drug_cell)
    if len(drugs) + len(classes) < 2:
        mode = "each"
    return plans, drugs, classes, mode


def tumors(row: dict[str, str], builder: EntityBuilder) -> tuple[list[str], list]:
    acronyms = [a.strip() for a in row["Primary Tumor acronym"].split(";")]
    names = [n.strip() for n in row["Primary Tumor type"].split(";")]
    if len(names) != len(acronyms):
        names = acronyms
    codes: list[str] = []
    new = []
    for acr, name in zip(acronyms, names, strict=True):
        if not acr and not name:
            continue
        # the acronym keys the mapping table ("CANCER", "any cancer type" -> TISSUE); the name is matched
        # against OncoTree names; CGI acronyms are not OncoTree codes (MPN is their nerve sheath tumour)
        code, t = builder.tumor(name or acr, acr or name, key=acr or name)
        if code not in codes:
            codes.append(code)
            new.append(t)
    return codes, new


def import_cgi(path: Path | str, kb: Knowledge | None = None) -> ImportResult:
    """Translate the CGI biomarkers TSV into facts.

    Parameters
    ----------
    path
        ``cgi_biomarkers_per_variant.tsv``.
    kb
        The curated knowledge to resolve names against (default: curated only).

    Raises
    ------
    ImportFormatError
        The file is not a CGI biomarkers TSV, or is truncated (file and line named).
    """
    return run_import(
        path,
        kb,
        source="cgi",
        columns=COLUMNS,
        what="CGI biomarkers",
        translate=_facts,
        skip_detail=lambda n, _row: f"row {n}",
        class_map=FAMILY_CLASSES,
    )


def _facts(n: int, row: dict[str, str], builder: EntityBuilder, rules: MechanismRules) -> list[Fact]:
    assoc = row["Association"].strip()
    effect = EFFECTS.get(assoc)
    if effect is None:
        if assoc == "No Responsive":
            raise Skip("association 'No Responsive' (lack of response, not a resistance mechanism)", f"row {n}")
        raise Skip(f"association {assoc.split(' (')[0] or '(none)'!r} is not a drug-response effect", f"row {n}")
    level = evidence_level(row["Evidence level"])
    combos = alteration_sets(row["Alteration"], row["Biomarker"], builder)
    plans, drugs, classes, mode = therapy(row, builder)
    label = ", ".join(drugs) or row["Drug family"].strip("[]") or "drug"
    srcs = sources(row["Source"], label, row["Evidence level"])
    codes, new_tumors = tumors(row, builder)
    out: list[Fact] = []
    verb = "resistance to" if effect == "resistance" else "response to"
    therapy_text = row["Drug full name"].strip() or label
    where = row["Primary Tumor type"].strip() or "any cancer"
    for alts in combos:
        builder.commit(alts, plans, new_tumors)
    for k, alts in enumerate(combos, start=1):
        names = [builder.canonical(a) for a in alts]
        summary = (
            f"CGI: {' + '.join(names)} is associated with {verb} {therapy_text} in {where} "
            f"(CGI evidence: {row['Evidence level'].strip()})."
        )
        out.append(
            inferred_fact(
                rules,
                builder,
                alts,
                id=f"cgi-row{n}" if len(combos) == 1 else f"cgi-row{n}-{k}",
                drugs=drugs,
                drug_classes=classes,
                therapy_mode=mode,
                tumors=codes,
                effect=effect,
                origin="primary" if effect == "sensitivity" else "both",
                evidence_level=level,
                sources=srcs,
                summary=summary,
                record=f"cgi:row{n}",
            )
        )
    return out
