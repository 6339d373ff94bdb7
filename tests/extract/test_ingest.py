"""Landing a market's sources: canonical rows, quarantine reasons, ids, and nothing lost."""
from __future__ import annotations

import gc
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from extract.adapters.base import SourceReadError
from extract.contracts import POSTINGS, PROFILES, QUARANTINE
from extract.ingest import SeenIds, land, landed_part, record_id, typed_frame
from extract.sources import SourceConfig, load_market_config
from spotlight.contract import STR, Contract, col

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(scope="module")
def landed():
    return land(load_market_config(FIXTURES / "sources.yaml"), "2024-03")


def test_record_id_is_sha256_prefix() -> None:
    # sha256("adzuna|4601000001") starts 5e7e0e39eeda3a2f…
    assert record_id("adzuna", "4601000001") == "5e7e0e39eeda3a2f"
    assert record_id("adzuna", "4601000001") == hashlib.sha256(b"adzuna|4601000001").hexdigest()[:16]


def test_frames_meet_their_contracts(landed) -> None:
    POSTINGS.conform(landed.postings)
    PROFILES.conform(landed.profiles)
    QUARANTINE.conform(landed.quarantine)
    assert list(landed.postings.columns) == POSTINGS.column_names
    assert list(landed.profiles.columns) == PROFILES.column_names
    assert list(landed.quarantine.columns) == QUARANTINE.column_names


def test_accepted_postings(landed) -> None:
    assert landed.postings[["source", "source_id", "source_row"]].values.tolist() == [
        ["adzuna", "4601000001", 0],
        ["adzuna", "4601000002", 1],
        ["reed", "52000101", 0],
        ["reed", "52000102", 1],
        ["jobspy", "li-3871000001", 0],
        ["jobspy", "in-a1b2c3d4e5", 1],
    ]
    assert landed.postings["posting_id"].iloc[0] == "5e7e0e39eeda3a2f"
    assert set(landed.postings["market"]) == {"uk"} and set(landed.postings["period"]) == {"2024-03"}


def test_every_bad_row_quarantined_with_its_reason(landed) -> None:
    got = landed.quarantine[["source", "source_file", "source_row", "reason_code"]].copy()
    got["source_file"] = got["source_file"].map(lambda p: Path(p).name)
    assert got.values.tolist() == [
        ["adzuna", "adzuna-001.json", 2, "missing_title"],  # empty title
        ["adzuna", "adzuna-001.json", 3, "out_of_period"],  # created 2024-02-27
        ["adzuna", "adzuna-002.json", 0, "duplicate_source_id"],  # id 4601000001 repeated on page 2
        ["adzuna", "adzuna-002.json", 1, "bad_date"],  # created "last tuesday"
        ["reed", "reed.json", 2, "bad_number"],  # minimumSalary "competitive"
        ["jobspy", "jobspy.csv", 2, "missing_posted_at"],  # blank date_posted
        ["cv_lines", "cv.jsonl", 2, "bad_date"],  # startDate "March 2020"
        ["cv_lines", "cv.jsonl", 3, "unparseable_json"],  # truncated last line
    ]


def test_quarantine_keeps_the_raw_record(landed) -> None:
    duplicate = landed.quarantine[landed.quarantine["reason_code"] == "duplicate_source_id"].iloc[0]
    assert json.loads(duplicate["raw_record"])["description"] == "The same advert served again on the next page."
    broken = landed.quarantine[landed.quarantine["reason_code"] == "unparseable_json"].iloc[0]
    assert json.loads(broken["raw_record"]).startswith('{"meta": {"id": "cv-0004"}')


def test_nothing_lost(landed) -> None:
    assert dict(landed.rows_in) == {"adzuna": 6, "reed": 3, "jobspy": 3, "cv_lines": 4, "cv_documents": 1}
    for source, rows_in in landed.rows_in.items():
        kept = (landed.postings["source"] == source).sum() + (landed.profiles["source"] == source).sum()
        assert kept + (landed.quarantine["source"] == source).sum() == rows_in, source


def test_profiles(landed) -> None:
    assert landed.profiles[["source", "source_id", "headline"]].values.tolist() == [
        ["cv_lines", "cv-0001", "Machine Learning Engineer"],
        ["cv_lines", "38ecf53a2dd26b72", "Data Scientist"],  # no meta.id: content hash; headline from the job
        ["cv_documents", "cv-0100", "MLOps Engineer"],
    ]
    assert [len(h) for h in landed.profiles["work_history"]] == [2, 1, 2]


