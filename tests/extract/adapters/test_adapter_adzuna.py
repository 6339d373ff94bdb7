"""Adzuna adapters: search-API pages and flattened CSV exports, including the real 2016 export."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from extract.adapters.adzuna import posting_from_result
from extract.adapters.base import RowRejected, SourceReadError
from extract.contracts import POSTINGS, QUARANTINE
from extract.ingest import land
from extract.sources import load_market_config

REAL_CSV = Path(__file__).resolve().parents[4] / "shared" / "data" / "postings" / "adzuna_uk_datascience_2016.csv"

ENTRY_JSON = "  - {name: adzuna, format: adzuna_json, path: 'pages/{period}/*.json'}\n"
ENTRY_CSV = "  - {name: adzuna_export, format: adzuna_csv, path: export.csv}\n"


def test_api_result_maps_nested_fields() -> None:
    result = {
        "id": 4601000001, "title": "ML Engineer", "description": "PyTorch <b>models</b>",
        "created": "2024-03-04T09:15:00Z", "location": {"display_name": "Leeds, West Yorkshire"},
        "company": {"display_name": "Acme"}, "salary_min": 50000, "salary_max": 60000,
        "salary_is_predicted": "0", "contract_type": "permanent", "contract_time": "full_time",
        "redirect_url": "https://example.org/1",
    }
    assert posting_from_result(result) == {
        "source_id": "4601000001", "title": "ML Engineer", "description": "PyTorch <b>models</b>",
        "company": "Acme", "location_raw": "Leeds, West Yorkshire", "salary_min_raw": 50000.0,
        "salary_max_raw": 60000.0, "salary_currency_raw": "GBP", "salary_period_raw": "yearly",
        "salary_is_predicted": False, "contract_raw": "permanent, full_time", "posted_at": dt.date(2024, 3, 4),
        "url": "https://example.org/1",
    }


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        # no display name: the area list, most specific first
        ({"location": {"area": ["UK", "London", "Hackney"]}}, "Hackney, London, UK"),
        # flattened export column names
        ({"location.display_name": "Bristol"}, "Bristol"),
        # nothing at all
        ({}, None),
    ],
)
def test_location_fallbacks(result: dict, expected: str | None) -> None:
    base = {"id": "1", "title": "t", "description": "d", "created": "2024-03-01"}
    assert posting_from_result({**base, **result})["location_raw"] == expected


def test_predicted_salary_is_flagged_not_dropped() -> None:
    posting = posting_from_result({"id": "9", "salary_min": 41234.5, "salary_max": 41234.5, "salary_is_predicted": "1"})
    assert (posting["salary_min_raw"], posting["salary_is_predicted"]) == (41234.5, True)


def test_bad_salary_rejects_the_row() -> None:
    with pytest.raises(RowRejected) as info:
        posting_from_result({"id": "9", "salary_min": "lots"})
    assert info.value.code == "bad_number"


def test_json_pages_land_through_config(land_source) -> None:
    page = {"count": 3, "results": [
        {"id": "1", "title": "Data Scientist", "description": "SQL", "created": "2024-03-02T08:00:00Z"},
        {"id": "2", "title": "Data Engineer", "description": "dbt", "created": "2024-03-30T08:00:00Z",
         "salary_min": 50000, "salary_is_predicted": 0},
        "not an object",
    ]}
    landed = land_source(ENTRY_JSON, {"pages/2024-03/p1.json": json.dumps(page)})
    assert landed.postings["source_id"].tolist() == ["1", "2"]
    assert landed.quarantine["reason_code"].tolist() == ["not_an_object"]
    assert landed.rows_in == {"adzuna": 3}


def test_page_without_results_is_an_unreadable_file(land_source) -> None:
    with pytest.raises(SourceReadError, match="results"):
        land_source(ENTRY_JSON, {"pages/2024-03/p1.json": '{"count": 0}'})


def test_truncated_page_is_an_unreadable_file(land_source) -> None:
    with pytest.raises(SourceReadError, match="not valid JSON"):
        land_source(ENTRY_JSON, {"pages/2024-03/p1.json": '{"results": [{"id": "1"'})


def test_flat_csv_reads_na_as_null(land_source) -> None:
    csv_text = (
        '"","id","created","contract_time","contract_type","salary_min","salary_max","salary_is_predicted",'
        '"description","title","company.display_name","location.display_name"\n'
        '"1","11","2024-03-05",NA,NA,31000,31000,"1","<strong>Data</strong> role","<strong>Data</strong> Analyst",NA,"Leeds"\n'
        '"2","12","2024-03-06","full_time","permanent",45000,55000,"0","Python role","Engineer","Acme","London"\n'
    )
    landed = land_source(ENTRY_CSV, {"export.csv": csv_text})
    first, second = landed.postings.to_dict("records")
    assert pd.isna(first["company"]) and pd.isna(first["contract_raw"])
    assert landed.postings["salary_is_predicted"].tolist() == [True, False]
    assert first["title"] == "<strong>Data</strong> Analyst"  # kept as posted; HTML is stripped in posting_facts
    assert (second["contract_raw"], second["salary_max_raw"]) == ("permanent, full_time", 55000.0)


@pytest.mark.skipif(not REAL_CSV.exists(), reason="shared data (../shared/data/postings) is absent on this machine")
@pytest.mark.parametrize(
    ("period", "landed_rows"),
    [
        # the file's `created` dates: 4 in 2016-04, 298 in 2016-05, 1,362 in 2016-06; ids are all distinct
        ("2016-05", 298),
        ("2016-06", 1362),
    ],
)
def test_real_adzuna_export_lands_every_row_accounted(tmp_path: Path, period: str, landed_rows: int) -> None:
    (tmp_path / "sources.yaml").write_text(
        f"market: uk\nsources:\n  - {{name: adzuna2016, format: adzuna_csv, path: '{REAL_CSV}'}}\n", encoding="utf-8"
    )
    landed = land(load_market_config(tmp_path / "sources.yaml"), period)
    POSTINGS.conform(landed.postings)
    QUARANTINE.conform(landed.quarantine)
    assert landed.rows_in == {"adzuna2016": 1664}
    assert len(landed.postings) == landed_rows
    assert landed.quarantine["reason_code"].value_counts().to_dict() == {"out_of_period": 1664 - landed_rows}
    assert (landed.postings["period"] == period).all()
    # Adzuna's own salary estimates are carried as predicted, never as plain stated pay.
    assert 0 < landed.postings["salary_is_predicted"].sum() < landed_rows
    assert landed.postings["title"].str.contains("<strong>").any()  # highlighting kept as posted, for audit


@pytest.mark.parametrize(
    ("created", "code"),
    [
        ("", "bad_date"),  # the API sends null for "no value": an empty string is a malformed date
        ("2026-13-45T99:00:00Z", "bad_date"),  # month 13
        ("not a date", "bad_date"),
    ],
)
def test_bad_created_dates(created: str, code: str) -> None:
    with pytest.raises(RowRejected) as info:
        posting_from_result({"id": "1", "title": "t", "description": "d", "created": created})
    assert info.value.code == code


def test_missing_id_is_quarantined_as_missing_id(land_source) -> None:
    page = {"results": [{"title": "Data Scientist", "description": "SQL", "created": "2024-03-02T08:00:00Z"}]}
    landed = land_source(ENTRY_JSON, {"pages/2024-03/p1.json": json.dumps(page)})
    assert landed.quarantine["reason_code"].tolist() == ["missing_id"]
