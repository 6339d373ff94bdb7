"""The compiled pay scanning helpers (extract/_salary.pyx) give the same results as the pure-Python reference."""
from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import salary

compiled = pytest.importorskip("extract._salary", reason="the compiled module is not built")

# one-, two- and four-byte strings, digits next to characters whose low byte or lane looks like a digit
_CHARS = st.sampled_from(list("0123456789 a£/,.$€USPsd_:#kmbgeuptn-~K\xa0") + ["\u017f", "\u2013", "\u0130", "\u0660", "\u3039", "\u0139", "\U0001F600",
                                                      "\U00010030", "\xb0", "\xb9", "\u0030\u0301"])
_TEXTS = st.one_of(st.lists(_CHARS, max_size=40).map("".join), st.text(max_size=40))


def test_compiled_salary_is_built():
    # CI has gcc: a failed build must fail here rather than leave ingest on the slow path
    assert salary.COMPILED_SALARY
    assert salary._digit_run_starts is compiled.digit_run_starts
    assert salary._amount_anchors is compiled.amount_anchors
    assert salary._lowered is compiled.lowered
    assert salary._parsed_pay is compiled.parsed_pay


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),  # empty
        ("abc", []),  # no digit
        ("12 345", [0, 3]),  # two runs
        ("a" * 7 + "1" + "2" * 8 + "b3", [7, 17]),  # a run across an 8-byte block boundary
        ("–" * 3 + "1" + "2" * 4 + "b3", [3, 9]),  # the same across a 4-character block of two-byte text
        ("😀12😀3", [1, 4]),  # four-byte text
        ("\u0660\u0661 1", [3]),  # Arabic-Indic digits are not ASCII digits
        ("\u0130\u0131" + "90", [2]),  # two-byte characters whose low bytes are not digits
        ("\u3039\u0139", []),  # two-byte characters whose low byte is a digit ("9"), not digits themselves
    ],
)
def test_digit_run_starts(text, expected):
    assert compiled.digit_run_starts(text) == expected
    assert salary._digit_run_starts_reference(text) == expected


