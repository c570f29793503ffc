"""``oncoresist annotate``: resistance verdict, mechanisms and options for a tumour profile."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from oncoresist.cli import app
from oncoresist.cli._args import KnowledgeOpt
from oncoresist.cli._common import error_boundary, fail

if TYPE_CHECKING:
    from oncoresist.annotate.inputs import Inputs
    from oncoresist.knowledge.index import Knowledge

_IN = "Input"
_OUT = "Output"


@app.command("annotate", no_args_is_help=True)
@error_boundary
def annotate(
    alterations: Annotated[
        list[str] | None,
        typer.Argument(help='Alterations as written, e.g. "EGFR L858R" "EGFR p.Thr790Met" "MET amplification".'),
    ] = None,
    drug: Annotated[
        list[str] | None, typer.Option("--drug", "-d", help="Drug (generic or brand); repeat for drugs given together.")
    ] = None,
    tumor: Annotated[str | None, typer.Option("--tumor", "-t", help="OncoTree code or name, e.g. NSCLC.")] = None,
    profile: Annotated[Path | None, typer.Option(help="Profile file (JSON/YAML).", rich_help_panel=_IN)] = None,
    maf: Annotated[Path | None, typer.Option(help="MAF file (many samples).", rich_help_panel=_IN)] = None,
    vcf: Annotated[Path | None, typer.Option(help="VCF annotated by VEP or SnpEff.", rich_help_panel=_IN)] = None,
    table: Annotated[
        Path | None,
        typer.Option("--table", "--cna", help="Copy-number/fusion TSV: sample, gene, alteration.", rich_help_panel=_IN),
    ] = None,
    sample: Annotated[str | None, typer.Option(help="Annotate only this sample.", rich_help_panel=_IN)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON contract.", rich_help_panel=_OUT)] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.", rich_help_panel=_OUT)] = False,
    html: Annotated[Path | None, typer.Option(help="Write a self-contained HTML report.", rich_help_panel=_OUT)] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Batch table, .tsv or .parquet.", rich_help_panel=_OUT)
    ] = None,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Annotate a tumour profile: verdict for the drug(s), mechanisms with sources, and options.

    Research software, not a medical device.
    """
    from oncoresist.annotate.inputs import collect_inputs
    from oncoresist.cli._knowledge import load_for_command

    for alt in alterations or ():
        _refuse_file_path(alt)
    from oncoresist._io import check_output_file

    if html is not None:
        from oncoresist.report.annotation import HTML_SUFFIXES

        check_output_file(html, param="html", suffixes=HTML_SUFFIXES)
    if out is not None:  # before reading the inputs: no notes, no work, for an output that cannot be written
        from oncoresist.annotate.batch import BATCH_SUFFIXES

        check_output_file(out, param="out", suffixes=BATCH_SUFFIXES)
    kb = load_for_command(knowledge)
    inputs = collect_inputs(
        kb, alterations=alterations or (), profile=profile, maf=maf, vcf=vcf, table=table, sample=sample
    )
    if out is None and len(inputs.samples) > 1:
        fail(
            f"{len(inputs.samples)} samples: write them with --out results.tsv (or .parquet), or pick one with --sample"
        )
    if inputs.bad_summary():
        typer.echo(f"warning: {inputs.bad_summary()}", err=True)
    for note in inputs.notes:
        typer.echo(f"note: {note}", err=True)
    if tumor is None and inputs.tumor_note:
        typer.echo(f"note: {inputs.tumor_note}", err=True)
    if out is not None:
        _batch(inputs, drug, tumor, out, kb)
    else:
        _single(inputs, drug, tumor, kb, json_out=json_out, markdown=markdown, html=html)


_FILE_FLAGS = {".maf": "--maf", ".vcf": "--vcf", ".json": "--profile", ".yaml": "--profile", ".yml": "--profile",
               ".tsv": "--table", ".csv": "--table"}  # fmt: skip


def _refuse_file_path(alt: str) -> None:
    """A positional argument that names a file was meant as an input file, not an alteration."""
    name = alt.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    if suffix in _FILE_FLAGS or (("/" in alt or "\\" in alt) and Path(alt).is_file()):
        flag = _FILE_FLAGS.get(suffix, "--maf, --vcf, --profile or --table")
        example = f"{flag.split(',')[0]} {alt}"
        fail(f"alterations: {alt!r} is a file, not an alteration; pass it with {flag} (e.g. {example})")


def _single(
    inputs: Inputs, drug: list[str] | None, tumor: str | None, kb: Knowledge, *, json_out: bool, markdown: bool,
    html: Path | None,
) -> None:  # fmt: skip
    from oncoresist.annotate.api import annotate as run
    from oncoresist.cli._common import console
    from oncoresist.report import annotation as rep

    result = run(inputs.samples[0], drug=drug, tumor=tumor, knowledge=kb)
    if html is not None:
        rep.write_html(result, html, kb)
        typer.echo(f"wrote {html}", err=True)
    if json_out:
        typer.echo(result.to_json())
    elif markdown:
        typer.echo(rep.to_markdown(result, kb))
    elif html is None:
        rep.print_rich(result, console(), kb)


def _batch(inputs: Inputs, drug: list[str] | None, tumor: str | None, out: Path, kb: Knowledge) -> None:
    from collections import Counter

    from rich.progress import Progress

    from oncoresist.annotate.api import annotate_samples
    from oncoresist.annotate.batch import write_results
    from oncoresist.cli._common import err_console

    with Progress(console=err_console(), transient=True) as bar:
        task = bar.add_task("annotating", total=len(inputs.samples))
        results = []
        for res in annotate_samples(inputs.samples, drug=drug, tumor=tumor, knowledge=kb):
            results.append(res)
            if len(results) % 100 == 0:
                bar.update(task, completed=len(results))
        bar.update(task, completed=len(results))
    n = write_results(results, out)
    counts = Counter(r.verdict for r in results)
    typer.echo(f"wrote {n} sample{'' if n == 1 else 's'} to {out}: "
               + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), err=True)
