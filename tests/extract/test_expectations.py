"""Landed-postings quality suite."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from extract.contracts import POSTINGS
from extract.expectations import landed_postings_report, postings_checked


def postings(**overrides: list) -> pd.DataFrame:
    """Return four valid landed postings for 2024-03, with columns overridden."""
    n = 4
    data = {c: [None] * n for c in POSTINGS.column_names}
    data.update({
        "posting_id": ["p1", "p2", "p3", "p4"], "market": ["uk"] * n, "period": ["2024-03"] * n,
        "source": ["adzuna"] * n, "source_id": ["1", "2", "3", "4"], "title": ["ML Engineer"] * n,
        "description": ["Python. £60,000", "PyTorch", "SQL", "Go. Salary £50k"],
        "location_raw": ["London", "Leeds", "Bristol", "York"],
        "salary_min_raw": [None, 55000.0, 48000.0, None], "salary_max_raw": [None, 65000.0, 48000.0, None],
        "salary_is_predicted": [None, False, True, None],
        "posted_at": [dt.date(2024, 3, d) for d in (1, 2, 3, 4)], "source_row": [0, 1, 2, 3],
    })
    data.update(overrides)
    return pd.DataFrame(data)


@pytest.fixture(scope="module")
def clean_report():
    return landed_postings_report(postings(), "2024-03")


def test_clean_postings_pass(clean_report) -> None:
    assert clean_report.success and not clean_report.warnings


def test_pay_stated_counts_text_and_unpredicted_structured_pay() -> None:
    # p1: £ in text; p2: structured, not predicted; p3: predicted only (not stated); p4: £ in text
    assert postings_checked(postings())["pay_stated"].tolist() == [True, True, False, True]


def test_duplicated_posting_id_fails_and_reports_rows() -> None:
    report = landed_postings_report(postings(posting_id=["p1", "p2", "p2", "p4"]), "2024-03")
    assert [o.name for o in report.failed] == ["posting_id_unique"]
    examples = report.outcome("posting_id_unique").examples
    assert [(e["source"], e["source_row"], e["posting_id"]) for e in examples] == [("adzuna", 1, "p2"), ("adzuna", 2, "p2")]
    assert "posting_id='p2'" in report.to_markdown()


@pytest.mark.parametrize(
    ("overrides", "failed"),
    [
        # a blank title is as missing as a null one
        ({"title": ["ML Engineer", "  ", "ML Engineer", "ML Engineer"]}, ["title_present"]),
        ({"posted_at": [dt.date(2024, 3, 1), None, dt.date(2024, 3, 3), dt.date(2024, 3, 4)]}, ["posted_at_present"]),
        # a row of another month slipped through
        ({"period": ["2024-03", "2024-03", "2024-02", "2024-03"]}, ["period_matches_run"]),
    ],
)
def test_fail_checks(overrides: dict, failed: list[str]) -> None:
    report = landed_postings_report(postings(**overrides), "2024-03")
    assert [o.name for o in report.failed] == failed


@pytest.mark.parametrize(
    ("overrides", "warned"),
    [
        # only 1 of 4 states pay (25% < 30%)
        ({"description": ["£60k", "a", "b", "c"], "salary_min_raw": [None] * 4, "salary_max_raw": [None] * 4},
         ["pay_stated_share"]),
        # 2 of 4 without a location (50% > 20%)
        ({"location_raw": ["London", "", None, "York"]}, ["location_known_share"]),
    ],
)
def test_warn_checks_do_not_fail_the_run(overrides: dict, warned: list[str]) -> None:
    report = landed_postings_report(postings(**overrides), "2024-03")
    assert report.success
    assert [o.name for o in report.warnings] == warned


def test_input_frame_is_not_changed() -> None:
    frame = postings(title=["ML Engineer", " ", "x", "y"])
    before = frame.copy()
    postings_checked(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_blank_text_counts_as_missing_whatever_its_whitespace() -> None:
    # an em space and a no-break space are whitespace to str.strip, so such a title is missing; "x" is not
    frame = postings(title=["\u2003", " \u00a0\t", "", "x"], location_raw=[" ", None, "Leeds", "\n"])
    checked = postings_checked(frame, ["posting_id", "title", "location_text", "pay_stated"])
    assert list(checked.columns) == ["posting_id", "title", "location_text", "pay_stated"]
    assert checked["title"].isna().tolist() == [True, True, True, False]
    assert checked["location_text"].isna().tolist() == [True, True, False, True]
    assert checked["pay_stated"].tolist() == [True, True, False, True]
    assert landed_postings_report(frame, "2024-03").outcome("title_present").unexpected_count == 3
