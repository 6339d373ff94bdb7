"""Adzuna adapters: search-API response pages (`adzuna_json`), flattened CSV exports (`adzuna_csv`), live API."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from extract.adapters.base import (
    Row,
    RowRejected,
    SourceReadError,
    date,
    delimited_records,
    file_rows,
    flag,
    json_document,
    number,
    text,
)
from extract.sources import SourceConfig

# Adzuna reports structured salaries as annual figures (it annualises day and hourly rates itself).
ADZUNA_SALARY_PERIOD = "yearly"
CSV_NULLS = frozenset({"NA", ""})


def posting_from_result(result: Mapping[str, Any], currency: str = "GBP") -> dict[str, Any]:
    """Return the canonical posting of one Adzuna result (nested API object or flattened CSV row)."""
    if not isinstance(result, (dict, Mapping)):
        raise RowRejected("not_an_object", f"expected a JSON object, got {type(result).__name__}")
    get = result.get
    salary_min = number(get("salary_min"), "salary_min")
    salary_max = number(get("salary_max"), "salary_max")
    has_salary = salary_min is not None or salary_max is not None
    # API results nest objects (`location: {display_name}`); flattened exports use dotted column names.
    location_obj = get("location")
    if location_obj.__class__ is dict:
        location = text(location_obj.get("display_name"))
        area = location_obj.get("area")
    else:
        location = text(get("location.display_name"))
        area = get("location.area")
    if location is None and isinstance(area, list) and area:
        location = ", ".join(str(a) for a in reversed(area))
    company_obj = get("company")
    company = company_obj.get("display_name") if company_obj.__class__ is dict else get("company.display_name")
    contract_type, contract_time = text(get("contract_type")), text(get("contract_time"))
    return {
        "source_id": text(get("id")),
        "title": text(get("title")),
        "description": text(get("description")),
        "company": text(company),
        "location_raw": location,
        "salary_min_raw": salary_min,
        "salary_max_raw": salary_max,
        "salary_currency_raw": currency if has_salary else None,
        "salary_period_raw": ADZUNA_SALARY_PERIOD if has_salary else None,
        "salary_is_predicted": flag(get("salary_is_predicted"), "salary_is_predicted"),
        "contract_raw": (
            f"{contract_type}, {contract_time}" if contract_type and contract_time else contract_type or contract_time
        ),
        "posted_at": _posted_at(get("created")),
        "url": text(get("redirect_url")),
    }


def _posted_at(created: Any) -> Any:
    """Return the `created` date; an empty string (where the API would send null) is a bad date, not a missing one."""
    if isinstance(created, str) and not created.strip():
        raise RowRejected("bad_date", "created: '' is not a date")
    return date(created, "created")


def page_results(page: Any, where: str) -> list[Any]:
    """Return the `results` list of an Adzuna search-API page (or a bare list of results)."""
    if isinstance(page, list):
        return page
    if isinstance(page, dict) and isinstance(page.get("results"), list):
        return page["results"]
    raise SourceReadError(f"{where} is not an Adzuna search response: expected an object with a `results` list")


def json_page_records(path: str) -> Iterator[tuple[int, Any]]:
    """Return (row, result) per result of the Adzuna response page in `path`."""
    return enumerate(page_results(json_document(path), path))


def adzuna_json_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of an `adzuna_json` source for `period`."""
    currency = str(source.options.get("currency", "GBP"))
    return file_rows(source, period, json_page_records, lambda r: posting_from_result(r, currency))


def adzuna_csv_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of an `adzuna_csv` source (flattened export, `NA` for nulls) for `period`."""
    currency = str(source.options.get("currency", "GBP"))
    encoding = source.options.get("encoding")
    delimiter = source.options.get("delimiter")

    def read(path: str) -> Iterator[tuple[int, Any]]:
        return delimited_records(path, encoding, delimiter, CSV_NULLS)

    return file_rows(source, period, read, lambda r: posting_from_result(r, currency))


def adzuna_api_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of the live Adzuna search API for the query in the source's options."""
    from extract.adzuna_client import DEFAULT_BASE_URL, AdzunaClient

    options = source.options
    currency = str(options.get("currency", "GBP"))
    client = AdzunaClient.from_settings(
        secret_block=str(options.get("secret_block", "adzuna-credentials")),
        base_url=str(options.get("base_url", DEFAULT_BASE_URL)),
    )
    query = {k: options[k] for k in ("what", "where", "max_days_old", "category", "sort_by") if k in options}
    country = str(options.get("country", "gb"))
    pages = client.search(
        country=country,
        max_pages=int(options.get("max_pages", 10)),
        results_per_page=int(options.get("results_per_page", 50)),
        **query,
    )
    try:
        for page_number, page in enumerate(pages, start=1):
            label = f"{client.base_url}/jobs/{country}/search/{page_number}"
            for row, result in enumerate(page_results(page, label)):
                try:
                    yield Row(label, row, posting_from_result(result, currency), result)
                except RowRejected as exc:
                    yield Row(label, row, None, result, exc.code, exc.detail)
    finally:
        client.close()
