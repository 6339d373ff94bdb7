"""The `spotlight` command line: sample, refresh, backfill, docs, taxonomy tools, gap analysis, serve."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from spotlight.settings import PROJECT_ROOT, RunSettings, SettingsError, check_period

console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
app = typer.Typer(
    help="Skills Spotlight: monthly UK job-market skills reports from postings and CV profiles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _StageLineHandler(logging.Handler):
    """Shows each stage progress event as one console line."""

    def emit(self, record: logging.LogRecord) -> None:
        figures = getattr(record, "figures", {}) or {}
        shown = ", ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in figures.items())
        stage = getattr(record, "stage", "")
        period = getattr(record, "period", "")
        message = record.getMessage().split(": ", 1)[-1]
        console.print(
            f"[bold cyan]{stage:>9}[/] {period}  {message}" + (f"  [dim]{shown}[/]" if shown else ""), soft_wrap=True
        )


def _quiet_prefect() -> None:
    """Keep Prefect's own logging at WARNING on the console unless the user asked for more."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # The temporary local API a plain flow call starts needs more than the default 20 s on a busy 2-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _show_progress() -> None:
    for noisy in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logger = logging.getLogger("spotlight.stage")
    logger.setLevel(logging.INFO)
    if not any(isinstance(h, _StageLineHandler) for h in logger.handlers):
        logger.addHandler(_StageLineHandler())
    logger.propagate = False


def _fail(message: str, code: int = 2) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


USER_ERRORS: tuple[type[BaseException], ...] = (SettingsError, FileNotFoundError, PermissionError)


def _user_errors() -> tuple[type[BaseException], ...]:
    """Return the exception types that mean an input, a setting or a data check needs fixing: shown as one
    line, never as a traceback."""
    from extract.accounting import AccountingError
    from extract.adapters.base import SourceReadError
    from extract.adzuna_client import AdzunaError
    from extract.sources import SourceConfigError
    from flows.tasks import QualityGateFailed
    from metrics.runner import MetricsError
    from metrics.settings import MetricSettingsError
    from normalise.taxonomy import TaxonomyError
    from reports.document import DocumentError
    from reports.overrides import OverridesError
    from reports.publish import PublishError
    from spotlight.contract import ContractViolation
    from spotlight.quality import QualityFailure

    return USER_ERRORS + (
        SourceConfigError, SourceReadError, AccountingError, AdzunaError, QualityGateFailed, QualityFailure,
        ContractViolation, TaxonomyError, MetricsError, MetricSettingsError, DocumentError, OverridesError,
        PublishError,
    )


@app.command()
def sample(
    out: Path = typer.Option(PROJECT_ROOT / "data" / "sample", help="Folder to write the sample into."),
    postings: int = typer.Option(20_000, help="Postings in the latest month (earlier months have fewer)."),
    profiles: int = typer.Option(5_000, help="CV profiles in the snapshot."),
    months: int = typer.Option(13, help="Consecutive months ending at --end-period."),
    end_period: str = typer.Option("2026-04", help="Last month of the sample, YYYY-MM."),
    seed: int = typer.Option(42, help="Random seed; the same seed gives the same bytes."),
) -> None:
    """Generate the bundled realistic sample (sources.yaml, source files, truth.json)."""
    from spotlight.sample import SampleSettings, generate_sample

    try:
        check_period(end_period)
        if postings < 1 or profiles < 0 or months < 1:
            raise SettingsError("--postings and --months must be at least 1, --profiles at least 0")
        with console.status(f"generating {months} months, {postings:,} postings in {end_period} …"):
            summary = generate_sample(
                out,
                SampleSettings(
                    postings_latest=postings, profiles=profiles, months=months, end_period=end_period, seed=seed
                ),
            )
    except USER_ERRORS as exc:
        _fail(str(exc))
    console.print(f"[green]sample written[/] to {out}  ({summary})")


