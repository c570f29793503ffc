"""Reading profiles from files: JSON/YAML profiles, MAF, VCF (VEP CSQ or SnpEff ANN) and
copy-number/fusion tables.

File readers never print; they return a :class:`~oncoresist.profile.observed.ReadResult`
with the rows they skipped (file, line, field, reason). A file that cannot be read at
all raises :class:`~oncoresist.errors.ImportFormatError` naming the file and the fix.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from oncoresist.alteration import Alteration, parse_alteration, parse_protein_change
from oncoresist.errors import AlterationSyntaxError, ImportFormatError, OncoresistError
from oncoresist.profile.normalise import normalise
from oncoresist.profile.observed import (
    BadRow,
    ReadResult,
    SampleProfile,
    SampleStatus,
    clip,
    lenient_resolver,
    parse_observed_many,
    skip_reason,
)

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge

#: MAF classes with a protein change that must parse.
MAF_CODING = frozenset(
    {
        "Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins",
        "In_Frame_Del", "In_Frame_Ins", "Nonstop_Mutation", "Translation_Start_Site",
    }
)  # fmt: skip
#: MAF classes read as a splice-site mutation of the gene when no protein change parses.
MAF_SPLICE = frozenset({"Splice_Site"})
#: MAF classes without a protein effect: not annotated (each sample lists them in ``SampleProfile.skipped``).
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
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{p}: not UTF-8 text (byte {exc.start}); save the profile as UTF-8") from None
    try:
        raw = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, RecursionError, yaml.YAMLError) as exc:  # JSONDecodeError, huge integers
        detail = " ".join(str(exc).split())
        detail = detail if len(detail) <= 160 else detail[:157] + "..."
        raise ImportFormatError(
            f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'YAML'}: {detail}"
        ) from None
    if isinstance(raw, list):
        raw = {"alterations": raw}
    if not isinstance(raw, dict):
        raise ImportFormatError(f"{p}: a profile is a mapping with 'alterations:' (see 'oncoresist schema profile')")
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(file)"
        raise ImportFormatError(f"{p}: field {clip(loc)}: {err['msg']} (see 'oncoresist schema profile')") from None
    lines = _item_lines(text)
    sp = SampleProfile(profile.sample or p.stem, tumor=profile.tumor, drugs=list(profile.drugs))
    for i, item in enumerate(profile.alteration_texts()):
        where = f"{p}:{lines[i]}" if i in lines else str(p)
        try:
            if (reason := skip_reason(item, kb)) is not None:  # "KRAS wild-type", "somatic": accounted for
                sp.skip(item, reason)
                continue
            for alt in parse_observed_many(item, kb):
                sp.add(alt)
        except OncoresistError as exc:
            raise AlterationSyntaxError(f"{where}: field 'alterations[{i}]': {exc}") from None
    return sp


# ------------------------------------------------------------------------ MAF
#: columns every MAF needs
MAF_REQUIRED = ("Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode")
#: protein-change columns, in the order they are preferred (GDC/vcf2maf, TCGA/Oncotator, VEP, cBioPortal, ANNOVAR)
PROTEIN_COLUMNS = (
    "HGVSp_Short", "Protein_Change", "HGVSp", "amino_acid_change", "Amino_Acid_Change", "AAChange", "aaChange",
    "AAChange.refGene", "ProteinChange", "protein_change", "HGVSp_VEP",
)  # fmt: skip
MAF_COLUMNS = (*MAF_REQUIRED, "HGVSp_Short")  # the GDC spelling (kept for callers that list them)


def _open_text(path: Path) -> IO[str]:
    """A text handle on ``path``, gzip-aware (by the file's magic bytes)."""
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


_MAX_COLUMNS = 2000


def _maf_header(path: Path) -> tuple[int, list[str], list[str]]:
    """Number of leading ``#`` lines, the header's column names and the ``#`` lines themselves."""
    comments: list[str] = []
    with _open_text(path) as fh:
        for line in fh:
            if not line.startswith("#"):
                return len(comments), [c.strip() for c in line.rstrip("\r\n").split("\t")], comments
            comments.append(line.rstrip("\r\n"))
    raise ImportFormatError(f"{path}: no header line; a MAF starts with 'Hugo_Symbol<TAB>...'")


def _corrupt(p: Path, exc: BaseException) -> ImportFormatError:
    what = (
        "truncated or corrupt compressed file"
        if isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile))
        else ("not a tab-separated MAF")
    )
    return ImportFormatError(f"{p}: {what} ({clip(exc, 80)}); check or re-download the file")


