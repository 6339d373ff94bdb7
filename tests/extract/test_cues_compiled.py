"""The compiled cue search (extract/_cues.pyx) gives the same answer as the pure-Python reference."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import contract_type, location, text

compiled = pytest.importorskip("extract._cues", reason="the compiled module is not built")

# the rule patterns with their cue words, and patterns that take the compiled module's other paths
_RULES = [
    (contract_type._CONTRACT_STRONG, contract_type._STRONG_GATE),
    (contract_type._TEMPORARY, contract_type._TEMPORARY_GATE),
    (contract_type._CONTRACT, contract_type._CONTRACT_GATE),
    (contract_type._PERMANENT, ("perm",)),
    (location._TEXT_HYBRID, location._HYBRID_CUES),
    (location._TEXT_REMOTE, location._REMOTE_CUES),
    (location._TEXT_ONSITE, location._ONSITE_CUES),
    (re.compile(r"\s*fixed term"), ("fixed",)),  # beginnings unreadable: searched as the reference does
    (re.compile(r"(?<!x)temp\b"), ("temp", "t")),  # a lookbehind first; a one-letter cue found with str.find
    (re.compile(r"caf[ée]\b|\bnaïve"), ("café", "naïve", "caf")),  # cue words beyond ASCII
    (re.compile(r"–\s?day|\d+ ?£"), ("–", "day", "£")),  # a beginning beyond Latin-1; a digit beginning
]
_PIECES = [
    "fixed term", "fixed-term", "fixed", "ftc", "interim", " manager", "interim manager", "temp", "temporary",
    "perm", "permanent", "ir35", "day rate", "per day", "£500pd", "£", "p/d", "contract", "6 month contract",
    "(contract)", "contract:", "contractors", "hybrid", "hybrid working", "location: hybrid", "3 days a week in",
    "2 days in the office", "mix of home and office", "office", "week", "remote", "fully remote", "home",
    "working from home", "home-based", "on-site role", "site", "this role is site-based", "café", "naïve", "–",
    "x", "a", "1", "12", " ", "  ", "\n", "-", ":", "(", "é", "İ", "😀", "\u2013", " " * 40, "y" * 33, "z" * 47,
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


def test_compiled_cues_is_built():
    # CI has gcc: a failed build must fail here rather than leave parsing on the slow path
    assert text.CUES_COMPILED
    assert text.cue_search is compiled.cue_search


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # the leading \b skipped; each alternative's run of plain characters
        (r"\bfixed[\s-]term\b|\bftc\b|\bcontract\b", ({"fixed", "ftc", "contract"}, False)),
        # a digit class and a group of alternatives
        (r"\d days? in (?:the|our) office|(?:mix|blend) of", ({"mix", "blend"}, True)),
        # the parser factors out what all the alternatives begin with
        (r"\bpermanent\b|\bperm\b", ({"perm"}, False)),
        # a class of plain characters, and a repeat that happens at least once
        (r"[ab]c|(?:xy)+z", ({"a", "b", "xy"}, False)),
        # nothing readable: a lookahead, a leading optional part, a space class, re.I
        (r"(?=x)xa", None),
        (r"x?y", None),
        (r"\s*hybrid", None),
        (re.compile("hybrid", re.I), None),
    ],
)
def test_beginnings_of(pattern, expected):
    found = compiled.beginnings_of(re.compile(pattern) if isinstance(pattern, str) else pattern)
    assert found == (None if expected is None else (frozenset(expected[0]), expected[1]))


_FIXED_TERM = re.compile(r"\bfixed\s*term\b")
_DAYS_IN_OFFICE = re.compile(r"\d+x* office")


@pytest.mark.parametrize(
    ("pattern", "cue", "lowered", "ahead", "expected"),
    [
        # the phrase at the very start and at the very end of the text
        (_FIXED_TERM, "fixed", "fixed term role", 48, True),
        (_FIXED_TERM, "fixed", "a role on a fixed term", 48, True),
        # the word "term" cut by the window's end (48 characters after the cue) does not count
        (_FIXED_TERM, "fixed", "fixed " + " " * 38 + "fixed term" + "inal", 48, False),
        # no cue word, and the cue word alone
        (_FIXED_TERM, "fixed", "a permanent role", 48, False),
        (_FIXED_TERM, "fixed", "fixed " + "y " * 100 + "term", 48, False),
        # a match beginning with a digit 31 characters before its cue is found; 41 characters before, it is not
        (_DAYS_IN_OFFICE, "office", "1" + "x" * 30 + " office", 48, True),
        (_DAYS_IN_OFFICE, "office", "1" + "x" * 40 + " office", 48, False),
        # the lookahead: "interim" then " manager" is no match, also when the window ends before " manager" does
        (contract_type._TEMPORARY, "interim", "an interim role", 48, True),
        (contract_type._TEMPORARY, "interim", "interim managers", 48, False),
        (contract_type._TEMPORARY, "interim", "an interim manager", 3, False),
        (contract_type._TEMPORARY, "interim", "an interim role", 3, True),
        (contract_type._TEMPORARY, "interim", "interim" + " " * 45 + "interim manager", 48, True),
    ],
)
def test_cue_search_equals_reference(pattern, cue, lowered, ahead, expected):
    assert text.cue_search_reference(pattern, lowered, (cue,), 32, ahead) is expected
    assert compiled.cue_search(pattern, lowered, (cue,), 32, ahead) is expected


def test_generated_texts_equal_reference():
    seen = {True: 0, False: 0}

    @settings(max_examples=300, deadline=None)
    @given(lowered=_TEXTS, back=st.sampled_from([32, 0, 5, -3]), ahead=st.sampled_from([48, 0, 7, -2]))
    def check(lowered, back, ahead):
        for pattern, cues in _RULES:
            expected = text.cue_search_reference(pattern, lowered, cues, back, ahead)
            assert compiled.cue_search(pattern, lowered, cues, back, ahead) is expected, (pattern.pattern, lowered)
            seen[expected] += 1

    check()
    # the generated texts hold matches as well as cue words without one (else the property above proves little)
    assert seen[True] >= 30 and seen[False] >= 300, seen


def test_one_text_shares_its_scan_across_cue_sets():
    # the occurrences kept for one text serve the next call on it; a new cue word rescans, another text rescans
    lowered = "hybrid working, a permanent role"
    assert compiled.cue_search(location._TEXT_HYBRID, lowered, location._HYBRID_CUES) is True
    assert compiled.cue_search(contract_type._PERMANENT, lowered, ("perm",)) is True
    assert compiled.cue_search(re.compile(r"\bworking\b"), lowered, ("working",)) is True
    assert compiled.cue_search(re.compile(r"\bperm\b"), lowered, ("perm",)) is False
    assert compiled.cue_search(contract_type._PERMANENT, "a temp role", ("perm",)) is False


def test_invalid_arguments_behave_as_the_reference():
    pattern = contract_type._PERMANENT
    # a list of cues and a non-str text go to the reference
    assert compiled.cue_search(pattern, "perm role", ["perm"]) is True
    with pytest.raises(TypeError):
        compiled.cue_search(pattern, "perm role", (None,))
    with pytest.raises(TypeError):
        text.cue_search_reference(pattern, "perm role", (None,))


def test_real_adzuna_texts_equal_reference(shared_data: Path):
    path = shared_data / "postings" / "adzuna_uk_datascience_2016.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 1000
    lowered = [f"{text.clean_title(row['title'])}\n{text.clean_text(row['description'])}".lower() for row in rows]
    differing = [
        (pattern.pattern, ad) for ad in lowered for pattern, cues in _RULES
        if compiled.cue_search(pattern, ad, cues) != text.cue_search_reference(pattern, ad, cues)
    ]
    assert differing == []


@pytest.mark.parametrize(
    ("lowered", "start", "expected"),
    [
        # the strongest cue wins: "outside ir35" (0) over "permanent" (3)
        ("outside ir35, or permanent", 0, 0),
        # a fixed-term role (1) over "contract" (2)
        ("a fixed-term contract role", 0, 1),
        # from the third rule on, the contract cue is the first match
        ("a fixed-term contract role", 2, 2),
        ("perm role", 0, 3),
        # no cue matches; a start past the rules
        ("a role", 0, -1),
        ("perm role", 4, -1),
    ],
)
def test_first_cue_match(lowered, start, expected):
    rules = contract_type.TEXT_CUES
    assert compiled.first_cue_match(lowered, rules, start) == expected
    reference = [n for n in range(start, len(rules)) if text.cue_search_reference(rules[n][0], lowered, rules[n][1])]
    assert (reference[0] if reference else -1) == expected


def test_texts_scanned_in_turn_keep_their_own_occurrences():
    # the occurrence buffers are reused from text to text: each answer is that of its own text
    ads = ["a permanent role", "hybrid working", "a temp role, perm later", "x" * 500 + " perm"]
    for _ in range(3):
        for ad in ads:
            for pattern, cues, _kind in contract_type.TEXT_CUES:
                assert compiled.cue_search(pattern, ad, cues) is text.cue_search_reference(pattern, ad, cues)