@app.command()
def refresh(
    period: str = typer.Option(..., help="Month to refresh, YYYY-MM."),
    sources: Optional[Path] = typer.Option(None, help="Market source config (default: the bundled sample's)."),
    warehouse: Optional[Path] = typer.Option(None, help="DuckDB warehouse file."),
    output: Optional[Path] = typer.Option(None, help="Published output folder."),
    taxonomy: Optional[Path] = typer.Option(None, help="Taxonomy folder."),
    overrides: Optional[Path] = typer.Option(None, help="Editorial overrides folder."),
    dask_address: Optional[str] = typer.Option(
        None, envvar="SPOTLIGHT_DASK_ADDRESS", help="Dask scheduler for the per-chunk work (e.g. tcp://host:8786)."
    ),
    dask_workers: int = typer.Option(0, help="Start a local Dask cluster of this many workers (0 = no Dask)."),
) -> None:
    """Run the monthly refresh for one period and publish it."""
    _quiet_prefect()
    _show_progress()
    settings = RunSettings.default().with_paths(
        sources=sources, warehouse=warehouse, output=output, taxonomy=taxonomy, overrides=overrides
    )
    try:
        check_period(period)
        if not settings.sources.exists():
            raise SettingsError(
                f"source config {settings.sources} does not exist (run `spotlight sample` first, or pass --sources)"
            )
        from flows.refresh import monthly_refresh

        flow, chunks = monthly_refresh, 1
        if dask_address or dask_workers:
            from flows.dask import dask_refresh

            flow, chunks = dask_refresh(dask_address, dask_workers or None)
        console.print(f"[bold]refresh[/] {period}  sources={settings.sources}  warehouse={settings.warehouse}")
        _warm_start(settings)
        result = flow(
            period, str(settings.sources), str(settings.warehouse), str(settings.output),
            str(settings.taxonomy), str(settings.overrides), chunks,
        )
    except _user_errors() as exc:
        _fail(f"{type(exc).__name__}: {exc}", 1)
    _print_summary(settings, result)


def _warm_start(settings: RunSettings) -> None:
    """Start Prefect's temporary API (when no server is configured) while this process loads what the flow needs
    first, the taxonomy bundle and the expectation library: the server boots in its own process for 5-10 s, and the
    loading then overlaps with it instead of following it. Anything that fails here is left for the flow to report."""
    import threading

    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    starting = None
    if not PREFECT_API_URL.value() and PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        try:  # the server a plain flow call would start (a per-process singleton): started once, here
            from prefect.server.api.server import SubprocessASGIServer
        except ImportError:
            SubprocessASGIServer = None  # noqa: N806 - another Prefect version: the flow starts its own
        if SubprocessASGIServer is not None:
            starting = threading.Thread(target=_started_quietly, args=(SubprocessASGIServer().start,), daemon=True)
            starting.start()
    from flows.tasks import _taxonomy_bundle

    _started_quietly(_taxonomy_bundle, str(settings.taxonomy))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    _started_quietly(__import__, "great_expectations")
    if starting is not None:
        starting.join()


def _started_quietly(start, *args: object) -> None:  # noqa: ANN001
    """Call `start(*args)`, leaving any error to the flow run, which meets and reports it properly."""
    try:
        start(*args)
    except Exception:  # noqa: BLE001 - the flow repeats the step and reports its failure
        logging.getLogger(__name__).debug("warm start: %s failed", getattr(start, "__name__", start), exc_info=True)


def _print_summary(settings: RunSettings, result) -> None:  # noqa: ANN001 - RefreshResult
    from spotlight.warehouse import connect

    with connect(settings.warehouse, read_only=True) as con:
        rows = con.execute(
            "SELECT source, kind, sum(rows_in), sum(accepted), sum(duplicates), sum(quarantined) "
            "FROM ingest_accounting WHERE period = $period GROUP BY source, kind ORDER BY source",
            {"period": result.period},
        ).fetchall()
    table = Table(title=f"Accounting for {result.period}")
    for name in ("source", "kind", "rows in", "accepted", "duplicates", "quarantined"):
        table.add_column(name, justify="right" if name not in ("source", "kind") else "left")
    for source, kind, *numbers in rows:
        table.add_row(source, kind, *[f"{int(n):,}" for n in numbers])
    console.print(table)
    console.print(
        f"[green]published[/] {len(result.roles)} roles for {result.period} → {result.output}\n"
        f"  roles: {', '.join(result.roles)}\n"
        f"  quality report: {result.quality_report}"
    )