def _protein_value(raw: str) -> str:
    """The HGVS protein change in a MAF cell: ``ENSP...:p.Thr790Met`` and ANNOVAR ``GENE:NM_:exon:c.:p.T790M,...``."""
    h = raw.strip()
    if not h or h in (".", "NA", "-", "nan"):
        return ""
    if "," in h and "p." in h:
        h = h.split(",", 1)[0]
    if ":" in h:
        tail = h.rsplit(":", 1)[1]
        h = tail if tail else h
    return h.replace("%3D", "=")


#: columns that carry a sample's tumour type, in the order they are preferred (cBioPortal and GENIE-style
#: exports: the OncoTree code first, then the detailed and the broad cancer type; other spellings)
TUMOR_COLUMNS = (
    "ONCOTREE_CODE", "OncoTree_Code", "CANCER_TYPE_DETAILED", "CANCER_TYPE", "Tumor_Type", "Tumour_Type",
    "Cancer_Type", "Primary_Tumor_Type",
)  # fmt: skip
#: a leading ``#`` line naming the tumour type of the whole file: ``#tumor: NSCLC``, ``#oncotree_code=LUAD``
_TUMOR_HEADER_RE = re.compile(
    r"^#+\s*(?:tumou?r(?:[ _]type)?|oncotree(?:[ _]code)?|cancer[ _]type)\s*[:=]\s*(\S.*?)\s*$", re.IGNORECASE
)
#: what a reader says when a file names no tumour type (shown when ``--tumor`` is not given either)
NO_TUMOR_NOTE = (
    "{name}: no tumour type in the file (no {cols} column, no '#tumor: CODE' header line); the results are "
    "tumour-agnostic: give one with --tumor (e.g. --tumor NSCLC) or add an ONCOTREE_CODE column"
)


def _maf_tumors(
    p: Path, comments: list[str], tumor_col: str | None, values: dict[str, str], kb: Knowledge | None, out: ReadResult
) -> None:
    """Set each sample's tumour from the file's tumour column (per sample) or ``#tumor:`` header line (all samples).

    With a knowledge, each value is resolved to an OncoTree code once; a value that names none (or several) is
    said in ``notes`` and its samples are left without a tumour rather than failing the whole file.
    """
    header = next((m[1] for m in map(_TUMOR_HEADER_RE.match, comments) if m), None)
    if tumor_col is not None and any(values.values()):
        where, per_sample = f"column {tumor_col}", {s: v for s, v in values.items() if v}
    elif header is not None:
        where, per_sample = "the '#tumor:' header line", dict.fromkeys(out.samples, header)
    else:
        out.tumor_note = NO_TUMOR_NOTE.format(name=p.name, cols="/".join(TUMOR_COLUMNS[:4]))
        return
    resolved: dict[str, str | None] = {}
    for value in dict.fromkeys(per_sample.values()):
        if kb is None:
            resolved[value] = value
            continue
        try:
            resolved[value] = value if value in kb.tumors else kb.tumor(value)
        except OncoresistError as exc:
            resolved[value] = None
            n = sum(v == value for v in per_sample.values())
            out.notes.append(
                f"{p.name}: tumour {clip(value, 40)} ({where}, {n} sample(s)) was not read: "
                f"{clip(str(exc).splitlines()[0], 120)}; those samples are annotated without a tumour (give --tumor)"
            )
    n_set = 0
    for sample, value in per_sample.items():
        code = resolved.get(value)
        if code is not None and sample in out.samples:
            out.samples[sample].tumor = code
            n_set += 1
    out.columns["tumor"] = tumor_col if tumor_col is not None and where.startswith("column") else "#tumor"
    out.notes.append(f"{p.name}: tumour type read from {where} for {n_set} of {len(out.samples)} sample(s)")


