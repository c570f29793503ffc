"""``oncoresist kb ...``: validate, inspect and import the knowledge base."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import typer

from oncoresist.cli import app
from oncoresist.cli._args import KnowledgeOpt
from oncoresist.cli._common import console, error_boundary, fail

kb_app = typer.Typer(
    help="The resistance knowledge base: validate, stats, show, versions, import, update, bundle.", no_args_is_help=True
)
app.add_typer(kb_app, name="kb")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@kb_app.command("validate")
@error_boundary
def validate(
    curated_only: Annotated[bool, typer.Option("--curated-only", help="The curated layer alone.")] = False,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Check every knowledge file; name file, entry and field of each problem (exit 1 if any)."""
    from oncoresist.knowledge import load_knowledge
    from oncoresist.knowledge.validate import check

    kb = load_knowledge("curated" if curated_only else knowledge, validate=False)
    problems = check(kb)
    for p in problems:
        typer.echo(f"error: {p}", err=True)
    if problems:
        fail(f"{len(problems)} problem(s) in the knowledge", 1)
    console().print(
        f"[green]knowledge is valid[/green]: {len(kb.facts)} facts, {len(kb.options)} options, "
        f"{len(kb.genes)} genes, {len(kb.drugs)} drugs (version {kb.version})"
    )


