"""Rendering an :class:`~oncoresist.annotate.result.AnnotationResult`: terminal table,
Markdown and a self-contained HTML report (inline CSS, no scripts, no network)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncoresist.annotate.result import DISCLAIMER
from oncoresist.annotate.verdict import SET_ASIDE

if TYPE_CHECKING:
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.knowledge.index import Knowledge

TEMPLATE_DIR = Path(__file__).parent / "templates"
_VERDICT_STYLE = {"resistant": "bold red", "sensitive": "bold green", "unknown": "bold yellow"}


def source_url(source: str) -> str | None:
    """A link for a source id: PMID → PubMed, DOI → doi.org; labels and guidelines have none."""
    if source.startswith("PMID:"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{source[5:]}/"
    if source.startswith("DOI:"):
        return f"https://doi.org/{source[4:]}"
    return None


def _sources(ids: list[str] | tuple[str, ...], kb: Knowledge | None) -> list[dict[str, Any]]:
    out = []
    for s in ids:
        src = kb.sources.get(s) if kb is not None else None
        out.append({"id": s, "url": source_url(s), "citation": src.citation if src else ""})
    return out


def _mechanism(mid: str | None, kb: Knowledge | None) -> tuple[str, str]:
    if mid is None:
        return ("", "")
    m = kb.mechanisms.get(mid) if kb is not None else None
    return (m.name, m.description) if m else (mid.replace("_", " "), "")


STATUS_TEXT = {
    "decisive": "decided the verdict",
    "tied": "tied with contrary evidence",
    "outweighed": "outweighed by stronger contrary evidence",
    "overcome": "overcome within the regimen",
    "outranked": "outranked by regimen-level evidence",
    "lower_standing": "recorded only in other tumour types (lower standing)",
}


def status_text(status: str, note: str = "") -> str:
    """A finding's status in words; a decisive sensitivity that a resistance on another alteration set aside
    (its note starts with ``verdict.SET_ASIDE``) did not decide the verdict, so it does not say it did."""
    if status == "decisive" and note.startswith(SET_ASIDE):
        return "stands, but did not decide the verdict"
    return STATUS_TEXT.get(status, status)


TUMOR_RELATION_TEXT = {
    "any": "evidence from any tumour type",
    "same": "evidence in this tumour type",
    "ancestor": "evidence in a broader tumour type",
    "descendant": "evidence in a subtype",
    "sibling": "evidence in a related tumour type (lower standing)",
    "unrelated": "evidence in another tumour type (lower standing)",
    "not_assessed": "tumour type not given",
}
"""A finding's ``tumor_relation`` (docs/annotate.md, "Tumour type") in words for the reports."""


def databases_text(f: dict[str, Any]) -> str:
    """``curated 1, civic 3 (EID12, EID34, ...), cgi 2``."""
    parts = []
    for db, d in f["databases"].items():
        recs = d["records"]
        shown = ", ".join(recs[:4]) + (", ..." if len(recs) > 4 else "")
        parts.append(f"{db} {d['n']} ({shown})")
    return "; ".join(parts)


def tumor_name(code: str | None, kb: Knowledge | None) -> str | None:
    """The words for a tumour code (``Knowledge.tumor_label``: a set such as ``BLL|TLL`` reads "B-Lymphoblastic
    Leukemia/Lymphoma or T-Lymphoblastic …"); ``None`` without a code, a knowledge, or for an unknown code."""
    if not code or kb is None or (code not in kb.tumors and kb.tumor_set(code) is None):
        return None
    return kb.tumor_label(code)