def read_maf(path: str | Path, kb: Knowledge | None = None) -> ReadResult:
    """Read a MAF (many samples).

    Columns used: Hugo_Symbol, Variant_Classification, Tumor_Sample_Barcode and the first
    protein-change column present of :data:`PROTEIN_COLUMNS` (``HGVSp_Short``,
    ``Protein_Change``, ``HGVSp``, ``amino_acid_change``, ``AAChange`` ...); the result's
    ``columns["protein"]`` and ``notes`` say which. Rows without a protein effect (Silent,
    Intron, UTR...) are skipped silently; malformed rows are returned in ``bad_rows`` with
    their line numbers; every sample seen is in the result, with its ``status``. FLT3
    internal tandem duplications and NPM1 C-terminal frameshifts become the classes the
    knowledge names (:mod:`oncoresist.profile.normalise`).

    The tumour type of each sample is read where the file carries it: a column of
    :data:`TUMOR_COLUMNS` (``ONCOTREE_CODE``, ``CANCER_TYPE_DETAILED``, ``CANCER_TYPE`` ...),
    else a leading ``#tumor: CODE`` line for the whole file; ``columns["tumor"]`` and
    ``notes`` say which, and ``tumor_note`` says when the file names none.

    The file is read as tab-separated text without quoting (as MAF is written), blank
    lines skipped; a row with more fields than the header is refused with its line.
    """
    p = Path(path)
    try:
        skip, header, comments = _maf_header(p)
    except ImportFormatError:
        raise
    except (ValueError, OSError, EOFError, zlib.error) as exc:
        raise _corrupt(p, exc) from None
    if len(header) > _MAX_COLUMNS:
        raise ImportFormatError(f"{p}: the header has {len(header)} columns; a MAF has far fewer (tab-separated)")
    index: dict[str, int] = {}
    for i, c in enumerate(header):
        index.setdefault(c.lower(), i)
    missing = [c for c in MAF_REQUIRED if c.lower() not in index]
    if missing:
        raise ImportFormatError(
            f"{p}: MAF lacks column(s) {', '.join(missing)}; needs {', '.join(MAF_REQUIRED)} and a protein column "
            f"({', '.join(PROTEIN_COLUMNS[:5])} ...)"
        )
    protein_idx = list(dict.fromkeys(index[c.lower()] for c in PROTEIN_COLUMNS if c.lower() in index))
    if not protein_idx:
        raise ImportFormatError(
            f"{p}: MAF has no protein-change column; give one of {', '.join(PROTEIN_COLUMNS[:6])} ..."
        )
    protein_cols = [header[i] for i in protein_idx]
    i_sym, i_class, i_sample = (index[c.lower()] for c in MAF_REQUIRED)
    i_tumor = next((index[c.lower()] for c in TUMOR_COLUMNS if c.lower() in index), None)
    resolve = lenient_resolver(kb)
    gene_cache: dict[str, str | None] = {}
    #: (gene cell, protein cells, class cell) -> the row's alteration (or a skip/bad marker) and the identity of
    #: the first equal alteration read (``canon``), so that a sample's duplicates are found by identity, not by
    #: hashing every row's alteration again
    alt_cache: dict[tuple[str, tuple[str, ...], str], tuple[Alteration | tuple[str, str] | None, int]] = {}
    canon: dict[Alteration, Alteration] = {}
    out = ReadResult()
    out.columns["protein"] = protein_cols[0]
    extra = f" (then {', '.join(protein_cols[1:])} where it is empty)" if len(protein_cols) > 1 else ""
    out.notes.append(f"{p.name}: protein changes read from column {protein_cols[0]}{extra}")
    n_cols = len(header)
    samples, status = out.samples, out.status
    seen: dict[str, set[int]] = {}
    tumors: dict[str, str] = {}
    rows = 0
    try:
        with _open_text(p) as fh:
            for line_no, raw in enumerate(fh, start=1):
                if line_no <= skip + 1:
                    continue
                line = raw.rstrip("\r\n")
                if not line:
                    continue
                cells = line.split("\t")
                if len(cells) != n_cols:
                    if len(cells) > n_cols:
                        raise ImportFormatError(
                            f"{p}:{line_no}: {len(cells)} tab-separated fields where the header has {n_cols}; "
                            "a MAF is tab-separated with one value per header column"
                        )
                    cells += [""] * (n_cols - len(cells))
                rows += 1
                sample = cells[i_sample].strip()
                if not sample:
                    out.bad_rows.append(BadRow(str(p), line_no, "Tumor_Sample_Barcode", "empty sample barcode"))
                    continue
                st = status.get(sample)
                if st is None:
                    st = status[sample] = SampleStatus()
                    samples[sample] = SampleProfile(sample)
                    seen[sample] = set()
                if i_tumor is not None and sample not in tumors:
                    t = cells[i_tumor].strip()
                    if t and t not in ("NA", "nan", "."):
                        tumors[sample] = t
                st.rows += 1
                key = (cells[i_sym], tuple(cells[i] for i in protein_idx), cells[i_class])
                hit = alt_cache.get(key)
                if hit is None:
                    h, col = "", protein_cols[0]
                    for c, v in zip(protein_cols, key[1], strict=True):
                        h = _protein_value(v)
                        if h:
                            col = c
                            break
                    made = _maf_alteration(key[0], h, key[2], col, resolve, gene_cache)
                    ident = id(canon.setdefault(made, made)) if isinstance(made, Alteration) else 0
                    hit = alt_cache[key] = (made, ident)
                alt = hit[0]
                if isinstance(alt, tuple):
                    out.bad_rows.append(BadRow(str(p), line_no, alt[0], alt[1]))
                    st.rejected += 1
                    given = next((c.strip() for c in key[1] if c.strip()), "") or key[2].strip() or "row"
                    samples[sample].skip(f"{key[0].strip() or '(no gene)'} {given}",
                                         f"not read (line {line_no}, field {alt[0]}): {alt[1]}")
                    continue
                if alt is None:
                    st.skipped += 1
                    samples[sample].skip(f"{key[0]} {key[2] or 'unclassified'} row")
                    continue
                st.parsed += 1
                mine = seen[sample]
                if hit[1] not in mine:  # equal alterations share the identity of the first one read
                    mine.add(hit[1])
                    samples[sample].alterations.append(alt)
    except ImportFormatError:
        raise
    except (ValueError, OSError, EOFError, zlib.error) as exc:
        raise _corrupt(p, exc) from None
    out.rows = rows
    out.finish()
    _maf_tumors(p, comments, header[i_tumor] if i_tumor is not None else None, tumors, kb, out)
    return out