@settings(max_examples=600, deadline=None, database=None)
@given(_TEXTS)
def test_generated_texts_equal_reference(text):
    assert compiled.digit_run_starts(text) == salary._digit_run_starts_reference(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),  # no digit
        ("£45", [1, 0]),  # a currency mark: the amount starts at it
        ("£ 45", [2, 0]),  # one space between mark and figure
        ("US$ 90", [4, 0]),  # "US$" starts two characters before the mark
        ("us$90", [3, 2]),  # only upper-case "US" extends the mark
        ("GBP 45", [4, -1]),  # a currency word may end before: left to `_CURRENCY_BEFORE`
        ("Bio3 ſ5 Python6", [3, -1, 6, -1]),  # after a letter a currency word ends in ("o", "ſ"), not "n"
        ("J90 x1.5 a/2 b_3 (4", [18, -20]),  # bare numbers after a letter, ".", "/", "_" are left out; "(" is kept
        ("10,000", [0, 0]),  # the run after a comma is left out
        ("Ⅻ7 ٣8 –9", [7, -9]),  # "Ⅻ" and "٣" are alphanumeric (numerals), "–" is not
    ],
)
def test_amount_anchors(text, expected):
    assert compiled.amount_anchors(text) == expected
    assert salary._amount_anchors_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", [0, -2]),  # the run ends the text: `~1`
        ("7 \t", [0, -2]),  # only spaces after it
        ("7\xa0x", [0, -2]),  # a no-break space is a space; "x" begins nothing
        ("7x", [0, -2]),
        ("7\u2013", [0, 0]),  # any character beyond ASCII may continue it (a dash)
        ("7\u0661", [0, 0]),  # (a digit)
        ("7 \u212a", [0, 0]),  # (the Kelvin sign lowers to "k")
        ("7k", [0, 0]),  # "k" scales only right after the digits
        ("7 K", [0, -2]),
        ("7m", [0, 0]),  # "m", "mn" right after the digits
        ("7 mi", [0, 0]),  # " million"
        ("7 mo", [0, -2]),
        ("7bn", [0, 0]),  # "bn", " billion"
        ("7 BI", [0, 0]),
        ("7 bo", [0, -2]),
        ("7 gb", [0, 0]),  # "gbp"
        ("7 go", [0, -2]),
        ("7 eu", [0, 0]),  # "eur"
        ("7 ex", [0, -2]),
        ("7 us", [0, 0]),  # "usd"
        ("7 up", [0, 0]),  # "up to"
        ("7 un", [0, -2]),
        ("7 to", [0, 0]),
        ("7 tw", [0, -2]),
        ("7 an", [0, 0]),  # "and"
        ("7 a ", [0, -2]),
        ("7 pd", [0, 0]),  # "pd", "p/d", "ph", "pa", "pcm", "pw" before a range
        ("7 p/", [0, 0]),
        ("7 PH", [0, 0]),
        ("7 pa", [0, 0]),
        ("7 pc", [0, 0]),
        ("7 pw", [0, 0]),
        ("7 p\xe9", [0, 0]),  # a second letter beyond ASCII may be anything
        ("7 pe", [0, -2]),
        ("7 p", [0, -2]),  # no second letter
        ("7 p\x00", [0, -2]),
        ("7-9", [0, 0, 2, -4]),  # a range separator before a digit
        ("7 - £9", [0, 0, 5, 4]),  # or a currency mark
        ("7 ~ usd", [0, 0]),  # or a currency word ("us$", "usd", "gbp", "pounds", "eur")
        ("7 -\u2013", [0, 0]),
        ("7-month", [0, -2]),  # a separator before a word is no range
        ("7 -", [0, -2]),
        ("7.5 x", [0, -4]),  # one decimal part
        ("7.5k", [0, 0]),
        ("7.5.1", [0, 0]),  # ".,:/" after a decimal part
        ("7.5:3", [0, 0]),
        ("7.x", [0, -2]),  # ".", ",", ":", "/" before no digit
        ("7.", [0, -2]),
        ("7.\u0661", [0, 0]),
        ("7,000", [0, 0]),
        ("7, x", [0, -2]),
        ("7:30", [0, 0]),
        ("7/x", [0, -2]),
        ("7/8", [0, 0]),
        ("7 .x", [0, -2]),  # after a space they begin nothing
    ],
)
def test_amount_anchors_flag_bare_digit_runs(text, expected):
    assert compiled.amount_anchors(text) == expected
    assert salary._amount_anchors_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Team of 45000 x", None),  # a flagged bare number without pay word or period
        ("Salary 45000 x", (45000.0, "year")),  # with a pay word before it
        ("45000 per annum", (45000.0, "year")),  # with a period after it
        ("#45000 per annum", None),  # after "#"
        ("Salary: 37.5 hours", None),  # a pay word, but "hours" after it
    ],
)
def test_flagged_bare_numbers_parse_as_matched(text, expected):
    pay = salary._parse(text)
    assert (pay.min, pay.period) == expected if expected else pay is None


_PAY_TOKENS = st.sampled_from(
    ["Salary", "rate", " ", "  ", "£", "$", "45", "000", "7", ",", ".", ":", "/", "k", "K", "m", "-", "~", "to",
     "per annum", "pa", "ph", "pcm", "hours", "#", "and", "between", "p/d", "x", "ſ", "\u212a", "\u2013", "bn",
     "million", "usd", "gbp", "up to", "budget", "bonus", "\n", "2015", "\xa0", "\u0661", "days", "year", "ote"]
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_PAY_TOKENS, min_size=1, max_size=14).map("".join))
def test_flagged_bare_numbers_parse_as_unflagged(text):
    # the `~end` flag only spares the full match: anchoring those numbers at themselves gives the same pay
    flagged = salary._parse(text)
    anchors = compiled.amount_anchors(text)
    for at in range(1, len(anchors), 2):
        if anchors[at] < -1:
            anchors[at] = anchors[at - 1]
    try:
        salary._amount_anchors = lambda _: anchors
        assert salary._parse(text) == flagged
    finally:
        salary._amount_anchors = compiled.amount_anchors


@settings(max_examples=200, deadline=None, database=None)
@given(_TEXTS)
def test_generated_texts_anchor_as_reference(text):
    assert compiled.amount_anchors(text) == salary._amount_anchors_reference(text)


