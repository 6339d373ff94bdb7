"""Benchmark of the ingest parsing stage: landing and posting_facts, on synthetic postings or a generated sample.

Run from the project root:

- `python benchmarks/bench_extract.py --rows 1000000` parses postings synthesised here with the phrasing mix of
  real boards (HTML ads, stated and predicted structured pay, salary fields, day rates, hourly temp pay, UK
  locations, ~5% exact and ~3% edited re-posts), so the figure does not depend on the sample generator;
- `python benchmarks/bench_extract.py --sample 1000000` generates one month of the sample market
  (`spotlight.sample.generate_sample`, cached in `--sample-dir`), lands it (`extract.ingest.land`) and parses it,
  reporting landing and facts rows/second separately;
- `python benchmarks/bench_extract.py --sample 1000000 --stage` runs the whole ingest stage on that month as the
  flow does (`extract.staged.staged_ingest`: every source file landed and parsed into Parquet files by worker
  processes; then accounting, the landed-postings suite and the warehouse write): the end-to-end ingest figure.

Each measurement runs in a fresh child process (`--repeat` times; the best is reported), so its peak memory
(`ru_maxrss` of the process and of its worker processes) is the stage's own. The machine's load average and the CPU
seconds of the process and its workers are printed with each figure, as the machine may be shared.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from extract.facts import posting_facts  # noqa: E402
from machine import cpu_ticks, stolen_share  # noqa: E402

TITLES = ("Machine Learning Engineer", "Senior Data Scientist", "Data Engineer", "MLOps Engineer", "Data Analyst",
          "Analytics Engineer", "BI Developer", "Lead Data Scientist", "AI Engineer", "Data Architect",
          "NLP Engineer", "Computer Vision Engineer", "Junior Data Analyst", "Head of Data", "Quant Developer")
LOCATIONS = ("London", "Canary Wharf, East London", "Manchester, Greater Manchester", "Leeds, West Yorkshire",
             "Hybrid - Leeds", "Remote (UK)", "Bristol, South West England", "Edinburgh", "Glasgow, Scotland",
             "Cambridge, Cambridgeshire", "Birmingham, West Midlands", "EC2A 4NE", "Reading, Berkshire", "UK",
             "Cardiff, Wales", "Belfast", "Newcastle upon Tyne", "Nottingham", "Oxford, Oxfordshire", "Shoreditch")
SENTENCES = (
    "You will build and deploy machine learning models in Python.",
    "Experience with PyTorch or TensorFlow is essential.",
    "We use AWS, Docker and Kubernetes to run our services.",
    "You will work closely with product managers and data scientists.",
    "Strong SQL skills and experience with dbt are required.",
    "Knowledge of Spark and Airflow would be a plus.",
    "You will own pipelines from ingestion to reporting in Power BI.",
    "We value clear communication with non-technical stakeholders.",
    "Experience with MLflow, feature stores and model monitoring is desirable.",
    "You will mentor junior engineers and review code.",
    "The team ships weekly and runs A/B tests on every change.",
    "A degree in a quantitative subject or equivalent experience.",
    "Familiarity with LLMs, retrieval augmented generation and vector databases.",
    "You will help define our data governance and model risk policies.",
)
GENERATION_BLOCK = 50_000
PAY_PHRASES = ("Salary £{a},000 - £{b},000 per annum + bonus", "£{a}k-£{b}k + benefits", "Up to £{b},000",
               "£{d}-£{e} per day Outside IR35", "£{h} per hour, temporary", "Competitive salary", "From £{a},000")


def synthetic_postings(rows: int, seed: int = 5) -> pd.DataFrame:
    """Return `rows` synthetic landed postings for one month, with planted exact and edited duplicates."""
    rng = np.random.default_rng(seed)
    title = rng.integers(0, len(TITLES), rows)
    company = rng.integers(0, max(50, rows // 40), rows)
    location = rng.integers(0, len(LOCATIONS), rows)
    pay_kind = rng.integers(0, len(PAY_PHRASES), rows)
    low = rng.integers(30, 90, rows)
    day = rng.integers(350, 700, rows)
    hour = rng.integers(12, 40, rows)
    source_of_pay = rng.random(rows)
    predicted = rng.random(rows) < 0.3
    posted = rng.integers(1, 31, rows)
    sentence_picks = np.concatenate([
        rng.random((min(rows, begin + GENERATION_BLOCK) - begin, len(SENTENCES))).argsort(axis=1)[:, :6].astype(np.int8)
        for begin in range(0, rows, GENERATION_BLOCK)
    ])
    permanent = rng.random(rows) < 0.5
    # plant ~5% exact duplicates and ~3% edited re-posts of earlier rows, two days later: `content[i]` is the row
    # whose title, description, company and location row i carries (the last planting of a row wins)
    exact = rng.choice(rows, rows // 20, replace=False)
    near = rng.choice(rows, rows // 33, replace=False)
    targets = np.concatenate([exact, near])
    sources = rng.integers(0, rows, len(targets))
    keep = targets != sources
    targets, sources = targets[keep], sources[keep]
    content = np.arange(rows)
    content[targets] = sources
    posted_day = posted.copy()
    posted_day[targets] = np.minimum(posted[sources] + 2, 31)
    edited = np.zeros(rows, dtype=bool)
    edited[targets[np.isin(targets, near)]] = True

    # descriptions are built in blocks straight into Arrow strings, so the benchmark's own peak memory is not a
    # million Python strings
    blocks = []
    for begin in range(0, rows, GENERATION_BLOCK):
        block = []
        for i in range(begin, min(rows, begin + GENERATION_BLOCK)):
            j = content[i]
            body = "".join(f"<p>{SENTENCES[k]}</p>" for k in sentence_picks[j])
            pay = PAY_PHRASES[pay_kind[j]].format(a=low[j], b=low[j] + 10, d=day[j], e=day[j] + 50, h=hour[j])
            ending = "Apply via our site." if edited[i] else "Apply today."
            block.append(
                f"<p><strong>{TITLES[title[j]]}</strong> - {pay}</p>{body}<p>Reference {j:07d}. {ending}</p>"
                "<h3>Benefits</h3><ul><li>25 days holiday</li><li>Pension</li></ul>"
            )
        blocks.append(pa.array(block, type=pa.large_string()))
    descriptions = pa.chunked_array(blocks, type=pa.large_string())
    dates = [dt.date(2024, 5, d) for d in range(1, 32)]
    return pd.DataFrame(
        {
            "posting_id": [f"{i:016x}" for i in range(rows)],
            "market": "uk",
            "period": "2024-05",
            "source": "synthetic",
            "source_id": [str(i) for i in range(rows)],
            "title": [TITLES[t] for t in title[content]],
            "description": pd.array(descriptions, dtype="str"),
            "company": [f"Company {c} Ltd" for c in company[content]],
            "location_raw": [LOCATIONS[x] for x in location[content]],
            "salary_raw": np.where(source_of_pay < 0.3, [f"£{a},000 - £{a + 10},000" for a in low], None),
            "salary_min_raw": np.where((source_of_pay >= 0.3) & (source_of_pay < 0.6), low * 1000.0, np.nan),
            "salary_max_raw": np.where((source_of_pay >= 0.3) & (source_of_pay < 0.6), (low + 10) * 1000.0, np.nan),
            "salary_currency_raw": "GBP",
            "salary_period_raw": None,
            "salary_is_predicted": predicted & (source_of_pay >= 0.3) & (source_of_pay < 0.6),
            "contract_raw": np.where(permanent, "permanent", None),
            "posted_at": [dates[d - 1] for d in posted_day],
            "url": None,
            "source_row": np.arange(rows),
        }
    )


def peak_memory_mib() -> tuple[float, float]:
    """Return the peak resident set (MiB) of this process and of its largest finished child process."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def cpu_seconds() -> float:
    """Return the user + system CPU seconds of this process and its finished child processes so far."""
    return sum(cpu_split())


