"""The public annotation API: names in, :class:`AnnotationResult` out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from oncoresist.alteration import Alteration
from oncoresist.annotate.engine import Annotator
from oncoresist.annotate.result import AnnotationResult, Unrecognised
from oncoresist.errors import AlterationSyntaxError, InvalidArgument, OncoresistError, UnknownNameError
from oncoresist.knowledge.index import normalize_name
from oncoresist.knowledge.vocabulary import regimen_names, regimens, resolve_therapy
from oncoresist.profile.observed import SampleProfile, parse_observed_many, skip_reason
from oncoresist.profile.schema import Profile
from oncoresist.suggest import closest

if TYPE_CHECKING:
    from oncoresist.knowledge.index import Knowledge

_ANNOTATORS: dict[tuple[int, bool], tuple[Knowledge, str, Annotator]] = {}

ProfileLike = Profile | SampleProfile | str | Alteration | Sequence[str | Alteration]


def _knowledge(knowledge: Knowledge | None) -> Knowledge:
    if knowledge is not None:
        return knowledge
    from oncoresist.knowledge.loader import load_knowledge

    return load_knowledge()


def annotator_for(knowledge: Knowledge | None = None, *, cache: bool = True) -> Annotator:
    """The (cached) :class:`Annotator` of a knowledge object; default: :func:`load_knowledge`.

    One annotator per knowledge object and version: its memo tables never outlive the
    knowledge they were computed from. ``cache=False`` gives an annotator that memoises
    nothing (the reference path; slow).
    """
    kb = _knowledge(knowledge)
    hit = _ANNOTATORS.get((id(kb), cache))
    if hit is None or hit[0] is not kb or hit[1] != kb.version:
        if len(_ANNOTATORS) >= 4:
            _ANNOTATORS.clear()
        hit = _ANNOTATORS[(id(kb), cache)] = (kb, kb.version, Annotator(kb, cache=cache))
    return hit[2]


def resolve_drugs(drug: str | Sequence[str] | None, kb: Knowledge) -> list[str]:
    """Generic names for drug names (generic, brand or code) and named regimens; UnknownNameError with suggestions.

    A named regimen (``FCR``, ``FOLFOX``, ``R-CHOP``, ``7+3``: ``knowledge/data_vocabulary/regimens.yaml``) is its
    drugs given together, as are names joined by ``+`` (``FOLFOX + bevacizumab``). A name that is neither a drug
    nor a regimen is an error naming it, with the closest drug and regimen names.
    """
    items = [drug] if isinstance(drug, str) else list(drug or [])
    out: list[str] = []
    for d in items:
        text = " ".join(str(d).split())
        parts = [text] if normalize_name(text) in regimens() else text.split("+")
        for part in parts:
            if part.strip():
                for name in _drug_names(part.strip(), kb):
                    if name not in out:
                        out.append(name)
    return out


def _drug_names(text: str, kb: Knowledge) -> tuple[str, ...]:
    """The generic name(s) one drug or regimen name stands for (:func:`resolve_therapy`: drugs and regimens)."""
    term = resolve_therapy(kb, text)
    if term is not None and term.kind in ("drug", "regimen"):
        return tuple(kb.drug(d) for d in term.drugs)  # a regimen's drug missing from the knowledge is named
    names = list(kb.drugs) + [s for d in kb.drugs.values() for s in d.synonyms] + list(regimen_names())
    raise UnknownNameError(
        "drug or regimen" if term is None else "drug (that is a drug class: give one of its drugs)", text,
        closest(text, names, n=3),
    )


def resolve_tumor(tumor: str | None, kb: Knowledge) -> str | None:
    """OncoTree code for a code or common name (``None`` stays ``None``)."""
    if tumor is None or not str(tumor).strip():
        return None
    token = str(tumor).strip()
    if token in kb.tumors:  # an exact code (also codes such as DOID_1234 that name-normalising would miss)
        return token
    return kb.tumor(token)


def _observations(
    profile: ProfileLike, kb: Knowledge
) -> tuple[list[Alteration], str | None, list[str], str | None, list[tuple[str, str]]]:
    """(alterations, tumour, drugs, sample, (line, reason) of the lines read and not weighed) from any accepted
    profile form; a stated absence ("EGFR T790M not detected") or a context line ("tumour content 40%") is no
    alteration, kept apart so that the result accounts for it (profile.observed.skip_reason)."""
    if isinstance(profile, SampleProfile):
        return list(profile.alterations), profile.tumor, list(profile.drugs), profile.sample or None, []
    alts: list[Alteration] = []
    absent: list[tuple[str, str]] = []
    if isinstance(profile, Profile):
        for i, text in enumerate(profile.alteration_texts()):
            if (reason := skip_reason(text, kb)) is not None:
                absent.append((text, reason))
                continue
            try:
                alts.extend(parse_observed_many(text, kb))
            except UnknownNameError:
                raise
            except OncoresistError as exc:
                raise AlterationSyntaxError(f"profile field 'alterations[{i}]': {exc}") from None
        return alts, profile.tumor, list(profile.drugs), profile.sample, absent
    items: Sequence[str | Alteration] = [profile] if isinstance(profile, str | Alteration) else list(profile)
    for a in items:
        if isinstance(a, Alteration):
            alts.append(a)
        elif (reason := skip_reason(a, kb)) is not None:
            absent.append((a, reason))
        else:
            alts.extend(parse_observed_many(a, kb))
    return alts, None, [], None, absent


def annotate(
    profile: ProfileLike,
    *,
    drug: str | Sequence[str] | None = None,
    tumor: str | None = None,
    knowledge: Knowledge | None = None,
) -> AnnotationResult:
    """Annotate a tumour profile for the drug(s) given.

    Parameters
    ----------
    profile
        A :class:`~oncoresist.profile.schema.Profile`, a
        :class:`~oncoresist.profile.observed.SampleProfile`, one alteration string or a
        list of them (``["EGFR L858R", "EGFR T790M"]``), or parsed alterations.
    drug
        Drug name(s) given together: generic, brand (``Tagrisso``) or code; several as a
        list or joined with ``+``. Default: the profile's ``drugs``.
    tumor
        OncoTree code or common name (``NSCLC``, ``melanoma``). Default: the profile's.
        Without a tumour type the query is tumour-agnostic: evidence from any tumour is
        weighed, and each piece keeps the tumour types it was recorded in.
    knowledge
        The knowledge to use; default :func:`oncoresist.knowledge.load_knowledge`.

    Returns
    -------
    AnnotationResult
        Verdict (weighed by the rule of docs/annotate.md), aggregated findings, conflicts,
        options derived from the knowledge, unrecognised inputs with reasons;
        ``result.to_dict()`` is the JSON contract of ``oncoresist annotate --json``.

    Raises
    ------
    UnknownNameError
        Unknown gene, drug or tumour type (the message names the closest known names).
    AlterationSyntaxError
        An alteration cannot be read.
    """
    kb = _knowledge(knowledge)
    alts, p_tumor, p_drugs, sample, absent = _observations(profile, kb)
    drugs = resolve_drugs(drug if drug is not None else p_drugs, kb)
    if not drugs:
        raise InvalidArgument("drug: no drug given: name the drug (e.g. osimertinib) or list drugs in the profile",
                              param="drug")
    code = resolve_tumor(tumor if tumor is not None else p_tumor, kb)
    res = annotator_for(kb).annotate(alts, drugs=drugs, tumor=code, sample=sample)
    # accounted for, not weighed: a stated absence is no alteration present
    res = _with_uncovered(res, [Unrecognised(t, "alteration", why) for t, why in absent])
    return _with_skipped(res, profile) if isinstance(profile, SampleProfile) else res


def _with_skipped(res: AnnotationResult, sp: SampleProfile) -> AnnotationResult:
    """The sample's rows without a protein effect (read, not annotated) added to the uncovered inputs."""
    skipped = getattr(sp, "skipped", None)
    if not skipped:
        return res
    reasons = getattr(sp, "skip_reasons", None) or {}
    extra = [Unrecognised(what, "alteration", reasons.get(what) or _no_protein_effect(what)) for what in skipped]
    return _with_uncovered(res, extra)


