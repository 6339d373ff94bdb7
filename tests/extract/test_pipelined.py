"""landed_and_parsed: one pass of landing and parsing gives exactly what land + posting_facts give."""
from __future__ import annotations

from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

from extract.facts import posting_facts
from extract.ingest import land
from extract.pipelined import landed_and_parsed
from extract.sources import load_market_config

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(scope="module")
def config():
    return load_market_config(FIXTURES / "sources.yaml")


@pytest.fixture(scope="module")
def expected(config):
    landed = land(config, "2024-03")
    return landed, posting_facts(landed.postings, workers=1)


@pytest.mark.parametrize(
    "workers",
    [
        1,  # every file landed and parsed in this process
        2,  # files landed and parsed in a process pool (two Adzuna pages, Reed, JobSpy, two CV files)
    ],
)
def test_same_tables_as_land_then_posting_facts(config, expected, workers):
    landed, facts = landed_and_parsed(config, "2024-03", workers=workers, parallel_min_bytes=0)
    expected_landed, expected_facts = expected
    for name in ("postings", "profiles", "quarantine"):
        assert_frame_equal(getattr(landed, name), getattr(expected_landed, name))
    assert dict(landed.rows_in) == dict(expected_landed.rows_in)
    assert_frame_equal(facts, expected_facts)


def test_repeated_source_id_on_a_later_page_is_quarantined_once(config):
    # adzuna-002.json repeats id 4601000001 of adzuna-001.json: the later row is quarantined, the first kept
    landed, facts = landed_and_parsed(config, "2024-03", workers=2, parallel_min_bytes=0)
    repeated = landed.quarantine[landed.quarantine["reason_code"] == "duplicate_source_id"]
    assert repeated["source_file"].map(lambda p: Path(p).name).tolist() == ["adzuna-002.json"]
    assert (landed.postings["source_id"] == "4601000001").sum() == 1
    assert len(facts) == len(landed.postings)


def test_bad_period_is_refused(config):
    with pytest.raises(ValueError, match="YYYY-MM"):
        landed_and_parsed(config, "2024-3")