def cpu_split() -> tuple[float, float]:
    """Return the user + system CPU seconds of this process, and of its finished child processes, so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def load_average() -> str:
    """Return the 1-minute load average and the number of cores, e.g. "2.31 on 2 cores"."""
    return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def measure_synthetic(rows: int, workers: int) -> dict:
    """Return the figures of one posting_facts run over `rows` synthetic postings (run in a fresh process)."""
    started = time.perf_counter()
    postings = synthetic_postings(rows)
    generated = time.perf_counter()
    load_before = load_average()
    cpu_before = cpu_seconds()
    facts = posting_facts(postings, workers=workers)
    finished = time.perf_counter()
    own, children = peak_memory_mib()
    return {
        "rows": rows, "workers": workers, "generate_s": generated - started, "facts_s": finished - generated,
        "cpu_s": cpu_seconds() - cpu_before,
        "facts_rows_per_s": rows / (finished - generated), "peak_main_mib": own, "peak_worker_mib": children,
        "load_before": load_before, "load_after": load_average(),
        "duplicates": int(facts["duplicate_of"].notna().sum()),
        "methods": {str(k): int(v) for k, v in facts["duplicate_method"].value_counts().items()},
        "pay_kinds": {str(k): int(v) for k, v in facts["pay_kind"].value_counts().items()},
        "unknown_region": float((facts["region"] == "unknown").mean()),
    }


def measure_sample(sample_dir: Path, period: str, workers: int) -> dict:
    """Return the figures of landing and parsing one month of a generated sample (run in a fresh process)."""
    from extract.ingest import land
    from extract.sources import load_market_config

    load_before = load_average()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    landed = land(load_market_config(sample_dir / "sources.yaml"), period)
    postings = landed.postings
    rows = len(postings)
    landed_at = time.perf_counter()
    own_after_landing, _ = peak_memory_mib()
    facts = posting_facts(postings, workers=workers)
    finished = time.perf_counter()
    own, children = peak_memory_mib()
    return {
        "rows": rows, "profiles": len(landed.profiles), "quarantined": len(landed.quarantine), "workers": workers,
        "land_s": landed_at - started, "land_rows_per_s": rows / (landed_at - started),
        "facts_s": finished - landed_at, "facts_rows_per_s": rows / (finished - landed_at),
        "ingest_rows_per_s": rows / (finished - started), "cpu_s": cpu_seconds() - cpu_before,
        "peak_main_after_landing_mib": own_after_landing, "peak_main_mib": own, "peak_worker_mib": children,
        "load_before": load_before, "load_after": load_average(),
        "duplicates": int(facts["duplicate_of"].notna().sum()),
        "pay_kinds": {str(k): int(v) for k, v in facts["pay_kind"].value_counts().items()},
        "unknown_region": float((facts["region"] == "unknown").mean()),
    }


def measure_stage(sample_dir: Path, period: str, workers: int) -> dict:
    """Return the figures of the whole ingest stage over one month of a generated sample, as the flow runs it
    (`extract.staged.ingested`: landing and parsing with the rows inserted into a fresh DuckDB file in a temporary
    folder as they are parsed, then accounting and the rest of the write while the landed-postings suite runs on
    a thread), in a fresh process."""
    import tempfile

    from extract.sources import load_market_config
    from extract.staged import ingested
    from spotlight.warehouse import connect

    load_before = load_average()
    cpu_before = cpu_split()
    ticks = cpu_ticks()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        started = time.perf_counter()
        config = load_market_config(sample_dir / "sources.yaml")
        phases = _PhaseLog()
        logging.getLogger("extract.staged").addHandler(phases)
        logging.getLogger("extract.staged").setLevel(logging.INFO)
        with connect(Path(folder) / "warehouse.duckdb") as con:
            staged, _, _, report = ingested(con, config, period, Path(folder) / "work", lambda _: None, workers=workers)
        keys = staged.keys
        finished = time.perf_counter()
        disk_mib = (Path(folder) / "warehouse.duckdb").stat().st_size / 2**20
    own, children = peak_memory_mib()
    rows = len(keys.postings)
    return {
        "rows": rows, "profiles": len(keys.profiles), "quarantined": len(keys.quarantine), "workers": workers,
        "stage": True, "ingest_s": finished - started, "phases": phases.message,
        "ingest_rows_per_s": rows / (finished - started), "warehouse_mib": disk_mib,
        "failed_checks": [o.name for o in report.outcomes if not o.success],
        "cpu_s": sum(cpu_split()) - sum(cpu_before), "main_cpu_s": cpu_split()[0] - cpu_before[0],
        "peak_main_mib": own, "peak_worker_mib": children, "load_before": load_before, "load_after": load_average(),
        "duplicates": len(staged.duplicates), "pay_kinds": {}, "unknown_region": float("nan"),
        "stolen": stolen_share(ticks, cpu_ticks()),
    }


class _PhaseLog(logging.Handler):
    """Keeps the message of `extract.staged.ingested`'s log line (how long staging and the rest of the write took)."""

    message = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("ingested"):
            self.message = record.getMessage()