def _no_protein_effect(what: str) -> str:
    """The reason for a file's row without a protein effect (``"CDK11B IGR row"`` → ``"an IGR row has …"``)."""
    cls = what.split(" ", 1)[-1].removesuffix(" row")
    article = "an" if cls[:1].upper() in "AEIOU" or cls.startswith("RNA") else "a"  # an IGR, an Intron, an RNA
    return f"{article} {cls} row has no protein effect: read, not annotated"


def _with_uncovered(res: AnnotationResult, extra: list[Unrecognised]) -> AnnotationResult:
    """``res`` with the inputs ``extra`` added to its uncovered inputs (names and reasons)."""
    if not extra:
        return res
    return replace(res, unrecognised=[*res.unrecognised, *(u.input for u in extra)],
                   unrecognised_detail=[*res.unrecognised_detail, *extra])


def annotate_samples(
    samples: Iterable[SampleProfile],
    *,
    drug: str | Sequence[str] | None = None,
    tumor: str | None = None,
    knowledge: Knowledge | None = None,
    on_result: Callable[[AnnotationResult], None] | None = None,
    cache: bool = True,
) -> Iterator[AnnotationResult]:
    """Annotate many samples (from a MAF, VCF or table) with the same drug(s) and tumour type.

    Names are resolved once; a sample's own tumour type or drugs (profile files) are
    used when ``tumor``/``drug`` are not given. ``on_result`` is called after each sample
    (progress bars). ``cache=False`` reuses no memoised work (every answer computed afresh on
    the whole profile: the same results, slowly; the reference path of the tests).
    """
    kb = _knowledge(knowledge)
    ann = annotator_for(kb, cache=cache)
    drugs = resolve_drugs(drug, kb) if drug is not None else None
    code = resolve_tumor(tumor, kb) if tumor is not None else None
    for sp in samples:
        d = drugs if drugs is not None else resolve_drugs(sp.drugs, kb)
        if not d:
            raise InvalidArgument(f"drug: no drug given for sample {sp.sample!r}: name the drug (e.g. osimertinib)",
                                  param="drug")
        t = code if tumor is not None else resolve_tumor(sp.tumor, kb)
        res = _with_skipped(ann.annotate(sp.alterations, drugs=d, tumor=t, sample=sp.sample), sp)
        read_status = getattr(sp, "status", None)
        if not sp.alterations:  # every row of the sample was rejected (or it had none): keep it, say so
            status = read_status if read_status not in (None, "", "ok") else "no alterations read"
            res = replace(res, status=str(status), verdict_reason=f"nothing to annotate: {status}")
        elif read_status not in (None, "", "ok"):  # e.g. some rows rejected: the reader's word
            res = replace(res, status=str(read_status))
        if on_result is not None:
            on_result(res)
        yield res
