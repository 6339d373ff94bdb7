"""The pay parser's shortcuts (extract/salary.py) are exact: the pre-filters that skip a regular expression never skip
a match it would have found, and the fast `Pay` construction builds the same object as `Pay(...)`.

The optimised parser was checked against the pre-optimisation code when it was written (all 105,782 descriptions of
a generated 100k month and 2,500 generated pay texts: identical); the labelled set in test_salary.py keeps its
behaviour pinned since.
"""
from __future__ import annotations

import re

import pytest

from extract import salary as s
from extract.salary import Pay

_PATTERNS = (s._RANGE, s._CURRENCY_BEFORE, s._PERIOD_AFTER, s._NOT_PAY_AFTER, s._BONUS_AFTER, s._OTE_AFTER, s._PAY_STEM)
# every character test the patterns make: their classes, and (below) each character written in them
_CLASSES = (r"[a-z-]", r"[a-z]", r"\w", r"\W", r"\s", r"\d", r"[\d]", r"[\w.,:/]", r"[\s(:–-]", r"[£€$\d]", r"[\s-]")


def _code_points() -> list[str]:
    """Return every code point except the surrogates."""
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def _folded(text: str) -> str:
    """Return `text` folded as `extract.salary._parse` folds it."""
    return text.translate(s._FOLD_EXCEPTIONS).lower()


@pytest.fixture(scope="module")
def every_code_point() -> tuple[str, str]:
    text = "".join(_code_points())
    return text, _folded(text)


def test_patterns_are_lower_case_and_case_sensitive():
    # they run on folded text: an upper-case letter in them could never match
    for pattern in _PATTERNS:
        assert not pattern.flags & re.IGNORECASE
        written = re.sub(r"\\.|\(\?P", "", pattern.pattern)  # without escapes ("\\W") and named groups ("(?P<")
        assert written == written.lower(), pattern.pattern


def test_folding_keeps_every_offset(every_code_point):
    text, folded = every_code_point
    assert len(folded) == len(text)
    assert _folded("Salary İı ſ £50K") == "salary ii s £50k"  # K (Kelvin sign) lowers to "k" as re.I folds it


@pytest.mark.parametrize("test", _CLASSES)
def test_each_class_accepts_a_folded_character_as_re_i_accepts_it_written(every_code_point, test):
    text, folded = every_code_point
    runs = f"(?:{test})+"  # the runs of accepted characters: the same information, fewer items
    written = [m.span() for m in re.finditer(runs, text, re.IGNORECASE)]
    assert [m.span() for m in re.finditer(runs, folded)] == written


def test_each_written_character_matches_its_folded_form_as_re_i_matches_it(every_code_point):
    text, folded = every_code_point
    characters = sorted(set("".join(p.pattern for p in _PATTERNS).lower()))
    any_of = "[" + "".join(re.escape(c) for c in characters) + "]"
    written = [m.start() for m in re.finditer(any_of, text, re.IGNORECASE)]
    assert [m.start() for m in re.finditer(any_of, folded)] == written
    for at in written:  # the few characters that match one of them: each one alone
        assert [c for c in characters if re.fullmatch(re.escape(c), text[at], re.IGNORECASE)] == [
            c for c in characters if c == folded[at]], hex(ord(text[at]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EUROS 50,000 - 60,000", (50_000, 60_000, "EUR")),  # upper case folds to the currency word
        ("EURO\u017f 50,000 - 60,000", (50_000, 60_000, "GBP")),  # "ſ" matches "s", but "euroſ" is no currency code
        ("\u017falary: 45000 pa", (45_000, 45_000, "GBP")),  # "ſalary": a bare number needs no pay word before a period
        ("£50\u212a", (50_000, 50_000, "GBP")),  # the Kelvin sign matches "k" as a thousands mark
    ],
)
def test_unusual_letters_parse_as_written(text, expected):
    pay = s._parse(text)
    assert (pay.min, pay.max, pay.currency) == expected


def test_currency_word_ends_holds_every_letter_a_currency_word_can_end_in(every_code_point):
    words = ("gbp", "eur", "usd", "pound", "pounds", "pounds sterling", "euro", "euros")
    text, folded = every_code_point
    letters_by_fold: dict[str, list[str]] = {}
    for c, fold in zip(text, folded):
        if c.isalpha():
            letters_by_fold.setdefault(fold, []).append(c)
    endings = {c for fold, letters in letters_by_fold.items() if any(
        s._CURRENCY_BEFORE.search(f"x {word[:-1]}{fold}") for word in words) for c in letters}
    assert endings == set(s._CURRENCY_WORD_ENDS)


def test_skipped_bare_numbers_cannot_match_the_range_pattern():
    # `_chosen_candidate` skips a bare number after an alphanumeric or "_.,:/" without running `_RANGE`
    skipped = [c for c in _code_points() if c.isalnum() or c in "_.,:/"]
    assert [c for c in skipped if c not in "0123456789" and s._RANGE.match(_folded(f"{c}1"), 1)] == []


def test_pay_built_by_dict_equals_pay_built_by_init():
    # `_pay` bypasses the frozen `__init__`: only sound while Pay has no `__post_init__` and keeps these fields
    fields = (45_000.0, 55_000.0, "year", "GBP", True, False, False, True, False, 45_000.0, 55_000.0, None, None, None)
    assert not hasattr(Pay, "__post_init__")
    assert vars(s._pay(*fields)) == vars(Pay(*fields))
    assert list(vars(s._pay(*fields))) == list(vars(Pay(*fields)))
    assert s._pay(*fields) == Pay(*fields) and hash(s._pay(*fields)) == hash(Pay(*fields))
