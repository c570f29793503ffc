"""Reading profiles from files: JSON/YAML profiles, MAF, VCF (VEP CSQ or SnpEff ANN) and
copy-number/fusion tables.

File readers never print; they return a :class:`~oncoresist.profile.observed.ReadResult`
with the rows they skipped (file, line, field, reason). A file that cannot be read at
all raises :class:`~oncoresist.errors.ImportFormatError` naming the file and the fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncoresist.alteration import Alteration, parse_alteration, parse_protein_change
from oncoresist.errors import AlterationSyntaxError, ImportFormatError, OncoresistError
from oncoresist.profile.observed import BadRow, ReadResult, SampleProfile, lenient_resolver, parse_observed

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge

MAF_COLUMNS = ("Hugo_Symbol", "HGVSp_Short", "Variant_Classification", "Tumor_Sample_Barcode")

#: MAF classes with a protein change that must parse.
MAF_CODING = frozenset(
    {
        "Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins",
        "In_Frame_Del", "In_Frame_Ins", "Nonstop_Mutation", "Translation_Start_Site",
    }
)  # fmt: skip
#: MAF classes read as a splice-site mutation of the gene when no protein change parses.
MAF_SPLICE = frozenset({"Splice_Site"})
#: MAF classes without a protein effect: skipped silently.
MAF_NONCODING = frozenset(
    {
        "Silent", "Intron", "3'UTR", "5'UTR", "3'Flank", "5'Flank", "IGR", "RNA", "lincRNA",
        "Targeted_Region", "Splice_Region", "De_novo_Start_InFrame", "De_novo_Start_OutOfFrame",
        "Unknown",
    }
)  # fmt: skip

#: VEP/SnpEff consequence terms read as a splice-site mutation when no protein change is given.
SPLICE_TERMS = frozenset({"splice_acceptor_variant", "splice_donor_variant"})
#: Consequence terms whose protein change must parse.
CODING_TERMS = frozenset(
    {
        "missense_variant", "stop_gained", "frameshift_variant", "inframe_deletion", "inframe_insertion",
        "start_lost", "stop_lost", "protein_altering_variant", "disruptive_inframe_deletion",
        "disruptive_inframe_insertion", "conservative_inframe_deletion", "conservative_inframe_insertion",
    }
)  # fmt: skip


# ---------------------------------------------------------------- JSON / YAML
def _item_lines(text: str) -> dict[int, int]:
    """Line number of each item of the top-level ``alterations`` list (best effort)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if getattr(key, "value", None) == "alterations" and isinstance(value, yaml.SequenceNode):
            return {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return {}


def read_profile_file(path: str | Path, kb: Knowledge) -> SampleProfile:
    """Read a JSON or YAML profile (schema: ``oncoresist schema profile``) and parse its alterations.

    Raises
    ------
    ImportFormatError
        Invalid JSON/YAML or schema (file and field named).
    AlterationSyntaxError, UnknownNameError
        An alteration that cannot be read (file, line and field named).
    """
    import yaml
    from pydantic import ValidationError

    from oncoresist.profile.schema import Profile

    p = Path(path)
    text = p.read_text(encoding="utf-8")
    try:
        raw = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ImportFormatError(f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'YAML'}: {exc}") from None
    if isinstance(raw, list):
        raw = {"alterations": raw}
    if not isinstance(raw, dict):
        raise ImportFormatError(f"{p}: a profile is a mapping with 'alterations:' (see 'oncoresist schema profile')")
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(file)"
        raise ImportFormatError(f"{p}: field {loc!r}: {err['msg']} (see 'oncoresist schema profile')") from None
    lines = _item_lines(text)
    sp = SampleProfile(profile.sample or p.stem, tumor=profile.tumor, drugs=list(profile.drugs))
    for i, item in enumerate(profile.alteration_texts()):
        where = f"{p}:{lines[i]}" if i in lines else str(p)
        try:
            sp.add(parse_observed(item, kb))
        except OncoresistError as exc:
            raise AlterationSyntaxError(f"{where}: field 'alterations[{i}]': {exc}") from None
    return sp


# ------------------------------------------------------------------------ MAF
def _leading_comments(path: Path) -> int:
    n = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            n += 1
    return n


def read_maf(path: str | Path, kb: Knowledge | None = None) -> ReadResult:
    """Read a MAF (many samples). Columns used: Hugo_Symbol, HGVSp_Short, Variant_Classification,
    Tumor_Sample_Barcode. Rows without a protein effect (Silent, Intron, UTR...) are skipped
    silently; malformed rows are returned in ``bad_rows`` with their line numbers."""
    import pandas as pd

    p = Path(path)
    skip = _leading_comments(p)
    try:
        header = pd.read_csv(p, sep="\t", skiprows=skip, nrows=0).columns
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ImportFormatError(f"{p}: not a tab-separated MAF: {exc}") from None
    missing = [c for c in MAF_COLUMNS if c not in header]
    if missing:
        raise ImportFormatError(f"{p}: MAF lacks column(s) {', '.join(missing)}; needs {', '.join(MAF_COLUMNS)}")
    df = pd.read_csv(p, sep="\t", skiprows=skip, usecols=list(MAF_COLUMNS), dtype=str, keep_default_na=False, quoting=3)
    resolve = lenient_resolver(kb)
    gene_cache: dict[str, str | None] = {}
    alt_cache: dict[tuple[str, str, str], Alteration | str | None] = {}
    out = ReadResult(rows=len(df))
    first_line = skip + 2  # 1-based, after the header
    cols = [df[c].tolist() for c in MAF_COLUMNS]
    for i, (sym, hgvsp, vclass, sample) in enumerate(zip(*cols, strict=True)):
        line = first_line + i
        if not sample.strip():
            out.bad_rows.append(BadRow(str(p), line, "Tumor_Sample_Barcode", "empty sample barcode"))
            continue
        key = (sym, hgvsp, vclass)
        alt = alt_cache.get(key, "")
        if alt == "":
            alt = alt_cache[key] = _maf_alteration(sym, hgvsp, vclass, resolve, gene_cache)
        if isinstance(alt, str):
            fld, msg = alt.split("|", 1)
            out.bad_rows.append(BadRow(str(p), line, fld, msg))
            continue
        sp = out.sample(sample.strip())
        if alt is not None:
            sp.add(alt)
    return out


def _maf_alteration(
    sym: str, hgvsp: str, vclass: str, resolve: Any, gene_cache: dict[str, str | None]
) -> Alteration | str | None:
    """The alteration of one MAF row, ``None`` to skip silently, or ``"field|message"``."""
    vclass = vclass.strip()
    if vclass in MAF_NONCODING:
        return None
    sym = sym.strip()
    if not sym or sym == "Unknown":
        return "Hugo_Symbol|empty gene symbol"
    if sym not in gene_cache:
        gene_cache[sym] = resolve(sym) or sym
    gene = gene_cache[sym]
    h = hgvsp.strip()
    pc = parse_protein_change(h) if h and h not in (".", "NA") else None
    if pc is not None:
        if pc.kind == "synonymous":
            return None
        return Alteration(kind="protein", gene=gene, protein=pc, text=f"{sym} {h}")
    if vclass in MAF_SPLICE:
        return Alteration(kind="mutation", gene=gene, qualifier="splice", text=f"{sym} {h or vclass}")
    if vclass in MAF_CODING:
        return f"HGVSp_Short|cannot read protein change {h!r} for {sym} {vclass}"
    return f"Variant_Classification|unknown class {vclass!r}"


# ------------------------------------------------------------------------ VCF
def _csq_fields(description: str) -> list[str]:
    """Field names of a VEP CSQ / SnpEff ANN header description."""
    d = description.strip().strip('"')
    if "Format:" in d:
        d = d.split("Format:", 1)[1]
    elif "'" in d:
        d = d.split("'")[1]
    return [f.strip().strip("'\" ") for f in d.split("|")]


def read_vcf(path: str | Path, kb: Knowledge | None = None) -> ReadResult:
    """Read a VCF annotated by VEP (INFO/CSQ) or SnpEff (INFO/ANN) with cyvcf2.

    One profile per sample column (a variant belongs to a sample whose genotype carries
    it); without sample columns, one profile named after the file. Only PASS (or
    unfiltered) records are read. The canonical transcript (VEP ``CANONICAL=YES``) is
    preferred, else the first annotation with a protein change.
    """
    from cyvcf2 import VCF

    p = Path(path)
    try:
        vcf = VCF(str(p))
    except (OSError, Exception) as exc:  # cyvcf2 raises plain Exception on bad files
        raise ImportFormatError(f"{p}: cannot read as VCF: {exc}") from None
    key, fields = None, []
    for tag in ("CSQ", "ANN"):
        try:
            desc = vcf.get_header_type(tag)["Description"]
        except KeyError:
            continue
        key, fields = tag, _csq_fields(desc)
        break
    if key is None:
        vcf.close()
        raise ImportFormatError(
            f"{p}: VCF has no INFO/CSQ (Ensembl VEP) or INFO/ANN (SnpEff) annotation; "
            "annotate it first, e.g. 'vep --hgvs --symbol --canonical' or 'snpEff ann'"
        )
    if key == "CSQ":
        names = {"gene": "SYMBOL", "hgvsp": "HGVSp", "csq": "Consequence", "canonical": "CANONICAL"}
    else:
        names = {"gene": "Gene_Name", "hgvsp": "HGVS.p", "csq": "Annotation", "canonical": ""}
    col = {k: fields.index(v) if v in fields else None for k, v in names.items()}
    if col["gene"] is None or col["hgvsp"] is None:
        vcf.close()
        raise ImportFormatError(
            f"{p}: INFO/{key} lacks {names['gene']} or {names['hgvsp']} fields; re-run the annotator"
        )
    samples = list(vcf.samples) or [p.stem]
    header_lines = vcf.raw_header.count("\n")
    resolve = lenient_resolver(kb)
    out = ReadResult()
    for sp_name in samples:
        out.sample(sp_name)
    for n, v in enumerate(vcf):
        line = header_lines + n + 1
        out.rows += 1
        if v.FILTER not in (None, "PASS", "."):
            continue
        ann = v.INFO.get(key)
        if not ann:
            continue
        alt = _vcf_alteration(str(ann), col, key, resolve)
        if alt is None:
            continue
        if isinstance(alt, str):
            out.bad_rows.append(BadRow(str(p), line, f"INFO/{key}", alt))
            continue
        carriers = samples if not vcf.samples else [s for s, g in zip(samples, v.gt_types, strict=True) if g in (1, 3)]
        for s in carriers:
            out.sample(s).add(alt)
    vcf.close()
    return out


def _vcf_alteration(ann: str, col: dict[str, int | None], key: str, resolve: Any) -> Alteration | str | None:
    entries = [e.split("|") for e in ann.split(",")]

    def get(e: list[str], k: str) -> str:
        i = col[k]
        return e[i].strip() if i is not None and i < len(e) else ""

    canonical = [e for e in entries if get(e, "canonical") == "YES"]
    ordered = canonical + [e for e in entries if e not in canonical]
    chosen = next((e for e in ordered if get(e, "hgvsp")), None)
    if chosen is None:
        chosen = next((e for e in ordered if SPLICE_TERMS & set(get(e, "csq").split("&"))), None)
        if chosen is None:
            terms = {t for e in ordered for t in get(e, "csq").split("&")}
            if terms & CODING_TERMS:
                return f"coding consequence without a protein change ({'/'.join(sorted(terms & CODING_TERMS))})"
            return None
    sym = get(chosen, "gene")
    if not sym:
        return "annotation without a gene symbol"
    gene = resolve(sym) or sym
    terms = set(get(chosen, "csq").split("&"))
    h = get(chosen, "hgvsp").replace("%3D", "=")
    if ":" in h:
        h = h.split(":", 1)[1]
    if h:
        pc = parse_protein_change(h)
        if pc is None:
            return f"cannot read protein change {h!r} for {sym}"
        if pc.kind == "synonymous":
            return None
        return Alteration(kind="protein", gene=gene, protein=pc, text=f"{sym} {h}")
    if terms & SPLICE_TERMS:
        return Alteration(kind="mutation", gene=gene, qualifier="splice", text=f"{sym} splice")
    return None


# ------------------------------------------------------------ CNA / fusion table
def read_alteration_table(path: str | Path, kb: Knowledge | None = None) -> ReadResult:
    """Read a copy-number / fusion table: TSV with columns ``sample``, ``gene``, ``alteration``.

    ``alteration`` is a word (``amplification``, ``loss``, ``overexpression``, ``fusion``),
    a fusion (``EML4::ALK``) or any alteration text; ``gene`` may be empty for a
    phenotype (``small cell transformation``). Lines starting with ``#`` are comments.
    """
    import csv

    p = Path(path)
    out = ReadResult()
    with p.open(encoding="utf-8", newline="") as fh:
        rows = [(i + 1, line) for i, line in enumerate(fh) if line.strip() and not line.startswith("#")]
    if not rows:
        raise ImportFormatError(f"{p}: empty table; expected a header 'sample<TAB>gene<TAB>alteration'")
    header_line, header = rows[0]
    cols = [c.strip().lower() for c in next(csv.reader([header], delimiter="\t"))]
    missing = [c for c in ("sample", "gene", "alteration") if c not in cols]
    if missing:
        raise ImportFormatError(
            f"{p}:{header_line}: table lacks column(s) {', '.join(missing)}; "
            "needs sample, gene, alteration (tab-separated)"
        )
    i_s, i_g, i_a = cols.index("sample"), cols.index("gene"), cols.index("alteration")
    for line_no, line in rows[1:]:
        out.rows += 1
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter="\t"))
        cells += [""] * (len(cols) - len(cells))
        sample, gene, text = cells[i_s].strip(), cells[i_g].strip(), cells[i_a].strip()
        if not sample:
            out.bad_rows.append(BadRow(str(p), line_no, "sample", "empty sample"))
            continue
        if not text:
            out.bad_rows.append(BadRow(str(p), line_no, "alteration", "empty alteration"))
            continue
        full = text
        if gene and "::" not in text and not text.upper().startswith(gene.upper()):
            full = f"{gene} {text}"
        extra = {gene.upper(): (kb.resolve_gene(gene) if kb else None) or gene.upper()} if gene else None
        try:
            alt = parse_alteration(full, lenient_resolver(kb, extra))
        except OncoresistError as exc:
            out.bad_rows.append(BadRow(str(p), line_no, "alteration", str(exc)))
            continue
        out.sample(sample).add(alt)
    return out
