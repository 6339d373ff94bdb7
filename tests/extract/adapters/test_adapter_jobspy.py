"""JobSpy adapter: python-jobspy scrape output saved as CSV."""
from __future__ import annotations

import datetime as dt

import pytest

from extract.adapters.jobspy import posting_from_jobspy

ENTRY = "  - {name: jobspy, format: jobspy_csv, path: scrape.csv}\n"
HEADER = (
    "id,site,job_url,job_url_direct,title,company,location,date_posted,job_type,salary_source,interval,"
    "min_amount,max_amount,currency,is_remote,job_level,job_function,description\n"
)


@pytest.mark.parametrize(
    ("row", "field", "expected"),
    [
        # interval is the pay period as JobSpy normalises it
        ({"interval": "daily", "min_amount": "500.0", "max_amount": "600"}, "salary_period_raw", "daily"),
        # no pay figures: period and currency stay empty even when JobSpy filled them
        ({"interval": "yearly", "currency": "GBP"}, "salary_currency_raw", None),
        # is_remote adds the fact to a location that does not say it
        ({"location": "Leeds, ENG, GB", "is_remote": "True"}, "location_raw", "Leeds, ENG, GB (Remote)"),
        # ...but not twice
        ({"location": "Remote, UK", "is_remote": "True"}, "location_raw", "Remote, UK"),
        # no id column (older JobSpy): the job URL is the id
        ({"id": None, "job_url": "https://uk.indeed.com/viewjob?jk=abc"}, "source_id", "https://uk.indeed.com/viewjob?jk=abc"),
        ({"date_posted": "2024-03-19"}, "posted_at", dt.date(2024, 3, 19)),
    ],
)
def test_row_mapping(row: dict, field: str, expected: object) -> None:
    base = {"id": "in-1", "job_url": "https://x/1", "title": "t", "description": "d", "date_posted": "2024-03-01"}
    assert posting_from_jobspy({**base, **row})[field] == expected


def test_scrape_csv_lands(land_source) -> None:
    csv_text = HEADER + (
        'li-1,linkedin,https://www.linkedin.com/jobs/view/1,,ML Engineer,Orbital,"London, England, United Kingdom",'
        '2024-03-06,fulltime,direct_data,yearly,70000.0,85000.0,GBP,False,,,"PyTorch, ONNX"\n'
        'in-2,indeed,https://uk.indeed.com/viewjob?jk=2,,Data Engineer,Quay,"Glasgow, SCT, GB",2024-03-19,contract,'
        'description,daily,500.0,600.0,GBP,True,,,Snowflake\n'
        'in-3,indeed,https://uk.indeed.com/viewjob?jk=3,,Researcher,Beacon,"Cambridge",2024-03-20,fulltime,,,'
        'n/a,,,False,,,JAX\n'
    )
    landed = land_source(ENTRY, {"scrape.csv": csv_text})
    assert landed.postings["source_id"].tolist() == ["li-1", "in-2"]
    assert landed.postings["contract_raw"].tolist() == ["fulltime", "contract"]
    assert landed.quarantine[["source_row", "reason_code"]].values.tolist() == [[2, "bad_number"]]
