"""Prefect flows: `monthly_refresh` for one period, `backfill` for a range of periods. Wiring only."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.runtime import flow_run

from flows.tasks import (
    StageResult, ingest_period, metrics_period, normalise_inputs, normalise_period, normalise_postings_chunk,
    publish_period, quality_report_period,
)
from spotlight.settings import RunSettings, check_period, period_window, shift_period


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did: per-stage results, the roles published and where."""

    period: str
    stages: list[StageResult]
    roles: list[str]
    output: str
    quality_report: str


def _settings(
    sources: str | None, warehouse: str | None, output: str | None, taxonomy: str | None, overrides: str | None
) -> RunSettings:
    return RunSettings.default().with_paths(
        sources=sources, warehouse=warehouse, output=output, taxonomy=taxonomy, overrides=overrides
    )


@flow(name="monthly_refresh", log_prints=False)
def monthly_refresh(
    period: str | None = None,
    sources: str | None = None,
    warehouse: str | None = None,
    output: str | None = None,
    taxonomy: str | None = None,
    overrides: str | None = None,
    skill_chunks: int = 1,
) -> RefreshResult:
    """Refresh one month (default: the previous complete month in Europe/London): ingest and normalise the
    trailing window, compute metrics, publish the period. Postings are normalised in chunk tasks of at most
    100,000 postings; `skill_chunks` > 1 splits each month into at least that many and submits them to the
    flow's task runner at once (a Dask cluster with `flows.dask.dask_refresh`), and lands and parses the month's
    source files as tasks of that runner too; 1 runs them one after another, each on all local cores."""
    period = check_period(period or default_period_for(london_today()))
    settings = _settings(sources, warehouse, output, taxonomy, overrides)
    normalised: list[StageResult] = []
    ingested: list[StageResult] = []
    for month in period_window(period, settings.trend_months):
        landed = ingest_period(settings, month, skill_chunks if skill_chunks > 1 else 0)
        ingested.append(landed)
        inputs = normalise_inputs(settings, month, landed, skill_chunks)
        taxonomy_dir = str(settings.taxonomy)
        if skill_chunks > 1:
            parts = [normalise_postings_chunk.submit(taxonomy_dir, c, inputs.work) for c in inputs.chunks]
        else:
            parts = [normalise_postings_chunk(taxonomy_dir, c, inputs.work) for c in inputs.chunks]
        normalised.append(normalise_period(settings, inputs, parts))
    metrics = metrics_period(settings, period, normalised)
    published = publish_period(settings, period, ingested + normalised + [metrics], str(flow_run.get_id() or "local"))
    stages = ingested + normalised + [metrics, published]
    report = quality_report_period(settings, period, stages)
    return RefreshResult(period, stages, published.figures["roles"], published.figures["output"], str(report))


@flow(name="backfill")
def backfill(
    start: str,
    end: str,
    sources: str | None = None,
    warehouse: str | None = None,
    output: str | None = None,
    taxonomy: str | None = None,
    overrides: str | None = None,
) -> list[RefreshResult]:
    """Refresh every month from `start` to `end` inclusive, each as a `monthly_refresh` subflow."""
    check_period(start)
    check_period(end)
    results = []
    month = start
    while month <= end:
        results.append(monthly_refresh(month, sources, warehouse, output, taxonomy, overrides))
        month = shift_period(month, 1)
    return results


def london_today() -> dt.date:
    """Return today's date in Europe/London, the market's calendar."""
    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def default_period_for(today: dt.date) -> str:
    """Return the previous complete month for a run on `today` (a scheduled run on 2 May refreshes April)."""
    return shift_period(f"{today.year:04d}-{today.month:02d}", -1)


__all__ = ["monthly_refresh", "backfill", "RefreshResult", "default_period_for"]
