"""The compiled landing of Adzuna and Reed responses (extract/_landing.pyx) gives what the reference path gives."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from extract import ingest
from extract.sources import SourceConfig
from tests.extract.landing_fixtures import assert_same_part

compiled = pytest.importorskip("extract._landing", reason="the compiled module is not built")

PERIOD = "2024-03"


def _adzuna(**fields: object) -> dict[str, object]:
    """Return an Adzuna API result accepted for March 2024, with `fields` replacing or adding keys."""
    result: dict[str, object] = {
        "__CLASS__": "Adzuna::API::Response::Job",
        "id": "4601000001",
        "title": "Data Engineer",
        "description": "<p>Build pipelines.</p>",
        "created": "2024-03-05T09:00:00Z",
        "location": {"__CLASS__": "Location", "display_name": "Leeds", "area": ["UK", "Yorkshire", "Leeds"]},
        "company": {"display_name": "Acme Ltd"},
        "salary_min": 50000.0,
        "salary_max": 60000,
        "salary_is_predicted": "0",
        "contract_type": "permanent",
        "contract_time": "full_time",
        "redirect_url": "https://www.adzuna.co.uk/jobs/details/4601000001",
    }
    result.update(fields)
    return {key: value for key, value in result.items() if value is not _DROP}


def _reed(**fields: object) -> dict[str, object]:
    """Return a Reed search result accepted for March 2024, with `fields` replacing or adding keys."""
    job: dict[str, object] = {
        "jobId": 52000101,
        "employerName": "Beta plc",
        "jobTitle": "Analytics Engineer",
        "locationName": "London",
        "minimumSalary": 55000.0,
        "maximumSalary": None,
        "currency": "GBP",
        "date": "04/03/2024",
        "jobDescription": "dbt and SQL",
        "jobUrl": "https://www.reed.co.uk/jobs/52000101",
    }
    job.update(fields)
    return {key: value for key, value in job.items() if value is not _DROP}


_DROP = object()


def _source(tmp_path: Path, text: str | bytes, file_format: str) -> SourceConfig:
    path = tmp_path / "page.json"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return SourceConfig(name=file_format.split("_")[0], kind="postings", format=file_format, path=str(path))


def _both(source: SourceConfig) -> tuple[ingest.LandedPart, ingest.LandedPart]:
    return ingest._landed_part_compiled(source, PERIOD, "uk"), ingest._landed_part_reference(source, PERIOD, "uk")


def test_compiled_landing_is_built():
    # CI has gcc: a failed build must fail here rather than leave landing on the slow path
    assert ingest.COMPILED and ingest._landing is compiled


@pytest.mark.parametrize("size", [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 200])
def test_record_id_matches_hashlib_across_block_boundaries(size: int) -> None:
    # "adzuna|" is 7 bytes: the message length straddles the one- and two-block padding cases
    source_id = "7" * size + "é"
    expected = hashlib.sha256(f"adzuna|{source_id}".encode()).hexdigest()[:16]
    assert compiled.record_id("adzuna", source_id) == expected == ingest.record_id("adzuna", source_id)


def test_compiled_adzuna_values(tmp_path: Path) -> None:
    page = {"__CLASS__": "Response", "count": 2, "results": [
        _adzuna(),
        _adzuna(id="4601000002", title="Line\nbreak \u00a3 \U0001F600", salary_min=None, salary_max=None,
                contract_type=None, company={"display_name": "   "}),
    ]}
    source = _source(tmp_path, json.dumps(page, ensure_ascii=True), "adzuna_json")
    part, reference = _both(source)
    assert_same_part(part, reference)
    rows = part.accepted
    assert rows["posting_id"].tolist() == [
        hashlib.sha256(b"adzuna|4601000001").hexdigest()[:16], hashlib.sha256(b"adzuna|4601000002").hexdigest()[:16]
    ]
    # \u escapes decoded, the surrogate pair as one character
    assert rows["title"].tolist() == ["Data Engineer", "Line\nbreak £ 😀"]
    assert rows["contract_raw"].tolist() == ["permanent, full_time", "full_time"]
    assert rows["salary_min_raw"].tolist()[0] == 50000.0 and np.isnan(rows["salary_min_raw"].iloc[1])
    assert rows["salary_max_raw"].tolist()[0] == 60000.0
    assert rows["salary_currency_raw"].iloc[0] == "GBP" and rows["salary_currency_raw"].isna().tolist() == [False, True]
    assert rows["salary_period_raw"].iloc[0] == "yearly" and rows["salary_period_raw"].isna().tolist() == [False, True]
    assert rows["company"].isna().tolist() == [False, True]  # blank display name is missing
    assert rows["posted_at"].tolist() == [dt.date(2024, 3, 5)] * 2
    assert rows["salary_is_predicted"].tolist() == [False, False]


@pytest.mark.parametrize(
    "result",
    [
        # rejected by the reference: each goes to it with its reason and raw record
        _adzuna(title="\u2003"),  # Unicode blank title: missing_title
        _adzuna(created="2024-02-29T10:00:00Z"),  # out_of_period
        _adzuna(created="2024-02-30T10:00:00Z"),  # not a calendar date: bad_date
        _adzuna(created="  "),  # blank date: bad_date
        _adzuna(salary_min="competitive"),  # bad_number
        _adzuna(salary_is_predicted="maybe"),  # bad_flag
        _adzuna(id=None),  # missing_id
        "not an object",  # not_an_object
        # accepted by the reference through values the scanner leaves to it
        _adzuna(id=4601000009),  # numeric id becomes its text
        _adzuna(salary_min="30,000"),  # text salary parsed by `number`
        _adzuna(salary_is_predicted="yes"),  # flag text outside the common ones
        _adzuna(location={"display_name": None, "area": ["UK", "Leeds"]}),  # place from the area list
        _adzuna(location="Leeds"),  # not a nested object
        _adzuna(created="20240305"),  # a basic ISO date
        _adzuna(salary_is_predicted=True, salary_max=-0),  # JSON true; -0 is 0.0
    ],
)
def test_results_the_scanner_leaves_to_the_reference_land_the_same(tmp_path: Path, result: object) -> None:
    page = {"results": [_adzuna(id="1"), result, _adzuna(id="2")]}
    part, reference = _both(_source(tmp_path, json.dumps(page), "adzuna_json"))
    assert_same_part(part, reference)
    assert len(part.order) == 3


def test_duplicate_and_escaped_keys_land_as_the_reference_reads_them(tmp_path: Path) -> None:
    first = json.dumps(_adzuna(id="1"))
    # a repeated key (the last one wins), an escaped key ("title"), a repeated id (duplicate_source_id)
    repeated = first[:-1] + ', "title": "Second title"}'
    escaped = json.dumps(_adzuna(id="3", title=_DROP))[:-1] + ', "ti\\u0074le": "Escaped"}'
    second = repeated.replace('"id": "1"', '"id": "2"')
    text = f'{{"results": [{first}, {second}, {escaped}, {first}]}}'
    part, reference = _both(_source(tmp_path, text, "adzuna_json"))
    assert_same_part(part, reference)
    assert part.accepted["title"].tolist() == ["Data Engineer", "Second title", "Escaped"]
    assert [q[2] for q in part.quarantined] == ["duplicate_source_id"]


@pytest.mark.parametrize(
    "location",
    [
        '{"display_name": "Hull", "display_name": "York"}',  # a repeated key inside an object: the last one wins
        '{"display_n\\u0061me": "York"}',  # an escaped key inside an object, spelling display_name
    ],
)
def test_nested_repeated_or_escaped_keys_go_to_the_reference(tmp_path: Path, location: str) -> None:
    nested = json.dumps(_adzuna(id="2", location=_DROP))[:-1] + f', "location": {location}}}'
    text = f'{{"results": [{json.dumps(_adzuna())}, {nested}]}}'
    slow: list[int] = []
    columns = compiled.PostingColumns("adzuna", 2024, 3, "GBP", set())
    assert columns.land_document(text.encode(), False, lambda row, start, stop: slow.append(row)) == 2
    assert slow == [1]
    part, reference = _both(_source(tmp_path, text, "adzuna_json"))
    assert_same_part(part, reference)
    assert part.accepted["location_raw"].tolist() == ["Leeds", "York"]


@pytest.mark.parametrize(
    "job",
    [
        _reed(),
        _reed(jobId="r-1", fullTime=True, partTime=True, contractType="contract", salaryType="per day"),
        _reed(minimumSalary=None, currency="GBP"),  # no pay: no currency, predicted unknown
        _reed(date=_DROP, datePosted="05/03/2024"),  # date under its other name
        _reed(date="2024-03-05"),  # ISO date from a re-export
        _reed(date="05/02/2024"),  # out_of_period
        _reed(jobId=-0),  # the reference's str(0)
        _reed(jobId=1.5),  # a float id
        _reed(jobDescription=""),  # missing_description
    ],
)
def test_compiled_reed_jobs_land_as_the_reference(tmp_path: Path, job: dict[str, object]) -> None:
    document = {"totalResults": 2, "results": [job, _reed(jobId=52000102)]}
    part, reference = _both(_source(tmp_path, json.dumps(document), "reed_json"))
    assert_same_part(part, reference)


def test_compiled_reed_contract_text(tmp_path: Path) -> None:
    job = _reed(contractType="permanent", fullTime=True, partTime=False)
    part = ingest._landed_part_compiled(_source(tmp_path, json.dumps([job]), "reed_json"), PERIOD, "uk")
    assert part.accepted["contract_raw"].tolist() == ["permanent, full_time"]
    assert part.accepted["source_id"].tolist() == ["52000101"]
    assert part.accepted["salary_is_predicted"].tolist() == [False]


@pytest.mark.parametrize(
    "text",
    [
        b"\xef\xbb\xbf" + json.dumps({"results": [_adzuna()]}).encode(),  # a BOM: the reference decodes it
        json.dumps({"results": [_adzuna(salary_min=5e4)]}).replace("50000.0", "5e4"),  # an exponent
        json.dumps({"results": [_adzuna()]}) + " x",  # data after the document: not JSON
        json.dumps({"results": [_adzuna(title="\ud800")]}),  # a lone surrogate escape
        json.dumps({"results": [_adzuna()]}, ensure_ascii=False).replace("Leeds", "Le\x01eds"),  # raw control char
        "{}",  # no results list: the reference says so
        json.dumps({"results": [_adzuna()], "count": 123456789012345678901}),  # a huge integer
    ],
)
def test_documents_the_scanner_does_not_handle_land_through_the_reference(tmp_path: Path, text: str | bytes) -> None:
    source = _source(tmp_path, text, "adzuna_json")
    with pytest.raises(compiled.Unsupported):
        ingest._landed_part_compiled(source, PERIOD, "uk")
    try:
        expected = ingest._landed_part_reference(source, PERIOD, "uk")
    except Exception as exc:  # noqa: BLE001 - the reference's own error is what landed_part must raise
        with pytest.raises(type(exc)):
            ingest.landed_part(source, PERIOD, "uk")
    else:
        assert_same_part(ingest.landed_part(source, PERIOD, "uk"), expected)


def test_invalid_utf8_lands_through_the_reference(tmp_path: Path) -> None:
    # cp1252 '£' (0xA3) is not UTF-8: the reference decodes the file with the detected encoding
    text = json.dumps({"results": [_adzuna(title="Pay £50k")]}, ensure_ascii=False).encode("cp1252")
    source = _source(tmp_path, text, "adzuna_json")
    with pytest.raises(compiled.Unsupported):
        ingest._landed_part_compiled(source, PERIOD, "uk")
    assert ingest.landed_part(source, PERIOD, "uk").accepted["title"].tolist() == ["Pay £50k"]


def test_empty_results_give_the_reference_empty_frame(tmp_path: Path) -> None:
    part, reference = _both(_source(tmp_path, '{"results": []}', "adzuna_json"))
    assert_same_part(part, reference)
    assert len(part.accepted) == 0