def test_predicted_adzuna_pay_is_marked(landed) -> None:
    adzuna = landed.postings[landed.postings["source"] == "adzuna"]
    assert adzuna["salary_is_predicted"].tolist() == [False, True]


def test_source_without_files_lands_empty_typed_frames(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "market: uk\nsources:\n  - {name: a, format: adzuna_json, path: 'none/{period}/*.json'}\n", encoding="utf-8"
    )
    landed = land(load_market_config(tmp_path / "sources.yaml"), "2024-03")
    assert landed.rows_in == {"a": 0}
    assert landed.postings.empty and list(landed.postings.columns) == POSTINGS.column_names
    POSTINGS.conform(landed.postings)
    QUARANTINE.conform(landed.quarantine)
    assert isinstance(landed.profiles, pd.DataFrame) and landed.profiles.empty


def test_bad_period_is_refused() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        land(load_market_config(FIXTURES / "sources.yaml"), "March 2024")


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_bytes(b"\x00\x01 not json")
    (tmp_path / "sources.yaml").write_text(
        "market: uk\nsources:\n  - {name: a, format: adzuna_json, path: p.json}\n", encoding="utf-8"
    )
    with pytest.raises(SourceReadError, match="p.json"):
        land(load_market_config(tmp_path / "sources.yaml"), "2024-03")


def _lines_source(tmp_path: Path) -> SourceConfig:
    """Return a JSON Resume Lines source of five rows: good, unparseable, good, no headline, good."""
    good = '{"basics": {"label": "Analyst"}, "meta": {"id": "cv-%d"}}'
    lines = [good % 1, "{broken", good % 2, '{"meta": {"id": "cv-9"}}', good % 3]
    (tmp_path / "cv.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(
        "market: uk\nsources:\n  - {name: cv, kind: profiles, format: jsonresume, path: cv.jsonl}\n", encoding="utf-8"
    )
    return load_market_config(tmp_path / "sources.yaml").sources[0]


def test_part_order_interleaves_accepted_and_quarantined_rows(tmp_path: Path) -> None:
    part = landed_part(_lines_source(tmp_path), "2024-03", "uk")
    # accepted rows count up from 0, quarantined ones down from -1, in input-row order
    assert part.order.tolist() == [0, -1, 1, -2, 2]
    assert [q[2] for q in part.quarantined] == ["unparseable_json", "missing_headline"]
    assert part.accepted["source_id"].tolist() == ["cv-1", "cv-2", "cv-3"]


def test_landing_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    source = _lines_source(tmp_path)
    assert gc.isenabled()
    landed_part(source, "2024-03", "uk")
    assert gc.isenabled()
    gc.disable()
    try:
        landed_part(source, "2024-03", "uk")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_typed_frame_string_columns_keep_missing_and_stringify_other_values() -> None:
    contract = Contract(name="t", description="", columns=(col("a", STR, ""), col("b", STR, "")))
    frame = typed_frame({"a": ["x", None, float("nan")], "b": ["y", 3, None]}, contract)
    assert frame["a"].dtype == "str" and frame["b"].dtype == "str"
    assert frame["a"].isna().tolist() == [False, True, True]
    assert frame["b"].tolist()[:2] == ["y", "3"] and frame["b"].isna().tolist() == [False, False, True]


def test_seen_ids_keep_the_first_landing_of_each_id_per_source():
    a, b, c = record_id("adzuna", "1"), record_id("adzuna", "2"), record_id("adzuna", "3")
    seen = SeenIds()
    assert seen.first_landed("adzuna", pd.Series([a, b], dtype="string[pyarrow]")).tolist() == [True, True]
    assert seen.first_landed("adzuna", pd.Series([c, b, a], dtype=object)).tolist() == [True, False, False]
    assert seen.first_landed("reed", pd.Series([b])).tolist() == [True]  # another source's ids are its own
    assert seen.first_landed("adzuna", pd.Series([c], dtype=object)).tolist() == [False]
    assert seen.first_landed("adzuna", pd.Series([], dtype=object)).tolist() == []

