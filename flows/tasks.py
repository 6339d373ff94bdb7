"""Prefect tasks: each reads its inputs from the warehouse or the sources, calls the stage's pure transforms,
and writes its contract tables back in one transaction. Retries are on source I/O only."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE  # stages skip by their own input fingerprints (stage_runs);
# Prefect's default input hashing would serialise whole DataFrames: ~24 GB at 1M postings (OOM, measured).

from spotlight.fingerprint import code_fingerprint, combine, files_fingerprint
from spotlight.progress import stage_event, timed
from spotlight.settings import RunSettings
from spotlight.warehouse import connect, read_partition, replace_partitions, replace_tables, stage_fingerprint


class QualityGateFailed(RuntimeError):
    """A `fail` expectation did not hold; the run stops before publishing."""


@dataclass(frozen=True)
class StageResult:
    """What a stage did for one period: whether it ran or was already up to date, rows and seconds."""

    stage: str
    period: str
    fingerprint: str
    skipped: bool
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    figures: dict[str, object] = field(default_factory=dict)
    quality: tuple[str, ...] = ()


def checked(reports: list) -> tuple[str, ...]:  # noqa: ANN001 - spotlight.quality.QualityReport
    """Return the reports as Markdown, raising QualityGateFailed (naming expectations and rows) on a `fail`."""
    failed = [report for report in reports if report.failed]
    if failed:
        raise QualityGateFailed("\n\n".join(report.failure_message() for report in failed))
    return tuple(report.to_markdown() for report in reports)


def _is_io_error(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's retry_condition_fn signature
    """Retry only when the task failed on source I/O (files, network), never on bad data or bugs."""
    try:
        state.result()
    except (OSError, TimeoutError, ConnectionError):
        return True
    except Exception:  # noqa: BLE001 - anything else is not worth a retry
        return False
    return False


def period_end(period: str) -> dt.date:
    """Return the last day of a `YYYY-MM` period."""
    year, month = (int(x) for x in period.split("-"))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=4)
def _taxonomy_bundle(taxonomy_dir: str):  # noqa: ANN202 - returns (taxonomy, classifier, extractor)
    """Return the taxonomy, fitted role classifier and skill extractor, built once per process."""
    from normalise.roles import fit_role_classifier
    from normalise.skills import SkillExtractor
    from normalise.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(Path(taxonomy_dir))
    return taxonomy, fit_role_classifier(taxonomy), SkillExtractor(taxonomy)


def ingest_fingerprint(settings: RunSettings, period: str) -> tuple[str, str]:
    """Return (market, fingerprint of the period's source files, the source config and the code)."""
    from extract.sources import load_market_config, resolve_files

    config = load_market_config(settings.sources)
    files = [Path(f) for source in config.sources for f in resolve_files(source, period)]
    mappings = [Path(s.mapping) for s in config.sources if s.mapping]
    return config.market, combine(
        "ingest", files_fingerprint(files + mappings + [settings.sources]), code_fingerprint()
    )


@task(name="ingest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_is_io_error)
def ingest_period(settings: RunSettings, period: str) -> StageResult:
    """Land one period's postings and profiles, parse their facts, de-duplicate and account for every row."""
    from extract.accounting import ingest_accounting
    from extract.contracts import INGEST_ACCOUNTING, POSTING_FACTS, POSTINGS, PROFILES, QUARANTINE
    from extract.expectations import landed_postings_report
    from extract.facts import posting_facts
    from extract.ingest import land
    from extract.sources import load_market_config

    market, fingerprint = ingest_fingerprint(settings, period)
    with connect(settings.warehouse) as con:
        if stage_fingerprint(con, market, period, "ingest") == fingerprint:
            stage_event("ingest", period, "up to date, skipped")
            return StageResult("ingest", period, fingerprint, skipped=True)
    with timed() as clock:
        config = load_market_config(settings.sources)
        landed = land(config, period)
        facts = posting_facts(landed.postings)
        duplicate_ids = set(facts.loc[facts["duplicate_of"].notna(), "posting_id"])
        duplicates_by_source = (
            landed.postings.loc[landed.postings["posting_id"].isin(duplicate_ids), "source"].value_counts().to_dict()
        )
        accounting = ingest_accounting(landed, duplicates_by_source, market, period)
        quality = checked([landed_postings_report(landed.postings, period)])
        with connect(settings.warehouse) as con:
            rows = replace_partitions(
                con, market, period,
                {
                    POSTINGS: landed.postings, PROFILES: landed.profiles, QUARANTINE: landed.quarantine,
                    POSTING_FACTS: facts, INGEST_ACCOUNTING: accounting,
                },
                completes=("ingest", fingerprint),
            )
    totals = accounting[["rows_in", "accepted", "duplicates", "quarantined"]].sum().astype(int).to_dict()
    stage_event("ingest", period, "landed", seconds=clock["seconds"], **totals)
    return StageResult("ingest", period, fingerprint, False, rows, clock["seconds"], totals, quality)


@dataclass(frozen=True)
class NormaliseInputs:
    """A period's inputs to the normalise stage, or `skipped` when its outputs are up to date."""

    period: str
    fingerprint: str
    skipped: bool
    facts: pd.DataFrame | None = None
    profiles: pd.DataFrame | None = None

    def skill_chunks(self, chunks: int) -> list[pd.DataFrame]:
        """Return the ad texts split into `chunks` pieces for skill extraction (none when skipped)."""
        if self.skipped or self.facts is None:
            return []
        texts = self.facts[["posting_id", "market", "period", "description_clean"]]
        size = max(1, -(-len(texts) // max(1, chunks)))
        return [texts.iloc[start:start + size] for start in range(0, len(texts), size)] or [texts]


@task(name="normalise-inputs", cache_policy=NO_CACHE)
def normalise_inputs(settings: RunSettings, period: str, upstream: StageResult) -> NormaliseInputs:
    """Return the period's landed facts and profiles, or `skipped` when normalise already ran on them."""
    from extract.contracts import POSTING_FACTS, PROFILES

    taxonomy, _, _ = _taxonomy_bundle(str(settings.taxonomy))
    market = _market(settings)
    fingerprint = combine("normalise", upstream.fingerprint, taxonomy.version, code_fingerprint())
    with connect(settings.warehouse) as con:
        if stage_fingerprint(con, market, period, "normalise") == fingerprint:
            stage_event("normalise", period, "up to date, skipped")
            return NormaliseInputs(period, fingerprint, skipped=True)
        facts = read_partition(con, POSTING_FACTS, market, period)
        profiles = read_partition(con, PROFILES, market, period)
    return NormaliseInputs(period, fingerprint, False, facts, _as_python_lists(profiles))


@lru_cache(maxsize=4)
def _skill_extractor(taxonomy_dir: str):  # noqa: ANN202 - SkillExtractor
    """Return the skill extractor of a taxonomy folder, built once per process (once per Dask worker)."""
    from normalise.skills import SkillExtractor
    from normalise.taxonomy import load_taxonomy

    return SkillExtractor(load_taxonomy(Path(taxonomy_dir)))


@task(name="extract-skills", cache_policy=NO_CACHE)
def extract_skills_chunk(taxonomy_dir: str, texts: pd.DataFrame) -> pd.DataFrame:
    """Return `posting_skills` rows for one chunk of ad texts (per-chunk work: runs on Dask when configured)."""
    return _skill_extractor(taxonomy_dir).posting_skills(texts)


@task(name="normalise", cache_policy=NO_CACHE)
def normalise_period(settings: RunSettings, inputs: NormaliseInputs, skill_parts: list[pd.DataFrame]) -> StageResult:
    """Classify roles, combine the extracted skills, normalise CV profiles and write the period's tables."""
    from normalise.contracts import (
        POSTING_ROLES, POSTING_SKILLS, PROFILE_JOBS, PROFILE_SKILLS, PROFILES_NORMALISED, SKILL_REVIEW,
    )
    from normalise.expectations import normalised_postings_report, normalised_profiles_report
    from normalise.stage import posting_roles, profiles_normalised

    period, fingerprint = inputs.period, inputs.fingerprint
    if inputs.skipped:
        return StageResult("normalise", period, fingerprint, skipped=True)
    taxonomy, classifier, extractor = _taxonomy_bundle(str(settings.taxonomy))
    market = _market(settings)
    with timed() as clock:
        roles = posting_roles(inputs.facts, classifier)
        parts = [part for part in skill_parts if len(part)]
        skills = pd.concat(parts, ignore_index=True) if parts else POSTING_SKILLS.empty()
        skills = skills.sort_values(["posting_id", "skill_id"], kind="stable", ignore_index=True)
        profile_tables = profiles_normalised(inputs.profiles, taxonomy, classifier, extractor, period_end(period))
        quality = checked([
            normalised_postings_report(roles, skills, taxonomy.roles),
            normalised_profiles_report(profile_tables.profiles_normalised, profile_tables.profile_skills),
        ])
        with connect(settings.warehouse) as con:
            rows = replace_partitions(
                con, market, period,
                {
                    POSTING_ROLES: roles, POSTING_SKILLS: skills,
                    PROFILES_NORMALISED: profile_tables.profiles_normalised,
                    PROFILE_SKILLS: profile_tables.profile_skills, PROFILE_JOBS: profile_tables.profile_jobs,
                    SKILL_REVIEW: profile_tables.skill_review,
                },
                completes=("normalise", fingerprint),
            )
    other = int((roles["role_id"] == "other").sum())
    figures = {
        "postings": len(roles), "other_role": other, "posting_skills": len(skills),
        "profiles": len(inputs.profiles), "skill_chunks": len(skill_parts),
    }
    stage_event("normalise", period, "normalised", seconds=clock["seconds"], **figures)
    return StageResult("normalise", period, fingerprint, False, rows, clock["seconds"], figures, quality)


@task(name="metrics", cache_policy=NO_CACHE)
def metrics_period(settings: RunSettings, period: str, upstream: list[StageResult]) -> StageResult:
    """Compute every metric table for the period in DuckDB (one transaction, the period's rows replaced)."""
    from metrics.expectations import metric_reports
    from metrics.runner import compute_metrics
    from metrics.settings import MetricSettings
    from normalise.contracts import ROLE_ADJACENCY, ROLES, TAXONOMY_UNITS, UNIT_MEMBERS
    from normalise.taxonomy import taxonomy_tables

    taxonomy, _, _ = _taxonomy_bundle(str(settings.taxonomy))
    market = _market(settings)
    fingerprint = combine("metrics", *[u.fingerprint for u in upstream], taxonomy.version, code_fingerprint())
    with timed() as clock, connect(settings.warehouse) as con:
        frames = taxonomy_tables(taxonomy)
        replace_tables(con, {c: frames[c.name] for c in (TAXONOMY_UNITS, UNIT_MEMBERS, ROLES, ROLE_ADJACENCY)})
        metric_settings = MetricSettings(roles_file=settings.taxonomy / "roles.yaml")
        rows = compute_metrics(con, market, period, metric_settings)
        quality = checked(metric_reports(con, market, period, metric_settings))
    stage_event("metrics", period, "computed", seconds=clock["seconds"], **rows)
    return StageResult("metrics", period, fingerprint, False, rows, clock["seconds"], {}, quality)


def _market(settings: RunSettings) -> str:
    from extract.sources import load_market_config

    return load_market_config(settings.sources).market


def _as_python_lists(profiles: pd.DataFrame) -> pd.DataFrame:
    """Return profiles with list columns as Python lists (DuckDB hands them back as arrays)."""
    out = profiles.copy()
    for column in ("skills_raw", "work_history"):
        out[column] = [list(v) if v is not None else [] for v in out[column]]
    return out


@task(name="publish", cache_policy=NO_CACHE)
def publish_period(
    settings: RunSettings, period: str, upstream: list[StageResult], run_id: str
) -> StageResult:
    """Build the spotlight documents and pages from the metric tables and publish the period atomically."""
    from reports.document import RunInfo, build_documents
    from reports.expectations import documents_report
    from reports.html import render_role_page
    from reports.publish import publish_period as publish

    from spotlight.fingerprint import code_version

    taxonomy, _, _ = _taxonomy_bundle(str(settings.taxonomy))
    market = _market(settings)
    fingerprint = combine("publish", *[u.fingerprint for u in upstream], code_fingerprint())
    inputs = {f"{u.stage}:{u.period}": u.fingerprint for u in upstream if u.stage == "ingest"}
    # Documents carry the content fingerprint, not the orchestrator's run id, so a re-run gives the same bytes;
    # the Prefect flow-run id goes to the manifest only.
    run_info = RunInfo(
        taxonomy_version=taxonomy.version, code_version=code_version(), run_id=fingerprint[:16],
        input_fingerprints=inputs, warnings=[],
    )
    aliases = {skill_id: list(skill.aliases) for skill_id, skill in taxonomy.skills.items()}
    timings = {f"{u.stage}:{u.period}": u.seconds for u in upstream}
    manifest_extra = {"flow_run_id": run_id, "stage_seconds": timings, "input_fingerprints": inputs}
    with timed() as clock:
        with connect(settings.warehouse) as con:
            documents = build_documents(con, market, period, run_info, settings.overrides)
            quality = checked([documents_report(documents)])
            pages = {doc["role"]["id"]: render_role_page(doc, aliases=aliases) for doc in documents}
            manifest = publish(
                settings.warehouse, settings.output, market, period, documents, pages, None, manifest_extra, con=con
            )
    target = manifest.parent
    stage_event("publish", period, f"published {len(documents)} roles to {target}", seconds=clock["seconds"])
    return StageResult(
        "publish", period, fingerprint, False, {"documents": len(documents)}, clock["seconds"],
        {"roles": [d["role"]["id"] for d in documents], "output": str(target), "headlines": headline_rows(documents)},
        quality,
    )


def headline_rows(documents: list[dict]) -> list[dict[str, object]]:
    """Return one row of headline figures per published role (for the run's Prefect artifact)."""
    rows = []
    for doc in documents:
        headline = doc["headline"]
        median = headline.get("median_salary") or {}
        rows.append({
            "role": doc["role"]["name"], "postings": headline.get("postings_in_role"),
            "essential": headline["essential_count"], "desirable": headline["desirable_count"],
            "emerging": headline["emerging_count"],
            "median_salary": None if median.get("suppressed") else median.get("median"),
        })
    return rows


@task(name="quality-report", cache_policy=NO_CACHE)
def quality_report_period(settings: RunSettings, period: str, stages: list[StageResult]) -> Path:
    """Write the run's quality report (every expectation of every stage) and attach it and the headline
    figures to the flow run as Prefect artifacts."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    market = _market(settings)
    sections = [f"# Quality report: {market} {period}\n"]
    for stage in stages:
        if stage.skipped:
            sections.append(f"## {stage.stage} {stage.period}\n\nUp to date (inputs unchanged), checked when it ran.\n")
        elif stage.quality:
            sections.append(f"## {stage.stage} {stage.period}\n")
            sections += list(stage.quality)
    text = "\n".join(sections)
    target = settings.output / "runs" / f"quality-{market}-{period}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    key = f"quality-{market}-{period}".lower()
    create_markdown_artifact(markdown=text, key=key, description=f"Quality report {market} {period}")
    published = [s for s in stages if s.stage == "publish"]
    if published:
        create_table_artifact(
            table=published[-1].figures["headlines"], key=f"headlines-{market}-{period}".lower(),
            description=f"Headline figures per role, {market} {period}",
        )
    return target