def test_pure_python_fallback_parses_the_same(monkeypatch):
    texts = ["Salary £45,000 - £55,000 per annum", "10 years, 25 days, rate 450 pd", "Python3 IR35 £500 p/d",
             "EUROS 50,000 - 60,000", "US$ 120K", "Salary: 45000 (ſ, İ) pa", "Rate 450 x", "Rate 37.5 x ſ"]
    compiled_pays = [salary._parse(t) for t in texts]
    monkeypatch.setattr(salary, "_digit_run_starts", salary._digit_run_starts_reference)
    monkeypatch.setattr(salary, "_amount_anchors", salary._amount_anchors_reference)
    monkeypatch.setattr(salary, "_lowered", str.lower)
    assert [salary._parse(t) for t in texts] == compiled_pays


def test_lowered_equals_str_lower_for_every_code_point():
    # each character alone, in Latin-1 text, in two-byte text with punctuation, and beside a final-sigma context
    for char in (chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000):
        for text in (char, "A" + char + "\xc9", "\u2013" + char + "\u20ac", "\u03a3" + char):
            assert compiled.lowered(text) == text.lower(), (hex(ord(char)), text)


@settings(max_examples=600, deadline=None, database=None)
@given(st.one_of(_TEXTS, st.text(alphabet=st.characters(max_codepoint=0x20D0), max_size=60)))
def test_generated_texts_lower_as_str_lower(text):
    lowered = compiled.lowered(text)
    assert lowered == text.lower()
    assert sys.getsizeof(lowered) == sys.getsizeof(text.lower())  # the same compact kind as str.lower's result


def _fields(pay: salary.Pay | None) -> list[tuple[str, type, object]] | None:
    """Return every field of `pay` with its type (True and 1 are different results)."""
    return None if pay is None else [(name, type(value), value) for name, value in vars(pay).items()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Salary £45,000 - £55,000 per annum", (45_000, 55_000, "year", "GBP", "")),  # a range read in C
        ("£45-55k", (45_000, 55_000, "year", "GBP", "")),  # "k" on the upper figure scales the lower
        ("$120k to $140k", (120_000, 140_000, "year", "USD", "")),  # "to" as the separator
        ("£60,000-70,000", (60_000, 70_000, "year", "GBP", "")),
        ("£35,000 up to £40,000", (35_000, 40_000, "year", "GBP", "")),  # "up to" as the separator
        ("between 40,000 and 50,000 per annum", (40_000, 50_000, "year", "GBP", "")),  # "and" after "between"
        ("€5m funding round, paying €60,000", (60_000, 60_000, "year", "EUR", "")),  # "m": millions are no pay
        ("£1.5 million budget, day rate £450", (450, 450, "day", "GBP", "")),  # " million" after a decimal
        ("9 months initial contract at £500 per day", (500, 500, "day", "GBP", "")),  # a bare "9" before "months"
        ("£1,500k - $.5", (1_500_000, 1_500_000, "year", "GBP", "")),  # a "$" without digits is no second amount
        ("£30 - 40%", (30, 30, "hour", "GBP", "")),  # "%" after the second figure: the regex drops it
        ("Rate: £500 p/d - £550 p/d", (500, 550, "day", "GBP", "")),  # a glued period: for the regex
        ("£45,000 GBP per annum", (45_000, 45_000, "year", "GBP", "")),  # a currency code after: for the regex
        ("Salary: £50,000 (gross) pro rata", (50_000, 50_000, "year", "GBP", "")),  # "(" and a modifier first
        ("Up to £90k + bonus", (90_000, 90_000, "year", "GBP", "up_to,bonus")),
        ("from £60k", (60_000, 60_000, "year", "GBP", "from")),
        ("&pound;45,000 per annum", (45_000, 45_000, "year", "GBP", "")),  # the entity is a pound sign
        ("\u0130stanbul office, salary £45,000", (45_000, 45_000, "year", "GBP", "")),  # "İ": the reference parses it
        ("Reference 0001234, 25 days holiday", None),  # bare numbers without pay context
        ("Salary 45\u0661 per annum", (451, 451, "year", "GBP", "")),  # "\d" takes an Arabic-Indic digit, as float does
    ],
)
def test_parsed_pay(text, expected):
    pay = compiled.parsed_pay(text)
    assert (pay.min, pay.max, pay.period, pay.currency, pay.flags) == expected if expected else pay is None
    assert _fields(pay) == _fields(salary._parse(text))