def ensure_sample(sample_dir: Path, postings: int) -> None:
    """Generate one month of the sample market into `sample_dir` (in a child process) unless it is there."""
    if (sample_dir / "sources.yaml").exists():
        return
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from spotlight.sample.generate import SampleSettings, generate_sample;"
        "generate_sample(Path(sys.argv[2]), SampleSettings(postings_latest=int(sys.argv[3]), months=1))"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(PROJECT_ROOT), str(sample_dir), str(postings)], check=True)
    print(f"sample of {postings:,} postings generated in {time.perf_counter() - started:.0f} s: {sample_dir}")


def report(figures: dict) -> None:
    """Print one measurement's figures."""
    if figures.get("stage"):
        print(
            f"{figures['rows']:,} postings ({figures['profiles']:,} profiles, {figures['quarantined']:,} quarantined) "
            f"through the ingest stage with {figures['workers']} worker(s), landed, parsed, checked and written "
            f"({figures['warehouse_mib']:,.0f} MiB) in {figures['ingest_s']:.1f} s = "
            f"{figures['ingest_rows_per_s']:,.0f} postings/s end to end"
        )
        print(f"  {figures['phases']}")
        print(f"  failed checks: {figures['failed_checks'] or 'none'}; CPU time stolen by the hypervisor during the "
              f"run: {figures['stolen']}")
        print(f"  peak memory: {figures['peak_main_mib']:,.0f} MiB main process, "
              f"{figures['peak_worker_mib']:,.0f} MiB largest worker")
    elif "land_rows_per_s" in figures:
        print(
            f"{figures['rows']:,} postings ({figures['profiles']:,} profiles): "
            f"landing {figures['land_s']:.1f} s = {figures['land_rows_per_s']:,.0f} rows/s; "
            f"facts {figures['facts_s']:.1f} s = {figures['facts_rows_per_s']:,.0f} rows/s with "
            f"{figures['workers']} worker(s); ingest {figures['ingest_rows_per_s']:,.0f} rows/s"
        )
        print(f"  peak memory: {figures['peak_main_after_landing_mib']:,.0f} MiB after landing, "
              f"{figures['peak_main_mib']:,.0f} MiB main process, {figures['peak_worker_mib']:,.0f} MiB largest worker")
    else:
        print(
            f"{figures['rows']:,} synthetic postings (generated in {figures['generate_s']:.1f} s): "
            f"facts {figures['facts_s']:.1f} s = {figures['facts_rows_per_s']:,.0f} rows/s with "
            f"{figures['workers']} worker(s)"
        )
        print(f"  peak memory: {figures['peak_main_mib']:,.0f} MiB main process, "
              f"{figures['peak_worker_mib']:,.0f} MiB largest worker")
    main_cpu = f", of which {figures['main_cpu_s']:.0f} s main" if "main_cpu_s" in figures else ""
    print(f"  CPU: {figures['cpu_s']:.0f} s (main + workers{main_cpu}) = "
          f"{figures['cpu_s'] / figures['rows'] * 1e6:.0f} us per posting; load average: {figures['load_before']} "
          f"before, {figures['load_after']} after")
    print(f"  duplicates linked: {figures['duplicates']:,}; pay kinds: {figures['pay_kinds']}; "
          f"unknown region: {figures['unknown_region']:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic postings (without --sample)")
    parser.add_argument("--sample", type=int, help="postings of the latest month of a generated sample")
    parser.add_argument("--sample-dir", type=Path, help="where the sample is generated (reused when present)")
    parser.add_argument("--period", default="2026-04", help="the sample month to land")
    parser.add_argument("--stage", action="store_true",
                        help="with --sample: the whole ingest stage as the flow runs it (staged, checked, written)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="measurements (each in a fresh process)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: run one measurement, print JSON
    args = parser.parse_args()

    if args.measure == "synthetic":
        print(json.dumps(measure_synthetic(args.rows, args.workers)))
        return
    if args.measure == "sample":
        print(json.dumps(measure_sample(args.sample_dir, args.period, args.workers)))
        return
    if args.measure == "stage":
        print(json.dumps(measure_stage(args.sample_dir, args.period, args.workers)))
        return
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    command = [sys.executable, str(Path(__file__).resolve()), "--workers", str(args.workers)]
    if args.sample:
        sample_dir = args.sample_dir or Path(f"/tmp/spotlight-bench-sample-{args.sample}")
        ensure_sample(sample_dir, args.sample)
        measure = "stage" if args.stage else "sample"
        command += ["--measure", measure, "--sample-dir", str(sample_dir), "--period", args.period]
        key = "ingest_rows_per_s"
    else:
        command += ["--measure", "synthetic", "--rows", str(args.rows)]
        key = "facts_rows_per_s"
    runs = []
    for _ in range(args.repeat):
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        report(figures)
        runs.append(figures)
    if len(runs) > 1:
        print("best:")
        report(max(runs, key=lambda f: f[key]))


if __name__ == "__main__":
    main()
