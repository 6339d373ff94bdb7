"""Tests of extract.facts: the posting_facts table from landed postings."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from extract.contracts import POSTING_FACTS
from extract.facts import pay_facts_of, posting_facts
from extract.salary import Pay

ROWS = [
    # id, title, description, location_raw, salary_raw, min, max, currency, period, predicted, contract_raw
    ("s1", "Data Scientist", "<p>Python and SQL.</p>", "Leeds", None, 45_000, 55_000, "GBP", None, False,
     "permanent"),
    # predicted structured pay is ignored and the ad states none
    ("s2", "Data Analyst", "Excel and SQL.", "UK", None, 29_363.08, 29_363.08, None, None, True, None),
    # predicted structured pay is ignored but the ad states pay
    ("s3", "ML Engineer", "Salary £60,000 - £70,000 + bonus", "Remote (UK)", None, 51_000, 51_000, None, None, True,
     None),
    # contract with a day rate in the salary field
    ("s4", "Data Engineer", "Outside IR35, 6 months.", "Hybrid - Manchester", "£550-£650 per day", None, None, None,
     None, False, None),
    # contract whose structured pay was annualised by the board (Adzuna): the day rate in the text wins
    ("s5", "Data Engineer", "6 Month contract, £430 per day", "Richmond (SW London)", None, 103_200, 103_200, None,
     None, False, "contract"),
    # implausible stated pay is rejected with the reason
    ("s6", "Analyst", "Salary £5,000 per annum", "Canary Wharf", None, None, None, None, None, False, None),
    # non-GBP pay is kept as stated but rejected from GBP statistics
    ("s7", "ML Engineer", "€70,000 - €80,000", "Dublin", None, None, None, None, None, False, None),
    # hourly temporary pay is annualised (x1,950)
    ("s8", "Data Analyst", "A temporary role, £10-15 per hour", "Norwich, Norfolk", None, None, None, None, None,
     False, None),
    # nothing stated; fully remote from the ad text
    ("s9", "Analyst", "This is a fully remote role.", None, "Competitive", None, None, None, None, False, None),
]
COLUMNS = ["posting_id", "title", "description", "location_raw", "salary_raw", "salary_min_raw", "salary_max_raw",
           "salary_currency_raw", "salary_period_raw", "salary_is_predicted", "contract_raw"]


def _postings(rows=ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.assign(market="uk", period="2024-05", company="Acme", posted_at=dt.date(2024, 5, 1),
                        source="test", source_id=frame["posting_id"], source_row=range(len(frame)))


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return posting_facts(_postings()).set_index("posting_id")


def test_meets_the_contract():
    facts = posting_facts(_postings())
    assert list(facts.columns) == POSTING_FACTS.column_names
    POSTING_FACTS.conform(facts)


@pytest.mark.parametrize(
    ("posting_id", "kind", "low", "high", "mid", "period", "flags"),
    [
        ("s1", "salary", 45_000, 55_000, 50_000, "year", None),  # structured pay first
        ("s2", "none", None, None, None, None, "predicted"),  # predicted pay is not stated pay
        ("s3", "salary", 60_000, 70_000, 65_000, "year", "bonus,predicted"),  # text pay instead of the prediction
        ("s4", "day_rate", 550, 650, 600, "day", None),  # contract pay stays a day rate
        ("s5", "day_rate", 430, 430, 430, "day", None),  # stated day rate wins over an annualised figure
        ("s8", "salary", 19_500, 29_250, 24_375, "hour", None),  # 10 x 1,950 and 15 x 1,950
        ("s9", "none", None, None, None, None, None),  # "Competitive"
    ],
)
def test_pay(facts, posting_id, kind, low, high, mid, period, flags):
    row = facts.loc[posting_id].replace({float("nan"): None})
    assert row["pay_kind"] == kind
    assert (row["pay_min"], row["pay_max"], row["pay_mid"]) == (low, high, mid)
    assert row["pay_period_stated"] == period
    assert row["pay_flags"] == flags


@pytest.mark.parametrize(
    ("posting_id", "reason_start"),
    [("s6", "below_year_bound"), ("s7", "currency_not_gbp: EUR")],  # implausible; not GBP
)
def test_rejected_pay_keeps_the_reason(facts, posting_id, reason_start):
    assert facts.loc[posting_id, "pay_kind"] == "rejected"
    assert facts.loc[posting_id, "pay_reject_reason"].startswith(reason_start)


@pytest.mark.parametrize(
    ("posting_id", "contract", "region", "is_london", "work_mode"),
    [
        ("s1", "permanent", "Yorkshire and The Humber", False, "unknown"),  # field type; plain place
        ("s3", "unknown", "unknown", False, "remote"),  # "Remote (UK)"
        ("s4", "contract", "North West", False, "hybrid"),  # IR35 cue; "Hybrid - Manchester"
        ("s5", "contract", "London", True, "unknown"),  # Richmond is a London borough
        ("s6", "unknown", "London", True, "unknown"),  # Canary Wharf
        ("s8", "temporary", "East of England", False, "unknown"),  # "temporary" cue beats the hourly rate
        ("s9", "unknown", "unknown", False, "remote"),  # work mode from the ad text
    ],
)
def test_contract_place_and_mode(facts, posting_id, contract, region, is_london, work_mode):
    row = facts.loc[posting_id]
    assert (row["contract_type"], row["region"], row["is_london"], row["work_mode"]) == (
        contract, region, is_london, work_mode)


def test_text_is_cleaned_and_input_unchanged():
    postings = _postings()
    before = postings.copy()
    facts = posting_facts(postings).set_index("posting_id")
    assert facts.loc["s1", "description_clean"] == "Python and SQL."
    pd.testing.assert_frame_equal(postings, before)


def test_duplicates_are_linked():
    # same day: the smaller posting_id is canonical
    rows = [ROWS[0], ("z1",) + ROWS[0][1:]]
    facts = posting_facts(_postings(rows)).set_index("posting_id")
    assert facts.loc["z1", "duplicate_of"] == "s1"
    assert facts.loc["z1", "duplicate_method"] == "exact"
    assert pd.isna(facts.loc["s1", "duplicate_of"])


def test_parallel_chunks_give_the_same_table():
    rows = [(f"{r[0]}-{i}",) + r[1:] for i in range(3) for r in ROWS]
    postings = _postings(rows)
    serial = posting_facts(postings, workers=1)
    parallel = posting_facts(postings, workers=2, parallel_min_rows=1, chunk_rows=7)
    pd.testing.assert_frame_equal(serial, parallel)


def test_many_small_chunks_come_back_in_order():
    # 27 postings in 14 chunks of 2: more chunks than the pool holds in flight (2 per worker), results in row order
    rows = [(f"{r[0]}-{i}",) + r[1:] for i in range(3) for r in ROWS]
    postings = _postings(rows)
    serial = posting_facts(postings, workers=1)
    parallel = posting_facts(postings, workers=2, parallel_min_rows=1, chunk_rows=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_missing_required_column_is_a_clear_error():
    with pytest.raises(ValueError, match="posted_at"):
        posting_facts(_postings().drop(columns=["posted_at"]))


def test_no_postings_gives_an_empty_table():
    assert list(posting_facts(_postings().iloc[:0]).columns) == POSTING_FACTS.column_names


@pytest.mark.parametrize(
    ("pay", "contract", "expected"),
    [
        # contract pay stated per year becomes a day rate: 90,000 / 225 = 400
        (Pay(90_000, 90_000, "year", annual_min=90_000, annual_max=90_000), "contract", ("day_rate", 400, 400)),
        # contract pay per week: 2,500 / 5 = 500
        (Pay(2_500, 2_500, "week", annual_min=130_000, annual_max=130_000), "contract", ("day_rate", 500, 500)),
        # a contract figure far outside the day bounds is rejected: 900,000 / 225 = 4,000 > 3,000
        (Pay(900_000, 900_000, "year", annual_min=900_000, annual_max=900_000), "contract", ("rejected", 900_000,
                                                                                            900_000)),
        # permanent day pay is annualised: 300 x 225 = 67,500
        (Pay(300, 300, "day", annual_min=67_500, annual_max=67_500, day_min=300, day_max=300), "permanent",
         ("salary", 67_500, 67_500)),
    ],
)
def test_pay_facts_of(pay, contract, expected):
    result = pay_facts_of(pay, contract)
    assert (result.kind, result.low, result.high) == expected
