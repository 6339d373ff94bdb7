"""The extractor's fast paths agree with their plain definitions: normalisation, overlap resolution, headings."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalise.skills import (
    _HEADING,
    _NEXT_HEADING,
    _starts_line,
    ascii_match_text,
    boilerplate_ranges_of,
    longest_non_overlapping,
    longest_non_overlapping_by_end,
    padded_match_text,
)
from normalise.text import match_text


@pytest.mark.parametrize(
    "text",
    [
        "Python, SQL and C++.",  # ASCII: punctuation to spaces, sentence dot dropped, '+' kept
        "Node.js and .NET 3.10",  # dots inside tokens stay
        "Data\u2013driven \u2022 Kafka\u2019s",  # non-ASCII dash, bullet and quote become spaces
        "Caf\u00e9 na\u00efve r\u00e9sum\u00e9.",  # non-ASCII letters stay letters
        "\u0130stanbul team",  # 'İ' lowers to two characters: the length-preserving path
        "End with dot after accent \u00e9.",  # loose dot after a multi-byte character
        "",  # empty
    ],
)
def test_padded_match_text_equals_match_text(text):
    assert padded_match_text(text) == match_text(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ .,-+#/\n\u2013\u00e9\u2022\u0130\u00a0x9("), max_size=40))
def test_padded_match_text_property(text):
    assert padded_match_text(text) == match_text(text)


def _candidates(pairs):
    """Return candidates (start, end, length, id, rule) in end order, as the automaton reports them."""
    found = [(s, s + w, w + 2, f"k{s}-{w}", -1) for s, w in pairs]
    return sorted(found, key=lambda c: (c[1], -c[2]))


@pytest.mark.parametrize(
    "pairs, kept",
    [
        ([(0, 7), (8, 8), (0, 16)], [(0, 16)]),  # "machine learning" swallows "machine" and "learning"
        ([(0, 5), (3, 7), (8, 12)], [(0, 5), (8, 12)]),  # a chain: the longest wins, the disjoint one stays
        ([(0, 3), (4, 3), (8, 3)], [(0, 3), (4, 3), (8, 3)]),  # no overlaps at all
        ([(0, 5), (3, 5)], [(0, 5)]),  # equal lengths: the earlier start wins
    ],
)
def test_longest_non_overlapping_by_end_by_hand(pairs, kept):
    chosen = longest_non_overlapping_by_end(_candidates(pairs))
    assert [(c[0], c[1] - c[0]) for c in chosen] == kept


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=25, unique=True))
def test_longest_non_overlapping_by_end_equals_sort_based(pairs):
    found = _candidates(pairs)
    assert longest_non_overlapping_by_end(found) == longest_non_overlapping(found)


@pytest.mark.parametrize(
    "text, start, expected",
    [
        ("Benefits:", 0, True),  # start of text
        ("Intro\n  - Benefits", 10, True),  # after indentation and a bullet
        ("We ask what you need", 7, False),  # mid-sentence
        ("Intro\n## About us", 9, True),  # markdown heading
    ],
)
def test_starts_line(text, start, expected):
    assert _starts_line(text, start) is expected


def test_heading_words_mid_sentence_start_no_section(extractor):
    text = "We ask what you bring and pay attention to Python.\nBenefits:\nDocker budget"
    assert boilerplate_ranges_of(extractor, text) == [(text.index("Benefits"), len(text))]
    assert [m.skill_id for m in extractor.extract(text)] == ["python"]


def _same_but_non_ascii_case(fast: str, plain: str) -> bool:
    """Return whether two normalised texts agree everywhere except the case of non-ASCII letters."""
    return len(fast) == len(plain) and all(a == b or (not a.isascii() and a.lower() == b) for a, b in zip(fast, plain))


@pytest.mark.parametrize(
    "text",
    [
        "Python, SQL and C++.",  # ASCII only: identical
        "\u00c9COLE Data\u2013driven \u2022 Kafka\u2019s \u00a3500",  # É keeps its case; dash, bullet, quote to spaces
        "\u0130stanbul team",  # 'İ' (lowers to two characters) stays as it is in both
        "End with dot after accent \u00e9.",  # loose dot after a multi-byte character
    ],
)
def test_ascii_match_text_differs_only_in_non_ascii_case(text):
    assert _same_but_non_ascii_case(ascii_match_text(text), match_text(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ .,-+#/\n\u2013\u00c9\u00e9\u2022\u0130\u00a0\u00a3x9("), max_size=40))
def test_ascii_match_text_property(text):
    assert _same_but_non_ascii_case(ascii_match_text(text), match_text(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Benefits:", "The Role", "Skills", "We use Python.", "- Docker", "Key Tasks:",
                                 "  ## About you", "e.g. this:", ""]), max_size=8), st.integers(0, 40))
def test_next_heading_finds_what_heading_finds(lines, offset):
    text = "\n".join(lines)
    position = min(offset, len(text))
    line_end = text.find("\n", position)
    if line_end < 0:
        return
    plain, fast = _HEADING.search(text, line_end), _NEXT_HEADING.search(text, line_end)
    expected = (plain.start(), plain.end()) if plain else None
    found = (fast.start() + 1, fast.end()) if fast else None  # the fast match begins at the line break before it
    assert found == expected


@pytest.mark.parametrize(
    "text, spaced",
    [
        ("a\u2013b", b"a b"),  # en dash: three bytes become one space
        ("\u201cml\u201d \u00b7 x", b" ml    x"),  # curly quotes and a middle dot (two bytes)
        ("caf\u00e9 \u20ac5", "caf\u00e9 \u20ac5".encode()),  # letters and the euro sign are no separators
        ("\u2022\u2022", b"  "),  # adjacent separators
    ],
)
def test_spaced_separator_bytes(text, spaced):
    from normalise.skills import spaced_separator_bytes

    assert spaced_separator_bytes(text.encode("utf-8")) == spaced
