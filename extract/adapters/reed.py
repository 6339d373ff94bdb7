"""Reed adapter (`reed_json`): Reed jobseeker API search responses ({"totalResults", "results": [...]})."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from extract.adapters.base import Row, RowRejected, SourceReadError, date, file_rows, json_document, number, text
from extract.sources import SourceConfig

REED_DATE_FORMAT = "%d/%m/%Y"


def posting_from_reed(job: Mapping[str, Any]) -> dict[str, Any]:
    """Return the canonical posting of one Reed API job (search result or job-details object)."""
    if not isinstance(job, Mapping):
        raise RowRejected("not_an_object", f"expected a JSON object, got {type(job).__name__}")
    salary_min = number(job.get("minimumSalary"), "minimumSalary")
    salary_max = number(job.get("maximumSalary"), "maximumSalary")
    posted = job.get("date", job.get("datePosted"))
    if isinstance(posted, str) and not posted.strip():
        raise RowRejected("bad_date", "date: '' is not a date")
    # Reed writes dates as dd/mm/yyyy; ISO dates (from re-exports) are accepted too.
    try:
        posted_at = date(posted, "date", REED_DATE_FORMAT)
    except RowRejected:
        posted_at = date(posted, "date")
    # Job-details responses add `contractType`, `fullTime`/`partTime` and `salaryType`; search results do not.
    contract = [text(job.get("contractType"))]
    if job.get("fullTime") is True:
        contract.append("full_time")
    if job.get("partTime") is True:
        contract.append("part_time")
    return {
        "source_id": text(job.get("jobId")),
        "title": text(job.get("jobTitle")),
        "description": text(job.get("jobDescription")),
        "company": text(job.get("employerName")),
        "location_raw": text(job.get("locationName")),
        "salary_raw": text(job.get("salary")),
        "salary_min_raw": salary_min,
        "salary_max_raw": salary_max,
        "salary_currency_raw": text(job.get("currency")) if salary_min is not None or salary_max is not None else None,
        "salary_period_raw": text(job.get("salaryType")),
        "salary_is_predicted": False if salary_min is not None or salary_max is not None else None,
        "contract_raw": ", ".join(c for c in contract if c) or None,
        "posted_at": posted_at,
        "url": text(job.get("jobUrl")),
    }


def reed_records(path: str) -> Iterator[tuple[int, Any]]:
    """Return (row, job) per job of the Reed API response in `path`."""
    document = json_document(path)
    if isinstance(document, list):
        return enumerate(document)
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        return enumerate(document["results"])
    if isinstance(document, dict) and "jobId" in document:
        return enumerate([document])
    raise SourceReadError(f"{path} is not a Reed API response: expected an object with a `results` list")


def reed_json_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of a `reed_json` source for `period`."""
    return file_rows(source, period, reed_records, posting_from_reed)
