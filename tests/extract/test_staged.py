"""staged_ingest: landing and parsing part by part into Parquet files gives exactly what land + posting_facts give."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from extract import staged as staged_module
from extract.contracts import POSTING_FACTS, POSTINGS, PROFILES
from extract.expectations import checked_postings_report, landed_postings_report
from extract.facts import posting_facts
from extract.ingest import land
from extract.sources import load_market_config
from extract.staged import staged_ingest

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(scope="module")
def config():
    return load_market_config(FIXTURES / "sources.yaml")


@pytest.fixture(scope="module")
def expected(config):
    landed = land(config, "2024-03")
    return landed, posting_facts(landed.postings, workers=1)


def _read(files) -> pa.Table:
    return pa.concat_tables([pq.read_table(f) for f in files])


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
    assert _read(result.facts).equals(POSTING_FACTS.conform(facts))
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
    (work / "rows" / "part-00099-00000.parquet").write_bytes(b"left by a killed run")
    result = staged_ingest(config, "2024-03", work, workers=1)
    assert not (work / "rows" / "part-00099-00000.parquet").exists()
    assert all(Path(f).exists() for f in (*result.postings, *result.facts))


def test_bad_period_is_refused(config, tmp_path):
    with pytest.raises(ValueError, match="YYYY-MM"):
        staged_ingest(config, "2024-3", tmp_path / "work")


def test_links_go_to_the_file_that_holds_each_posting_in_link_order():
    # three files: p1 p2 | (none) | p3 p4 p5; links listed in an order that mixes the files
    def parsed(ids):
        return staged_module.ParsedFile("f", pd.DataFrame({"posting_id": ids}), np.zeros((len(ids), 1)), pd.DataFrame())

    chunks = [parsed(["p1", "p2"]), parsed([]), parsed(["p3", "p4", "p5"])]
    links = pd.DataFrame({"posting_id": ["p5", "p2", "p3", "p1"], "duplicate_of": ["p4", "p1", "p1", "p9"],
                          "method": ["near", "exact", "exact", "near"]})
    per_file = staged_module._links_per_file(chunks, links)
    assert [f["posting_id"].tolist() for f in per_file] == [["p2", "p1"], [], ["p5", "p3"]]
    assert per_file[2]["duplicate_of"].tolist() == ["p4", "p1"]


def test_a_link_to_a_posting_no_file_holds_is_an_error():
    chunks = [staged_module.ParsedFile("f", pd.DataFrame({"posting_id": ["p1"]}), np.zeros((1, 1)), pd.DataFrame())]
    links = pd.DataFrame({"posting_id": ["p7"], "duplicate_of": ["p1"], "method": ["exact"]})
    with pytest.raises(ValueError, match="no parsed file"):
        staged_module._links_per_file(chunks, links)