def _maf_alteration(
    sym: str, h: str, vclass: str, col: str, resolve: Any, gene_cache: dict[str, str | None]
) -> Alteration | tuple[str, str] | None:
    """The alteration of one MAF row, ``None`` to skip silently, or ``(field, message)``."""
    vclass = vclass.strip()
    if vclass in MAF_NONCODING:
        return None
    sym = sym.strip()
    if not sym or sym == "Unknown":
        return ("Hugo_Symbol", "empty gene symbol")
    if sym not in gene_cache:
        gene_cache[sym] = resolve(sym) or sym
    gene = gene_cache[sym] or sym
    pc = parse_protein_change(h) if h else None
    if pc is not None:
        if pc.kind == "synonymous":
            return None
        return normalise(Alteration(kind="protein", gene=gene, protein=pc, text=f"{sym} {h}"))
    if vclass in MAF_SPLICE:
        m = _SPLICE_CODON_RE.match(h)
        codon = int(m[1]) if m else None
        return Alteration(
            kind="mutation", gene=gene, qualifier="splice", codon_start=codon, text=f"{sym} {h or vclass}"
        )
    if vclass in MAF_CODING:
        return (col, f"cannot read protein change {clip(h)} for {clip(sym, 20)} {vclass}")
    return ("Variant_Classification", f"unknown class {clip(vclass)}")


