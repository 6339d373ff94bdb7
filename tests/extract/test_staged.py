"""staged_ingest: landing and parsing part by part into Parquet files gives exactly what land + posting_facts give."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from extract import staged as staged_module
from extract.contracts import POSTING_FACTS, POSTINGS, PROFILES
from extract.expectations import checked_postings_report, landed_postings_report
from extract.facts import posting_facts
from extract.ingest import land
from extract.sources import load_market_config
from extract.staged import committed, staged_ingest
from spotlight.warehouse import connect, read_arrow, read_partition, write_arrow

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(scope="module")
def config():
    return load_market_config(FIXTURES / "sources.yaml")


@pytest.fixture(scope="module")
def expected(config):
    landed = land(config, "2024-03")
    return landed, posting_facts(landed.postings, workers=1)


def _read(files) -> pa.Table:
    return pa.concat_tables([read_arrow(f) for f in files])


@pytest.mark.parametrize(
    ("workers", "chunk_rows"),
    [
        (1, 25_000),  # every part landed and parsed in this process, one file per part
        (2, 25_000),  # parts landed and parsed in a process pool (two Adzuna pages, Reed, JobSpy, two CV files)
        (2, 2),  # files of two rows: a part spans several files, and the repeated id is filtered out of one
    ],
)
def test_same_tables_as_land_then_posting_facts(config, expected, tmp_path, monkeypatch, workers, chunk_rows):
    monkeypatch.setattr(staged_module, "CHUNK_ROWS", chunk_rows)
    result = staged_ingest(config, "2024-03", tmp_path / "work", workers=workers, parallel_min_bytes=0)
    landed, facts = expected
    assert _read(result.postings).equals(POSTINGS.conform(landed.postings))
    assert _read(result.profiles).equals(PROFILES.conform(landed.profiles))
    # the facts files carry no links; the warehouse sets them as it inserts the files
    unlinked = facts.assign(duplicate_of=None, duplicate_method=None)
    assert _read(result.facts).equals(POSTING_FACTS.conform(unlinked))
    with connect(tmp_path / "w.duckdb") as con:
        committed(con, result, "uk", "2024-03", gate=lambda _: None)
        assert POSTING_FACTS.conform(read_partition(con, POSTING_FACTS, "uk", "2024-03")).equals(
            POSTING_FACTS.conform(facts))
    assert result.keys.quarantine.equals(landed.quarantine)
    assert dict(result.keys.rows_in) == dict(landed.rows_in)
    assert result.keys.postings["posting_id"].tolist() == landed.postings["posting_id"].tolist()
    linked = facts[facts["duplicate_of"].notna()]
    assert sorted(result.duplicates["posting_id"]) == sorted(linked["posting_id"])
    assert not list((tmp_path / "work").rglob("*.partial"))


def test_the_suite_gives_the_same_results_on_the_staged_check_columns(config, expected, tmp_path):
    result = staged_ingest(config, "2024-03", tmp_path / "work", workers=1)
    landed, _ = expected
    direct = landed_postings_report(landed.postings, "2024-03")
    staged = checked_postings_report(result.checked, "2024-03")
    assert [(r.name, r.success, r.unexpected_count) for r in staged.outcomes] == [
        (r.name, r.success, r.unexpected_count) for r in direct.outcomes
    ]
    assert len(result.checked) == len(landed.postings)


def test_repeated_source_id_on_a_later_page_is_quarantined_once(config, tmp_path):
    # adzuna-002.json repeats id 4601000001 of adzuna-001.json: the later row is quarantined, the first kept
    result = staged_ingest(config, "2024-03", tmp_path / "work", workers=2, parallel_min_bytes=0)
    quarantine = result.keys.quarantine
    repeated = quarantine[quarantine["reason_code"] == "duplicate_source_id"]
    assert repeated["source_file"].map(lambda p: Path(p).name).tolist() == ["adzuna-002.json"]
    postings = _read(result.postings).to_pandas()
    assert (postings["source_id"] == "4601000001").sum() == 1
    assert _read(result.facts).num_rows == len(postings) == len(result.checked)


def test_a_crashed_run_s_files_are_cleared_first(config, tmp_path):
    work = tmp_path / "work"
    (work / "rows").mkdir(parents=True)
    (work / "rows" / "part-00099-00000.arrow").write_bytes(b"left by a killed run")
    result = staged_ingest(config, "2024-03", work, workers=1)
    assert not (work / "rows" / "part-00099-00000.arrow").exists()
    assert all(Path(f).exists() for f in (*result.postings, *result.facts))


def test_bad_period_is_refused(config, tmp_path):
    with pytest.raises(ValueError, match="YYYY-MM"):
        staged_ingest(config, "2024-3", tmp_path / "work")


def test_committed_writes_the_month_only_if_the_gate_passes(config, expected, tmp_path):
    result = staged_ingest(config, "2024-03", tmp_path / "work", workers=1)
    landed, facts = expected

    def refuse(report):
        raise RuntimeError(f"suite {report.suite} refused")

    with connect(tmp_path / "w.duckdb") as con:
        with pytest.raises(RuntimeError, match="suite landed_postings refused"):
            committed(con, result, "uk", "2024-03", gate=refuse)
        assert read_partition(con, POSTING_FACTS, "uk", "2024-03").empty
        rows, accounting, report = committed(con, result, "uk", "2024-03", gate=lambda _: None)
        assert rows["postings"] == len(landed.postings) and rows["posting_facts"] == len(facts)
        assert accounting["rows_in"].sum() == sum(landed.rows_in.values())
        assert read_partition(con, POSTING_FACTS, "uk", "2024-03")["duplicate_of"].notna().sum() == (
            facts["duplicate_of"].notna().sum())
        assert report.suite == "landed_postings"


def test_duplicate_links_reach_the_warehouse_on_the_right_rows(tmp_path):
    import json

    from extract.ingest import record_id

    ad = {"title": "Data Engineer", "company": {"display_name": "Acme Data"},
          "location": {"display_name": "Leeds, West Yorkshire"}, "salary_min": 50000, "salary_max": 60000,
          "salary_is_predicted": "0",
          "description": "Build batch and streaming pipelines in Python, SQL and Spark for our analytics platform."}
    results = [
        {**ad, "id": "1", "created": "2024-03-04T09:00:00Z"},
        {**ad, "id": "2", "created": "2024-03-06T09:00:00Z"},  # the same ad again: an exact duplicate of id 1
        {**ad, "id": "3", "created": "2024-03-05T09:00:00Z", "title": "Data Analyst",
         "company": {"display_name": "Other Co"}, "description": "Report on sales with Power BI and Excel."},
    ]
    folder = tmp_path / "postings" / "2024-03"
    folder.mkdir(parents=True)
    (folder / "adzuna-001.json").write_text(json.dumps({"results": results}))
    (tmp_path / "sources.yaml").write_text(
        "market: uk\nsources:\n  - name: adzuna\n    format: adzuna_json\n    path: postings/{period}/adzuna-*.json\n")
    config = load_market_config(tmp_path / "sources.yaml")
    result = staged_ingest(config, "2024-03", tmp_path / "work", workers=1)
    with connect(tmp_path / "w.duckdb") as con:
        committed(con, result, "uk", "2024-03", gate=lambda _: None)
        stored = read_partition(con, POSTING_FACTS, "uk", "2024-03")
    first, second, other = (record_id("adzuna", i) for i in ("1", "2", "3"))
    links = dict(zip(stored["posting_id"], zip(stored["duplicate_of"], stored["duplicate_method"])))
    assert links[second] == (first, "exact")
    assert pd.isna(links[first][0]) and pd.isna(links[other][0])
    assert POSTING_FACTS.conform(stored).equals(POSTING_FACTS.conform(posting_facts(land(config, "2024-03").postings)))


@pytest.mark.parametrize(("workers", "chunk_rows"), [(1, 25_000), (2, 25_000), (2, 2)])
def test_ingested_month_with_rows_inserted_early_equals_land_then_posting_facts(
    config, expected, tmp_path, monkeypatch, workers, chunk_rows
):
    from extract.contracts import QUARANTINE
    from extract.staged import ingested

    monkeypatch.setattr(staged_module, "CHUNK_ROWS", chunk_rows)
    landed, facts = expected
    with connect(tmp_path / "w.duckdb") as con:
        _, rows, _, report = ingested(con, config, "2024-03", tmp_path / "work", gate=lambda _: None,
                                      completes=("ingest", "fp"), workers=workers, parallel_min_bytes=0)
        for contract, frame in ((POSTINGS, landed.postings), (PROFILES, landed.profiles), (POSTING_FACTS, facts),
                                (QUARANTINE, landed.quarantine)):
            assert contract.conform(read_partition(con, contract, "uk", "2024-03")).equals(contract.conform(frame))
    assert rows["postings"] == len(landed.postings) and rows["posting_facts"] == len(facts)
    assert report.suite == "landed_postings"


def test_files_are_handed_early_in_the_order_of_the_result_with_repeated_ids_left_out(config, tmp_path, monkeypatch):
    monkeypatch.setattr(staged_module, "CHUNK_ROWS", 2)
    handed = []
    result = staged_ingest(config, "2024-03", tmp_path / "work", workers=2, parallel_min_bytes=0,
                           on_file=lambda contract, path, keep: handed.append((contract.name, path, keep)))
    for contract, files in (("postings", result.postings), ("profiles", result.profiles),
                            ("posting_facts", result.facts)):
        assert [path for name, path, _ in handed if name == contract] == list(files)
    # adzuna-002.json lands one row (its other has a bad date), and it repeats an id of adzuna-001.json: that file's
    # rows and facts are handed with a mask that leaves it out
    masked = [(name, Path(path).name, keep.tolist()) for name, path, keep in handed if keep is not None]
    part = Path(result.postings[0]).name.split("-")[1]  # adzuna-001's part number; adzuna-002 is the next part
    name = f"part-{int(part) + 1:05d}-00000.arrow"
    assert masked == [("postings", name, [False]), ("posting_facts", name, [False])]


def test_a_failed_month_leaves_the_warehouse_as_it_was(config, tmp_path, monkeypatch):
    from extract.staged import ingested

    with connect(tmp_path / "w.duckdb") as con:
        ingested(con, config, "2024-03", tmp_path / "work", gate=lambda _: None, completes=("ingest", "f1"))
        before = read_partition(con, POSTINGS, "uk", "2024-03")

        def broken(path):
            raise OSError(f"disk gone while parsing {Path(path).name}")

        monkeypatch.setattr(staged_module, "parsed_file", broken)
        with pytest.raises(OSError, match="disk gone"):
            ingested(con, config, "2024-03", tmp_path / "work", gate=lambda _: None, completes=("ingest", "f2"))
        assert read_partition(con, POSTINGS, "uk", "2024-03").equals(before)
        assert con.execute("SELECT fingerprint FROM stage_runs").fetchall() == [("f1",)]


def test_ingested_runs_the_suite_on_the_final_check_columns_and_its_gate_can_refuse_the_month(config, tmp_path):
    from extract.staged import ingested

    seen = []

    def refuse(report):
        seen.append([(o.name, o.unexpected_count) for o in report.outcomes if o.name == "posting_id_unique"])
        raise RuntimeError("refused")

    with connect(tmp_path / "w.duckdb") as con:
        with pytest.raises(RuntimeError, match="refused"):
            ingested(con, config, "2024-03", tmp_path / "work", gate=refuse, completes=("ingest", "f1"))
        assert read_partition(con, POSTINGS, "uk", "2024-03").empty
        assert con.execute("SELECT count(*) FROM stage_runs").fetchall() == [(0,)]
    # the repeated Adzuna id was left out before the suite ran: every landed posting_id is unique
    assert seen == [[("posting_id_unique", 0)]]


def test_the_check_columns_of_a_parsed_file_carry_presence_and_the_suite_finds_the_blank_title(config, expected,
                                                                                                tmp_path):
    landed, _ = expected
    postings = landed.postings.head(3).copy()
    postings["title"] = postings["title"].astype(object)
    postings.loc[1, "title"] = "  \n "  # blank: landing would quarantine it, the suite must still catch it
    postings.loc[2, "location_raw"] = None
    rows = tmp_path / "rows" / "part-00000-00000.arrow"
    write_arrow(POSTINGS.conform(postings), rows)
    parsed = staged_module.parsed_file(str(rows))
    assert parsed.checked["title"].tolist() == [True, pd.NA, True]
    assert parsed.checked["location_text"].tolist() == [True, True, pd.NA]
    assert parsed.checked["posting_id"].tolist() == postings["posting_id"].tolist()
    report = checked_postings_report(parsed.checked, "2024-03")
    title = next(o for o in report.outcomes if o.name == "title_present")
    assert (title.success, title.unexpected_count) == (False, 1)
    assert str(postings.loc[1, "posting_id"]) in str(title.examples)