@kb_app.command("stats")
@error_boundary
def stats(
    as_json: JsonOpt = False,
    curated_only: Annotated[bool, typer.Option("--curated-only", help="Count the curated layer only.")] = False,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Coverage: facts per mechanism class, genes, drugs, sources; how imported diseases map onto the OncoTree."""
    from oncoresist.knowledge import load_knowledge
    from oncoresist.knowledge.stats import coverage

    cov = coverage(load_knowledge("curated" if curated_only else knowledge), curated_only=curated_only)
    if as_json:
        typer.echo(json.dumps(cov, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"Knowledge {cov['knowledge_version']}")
    table.add_column("mechanism class")
    table.add_column("resistance facts", justify="right")
    for mech, n in cov["by_mechanism"].items():
        table.add_row(mech, str(n))
    con = console()
    con.print(table)
    con.print(
        f"facts {cov['facts']} (resistance {cov['resistance_facts']}), genes {cov['genes_in_facts']}, "
        f"drugs {cov['drugs_in_facts']}, options {cov['options']}, sources {cov['sources']}"
    )
    tm = cov["tumors"]
    con.print(
        f"tumour types {tm['types']} (OncoTree {tm['oncotree_release']}: {tm['oncotree']}); facts by scope: "
        + ", ".join(f"{k} {v}" for k, v in tm["facts_by_scope"].items())
    )
    for src, d in tm["imported_diseases"].items():
        con.print(
            f"{src} diseases: {d['distinct']} distinct; mapped by table {d['by_table']}, by name {d['by_name']}, "
            f"tumour-agnostic {d['tumor_agnostic']}; unmapped {d['unmapped']} ({d['rows_unmapped']} facts)"
        )
    if tm["unmapped"]:
        con.print("unmapped (own code, no OncoTree parent): " + "; ".join(tm["unmapped"]))


# ---------------------------------------------------------------- import / update
import_app = typer.Typer(help="Import a public evidence table (CIViC, CGI) into the knowledge.", no_args_is_help=True)
kb_app.add_typer(import_app, name="import")

PathArg = Annotated[str, typer.Argument(help="Path of the TSV file.", show_default=False)]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")]


@contextlib.contextmanager
def _knowledge_errors_exit_1() -> Iterator[None]:
    """An invalid curated or imported knowledge is exit code 1 (as in ``kb validate``), not a usage error."""
    from oncoresist.errors import KnowledgeError

    try:
        yield
    except KnowledgeError as exc:
        fail(f"invalid knowledge: {exc}", 1)


def _report(summary: dict[str, Any], written: str, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({**summary, "written": written}, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    con = console()
    table = Table(title=f"{summary['source']} import: rows not imported, by reason")
    table.add_column("reason")
    table.add_column("rows", justify="right")
    table.add_column("examples", overflow="fold")
    for item in summary["skipped"]:
        table.add_row(escape(item["reason"]), str(item["rows"]), escape("; ".join(item["examples"])))
    con.print(table)
    eff = ", ".join(f"{k} {v}" for k, v in summary["facts_by_effect"].items())
    ent = ", ".join(f"{k} {v}" for k, v in summary["new_entities"].items())
    con.print(
        f"[green]imported[/green] {summary['rows_imported']} of {summary['rows']} rows as {summary['facts']} facts "
        f"({eff}); skipped {summary['rows_skipped']} rows; new entities: {ent}"
    )
    con.print(f"written: {written}")


NameOpt = Annotated[
    str | None,
    typer.Option("--name", help="Name of the new knowledge version (default <source>-<release date>-<sha8>)."),
]
BaseOpt = Annotated[
    str, typer.Option("--base", help="Version whose other layers the new one keeps: default, curated or a name.")
]


def _run_import(kind: str, path: str, name: str | None, base: str, as_json: bool) -> None:
    from pathlib import Path

    from oncoresist.knowledge.importers import (
        check_new_version,
        create_version,
        default_version_name,
        import_cgi,
        import_civic,
    )

    p = Path(path)
    if not p.is_file():
        fail(f"{path}: no such file; give the path of the {kind.upper()} TSV")
    check_new_version(name, base=base)  # a bad --name or --base is refused before the table is read
    with _knowledge_errors_exit_1():
        result = (import_civic if kind == "civic" else import_cgi)(p)
    written = create_version(default_version_name(result) if name is None else name, [result], base=base)
    _report(result.summary(), str(written), as_json)
    if not as_json:
        console().print(f"select it with --knowledge {written.name} (or ONCORESIST_KNOWLEDGE={written.name})")


@import_app.command("civic")
@error_boundary
def import_civic_cmd(path: PathArg, name: NameOpt = None, base: BaseOpt = "default", as_json: JsonFlag = False) -> None:
    """Import CIViC evidence (AcceptedClinicalEvidenceSummaries.tsv) as a new knowledge version."""
    _run_import("civic", path, name, base, as_json)


@import_app.command("cgi")
@error_boundary
def import_cgi_cmd(path: PathArg, name: NameOpt = None, base: BaseOpt = "default", as_json: JsonFlag = False) -> None:
    """Import the CGI biomarkers table (cgi_biomarkers_per_variant.tsv) as a new knowledge version."""
    _run_import("cgi", path, name, base, as_json)


@kb_app.command("update")
@error_boundary
def update(
    url: Annotated[str | None, typer.Option("--url", help="Download from here instead of CIViC's nightly URL.")] = None,
    name: NameOpt = None,
    base: BaseOpt = "default",
    min_facts: Annotated[
        int, typer.Option("--min-facts", min=0, help="Refuse a download that yields fewer facts.")
    ] = 500,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Network timeout in seconds.")] = 60.0,
    as_json: JsonFlag = False,
) -> None:
    """Download the current CIViC nightly evidence TSV, verify it, and write it as a new knowledge version."""
    from oncoresist.knowledge.update import CIVIC_NIGHTLY_URL, update_civic

    with _knowledge_errors_exit_1():
        result, path = update_civic(
            url or CIVIC_NIGHTLY_URL, name=name, base=base, min_facts=min_facts, timeout=timeout
        )
    _report(result.summary(), str(path), as_json)
    if not as_json:
        console().print(f"select it with --knowledge {path.name} (or ONCORESIST_KNOWLEDGE={path.name})")


@kb_app.command("versions")
@error_boundary
def versions(as_json: JsonOpt = False, knowledge: KnowledgeOpt = None) -> None:
    """List the knowledge versions (default, curated, those made by kb import / kb update); mark the selected one."""
    from oncoresist.knowledge.versions import list_versions

    rows = list_versions(knowledge)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Knowledge versions")
    for col in ("", "name", "layers", "created", "base"):
        table.add_column(col, overflow="fold")
    for r in rows:
        mark = "*" if r["selected"] else ""
        table.add_row(mark, escape(r["name"]), escape(" + ".join(r["layers"])), r.get("created_at") or "",
                      r.get("base") or "")  # fmt: skip
    con = console()
    con.print(table)
    sel = next((r for r in rows if r["selected"]), None)
    if sel is not None:
        con.print(f"* selected ({escape(sel['selected_by'])})")


@kb_app.command("bundle")
@error_boundary
def bundle(
    shared: Annotated[str, typer.Argument(help="Folder holding civic/, cgi/ and oncotree/ (e.g. ../shared/data).")],
    check: Annotated[bool, typer.Option("--check", help="Only check that the shipped bundle is a rebuild.")] = False,
) -> None:
    """Recompile the bundled default knowledge from the pinned snapshots (maintainers; reproducible)."""
    from oncoresist.knowledge.bundle import main as bundle_main

    code = bundle_main([shared, *(["--check"] if check else [])])
    if code:
        raise typer.Exit(code)


# ---------------------------------------------------------------- browsing
LimitOpt = Annotated[int, typer.Option("--limit", min=1, help="Facts shown per effect.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Show every fact (no --limit).")]


def _browse(query: str, limit: int, show_all: bool, knowledge: str | None, param: str = "query") -> dict[str, Any]:
    from oncoresist.annotate.explain import browse
    from oncoresist.errors import InvalidArgument

    if not query.strip():  # before: "unknown name ''", naming neither the argument nor what to give
        raise InvalidArgument(f"{param}: empty; give an alteration, gene, drug, drug class or mechanism class, "
                              "e.g. \"EGFR T790M\", osimertinib or bypass_pathway", param=param)
    from oncoresist.knowledge import load_knowledge

    with _knowledge_errors_exit_1():
        kb = load_knowledge(knowledge)
    return browse(kb, query, limit=None if show_all else limit)


def _browse_and_print(
    query: str, limit: int, show_all: bool, as_json: bool, render: Callable[[dict[str, Any]], None],
    knowledge: str | None = None, param: str = "query",
) -> None:  # fmt: skip
    """Browse the knowledge for ``query``; print the result as JSON or with ``render``."""
    out = _browse(query, limit, show_all, knowledge, param)
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    render(out)


def _drugs_text(f: dict[str, Any]) -> str:
    names = list(f["drugs"]) + [f"[{c}]" for c in f["drug_classes"]]
    joiner = " + " if f["therapy_mode"] == "combination" else ", "
    return joiner.join(names)


def _facts_table(title: str, rows: list[dict[str, Any]], total: int) -> Any:
    from rich.markup import escape
    from rich.table import Table

    more = f" (showing {len(rows)} of {total})" if total > len(rows) else ""
    table = Table(title=f"{title}{more}", show_lines=False)
    # the short controlled words stay whole (a mechanism class folded as "on_target_mutat / ion" reads badly);
    # the free text and the source lists wrap
    for col in ("alteration(s)", "drugs", "effect", "mechanism", "tumours", "level", "sources", "record"):
        whole = col in ("effect", "mechanism", "level")
        table.add_column(col, overflow="ellipsis" if whole else "fold", no_wrap=whole,
                         ratio=None if whole else (2 if col == "sources" else 1))
    for f in rows:
        mech = f["mechanism"] + ("*" if f["mechanism_inferred"] else "")
        cells = [
            " + ".join(f["alterations"]), _drugs_text(f), f["effect"], mech, ", ".join(f["tumors"]) or "any",
            f["evidence_level"], ", ".join(f["sources"]), f["origin_of_record"],
        ]  # fmt: skip
        table.add_row(*(escape(c) for c in cells))
    return table


@kb_app.command("show")
@error_boundary
def show(
    name: Annotated[str, typer.Argument(help="A gene, drug, drug class, mechanism class, tumour type or alteration.")],
    as_json: JsonOpt = False,
    limit: LimitOpt = 25,
    show_all: AllOpt = False,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Show an entity (aliases resolve) and the facts that involve it."""
    _browse_and_print(name, limit, show_all, as_json, _print_entity, knowledge, param="name")


def _plain(value: Any) -> str:
    """An entity field as words: a list joined, a mapping as ``key: value; ...`` (empty parts left out)."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items() if v not in (None, [], {}, ""))
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


#: below this console width the fact tables are printed one fact per line (eight columns in 80 fold every word)
_NARROW = 110


def _facts_lines(con: Any, title: str, rows: list[dict[str, Any]], total: int) -> None:
    from rich.markup import escape

    more = f" (showing {len(rows)} of {total})" if total > len(rows) else ""
    con.print(f"[bold]{title}{more}[/bold]")
    for f in rows:
        mech = f["mechanism"] + ("*" if f["mechanism_inferred"] else "")
        con.print(
            f"• {escape(' + '.join(f['alterations']))} → {f['effect'].replace('_', ' ')} to {escape(_drugs_text(f))}"
            f" ({escape(', '.join(f['tumors']) or 'any tumour')}); {mech}; level {f['evidence_level']}; "
            f"{escape(', '.join(f['sources']))} [dim]({f['origin_of_record']})[/dim]"
        )


def _print_entity(out: dict[str, Any]) -> None:
    from rich.markup import escape

    con = console()
    ent = out["entity"]
    con.print(f"[bold]{out['name']}[/bold] ({out['kind'].replace('_', ' ')})")
    for key, value in ent.items():
        if value in (None, [], {}, "", False) or key in {"name", "symbol", "id", "code"}:
            continue
        con.print(f"  {key.replace('_', ' ')}: {escape(_plain(value))}")
    t = out["totals"]
    con.print(
        f"facts: {t['facts']} (resistance {t['resistance']}, sensitivity {t['sensitivity']}; "
        f"curated {t['curated']}, imported {t['imported']}); options: {t['options']}"
    )
    for title, key in (("Resistance facts", "resistance"), ("Sensitivity facts", "sensitivity")):
        if not out[key]:
            continue
        if con.width < _NARROW:
            _facts_lines(con, title, out[key], t[key])
        else:
            con.print(_facts_table(title, out[key], t[key]))
    if out["resistance"] or out["sensitivity"]:
        con.print("* mechanism class inferred by rule (imported fact)")


@app.command("explain")
@error_boundary
def explain(
    query: Annotated[str, typer.Argument(help='An alteration ("EGFR T790M"), gene, drug or mechanism class.')],
    as_json: JsonOpt = False,
    limit: LimitOpt = 12,
    show_all: AllOpt = False,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Explain the resistance mechanisms behind an alteration, gene, drug or mechanism class, with sources."""
    _browse_and_print(query, limit, show_all, as_json, _print_explanation, knowledge)


def _print_explanation(out: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    con = console()
    t = out["totals"]
    kind = out["kind"].replace("_", " ")
    head = f"[bold]{escape(out['name'])}[/bold] ({kind})"
    if out["kind"] == "mechanism":
        head += f": {escape(out['entity']['description'])}"
    elif out["kind"] == "drug":
        ent = out["entity"]
        head += f": {', '.join(ent.get('class_names') or ent.get('classes', []))}"
        if ent.get("targets"):
            head += f"; targets {', '.join(ent['targets'])}"
    con.print(Panel(head, expand=False))
    con.print(escape(out["headline"]))
    if not t["resistance"]:
        con.print(
            f"No resistance facts in the knowledge for {escape(out['name'])} ({t['sensitivity']} sensitivity facts)."
        )
    else:
        con.print(
            f"[bold]Resistance[/bold]: {t['resistance']} fact(s) ({t['resistance_curated']} curated, "
            f"{t['resistance_imported']} imported), by mechanism:"
        )
        for m in out["mechanisms"]:
            note = " (class inferred by rule for imported facts only)" if m["inferred_only"] else ""
            con.print(f"  - [cyan]{m['id']}[/cyan] ({m['resistance_facts']}){note}: {escape(m['description'])}")
        con.print()
        for f in out["resistance"]:
            effect = "reduced sensitivity to" if f["effect"] == "reduced_sensitivity" else "resistance to"
            where = f" in {', '.join(f['tumors'])}" if f["tumors"] else ""
            inferred = " (inferred)" if f["mechanism_inferred"] else ""
            con.print(
                f"• [bold]{escape(' + '.join(f['alterations']))}[/bold] → {effect} {escape(_drugs_text(f))}{where}; "
                f"{f['mechanism']}{inferred}; level {f['evidence_level']}; {', '.join(f['sources'])} "
                f"[dim]({f['origin_of_record']})[/dim]"
            )
            if f["origin_of_record"] == "curated":
                con.print(f"  {escape(f['summary'])}")
        if t["resistance"] > len(out["resistance"]):
            con.print(f"  … {t['resistance'] - len(out['resistance'])} more (use --all or --json)")
    if out["options"]:
        con.print("\n[bold]What overcomes it[/bold]:")
        for o in out["options"]:
            con.print(
                f"• [green]{escape(' + '.join(o['therapy']))}[/green] (level {o['evidence_level']}; "
                f"{', '.join(o['sources'])}): {escape(o['rationale'])}"
            )
    cited = {k: v for k, v in out["sources"].items() if v}
    if cited:
        con.print("\n[bold]Sources[/bold]: " + "; ".join(f"{k} {escape(v)}" for k, v in cited.items()))