_SPLICE_CODON_RE = re.compile(r"^(?:p\.)?[X*]?([1-9]\d{0,5})_splice$", re.IGNORECASE)


# ------------------------------------------------------------------------ VCF
def _csq_fields(description: str) -> list[str]:
    """Field names of a VEP CSQ / SnpEff ANN header description."""
    d = description.strip().strip('"')
    if "Format:" in d:
        d = d.split("Format:", 1)[1]
    elif "'" in d:
        d = d.split("'")[1]
    return [f.strip().strip("'\" ") for f in d.split("|")]


@contextmanager
def _captured_fd2() -> Iterator[list[str]]:
    """Collect what C code (htslib, under cyvcf2) writes to file descriptor 2, instead of showing it."""
    lines: list[str] = []
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except OSError:
        yield lines
        return
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            lines += [x for x in tmp.read().decode("utf-8", "replace").splitlines() if x.strip()]


def _check_vcf_header(p: Path) -> None:
    try:
        with _open_text(p) as fh:
            first = fh.readline(200)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFormatError(f"{p}: cannot read as VCF ({clip(exc, 80)})") from None
    if not first.startswith("##fileformat=VCF"):
        raise ImportFormatError(
            f"{p}: not a VCF: the first line must be '##fileformat=VCFv4.x' (found {clip(first.strip(), 40)})"
        )


def read_vcf(path: str | Path, kb: Knowledge | None = None) -> ReadResult:
    """Read a VCF annotated by VEP (INFO/CSQ) or SnpEff (INFO/ANN) with cyvcf2.

    One profile per sample column (a variant belongs to a sample whose genotype carries
    it: 0/1, 1/1 ...); without sample columns, one profile named after the file.
    Only PASS (or unfiltered) records are read. The canonical transcript (VEP
    ``CANONICAL=YES``) is preferred, else the first annotation with a protein change.

    Every record a sample does not get annotated is listed in that sample's ``skipped``
    with its reason (``skip_reasons``), the first that holds: genotype 0/0 (not carried),
    a missing genotype (no call), a FILTER other than PASS, no annotation, no protein
    effect (synonymous, intronic ...), a protein change that cannot be read (also in
    ``bad_rows``). ``notes`` count them per sample. Low-level parser (htslib) warnings
    are collected into ``notes``, not printed.
    """
    import warnings

    p = Path(path)
    _check_vcf_header(p)
    with _captured_fd2() as c_warnings, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = _read_vcf(p, kb)
        except OncoresistError:
            raise
        except (UnicodeError, ValueError, KeyError, IndexError, OSError) as exc:  # cyvcf2 decoding a corrupt header
            raise ImportFormatError(f"{p}: cannot read as VCF ({clip(exc, 80)})") from None
    if c_warnings:
        out.notes.append(
            f"{p.name}: {len(c_warnings)} low-level VCF parser message(s) hidden; first: {clip(c_warnings[0], 100)}"
        )
    return out


def _read_vcf(p: Path, kb: Knowledge | None) -> ReadResult:
    from cyvcf2 import VCF

    try:
        vcf = VCF(str(p))
    except Exception as exc:
        raise ImportFormatError(f"{p}: cannot read as VCF ({clip(exc, 80)})") from None
    try:
        return _vcf_records(p, vcf, kb)
    finally:
        vcf.close()


#: up to this many samples, the VCF reader's note on calls not annotated is one line per sample
_NOTE_SAMPLES = 5


