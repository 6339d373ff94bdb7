"""Benchmark of the ingest parsing stage: posting_facts over a synthetic month of postings.

Run: `python benchmarks/bench_extract.py --rows 1000000` (from the project root). Prints rows/second and peak
memory (resident set of this process and of the worker processes). The postings are synthesised here with the
phrasing mix of real boards (HTML ads, stated and predicted structured pay, salary fields, day rates, hourly temp
pay, UK locations, ~5% exact and ~3% edited re-posts), so the figure does not depend on the sample generator.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract.facts import posting_facts  # noqa: E402

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
    descriptions = []
    sentence_picks = rng.random((rows, len(SENTENCES))).argsort(axis=1)[:, :6]
    for i in range(rows):
        picks = sentence_picks[i]
        body = "".join(f"<p>{SENTENCES[j]}</p>" for j in picks)
        pay = PAY_PHRASES[pay_kind[i]].format(a=low[i], b=low[i] + 10, d=day[i], e=day[i] + 50, h=hour[i])
        descriptions.append(
            f"<p><strong>{TITLES[title[i]]}</strong> - {pay}</p>{body}<p>Reference {i:07d}. Apply today.</p>"
            "<h3>Benefits</h3><ul><li>25 days holiday</li><li>Pension</li></ul>"
        )
    frame = pd.DataFrame(
        {
            "posting_id": [f"{i:016x}" for i in range(rows)],
            "market": "uk",
            "period": "2024-05",
            "source": "synthetic",
            "source_id": [str(i) for i in range(rows)],
            "title": [TITLES[t] for t in title],
            "description": descriptions,
            "company": [f"Company {c} Ltd" for c in company],
            "location_raw": [LOCATIONS[x] for x in location],
            "salary_raw": np.where(source_of_pay < 0.3, [f"£{a},000 - £{a + 10},000" for a in low], None),
            "salary_min_raw": np.where((source_of_pay >= 0.3) & (source_of_pay < 0.6), low * 1000.0, np.nan),
            "salary_max_raw": np.where((source_of_pay >= 0.3) & (source_of_pay < 0.6), (low + 10) * 1000.0, np.nan),
            "salary_currency_raw": "GBP",
            "salary_period_raw": None,
            "salary_is_predicted": predicted & (source_of_pay >= 0.3) & (source_of_pay < 0.6),
            "contract_raw": np.where(rng.random(rows) < 0.5, "permanent", None),
            "posted_at": [dt.date(2024, 5, int(d)) for d in posted],
            "url": None,
            "source_row": np.arange(rows),
        }
    )
    # plant ~5% exact duplicates and ~3% edited re-posts of earlier rows, two days later
    exact = rng.choice(rows, rows // 20, replace=False)
    near = rng.choice(rows, rows // 33, replace=False)
    targets = np.concatenate([exact, near])
    sources = rng.integers(0, rows, len(targets))
    keep = targets != sources
    targets, sources = targets[keep], sources[keep]
    columns = ["title", "description", "company", "location_raw"]
    frame.loc[targets, columns] = frame.loc[sources, columns].to_numpy()
    later = pd.to_datetime(frame.loc[sources, "posted_at"]).to_numpy() + np.timedelta64(2, "D")
    frame.loc[targets, "posted_at"] = [min(d, dt.date(2024, 5, 31)) for d in pd.to_datetime(later).date]
    edited = np.isin(targets, near)
    frame.loc[targets[edited], "description"] = frame.loc[targets[edited], "description"].str.replace(
        "Apply today.", "Apply via our site.", regex=False)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    started = time.perf_counter()
    postings = synthetic_postings(args.rows)
    generated = time.perf_counter()
    facts = posting_facts(postings, workers=args.workers)
    finished = time.perf_counter()

    seconds = finished - generated
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    duplicates = facts["duplicate_of"].notna().sum()
    print(f"postings: {args.rows:,} (generated in {generated - started:.1f} s)")
    print(f"posting_facts: {seconds:.1f} s = {args.rows / seconds:,.0f} rows/s with {args.workers} worker(s)")
    print(f"peak memory: {own:,.0f} MiB (main process), {workers:,.0f} MiB (largest worker)")
    print(f"duplicates linked: {duplicates:,} ({facts['duplicate_method'].value_counts().to_dict()})")
    print(f"pay kinds: {facts['pay_kind'].value_counts().to_dict()}")
    print(f"unknown region: {(facts['region'] == 'unknown').mean():.1%}")


if __name__ == "__main__":
    main()