@app.command()
def backfill(
    start: str = typer.Option(..., "--from", help="First month, YYYY-MM."),
    end: str = typer.Option(..., "--to", help="Last month, YYYY-MM."),
    sources: Optional[Path] = typer.Option(None, help="Market source config."),
    warehouse: Optional[Path] = typer.Option(None, help="DuckDB warehouse file."),
    output: Optional[Path] = typer.Option(None, help="Published output folder."),
) -> None:
    """Refresh a range of months (months whose inputs did not change are skipped stage by stage)."""
    _quiet_prefect()
    _show_progress()
    try:
        check_period(start)
        check_period(end)
        if start > end:
            raise SettingsError(f"--from {start} is after --to {end}")
        from flows.refresh import backfill as backfill_flow

        _warm_start(RunSettings.default().with_paths(sources=sources, warehouse=warehouse, output=output))
        results = backfill_flow(start, end, *(str(p) if p else None for p in (sources, warehouse, output)))
    except _user_errors() as exc:
        _fail(f"{type(exc).__name__}: {exc}", 1)
    console.print(f"[green]backfilled[/] {len(results)} months: {', '.join(r.period for r in results)}")


@app.command()
def serve(
    sources: Optional[Path] = typer.Option(None, help="Market source config for scheduled runs."),
    warehouse: Optional[Path] = typer.Option(None, help="DuckDB warehouse file."),
    output: Optional[Path] = typer.Option(None, help="Published output folder."),
    no_schedule: bool = typer.Option(False, help="Register the deployment without its cron schedule."),
) -> None:
    """Serve the `monthly_refresh/monthly` (cron 06:00 Europe/London on the 2nd) and `backfill/backfill`
    deployments against the Prefect server in PREFECT_API_URL, running their flow runs in this process."""
    _quiet_prefect()
    _show_progress()
    if not os.environ.get("PREFECT_API_URL"):
        _fail("PREFECT_API_URL is not set: start `prefect server start` and export PREFECT_API_URL=http://127.0.0.1:4200/api")
    from prefect import serve as prefect_serve

    from flows.deploy import backfill_deployment, monthly_deployment

    paths = [str(p.resolve()) if p else None for p in (sources, warehouse, output)]
    console.print(f"serving monthly_refresh/monthly and backfill/backfill on {os.environ['PREFECT_API_URL']}")
    prefect_serve(monthly_deployment(*paths, scheduled=not no_schedule), backfill_deployment(*paths))


@app.command()
def docs(check: bool = typer.Option(False, help="Exit 1 if docs/data-contract.md is out of date.")) -> None:
    """Regenerate docs/data-contract.md from the stage contracts."""
    from spotlight.contract_docs import DATA_CONTRACT_PATH, render_data_contract

    text = render_data_contract()
    if check:
        current = DATA_CONTRACT_PATH.read_text() if DATA_CONTRACT_PATH.exists() else ""
        if current != text:
            _fail(f"{DATA_CONTRACT_PATH} is out of date: run `spotlight docs`", 1)
        console.print("data contract up to date")
        return
    DATA_CONTRACT_PATH.write_text(text)
    console.print(f"wrote {DATA_CONTRACT_PATH}")


def _mount_optional() -> None:
    """Mount the sub-commands that live in the stage packages."""
    from reports.gap import gap_command

    app.command("gap", help="Personal skills-gap analysis against a role's published spotlight.")(gap_command)
    try:
        from normalise.cli import app as normalise_app
    except ImportError:
        return
    app.add_typer(normalise_app, name="taxonomy", help="Taxonomy tools: check, review, evaluate.")


_mount_optional()


def main() -> None:
    """Entry point for `python -m spotlight`."""
    app()


if __name__ == "__main__":
    sys.exit(main())
