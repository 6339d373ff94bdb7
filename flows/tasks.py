"""Prefect tasks: each reads its inputs from the warehouse or the sources, calls the stage's pure transforms,
and writes its contract tables back in one transaction. Retries are on source I/O only."""
from __future__ import annotations

import calendar
import concurrent.futures
import datetime as dt
import shutil
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE  # stages skip by their own input fingerprints (stage_runs);
# Prefect's default input hashing would serialise whole DataFrames: ~24 GB at 1M postings (OOM, measured).

from spotlight.fingerprint import code_fingerprint, combine, files_fingerprint
from spotlight.progress import stage_event, timed
from spotlight.settings import RunSettings
from spotlight.warehouse import (
    connect, ensure_tables, query_chunks, read_partition, replace_partitions, replace_tables, stage_fingerprint,
    write_chunk,
)


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


@task(name="ingest-part", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10],
      retry_condition_fn=_is_io_error)
def ingest_part(source, period: str, market: str, folder: str, number: int):  # noqa: ANN001, ANN201
    """Land one source part into Parquet files (`extract.staged.staged_part`), as a task of the flow's runner."""
    from extract.staged import staged_part

    return staged_part(source, period, market, folder, number)


@task(name="parse-postings-file", cache_policy=NO_CACHE)
def parse_postings_file(path: str):  # noqa: ANN201 - extract.staged.ParsedFile
    """Parse one file of landed postings (`extract.staged.parsed_file`), as a task of the flow's runner."""
    from extract.staged import parsed_file

    return parsed_file(path)


class TaskRunnerPool(concurrent.futures.Executor):
    """An Executor that runs `extract.staged`'s functions as Prefect tasks on the flow's task runner (a Dask
    cluster with `flows.dask.dask_refresh`), so a month's landing and parsing is spread over the cluster."""

    def __init__(self) -> None:
        from extract.staged import parsed_file, staged_part

        self._tasks = {staged_part: ingest_part, parsed_file: parse_postings_file}

    def submit(self, fn, /, *args, **kwargs) -> concurrent.futures.Future:  # noqa: ANN001
        settled: concurrent.futures.Future = concurrent.futures.Future()
        submitted = self._tasks[fn].submit(*args, **kwargs)

        def settle(done) -> None:  # noqa: ANN001 - the PrefectFuture
            try:
                settled.set_result(done.result())
            except BaseException as error:  # noqa: BLE001 - handed to whoever waits on the future
                settled.set_exception(error)

        submitted.add_done_callback(settle)
        return settled


