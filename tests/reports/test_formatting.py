"""Number and wording helpers."""
from __future__ import annotations

import pytest

from reports import formatting as fmt
from reports.html import plural


@pytest.mark.parametrize("value, expected", [
    (70000, "£70,000"),      # as is
    (70499, "£70,000"),      # nearest £1,000 down
    (70500, "£71,000"),      # half rounds up
    (104999.5, "£105,000"),  # p90 with pence
])
def test_salary(value, expected):
    assert fmt.salary(value) == expected


@pytest.mark.parametrize("value, expected", [
    (650, "£650"),    # as is
    (652.5, "£655"),  # nearest £5, half up
    (647.4, "£645"),  # nearest £5 down
])
def test_day_rate(value, expected):
    assert fmt.day_rate(value) == expected


@pytest.mark.parametrize("value, expected", [
    (21.43, "+21%"),   # London premium
    (-8.57, "-9%"),    # lower pay
    (0.4, "0%"),       # rounds to nothing: no sign
    (21.5, "+22%"),    # half away from zero
])
def test_signed_pct(value, expected):
    assert fmt.signed_pct(value) == expected


@pytest.mark.parametrize("name, expected", [
    ("Machine Learning Engineer", "a"),      # consonant
    ("AI Engineer / GenAI Engineer", "an"),  # vowel initialism
    ("MLOps Engineer", "an"),                # "em-el"
    ("Data Scientist", "a"),                 # consonant
    ("Engineer", "an"),                      # vowel
])
def test_article(name, expected):
    assert fmt.article(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Machine Learning Engineer", "Machine Learning Engineers"),
    ("Software Engineer (Backend)", "Software Engineers (Backend)"),  # plural before the qualifier
    ("Data Analyst", "Data Analysts"),
])
def test_plural(name, expected):
    assert plural(name) == expected


def test_period_label_and_market():
    assert fmt.period_label("2026-04") == "April 2026"
    assert fmt.market_name("uk") == "UK" and fmt.market_name("ie") == "IE"
