"""Rendering an :class:`~oncoresist.annotate.result.AnnotationResult`: terminal table,
Markdown and a self-contained HTML report (inline CSS, no scripts, no network)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oncoresist.annotate.result import AnnotationResult
    from oncoresist.knowledge.index import Knowledge

DISCLAIMER = (
    "Research software, not a medical device. The findings summarise published evidence for research use "
    "and must not be used on their own to make treatment decisions."
)
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


def _mechanism(mid: str, kb: Knowledge | None) -> tuple[str, str]:
    m = kb.mechanisms.get(mid) if kb is not None else None
    return (m.name, m.description) if m else (mid.replace("_", " "), "")


def _context(result: AnnotationResult, kb: Knowledge | None) -> dict[str, Any]:
    tumor_name = None
    if result.tumor and kb is not None and result.tumor in kb.tumors:
        tumor_name = kb.tumors[result.tumor].name
    findings = []
    for f in result.findings:
        name, desc = _mechanism(f.mechanism, kb)
        findings.append({**f.to_dict(), "mechanism_name": name, "mechanism_description": desc,
                         "source_links": _sources(f.sources, kb), "tumors": f.tumors})  # fmt: skip
    options = [{**o.to_dict(), "source_links": _sources(o.sources, kb)} for o in result.options]
    return {
        "r": result.to_dict(),
        "sample": result.sample,
        "tumor_name": tumor_name,
        "alterations": list(result.alterations),
        "findings": findings,
        "options": options,
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


def write_html(result: AnnotationResult, path: str | Path, knowledge: Knowledge | None = None) -> Path:
    """Write :func:`to_html` to ``path`` atomically."""
    from oncoresist._io import write_text_atomic

    return write_text_atomic(path, to_html(result, knowledge))


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
    if ctx["findings"]:
        lines += [
            "| Alteration | Effect | Drugs | Mechanism | Origin | Level | Sources |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in ctx["findings"]:
            srcs = ", ".join(f"[{s['id']}]({s['url']})" if s["url"] else s["id"] for s in f["source_links"])
            lines.append(
                f"| {_md_escape(f['alteration'])} | {f['effect']} | {', '.join(f['drugs'])} | "
                f"{f['mechanism']} | {f['origin']} | {f['evidence_level']} | {_md_escape(srcs)} |"
            )
        lines.append("")
        for f in ctx["findings"]:
            lines.append(f"- **{f['alteration']}** ({f['mechanism_name']}): {f['summary']}")
        lines.append("")
    else:
        lines += ["No knowledge applies to these alterations for the drug(s) given.", ""]
    lines += ["## Options", ""]
    if ctx["options"]:
        for o in ctx["options"]:
            srcs = ", ".join(f"[{s['id']}]({s['url']})" if s["url"] else s["id"] for s in o["source_links"])
            lines.append(
                f"- **{' + '.join(o['therapy'])}** (level {o['evidence_level']}; addresses "
                f"{', '.join(o['addresses'])}): {o['rationale']} {('— ' + srcs) if srcs else ''}".rstrip()
            )
    else:
        lines.append("None from the knowledge.")
    lines.append("")
    if r["unrecognised"]:
        lines += ["## Unrecognised", "", ", ".join(r["unrecognised"]), ""]
    lines += [
        f"Knowledge version {r['knowledge_version']}; oncoresist {r['oncoresist_version']}.",
        "",
        f"*{DISCLAIMER}*",
        "",
    ]
    return "\n".join(lines)


def print_rich(result: AnnotationResult, console: Any, knowledge: Knowledge | None = None) -> None:
    """Print the result as Rich tables to ``console``."""
    from rich.table import Table

    r = result.to_dict()
    style = _VERDICT_STYLE[result.verdict]
    head = f"[{style}]{result.verdict.upper()}[/] for {' + '.join(r['drug'])}"
    if result.tumor:
        head += f" in {result.tumor}"
    if result.sample:
        head = f"{result.sample}: {head}"
    console.print(head)
    if result.findings:
        t = Table(title="Findings (best evidence first)", show_lines=False)
        for col in ("Alteration", "Effect", "Drugs", "Mechanism", "Origin", "Level", "Sources"):
            t.add_column(col, overflow="fold")
        for f in result.findings:
            eff = {"resistance": "red", "reduced_sensitivity": "yellow", "sensitivity": "green"}[f.effect]
            t.add_row(f.alteration, f"[{eff}]{f.effect}[/]", ", ".join(f.drugs), f.mechanism, f.origin,
                      f.evidence_level, ", ".join(f.sources))  # fmt: skip
        console.print(t)
    else:
        console.print("No knowledge applies to these alterations for the drug(s) given.")
    if result.options:
        t = Table(title="Options that overcome the resistance found")
        for col in ("Therapy", "Addresses", "Level", "Rationale"):
            t.add_column(col, overflow="fold")
        for o in result.options:
            t.add_row(" + ".join(o.therapy), ", ".join(o.addresses), o.evidence_level, o.rationale)
        console.print(t)
    if result.unrecognised:
        console.print(f"[dim]Unrecognised (no knowledge): {', '.join(result.unrecognised)}[/]")
    console.print(f"[dim]knowledge {result.knowledge_version}; oncoresist {result.oncoresist_version}. {DISCLAIMER}[/]")