_AD_TOKENS = st.sampled_from(
    ["Salary", "salary: ", "rate", "Day rate", "paying", "between", "up to", "from", "upto", " ", "  ", "\n", ". ", "; ",
     "£", "€", "$", "US$", "GBP", "eur", "usd", "pounds", "euros", "&pound;", "45", "000", "7", "1,500", "2019", "401k",
     ",", ".", ":", "/", "k", "K", "m", "mn", "bn", " million", " billion", "-", "\u2013", "\u2014", "\u2212", "~",
     " to ", " and ", "%", "per annum", "pa", "p.a.", "pcm", "per month", "pw", "pd", "p/d", "ph", "p/h", "per hour",
     "a year", "an hour", "yearly", "daily", "hourly", "(", ")", "gross", "pro rata", "+", "+ vat", "basic", "IR35",
     "budget", "funding", "series a", "bonus", "OTE", "on target earnings", "days", "years", "months", "hours",
     "estimated", "x", "#", "\u017f", "\u0130", "\u0661", "\u212a", "\xa0"]
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_AD_TOKENS, min_size=1, max_size=16).map("".join))
def test_generated_ads_parse_as_reference(text):
    assert _fields(compiled.parsed_pay(text)) == _fields(salary._parse(text))


_PERIOD_TOKENS = st.sampled_from(
    [" ", "\t", "\xa0", "(", "gross", "basic", "base", "fte", "pro", "rata", "-", "ex", ".", "vat", "+", "inc", "exc",
     "bonus", "per", "annum", "anum", "p", "a", "/", "year", "yr", "pa", "annually", "annual", "yearly", "month",
     "calendar", "mth", "mo", "pcm", "c", "m", "monthly", "pm", "week", "wk", "pw", "w", "weekly", "day", "d", "pd",
     "daily", "diem", "rate", "shift", "hour", "an", "hr", "h", "ph", "hourly", "phr", "x", "s"]
)


@settings(max_examples=250, deadline=None, database=None)
@given(st.lists(_PERIOD_TOKENS, min_size=1, max_size=6).map("".join))
def test_period_openings_begin_every_period_match(text):
    # the compiled scan runs `_PERIOD_AFTER` only after one of these openings: none of its matches may lack one
    if salary._PERIOD_AFTER.match(text):
        rest = text.lstrip()
        rest = rest[1:].lstrip() if rest.startswith("(") else rest
        assert any(rest[:len(o)] == o or (o.endswith(" ") and rest[:len(o) - 1] == o[:-1] and rest[len(o) - 1:len(o)]
                   .isspace()) for o in compiled.PERIOD_OPENINGS), text


@pytest.mark.parametrize(
    ("text", "period"),
    [
        (" per annum", "year"), (" p.a.", "year"), (" pa", "year"), ("/year", "year"), (" a year", "year"),
        (" annually", "year"), (" (pro rata per year", "year"), ("+ vat per annum", "year"), (" pcm", "month"),
        (" p.c.m.", "month"), (" monthly", "month"), (" pm", "month"), (" p/m", "month"), (" pw", "week"),
        (" weekly", "week"), (" p/w", "week"), (" pd", "day"), (" p/d", "day"), (" daily", "day"),
        (" day rate", "day"), (" per shift", "day"), (" ph", "hour"), (" an hour", "hour"), (" hourly", "hour"),
        (" phr", "hour"), (" inc. vat per day", "day"), (" ex vat p/d", "day"), (" fte pa", "year"),
        (" gross per annum", "year"), (" basic pa", "year"), (" base salary", None), (" years", None),
        (" days", None), (" months", None), (" hours", None), (" weeks", None), (" apprentices", None),
    ],
)
def test_period_openings_cover_each_period(text, period):
    # each period the pattern names (and the modifiers before it) begins with an opening; bare plurals do not match
    found = salary._PERIOD_AFTER.match(text)
    assert (found.lastgroup if found else None) == period
    assert compiled.parsed_pay("Team of 9" + text) == salary._parse("Team of 9" + text)
