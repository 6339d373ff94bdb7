"""JobSpy adapter (`jobspy_csv`): the `python-jobspy` scraper's DataFrame saved as CSV (or JSON Lines)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from extract.adapters.base import (
    Row,
    date,
    delimited_records,
    file_rows,
    flag,
    jsonl_records,
    number,
    stem_format,
    text,
)
from extract.sources import SourceConfig

# pandas' `to_csv` of a JobSpy frame writes missing values as empty fields; some exports write `nan`/`None`.
JOBSPY_NULLS = frozenset({"", "nan", "NaN", "None", "NA"})


def posting_from_jobspy(job: Mapping[str, Any]) -> dict[str, Any]:
    """Return the canonical posting of one JobSpy row; `is_remote` adds `(Remote)` to a location lacking it."""
    salary_min = number(job.get("min_amount"), "min_amount")
    salary_max = number(job.get("max_amount"), "max_amount")
    has_salary = salary_min is not None or salary_max is not None
    location = text(job.get("location"))
    if flag(job.get("is_remote"), "is_remote") and "remote" not in (location or "").lower():
        location = f"{location} (Remote)" if location else "Remote"
    job_url = text(job.get("job_url"))
    return {
        # JobSpy ids are site-prefixed (`li-…`, `in-…`); older exports have no id column, so the URL stands in.
        "source_id": text(job.get("id")) or job_url,
        "title": text(job.get("title")),
        "description": text(job.get("description")),
        "company": text(job.get("company")),
        "location_raw": location,
        "salary_min_raw": salary_min,
        "salary_max_raw": salary_max,
        "salary_currency_raw": text(job.get("currency")) if has_salary else None,
        "salary_period_raw": text(job.get("interval")) if has_salary else None,
        "salary_raw": None,
        "salary_is_predicted": False if has_salary else None,
        "contract_raw": text(job.get("job_type")),
        "posted_at": date(job.get("date_posted"), "date_posted"),
        "url": job_url or text(job.get("job_url_direct")),
    }


def jobspy_csv_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of a `jobspy_csv` source for `period`."""
    encoding = source.options.get("encoding")
    delimiter = source.options.get("delimiter")

    def read(path: str) -> Iterator[tuple[int, Any]]:
        if stem_format(path) in ("jsonl", "ndjson"):
            return jsonl_records(path, encoding)
        return delimited_records(path, encoding, delimiter, JOBSPY_NULLS)

    return file_rows(source, period, read, posting_from_jobspy)