def _context(result: AnnotationResult, kb: Knowledge | None) -> dict[str, Any]:
    tumor_name_ = tumor_name(result.tumor, kb)
    findings = []
    for f in result.findings:
        name, desc = _mechanism(f.mechanism, kb)
        d = f.to_dict()
        findings.append({**d, "mechanism_name": name, "mechanism_description": desc,
                         "source_links": _sources(f.sources, kb), "tumors": f.tumors,
                         "status_text": status_text(f.status, f.note),
                         "tumor_relation_text": TUMOR_RELATION_TEXT.get(f.tumor_relation, f.tumor_relation),
                         "databases_text": databases_text(d)})  # fmt: skip
    groups: dict[str, list[dict[str, Any]]] = {}
    for fd in findings:
        groups.setdefault(fd["alteration"], []).append(fd)
    options = [{**o.to_dict(), "source_links": _sources(o.sources, kb)} for o in result.options]
    return {
        "r": result.to_dict(),
        "sample": result.sample,
        "tumor_name": tumor_name_,
        "alterations": list(result.alterations),
        "findings": findings,
        "groups": [{"alteration": a, "findings": fs} for a, fs in groups.items()],
        "options": options,
        "conflicts": [c.to_dict() for c in result.conflicts],
        "disclaimer": DISCLAIMER,
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def to_html(result: AnnotationResult, knowledge: Knowledge | None = None) -> str:
    """A self-contained HTML report (inline CSS; links to PubMed/doi.org only as hyperlinks)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    return env.get_template("annotation.html.j2").render(**_context(result, knowledge))


HTML_SUFFIXES = (".html", ".htm")


def write_html(result: AnnotationResult, path: str | Path, knowledge: Knowledge | None = None) -> Path:
    """Write :func:`to_html` to ``path`` atomically (``path`` is checked first; errors name ``html``)."""
    from oncoresist._io import check_output_file, write_text_atomic

    dest = check_output_file(path, param="html", suffixes=HTML_SUFFIXES)
    return write_text_atomic(dest, to_html(result, knowledge))


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(result: AnnotationResult, knowledge: Knowledge | None = None) -> str:
    """The result as Markdown (headings, a findings table, options, sources as links)."""
    ctx = _context(result, knowledge)
    r = ctx["r"]
    lines = ["# Resistance annotation", ""]
    if result.sample:
        lines.append(f"- **Sample:** {result.sample}")
    tumor = f"{r['tumor']} ({ctx['tumor_name']})" if ctx["tumor_name"] else (r["tumor"] or "not given")
    lines += [
        f"- **Tumour type:** {tumor}",
        f"- **Drug(s):** {', '.join(r['drug'])}",
        f"- **Alterations:** {', '.join(ctx['alterations']) or 'none'}",
        f"- **Verdict:** **{r['verdict']}**",
        "",
        "## Findings",
        "",
    ]
    if result.tumor is None:
        lines += ["*Tumour-agnostic query: no tumour type given; tumour-specific evidence is marked.*", ""]
    lines += [f"Verdict reason: {result.verdict_reason}", ""] if result.verdict_reason else []
    if ctx["findings"]:
        for g in ctx["groups"]:
            lines += [f"### {_md_escape(g['alteration'])}", "",
                      "| Effect | Drugs | Mechanism | Level | Tumour | Status | Evidence | Sources |",
                      "|---|---|---|---|---|---|---|---|"]  # fmt: skip
            for f in g["findings"]:
                srcs = ", ".join(f"[{s['id']}]({s['url']})" if s["url"] else s["id"] for s in f["source_links"][:6])
                more = f" (+{len(f['source_links']) - 6})" if len(f["source_links"]) > 6 else ""
                lines.append(
                    f"| {f['effect']} | {', '.join(f['drugs'])} | {f['mechanism'] or '-'} | {f['evidence_level']} | "
                    f"{f['tumor_relation']} | {f['status']} | {_md_escape(f['databases_text'])} | "
                    f"{_md_escape(srcs + more)} |"
                )
            lines.append("")
            for f in g["findings"]:
                label = f" ({f['mechanism_name']})" if f["mechanism_name"] else ""
                note = f" *{_md_escape(f['note'])}*" if f["note"] else ""
                lines.append(f"- **{f['effect']}**{label}: {_md_escape(f['summary'])}{note}")
            lines.append("")
    elif "no knowledge applies" not in result.verdict_reason:  # the verdict reason above may say it already
        lines += ["No knowledge applies to these alterations for the drug(s) given.", ""]
    if ctx["conflicts"]:
        lines += ["## Conflicts", ""]
        for c in ctx["conflicts"]:
            lines.append(
                f"- {c['side']} evidence on {_md_escape(c['alteration'])} ({', '.join(c['drugs'])}, level "
                f"{c['evidence_level']}, {', '.join(c['sources'][:4])}): {c['resolution']}; against {c['against']}"
            )
        lines.append("")
    lines += ["## Options", ""]
    if ctx["options"]:
        for o in ctx["options"]:
            srcs = ", ".join(f"[{s['id']}]({s['url']})" if s["url"] else s["id"] for s in o["source_links"])
            warn = f" **Warning:** {'; '.join(o['warnings'])}." if o["warnings"] else ""
            lines.append(
                f"- **{' + '.join(o['therapy'])}** (level {o['evidence_level']}, {o['basis'].replace('_', ' ')}; "
                f"addresses {', '.join(o['addresses'])}): {_md_escape(o['rationale'])}{warn} "
                f"{('— ' + srcs) if srcs else ''}".rstrip()
            )
    else:
        lines.append("None from the knowledge.")
    lines.append("")
    if r["unrecognised_detail"]:
        lines += ["## Unrecognised", ""]
        lines += [f"- {u['input']} ({u['kind']}): {u['reason']}" for u in r["unrecognised_detail"]]
        lines.append("")
    lines += [
        f"Knowledge version {r['knowledge_version']}; oncoresist {r['oncoresist_version']}.",
        "",
        f"*{DISCLAIMER}*",
        "",
    ]
    return "\n".join(lines)


#: below this console width the findings and options are printed one per block, not as tables
NARROW_COLUMNS = 110


def print_rich(result: AnnotationResult, console: Any, knowledge: Knowledge | None = None) -> None:
    """Print the result as Rich tables to ``console`` (one block per finding on a console narrower than
    :data:`NARROW_COLUMNS`)."""
    from rich.table import Table

    r = result.to_dict()
    style = _VERDICT_STYLE[result.verdict]
    head = f"[{style}]{result.verdict.upper()}[/] for {' + '.join(r['drug'])}"
    if result.tumor:
        from rich.markup import escape

        words = tumor_name(result.tumor, knowledge)
        head += f" in {result.tumor}" + (f" ({escape(words)})" if words else "")
    else:
        head += " (tumour-agnostic: no tumour type given)"
    if result.sample:
        head = f"{result.sample}: {head}"
    console.print(head)
    narrow = console.width < NARROW_COLUMNS  # eight columns in 80 would fold every word: one finding per block
    if result.findings and narrow:
        from rich.markup import escape

        console.print("[bold]Findings (best evidence first)[/]")
        for f in result.findings:
            eff = {"resistance": "red", "reduced_sensitivity": "yellow", "sensitivity": "green"}[f.effect]
            console.print(f"• [bold]{escape(f.alteration)}[/]: [{eff}]{f.effect.replace('_', ' ')}[/] to "
                          f"{escape(', '.join(f.drugs))}; {f.mechanism or 'no mechanism class'}; level "
                          f"{f.evidence_level}; {TUMOR_RELATION_TEXT.get(f.tumor_relation, f.tumor_relation)}; "
                          f"{status_text(f.status, f.note)}")  # fmt: skip
            console.print(f"  [dim]evidence: {escape(databases_text(f.to_dict()))}[/]")
    elif result.findings:
        t = Table(title="Findings (best evidence first)", show_lines=False)
        for col in ("Alteration", "Effect", "Drugs", "Mechanism", "Level", "Tumour", "Status", "Evidence"):
            t.add_column(col, overflow="fold")
        for f in result.findings:
            eff = {"resistance": "red", "reduced_sensitivity": "yellow", "sensitivity": "green"}[f.effect]
            t.add_row(f.alteration, f"[{eff}]{f.effect}[/]", ", ".join(f.drugs), f.mechanism or "-",
                      f.evidence_level, f.tumor_relation, f.status, databases_text(f.to_dict()))  # fmt: skip
        console.print(t)
    elif not result.verdict_reason or "no knowledge applies" not in result.verdict_reason:
        console.print("No knowledge applies to these alterations for the drug(s) given.")
    if result.options and narrow:
        from rich.markup import escape

        console.print("[bold]Options that overcome the resistance found[/]")
        for o in result.options:
            console.print(f"• [bold]{escape(' + '.join(o.therapy))}[/] (level {o.evidence_level}; addresses "
                          f"{escape(', '.join(o.addresses))}): {escape(o.rationale)}")  # fmt: skip
    elif result.options:
        t = Table(title="Options that overcome the resistance found")
        for col in ("Therapy", "Addresses", "Level", "Rationale"):
            t.add_column(col, overflow="fold")
        for o in result.options:
            t.add_row(" + ".join(o.therapy), ", ".join(o.addresses), o.evidence_level, o.rationale)
        console.print(t)
    if result.verdict_reason:
        console.print(f"[dim]Verdict: {result.verdict_reason}[/]")
    for c in result.conflicts:
        console.print(f"[yellow]Conflict:[/] {c.side} on {c.alteration} (level {c.evidence_level}): {c.resolution}; "
                      f"against {c.against}")  # fmt: skip
    for reason, inputs in _unmatched_groups(result).items():
        console.print(f"[dim]No knowledge for {', '.join(inputs)}: {reason}[/]")
    # the version token must stay copyable: never wrapped
    console.print(f"[dim]knowledge {result.knowledge_version}; oncoresist {result.oncoresist_version}[/]",
                  soft_wrap=True)  # fmt: skip
    console.print(f"[dim]{DISCLAIMER}[/]")


#: the reason of an input whose gene no fact names (``annotate.engine``); several such inputs share one line
_NO_GENE_FACT = "no fact or option in the knowledge names "


def _unmatched_groups(result: AnnotationResult) -> dict[str, list[str]]:
    """Valid inputs the knowledge has nothing on, grouped by reason (one line per gene, not per change).

    Inputs whose genes no fact names share one line (a real MAF sample has dozens: TCGA-AB-3009 of TCGA AML
    had 18 lines "No knowledge for ABCB11 A1283V: no fact or option in the knowledge names ABCB11", ...)."""
    no_gene = [u for u in result.unrecognised_detail if u.kind == "alteration" and u.reason.startswith(_NO_GENE_FACT)]
    merged = len(no_gene) > 1
    groups: dict[str, list[str]] = {}
    for u in result.unrecognised_detail:
        if merged and u in no_gene:
            key = _NO_GENE_FACT + "these genes"
        else:
            key = f"{u.reason} ({u.kind})" if u.kind != "alteration" else u.reason
        groups.setdefault(key, []).append(u.input)
    return groups
