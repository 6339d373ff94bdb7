"""`spotlight taxonomy check`, `spotlight review` and `spotlight evaluate` (mounted by spotlight.cli)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from normalise.lint import check_taxonomy
from normalise.review import (
    ReviewError, accept_alias, export_review_queue, parse_acceptance, review_queue_from_csv,
    review_queue_from_warehouse,
)
from normalise.taxonomy import TaxonomyError, default_taxonomy_path, load_taxonomy

app = typer.Typer(help="Taxonomy lint, skill review queue and extraction evaluation.", no_args_is_help=True)
console = Console()


@app.command()
def check(taxonomy: Optional[Path] = typer.Option(None, help="Taxonomy folder (default: data/taxonomy).")) -> None:
    """Lint the taxonomy: unique ids, alias collisions, dangling members and adjacent roles. Exit 1 on problems."""
    folder = taxonomy or default_taxonomy_path()
    problems = check_taxonomy(folder)
    if not problems:
        loaded = load_taxonomy(folder)
        console.print(f"[green]taxonomy {loaded.version} is clean[/green]: {len(loaded.skills)} skills, "
                      f"{len(loaded.groups)} groups, {len(loaded.roles)} roles")
        return
    table = Table(title=f"{len(problems)} taxonomy problem(s) in {folder}")
    for column in ("code", "where", "message"):
        table.add_column(column)
    for problem in problems:
        table.add_row(problem.code, problem.where, problem.message)
    console.print(table)
    raise typer.Exit(1)


@app.command()
def review(
    queue: Optional[Path] = typer.Argument(None, help="A review-queue CSV (skill_review export)."),
    warehouse: Optional[Path] = typer.Option(None, help="Read the queue from this warehouse instead."),
    period: Optional[str] = typer.Option(None, help="Period YYYY-MM (with --warehouse)."),
    market: str = typer.Option("uk", help="Market (with --warehouse)."),
    top: int = typer.Option(25, help="How many rows to show."),
    export: Optional[Path] = typer.Option(None, help="Write the queue to this CSV."),
    accept: list[str] = typer.Option([], help="Accept an alias: 'TEXT=SKILL_ID' (repeatable)."),
    taxonomy: Optional[Path] = typer.Option(None, help="Taxonomy folder (default: data/taxonomy)."),
) -> None:
    """Show or export the unmatched-skill review queue, and accept analyst aliases (effective on the next run)."""
    folder = taxonomy or default_taxonomy_path()
    try:
        for item in accept:
            alias, skill_id = parse_acceptance(item)
            added = accept_alias(folder, alias, skill_id)
            console.print(f"{'accepted' if added else 'already known'}: {alias!r} → {skill_id}")
        if queue is None and warehouse is None:
            if not accept:
                console.print("[red]give a review-queue CSV or --warehouse PATH --period YYYY-MM[/red]")
                raise typer.Exit(2)
            return
        if warehouse is not None:
            if not period:
                console.print("[red]--period is required with --warehouse[/red]")
                raise typer.Exit(2)
            frame = review_queue_from_warehouse(warehouse, period, market)
        else:
            frame = review_queue_from_csv(queue)
    except (ReviewError, TaxonomyError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    table = Table(title=f"skill review queue: {len(frame)} string(s)")
    for column in ("text", "occurrences", "suggestions"):
        table.add_column(column)
    for row in frame.head(top).itertuples(index=False):
        table.add_row(str(row.text), str(row.occurrences), str(row.suggestions or ""))
    console.print(table)
    if export is not None:
        console.print(f"exported to {export_review_queue(frame, export)}")


@app.command()
def evaluate(
    repeat: int = typer.Option(20, help="Repeat the dev texts this many times for the throughput figures."),
    data: Optional[Path] = typer.Option(None, help="Folder of the shared evaluation data (default ../shared/data)."),
) -> None:
    """Print span P/R/F1 (SkillSpan dev), ESCO mapping accuracy (Decorte) and throughput, ours vs the peer."""
    from normalise.evaluate import data_root, evaluation

    root = data or data_root()
    try:
        reports = evaluation(load_taxonomy(), root, repeat=repeat)
    except FileNotFoundError as exc:
        console.print(f"[yellow]evaluation data not available: {exc}[/yellow]")
        raise typer.Exit(1) from exc
    table = Table(title="Skill extraction on SkillSpan dev (skill ∪ knowledge spans) and Decorte validation")
    for column in ("extractor", "loose P", "loose R", "loose F1", "exact P", "exact R", "exact F1",
                   "ESCO mapping acc.", "MB/s", "postings/s"):
        table.add_column(column)
    for r in reports:
        table.add_row(r.name, f"{r.loose.precision:.3f}", f"{r.loose.recall:.3f}", f"{r.loose.f1:.3f}",
                      f"{r.exact.precision:.3f}", f"{r.exact.recall:.3f}", f"{r.exact.f1:.3f}",
                      "—" if r.mapping_accuracy is None else f"{r.mapping_accuracy:.3f}", f"{r.mb_per_s:.1f}",
                      f"{r.postings_per_s:.0f}")
    console.print(table)
