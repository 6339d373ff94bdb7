"""Tests of extract.salary: pay statements found in salary fields and whole ads."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from extract.salary import Pay, normalised_pay, parse_salary, pay_from_fields, period_from_text

LABELLED = Path(__file__).parent / "fixtures" / "salary_labelled.tsv"


@pytest.mark.parametrize(
    ("text", "low", "high", "period", "currency"),
    [
        # the phrasings named in the issue
        ("£65,000 - £70,000 per annum", 65_000, 70_000, "year", "GBP"),
        ("£65k-£75k", 65_000, 75_000, "year", "GBP"),
        ("65-75k", 65_000, 75_000, "year", "GBP"),
        ("£65,000 to £70,000 pa", 65_000, 70_000, "year", "GBP"),
        ("up to £90k + bonus", 90_000, 90_000, "year", "GBP"),
        ("from £60,000", 60_000, 60_000, "year", "GBP"),
        ("£550-£650 pd Outside IR35", 550, 650, "day", "GBP"),
        ("£600 per day", 600, 600, "day", "GBP"),
        ("£45 per hour", 45, 45, "hour", "GBP"),
        ("£4,500 per month", 4_500, 4_500, "month", "GBP"),
        ("€70,000 - €80,000", 70_000, 80_000, "year", "EUR"),
        ("$150k", 150_000, 150_000, "year", "USD"),
        # k on the upper figure scales the lower one; a thousands upper figure too
        ("£35-45k", 35_000, 45_000, "year", "GBP"),
        ("£60-70,000", 60_000, 70_000, "year", "GBP"),
        # Adzuna renders £ as "pound" in some snippets and glues words to figures
        ("Up to pound 120k", 120_000, 120_000, "year", "GBP"),
        ("Leeds £45000OVERVIEW", 45_000, 45_000, "year", "GBP"),
        # no period stated: 450 next to IR35 is a day rate; 2,500 is a month; 25 is an hour
        ("£450 Outside IR35", 450, 450, "day", "GBP"),
        ("£2,500 basic", 2_500, 2_500, "month", "GBP"),
        ("£25 umbrella", 25, 25, "hour", "GBP"),
        # the pay statement wins over a bonus amount, a training budget and a funding round
        ("£55,000 £20,000 Bonus", 55_000, 55_000, "year", "GBP"),
        ("£2,000 training budget and a salary of £48k", 48_000, 48_000, "year", "GBP"),
        ("We raised £10m Series A. Salary £60k", 60_000, 60_000, "year", "GBP"),
        # base pay wins over on-target earnings
        ("£20,000- £25,000 basic salary £40,000 - £45,000 OTE", 20_000, 25_000, "year", "GBP"),
    ],
)
def test_parse_salary_figures(text, low, high, period, currency):
    pay = parse_salary(text)
    assert pay is not None
    assert (pay.min, pay.max, pay.period, pay.currency) == (low, high, period, currency)
    assert pay.reject_reason is None


@pytest.mark.parametrize(
    "text",
    [
        "Competitive",  # no figure
        "Negotiable",  # no figure
        "DOE",  # no figure
        "Competitive salary + 10% bonus + 8% pension",  # percentages are not pay
        "We raised £20m in our Series B",  # funding round
        "A £50m revenue business",  # company revenue
        "A £2,000 annual training budget",  # training budget
        "401k plan and dental",  # US retirement plan
        "Founded in 2015, call 0161 496 0000",  # a year and a phone number
        "We process 10k transactions per second",  # a count, not money
        "",  # empty
        None,  # missing
    ],
)
def test_parse_salary_no_pay(text):
    assert parse_salary(text) is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("up to £90k + bonus", "up_to"),  # "up to" single figure
        ("from £60,000", "from_"),  # "from" single figure
        ("£70k + bonus", "bonus"),  # bonus mentioned with the pay
        ("£25k basic, £45k OTE", "ote"),  # on-target earnings mentioned
        ("Estimated salary: £40,000", "predicted"),  # an estimate is flagged
    ],
)
def test_parse_salary_flags(text, flag):
    pay = parse_salary(text)
    assert getattr(pay, flag) is True


def test_ranges_do_not_set_single_figure_flags():
    # "from £60k to £70k" is a range, not a "from" figure
    pay = parse_salary("from £60k to £70k")
    assert (pay.min, pay.max, pay.from_, pay.up_to) == (60_000, 70_000, False, False)


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [
        ("Salary £5,000,000", "above_year_bound"),  # above 500,000 a year
        ("Salary: £5,000 per annum", "below_year_bound"),  # below 10,000 a year
        ("£9,000 per day", "above_day_bound"),  # above 3,000 a day
        ("£2 per hour", "below_hour_bound"),  # below 5 an hour
        ("Salary £20,000 - £200,000", "range_too_wide"),  # max more than 5x min
        ("Salary £70,000 - £60,000", "min_above_max"),  # reversed range
    ],
)
def test_implausible_pay_is_rejected_not_guessed(text, reason_start):
    pay = parse_salary(text)
    assert pay is not None
    assert pay.reject_reason.startswith(reason_start)
    assert pay.annual_min is None and pay.day_min is None


@pytest.mark.parametrize(
    ("pay", "annual", "day"),
    [
        (Pay(50_000, 60_000, "year"), (50_000, 60_000), (None, None)),  # year x1
        (Pay(4_000, 4_000, "month"), (48_000, 48_000), (None, None)),  # month x12
        (Pay(800, 800, "week"), (41_600, 41_600), (None, None)),  # week x52
        (Pay(500, 600, "day"), (112_500, 135_000), (500, 600)),  # day x225; day rate x1
        (Pay(40, 40, "hour"), (78_000, 78_000), (320, 320)),  # hour x1,950; day rate x8 hours
    ],
)
def test_normalised_pay_annualises_and_makes_day_rates(pay, annual, day):
    result = normalised_pay(pay)
    assert (result.annual_min, result.annual_max) == annual
    assert (result.day_min, result.day_max) == day


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Reed: min/max/currency, no period, annual by size
        ((45_000, 55_000, "GBP", None), (45_000, 55_000, "year", "GBP")),
        # JobSpy: interval "daily"
        ((500, 600, "GBP", "daily"), (500, 600, "day", "GBP")),
        # JobSpy: interval "hourly", USD
        ((40, None, "USD", "hourly"), (40, 40, "hour", "USD")),
        # only a maximum
        ((None, 70_000, None, "yearly"), (70_000, 70_000, "year", "GBP")),
    ],
)
def test_pay_from_fields(args, expected):
    pay = pay_from_fields(*args)
    assert (pay.min, pay.max, pay.period, pay.currency) == expected


@pytest.mark.parametrize(
    "args",
    [
        (None, None, "GBP", "yearly"),  # no figure
        (float("nan"), float("nan"), None, None),  # pandas missing values
        (0, 0, "GBP", None),  # zero is "not stated"
    ],
)
def test_pay_from_fields_without_figures(args):
    assert pay_from_fields(*args) is None


def test_pay_from_fields_flags_predicted():
    # Adzuna salary_is_predicted is carried as a flag
    assert pay_from_fields(29_363.08, 29_363.08, "GBP", None, predicted=True).predicted is True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("yearly", "year"), ("per annum", "year"), ("monthly", "month"), ("weekly", "week"), ("daily", "day"),
     ("hourly", "hour"), ("fortnightly", None), (None, None)],  # JobSpy/Reed spellings; unknown stays None
)
def test_period_from_text(raw, expected):
    assert period_from_text(raw) == expected


def _labelled_cases() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _matches(case: dict[str, str]) -> bool:
    pay = parse_salary(case["text"])
    if case["min"] == "none":
        return pay is None
    expected = (float(case["min"]), float(case["max"]), case["period"], case["currency"])
    return pay is not None and (pay.min, pay.max, pay.period, pay.currency) == expected


def test_labelled_set_accuracy_at_least_97_percent():
    cases = _labelled_cases()
    assert len(cases) >= 300
    failures = [c["text"] for c in cases if not _matches(c)]
    accuracy = 1 - len(failures) / len(cases)
    print(f"\nparse_salary exact-match accuracy on {len(cases)} labelled ad snippets: {accuracy:.1%}")
    assert accuracy >= 0.97, failures[:10]


def test_labelled_set_covers_every_period_currency_and_no_pay():
    cases = _labelled_cases()
    assert {c["period"] for c in cases if c["min"] != "none"} == {"year", "month", "week", "day", "hour"}
    assert {c["currency"] for c in cases if c["min"] != "none"} == {"GBP", "EUR", "USD"}
    assert sum(c["min"] == "none" for c in cases) >= 50


@pytest.fixture(scope="module")
def adzuna(shared_data) -> pd.DataFrame:
    path = shared_data / "postings" / "adzuna_uk_datascience_2016.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return pd.read_csv(path)


def test_real_adzuna_ads_predicted_salaries_are_never_stated_pay(adzuna):
    from extract.facts import posting_facts

    postings = pd.DataFrame(
        {
            "posting_id": [f"a{i}" for i in range(len(adzuna))],
            "market": "uk",
            "period": "2016-06",
            "title": adzuna["title"],
            "description": adzuna["description"],
            "posted_at": pd.to_datetime(adzuna["created"]).dt.date,
            "salary_min_raw": adzuna["salary_min"],
            "salary_max_raw": adzuna["salary_max"],
            "salary_is_predicted": adzuna["salary_is_predicted"].astype(bool),
            "contract_raw": adzuna["contract_type"],
        }
    )
    facts = posting_facts(postings).set_index("posting_id")
    predicted = postings[postings["salary_is_predicted"]].set_index("posting_id")
    assert len(predicted) == 738
    pf = facts.loc[predicted.index]
    # predicted pay never appears as a figure: either no pay, or pay the ad text itself states
    assert not (pf["pay_min"] == predicted["salary_min_raw"]).any()
    assert pf["pay_flags"].str.contains("predicted").all()
    stated_in_text = [
        parse_salary(f"{t}\n{d}") is not None for t, d in zip(pf["title_clean"], pf["description_clean"])
    ]
    assert ((pf["pay_kind"] == "none") == ~pd.Series(stated_in_text, index=pf.index)).all()
    share_none = (pf["pay_kind"] == "none").mean()
    print(f"\nAdzuna predicted-salary ads with no stated pay: {share_none:.1%} of {len(pf)}")


def test_real_adzuna_text_pay_agrees_with_stated_structured_pay(adzuna):
    stated = adzuna[adzuna["salary_is_predicted"] == 0]
    agree = found = 0
    for title, description, low, high in zip(stated["title"], stated["description"], stated["salary_min"],
                                              stated["salary_max"]):
        pay = parse_salary(f"{title}\n{description}".replace("<strong>", "").replace("</strong>", ""))
        if pay is None or pay.reject_reason or pay.period != "year":
            continue
        found += 1
        agree += (pay.min, pay.max) == (low, high) or pay.min == low or pay.max == high
    print(f"\nAdzuna stated-pay ads whose text pay shares a bound with the structured pay: {agree}/{found}")
    assert found >= 30
    # Adzuna often edits the structured pay (a wider range, a rounded figure): a floor, not an accuracy target
    assert agree / found >= 0.7


def test_normalised_pay_keeps_every_stated_field():
    # a week-paid USD range with all flags set: normalising fills the annual figures and keeps everything stated
    pay = Pay(min=1_000, max=1_200, period="week", currency="USD", up_to=True, from_=True, predicted=True,
              bonus=True, ote=True)
    result = normalised_pay(pay)
    assert (result.min, result.max, result.period, result.currency) == (1_000, 1_200, "week", "USD")
    assert (result.up_to, result.from_, result.predicted, result.bonus, result.ote) == (True, True, True, True, True)
    assert (result.annual_min, result.annual_max) == (52_000, 62_400)  # x52
    assert (result.day_min, result.day_max, result.reject_reason) == (None, None, None)
