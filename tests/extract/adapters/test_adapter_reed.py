"""Reed adapter: API search responses with dd/mm/yyyy dates."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from extract.adapters.base import RowRejected
from extract.adapters.reed import posting_from_reed

ENTRY = "  - {name: reed, format: reed_json, path: 'reed-{period}.json'}\n"


def test_search_result_maps_fields() -> None:
    job = {
        "jobId": 52000101, "employerName": "Harbourside", "jobTitle": "ML Engineer", "locationName": "Canary Wharf",
        "minimumSalary": 90000.0, "maximumSalary": 110000.0, "currency": "GBP", "date": "18/03/2024",
        "expirationDate": "15/04/2024", "jobDescription": "MLflow", "jobUrl": "https://www.reed.co.uk/jobs/1",
    }
    assert posting_from_reed(job) == {
        "source_id": "52000101", "title": "ML Engineer", "description": "MLflow", "company": "Harbourside",
        "location_raw": "Canary Wharf", "salary_raw": None, "salary_min_raw": 90000.0, "salary_max_raw": 110000.0,
        "salary_currency_raw": "GBP", "salary_period_raw": None, "salary_is_predicted": False, "contract_raw": None,
        "posted_at": dt.date(2024, 3, 18), "url": "https://www.reed.co.uk/jobs/1",
    }


@pytest.mark.parametrize(
    ("extra", "field", "expected"),
    [
        # job-details responses carry the contract and salary type
        ({"contractType": "Contract", "fullTime": True, "salaryType": "per day"}, "contract_raw", "Contract, full_time"),
        ({"contractType": "Contract", "fullTime": True, "salaryType": "per day"}, "salary_period_raw", "per day"),
        # an ISO date (a re-export) is accepted as well as dd/mm/yyyy
        ({"date": "2024-03-05"}, "posted_at", dt.date(2024, 3, 5)),
        # 03/04/2024 is 3 April in Reed's day-first format, not 4 March
        ({"date": "03/04/2024"}, "posted_at", dt.date(2024, 4, 3)),
    ],
)
def test_optional_fields(extra: dict, field: str, expected: object) -> None:
    job = {"jobId": 1, "jobTitle": "t", "jobDescription": "d", "date": "01/03/2024", **extra}
    assert posting_from_reed(job)[field] == expected


def test_unreadable_date_rejects_with_bad_date() -> None:
    with pytest.raises(RowRejected) as info:
        posting_from_reed({"jobId": 1, "date": "31/02/2024"})
    assert info.value.code == "bad_date"


def test_reed_file_lands_and_quarantines(land_source) -> None:
    response = {"totalResults": 2, "results": [
        {"jobId": 1, "jobTitle": "Data Analyst", "jobDescription": "Power BI", "date": "04/03/2024"},
        {"jobId": 2, "jobTitle": "Data Analyst", "jobDescription": "", "date": "05/03/2024"},
    ]}
    landed = land_source(ENTRY, {"reed-2024-03.json": json.dumps(response)})
    assert landed.postings["source_id"].tolist() == ["1"]
    assert landed.quarantine[["source_row", "reason_code"]].values.tolist() == [[1, "missing_description"]]


@pytest.mark.parametrize("posted", ["", "TBC", "31/04/2026"])  # empty, a word, 31 April
def test_bad_reed_dates(posted: str) -> None:
    with pytest.raises(RowRejected) as info:
        posting_from_reed({"jobId": 1, "jobTitle": "t", "jobDescription": "d", "date": posted})
    assert info.value.code == "bad_date"