def _vcf_records(p: Path, vcf: Any, kb: Knowledge | None) -> ReadResult:
    key, fields = None, []
    for tag in ("CSQ", "ANN"):
        try:
            desc = vcf.get_header_type(tag)["Description"]
        except KeyError:
            continue
        key, fields = tag, _csq_fields(desc)
        break
    if key is None:
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
        raise ImportFormatError(
            f"{p}: INFO/{key} lacks {names['gene']} or {names['hgvsp']} fields; re-run the annotator"
        )
    has_samples = bool(vcf.samples)
    samples = list(vcf.samples) or [p.stem]
    header_lines = vcf.raw_header.count("\n")
    resolve = lenient_resolver(kb)
    out = ReadResult()
    out.columns["protein"] = f"INFO/{key} {names['hgvsp']}"
    for sp_name in samples:
        out.sample(sp_name)
    hom_ref = dict.fromkeys(samples, 0)
    no_call = dict.fromkeys(samples, 0)
    filtered = dict.fromkeys(samples, 0)
    n = -1
    try:
        for n, v in enumerate(vcf):
            line = header_lines + n + 1
            out.rows += 1
            if has_samples:
                gts = list(v.gt_types)
                carriers = [s for s, g in zip(samples, gts, strict=True) if g in (1, 3)]
                hom = [s for s, g in zip(samples, gts, strict=True) if g == 0]
                missing = [s for s, g in zip(samples, gts, strict=True) if g == 2]
            else:
                carriers, hom, missing = samples, [], []
            ann = v.INFO.get(key)
            alt = _vcf_alteration(str(ann), col, resolve) if ann else None
            what = _vcf_label(v, str(ann) if ann else "", col, alt)
            # every sample that does not get the record annotated lists it once, with the first reason that holds:
            # its genotype (not carried, not called), then the record's FILTER, then what the annotation says
            for s in hom:
                hom_ref[s] += 1
                out.sample(s).skip(what, f"genotype 0/0 in sample {s}: the variant is not carried; not annotated")
            for s in missing:
                no_call[s] += 1
                out.sample(s).skip(what, f"missing genotype (./.) in sample {s}: no call; not annotated")
            if v.FILTER not in (None, "PASS", "."):
                for s in carriers:
                    filtered[s] += 1
                    out.sample(s).skip(
                        what, f"FILTER {str(v.FILTER)[:40]} (not PASS) at line {line}: a filtered call is not annotated"
                    )
                continue
            if not ann:
                for s in carriers:
                    out.sample(s).skip(what, f"no INFO/{key} annotation at line {line}: not annotated")
                continue
            if alt is None:
                for s in carriers:
                    out.count(s, "skipped")
                    out.sample(s).skip(what)
                continue
            if isinstance(alt, str):
                out.bad_rows.append(BadRow(str(p), line, f"INFO/{key}", alt))
                for s in carriers:
                    out.count(s, "rejected")
                    out.sample(s).skip(what, f"not read (line {line}, INFO/{key}): {alt}")
                continue
            for s in carriers:
                out.count(s, "parsed")
                out.sample(s).add(alt)
    except ImportFormatError:
        raise
    except Exception as exc:
        raise ImportFormatError(f"{p}: VCF record {n + 2} cannot be read ({clip(exc, 80)})") from None
    counted = [s for s in samples if hom_ref[s] or no_call[s] or filtered[s]]
    if len(counted) > _NOTE_SAMPLES:  # a cohort VCF: one note, not one per sample
        out.notes.append(
            f"{p.name}: {len(counted)} samples have calls that are not annotated ({sum(hom_ref.values())} with "
            f"genotype 0/0, {sum(no_call.values())} with a missing genotype, {sum(filtered.values())} carried but "
            "not PASS, in all); each is listed in its sample's uncovered inputs with its reason"
        )
        counted = []
    for s in counted:
        out.notes.append(
            f"{p.name}: sample {s}: {hom_ref[s]} call(s) with genotype 0/0, {no_call[s]} with a missing genotype "
            f"and {filtered[s]} carried call(s) that did not pass FILTER are not annotated (each is listed in the "
            "sample's uncovered inputs with its reason)"
        )
    return out.finish()


def _csq_get(e: list[str], col: dict[str, int | None], k: str) -> str:
    i = col[k]
    return e[i].strip() if i is not None and i < len(e) else ""


def _csq_ordered(ann: str, col: dict[str, int | None]) -> list[list[str]]:
    """The annotations of one record, canonical transcript(s) first."""
    entries = [e.split("|") for e in ann.split(",")]
    canonical = [e for e in entries if _csq_get(e, col, "canonical") == "YES"]
    return canonical + [e for e in entries if e not in canonical]


