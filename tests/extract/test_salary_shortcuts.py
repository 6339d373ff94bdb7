"""The pay parser's shortcuts (extract/salary.py) are exact: the pre-filters that skip a regular expression never skip
a match it would have found, and the fast `Pay` construction builds the same object as `Pay(...)`.

The optimised parser was checked against the pre-optimisation code when it was written (all 105,782 descriptions of
a generated 100k month and 2,500 generated pay texts: identical); the labelled set in test_salary.py keeps its
behaviour pinned since.
"""
from __future__ import annotations

from extract import salary as s
from extract.salary import Pay


def _code_points() -> list[str]:
    """Return every code point except the surrogates."""
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def test_currency_word_ends_holds_every_letter_a_currency_word_can_end_in():
    words = ("GBP", "EUR", "USD", "pound", "pounds", "pounds sterling", "euro", "euros")
    endings = {c for c in _code_points() if c.isalpha() and any(
        s._CURRENCY_BEFORE.search(f"x {word[:-1]}{c}") for word in words)}
    assert endings == set(s._CURRENCY_WORD_ENDS)


def test_skipped_bare_numbers_cannot_match_the_range_pattern():
    # `_chosen_candidate` skips a bare number after an alphanumeric or "_.,:/" without running `_RANGE`
    skipped = [c for c in _code_points() if c.isalnum() or c in "_.,:/"]
    assert [c for c in skipped if c not in "0123456789" and s._RANGE.match(f"{c}1", 1)] == []


def test_pay_built_by_dict_equals_pay_built_by_init():
    # `_pay` bypasses the frozen `__init__`: only sound while Pay has no `__post_init__` and keeps these fields
    fields = (45_000.0, 55_000.0, "year", "GBP", True, False, False, True, False, 45_000.0, 55_000.0, None, None, None)
    assert not hasattr(Pay, "__post_init__")
    assert vars(s._pay(*fields)) == vars(Pay(*fields))
    assert list(vars(s._pay(*fields))) == list(vars(Pay(*fields)))
    assert s._pay(*fields) == Pay(*fields) and hash(s._pay(*fields)) == hash(Pay(*fields))