@task(name="ingest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_is_io_error)
def ingest_period(settings: RunSettings, period: str, workers: int = 0) -> StageResult:
    """Land one period's postings and profiles, parse their facts, de-duplicate and account for every row.

    The sources are landed and parsed part by part into Parquet files in a work folder (`extract.staged`), which
    the warehouse inserts from in one transaction; the folder is removed once the month is committed. With
    `workers` > 0 the parts and files are tasks of the flow's task runner (the Dask cluster's workers, which must
    see the work folder); otherwise a local process pool runs them.
    """
    from extract.sources import load_market_config
    from extract.staged import ingested

    market, fingerprint = ingest_fingerprint(settings, period)
    with connect(settings.warehouse) as con:
        if stage_fingerprint(con, market, period, "ingest") == fingerprint:
            stage_event("ingest", period, "up to date, skipped")
            return StageResult("ingest", period, fingerprint, skipped=True)
    with timed() as clock:
        config = load_market_config(settings.sources)
        work = settings.work_dir / "ingest" / market / period / fingerprint[:16]
        runner = {"workers": workers, "executor": TaskRunnerPool()} if workers > 0 else {}
        # The rows are inserted as they are parsed, and the landed-postings suite runs while the last are; the
        # month commits only if it passes.
        with connect(settings.warehouse) as con:
            _, rows, accounting, report = ingested(
                con, config, period, work, gate=lambda r: checked([r]), completes=("ingest", fingerprint), **runner
            )
        quality = checked([report])
        shutil.rmtree(work, ignore_errors=True)
    totals = accounting[["rows_in", "accepted", "duplicates", "quarantined"]].sum().astype(int).to_dict()
    stage_event("ingest", period, "landed", seconds=clock["seconds"], **totals)
    return StageResult("ingest", period, fingerprint, False, rows, clock["seconds"], totals, quality)


@dataclass(frozen=True)
class NormaliseInputs:
    """A period's inputs to the normalise stage: its ad texts as Parquet chunk files in a work folder, or
    `skipped` when its outputs are up to date."""

    period: str
    fingerprint: str
    skipped: bool
    work: str = ""
    chunks: tuple[str, ...] = ()
    started: float = 0.0  # time.time() when the stage began, so its seconds include the chunk tasks


@dataclass(frozen=True)
class PostingChunk:
    """One chunk's normalised postings: Parquet files of `posting_roles`, `posting_skills` and quality rows."""

    roles: str
    skills: str
    checks: str
    rows: int


# Postings per chunk file: bounds the memory of the stage (a chunk's texts and results) whatever the month's size.
CHUNK_ROWS = 100_000


def _posting_texts_sql() -> str:
    """Return the normalise stage's input query (normalise/sql/posting_texts.sql)."""
    import normalise

    return (Path(normalise.__file__).resolve().parent / "sql" / "posting_texts.sql").read_text()


@task(name="normalise-inputs", cache_policy=NO_CACHE)
def normalise_inputs(
    settings: RunSettings, period: str, upstream: StageResult, chunks: int = 1, chunk_rows: int = CHUNK_ROWS
) -> NormaliseInputs:
    """Write the period's ad texts to Parquet chunks (at least `chunks`, at most `chunk_rows` postings each) in
    the work folder, or return `skipped` when normalise already ran on the same inputs."""
    from extract.contracts import POSTING_FACTS

    started = time.time()
    taxonomy, _, _ = _taxonomy_bundle(str(settings.taxonomy))
    market = _market(settings)
    fingerprint = combine("normalise", upstream.fingerprint, taxonomy.version, code_fingerprint())
    with connect(settings.warehouse) as con:
        if stage_fingerprint(con, market, period, "normalise") == fingerprint:
            stage_event("normalise", period, "up to date, skipped")
            return NormaliseInputs(period, fingerprint, skipped=True)
        ensure_tables(con, [POSTING_FACTS])
        parameters = {"market": market, "period": period}
        texts_sql = _posting_texts_sql()
        size = chunk_rows
        if chunks > 1:  # at least `chunks` files (for a cluster's workers): the month's size decides their size
            total = con.execute(f"SELECT count(*) FROM ({texts_sql})", parameters).fetchall()[0][0]
            size = max(1, min(chunk_rows, -(-total // chunks)))
        # The work folder is named after the inputs' fingerprint: a re-run after a crash finds the chunks it
        # already normalised there and does not redo them.
        work = settings.work_dir / "normalise" / market / period / fingerprint[:16]
        files = query_chunks(con, texts_sql, parameters, work / "texts", size)
    return NormaliseInputs(period, fingerprint, False, str(work), tuple(str(f) for f in files), started)


@task(name="normalise-postings-chunk", cache_policy=NO_CACHE)
def normalise_postings_chunk(taxonomy_dir: str, chunk: str, work: str) -> PostingChunk:
    """Classify the roles and extract the skills of one chunk of postings, written as Parquet beside it
    (per-chunk work: runs on Dask when configured; a chunk whose results exist is not redone)."""
    import pyarrow.parquet as pq

    from normalise.contracts import POSTING_ROLES, POSTING_SKILLS
    from normalise.expectations import postings_quality_rows
    from normalise.stage import postings_normalised

    number = int(Path(chunk).stem.rsplit("-", 1)[1])
    folder = Path(work)
    targets = [folder / name / f"chunk-{number:05d}.parquet" for name in ("roles", "skills", "checks")]
    if all(t.exists() for t in targets):
        rows = pq.ParquetFile(targets[0]).metadata.num_rows
        return PostingChunk(*(str(t) for t in targets), rows)
    _, classifier, extractor = _taxonomy_bundle(taxonomy_dir)
    texts = pq.read_table(chunk).to_pandas()
    tables = postings_normalised(texts, classifier, extractor)
    checks = postings_quality_rows(tables.posting_roles, tables.posting_skills)
    # The quality rows go last: their file marks the chunk as done.
    write_chunk(POSTING_ROLES.conform(tables.posting_roles), folder / "roles", number)
    write_chunk(POSTING_SKILLS.conform(tables.posting_skills), folder / "skills", number)
    write_chunk(pa.Table.from_pandas(checks, preserve_index=False), folder / "checks", number)
    return PostingChunk(*(str(t) for t in targets), len(texts))


@task(name="normalise", cache_policy=NO_CACHE)
def normalise_period(settings: RunSettings, inputs: NormaliseInputs, chunks: list[PostingChunk]) -> StageResult:
    """Normalise the CV profiles, check every table and write the period's normalised tables, the postings'
    ones straight from their chunk files, in one transaction; then remove the work folder."""
    import pyarrow.parquet as pq

    from extract.contracts import PROFILES
    from normalise.contracts import (
        POSTING_ROLES, POSTING_SKILLS, PROFILE_JOBS, PROFILE_SKILLS, PROFILES_NORMALISED, SKILL_REVIEW,
    )
    from normalise.expectations import normalised_profiles_report, postings_quality_report, postings_quality_rows
    from normalise.stage import profiles_normalised

    period, fingerprint = inputs.period, inputs.fingerprint
    if inputs.skipped:
        return StageResult("normalise", period, fingerprint, skipped=True)
    taxonomy, classifier, extractor = _taxonomy_bundle(str(settings.taxonomy))
    market = _market(settings)
    with connect(settings.warehouse) as con:
        profiles = _as_python_lists(read_partition(con, PROFILES, market, period))
    profile_tables = profiles_normalised(profiles, taxonomy, classifier, extractor, period_end(period))
    checks = (
        pa.concat_tables([pq.read_table(c.checks) for c in chunks]).to_pandas() if chunks
        else postings_quality_rows(POSTING_ROLES.empty(), POSTING_SKILLS.empty())
    )

    def reports() -> list:
        return [
            postings_quality_report(checks, taxonomy.roles),
            normalised_profiles_report(profile_tables.profiles_normalised, profile_tables.profile_skills),
        ]

    # The suites run while the period's tables are inserted; the insert commits only if they pass.
    with concurrent.futures.ThreadPoolExecutor(1) as checking:
        suites = checking.submit(reports)
        with connect(settings.warehouse) as con:
            rows = replace_partitions(
                con, market, period,
                {
                    POSTING_ROLES: [c.roles for c in chunks], POSTING_SKILLS: [c.skills for c in chunks],
                    PROFILES_NORMALISED: profile_tables.profiles_normalised,
                    PROFILE_SKILLS: profile_tables.profile_skills, PROFILE_JOBS: profile_tables.profile_jobs,
                    SKILL_REVIEW: profile_tables.skill_review,
                },
                completes=("normalise", fingerprint), gate=lambda: checked(suites.result()),
            )
    quality = checked(suites.result())
    shutil.rmtree(inputs.work, ignore_errors=True)
    seconds = round(time.time() - inputs.started, 3)
    other = int((checks["role_id"] == "other").sum())
    figures = {
        "postings": len(checks), "other_role": other, "posting_skills": rows[POSTING_SKILLS.name],
        "profiles": len(profiles), "skill_chunks": len(chunks),
    }
    stage_event("normalise", period, "normalised", seconds=seconds, **figures)
    return StageResult("normalise", period, fingerprint, False, rows, seconds, figures, quality)


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