def _vcf_label(v: Any, ann: str, col: dict[str, int | None], alt: Alteration | str | None) -> str:
    """How a record not annotated is named in a sample's uncovered inputs.

    The alteration when it was read (``KRAS G12V``), else the gene and consequence as the MAF reader names a row
    (``EGFR synonymous_variant row``), else the position (``chr12:25245350 C>A``).
    """
    if isinstance(alt, Alteration):
        return alt.name
    for e in _csq_ordered(ann, col) if ann else []:
        sym, term = _csq_get(e, col, "gene"), _csq_get(e, col, "csq").split("&")[0]
        if sym:
            return f"{sym} {term or 'unclassified'} row"
    alts = ",".join(str(a) for a in (getattr(v, "ALT", None) or [])) or "."
    return f"{v.CHROM}:{v.POS} {str(v.REF)[:20]}>{alts[:20]}"


def _vcf_alteration(ann: str, col: dict[str, int | None], resolve: Any) -> Alteration | str | None:
    def get(e: list[str], k: str) -> str:
        return _csq_get(e, col, k)

    ordered = _csq_ordered(ann, col)
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
    h = _protein_value(get(chosen, "hgvsp"))
    if h:
        pc = parse_protein_change(h)
        if pc is None:
            return f"cannot read protein change {clip(h)} for {clip(sym, 20)}"
        if pc.kind == "synonymous":
            return None
        return normalise(Alteration(kind="protein", gene=gene, protein=pc, text=f"{sym} {h}"))
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
    try:
        with _open_text(p) as fh:
            rows = [(i + 1, line) for i, line in enumerate(fh) if line.strip() and not line.startswith("#")]
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFormatError(f"{p}: cannot read the table ({clip(exc, 80)})") from None
    if not rows:
        raise ImportFormatError(f"{p}: empty table; expected a header 'sample<TAB>gene<TAB>alteration'")
    header_line, header = rows[0]
    try:
        cols = [c.strip().lower() for c in next(csv.reader([header.replace("\0", "")], delimiter="\t"))]
    except (csv.Error, StopIteration):
        cols = []
    missing = [c for c in ("sample", "gene", "alteration") if c not in cols]
    if missing:
        raise ImportFormatError(
            f"{p}:{header_line}: table lacks column(s) {', '.join(missing)}; "
            "needs sample, gene, alteration (tab-separated)"
        )
    i_s, i_g, i_a = cols.index("sample"), cols.index("gene"), cols.index("alteration")
    for line_no, line in rows[1:]:
        out.rows += 1
        try:
            cells = next(csv.reader([line.rstrip("\r\n")], delimiter="\t"))
        except (csv.Error, StopIteration) as exc:
            out.bad_rows.append(BadRow(str(p), line_no, "(line)", f"not a tab-separated row ({clip(exc, 60)})"))
            continue
        cells += [""] * (len(cols) - len(cells))
        sample, gene, text = cells[i_s].strip(), cells[i_g].strip(), cells[i_a].strip()
        if not sample:
            out.bad_rows.append(BadRow(str(p), line_no, "sample", "empty sample"))
            continue
        if not text:
            out.bad_rows.append(BadRow(str(p), line_no, "alteration", "empty alteration"))
            out.count(sample, "rejected")
            out.sample(sample).skip(f"{gene or '(no gene)'} (empty)", f"not read (line {line_no}): empty alteration")
            continue
        full = text
        if gene and "::" not in text and not text.upper().startswith(gene.upper()):
            full = f"{gene} {text}"
        extra = {gene.upper(): (kb.resolve_gene(gene) if kb else None) or gene.upper()} if gene else None
        try:
            alt = normalise(parse_alteration(full, lenient_resolver(kb, extra)))
        except OncoresistError as exc:
            out.bad_rows.append(BadRow(str(p), line_no, "alteration", str(exc)))
            out.count(sample, "rejected")
            out.sample(sample).skip(full, f"not read (line {line_no}, field alteration): {exc}")
            continue
        out.count(sample, "parsed")
        out.sample(sample).add(alt)
    return out.finish()
