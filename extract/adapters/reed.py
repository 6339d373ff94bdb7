"""Reed adapter (`reed_json`): Reed jobseeker API search responses ({"totalResults", "results": [...]})."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from extract.adapters.base import Row, RowRejected, SourceReadError, date, file_rows, json_document, number, text
from extract.sources import SourceConfig

REED_DATE_FORMAT = "%d/%m/%Y"


def posting_from_reed(job: Mapping[str, Any]) -> dict[str, Any]:
    """Return the canonical posting of one Reed API job (search result or job-details object)."""
    if not isinstance(job, (dict, Mapping)):
        raise RowRejected("not_an_object", f"expected a JSON object, got {type(job).__name__}")
    get = job.get
    salary_min = number(get("minimumSalary"), "minimumSalary")
    salary_max = number(get("maximumSalary"), "maximumSalary")
    has_salary = salary_min is not None or salary_max is not None
    posted = get("date", get("datePosted"))
    if isinstance(posted, str) and not posted.strip():
        raise RowRejected("bad_date", "date: '' is not a date")
    # Reed writes dates as dd/mm/yyyy; ISO dates (from re-exports) are accepted too.
    try:
        posted_at = date(posted, "date", REED_DATE_FORMAT)
    except RowRejected:
        posted_at = date(posted, "date")
    # Job-details responses add `contractType`, `fullTime`/`partTime` and `salaryType`; search results do not.
    contract_type = text(get("contractType"))
    contract = [contract_type] if contract_type else []
    if get("fullTime") is True:
        contract.append("full_time")
    if get("partTime") is True:
        contract.append("part_time")
    return {
        "source_id": text(get("jobId")),
        "title": text(get("jobTitle")),
        "description": text(get("jobDescription")),
        "company": text(get("employerName")),
        "location_raw": text(get("locationName")),
        "salary_raw": text(get("salary")),
        "salary_min_raw": salary_min,
        "salary_max_raw": salary_max,
        "salary_currency_raw": text(get("currency")) if has_salary else None,
        "salary_period_raw": text(get("salaryType")),
        "salary_is_predicted": False if has_salary else None,
        "contract_raw": ", ".join(contract) or None,
        "posted_at": posted_at,
        "url": text(get("jobUrl")),
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
