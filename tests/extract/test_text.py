"""Tests of extract.text: HTML to plain text with paragraph breaks kept."""
from __future__ import annotations

import re

import pytest

from extract import text
from extract.text import cue_search

# every case runs against the pure-Python reference and against the function the pipeline uses (compiled when built)
CLEAN_TEXTS = pytest.mark.parametrize(
    "clean_text", [text.clean_text_reference, text.clean_text], ids=["reference", "bound"]
)
CLEAN_TITLES = pytest.mark.parametrize(
    "clean_title", [text.clean_title_reference, text.clean_title], ids=["reference", "bound"]
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Adzuna search highlighting is removed without adding spaces
        ("<strong>Data</strong> <strong>Science</strong>Engineer", "Data ScienceEngineer"),
        # block tags become line breaks, list items "- " lines, headings stay on their own line
        ("<p>About us</p><ul><li>Python</li><li>SQL</li></ul><h3>Benefits</h3>Pension",
         "About us\n- Python\n- SQL\nBenefits\nPension"),
        # entities are decoded once: &amp;lt; stays a literal "&lt;"
        ("R&amp;D &pound;50k &eacute;t&eacute; a &amp;lt; b", "R&D £50k été a &lt; b"),
        # HTML escaped twice by the source is still stripped
        ("&lt;p&gt;Hello&lt;/p&gt;&lt;p&gt;World&lt;/p&gt;", "Hello\nWorld"),
        # whitespace: tabs, non-breaking and zero-width spaces collapse; blank lines collapse to one break
        ("  a\t\u00a0b\u200b \r\n\r\n\n  c  ", "a b\nc"),
        # script and style bodies and comments are dropped (each leaves a space)
        ("<style>p{}</style>x<script>var a=1;</script><!-- note -->y", "x y"),
        # plain text passes through with its line breaks normalised
        ("Line one\n\n\nLine two", "Line one\nLine two"),
        # missing text gives an empty string
        (None, ""),
        ("", ""),
    ],
)
@CLEAN_TEXTS
def test_clean_text(clean_text, raw, expected):
    assert clean_text(raw) == expected


@CLEAN_TITLES
def test_clean_title_is_one_line(clean_title):
    # a title with a <br> and highlighting becomes one line of words
    assert clean_title("<strong>ML</strong> Engineer<br>London") == "ML Engineer London"


@CLEAN_TEXTS
def test_clean_text_keeps_input_unchanged(clean_text):
    raw = "<p>x</p>"
    clean_text(raw)
    assert raw == "<p>x</p>"


@pytest.mark.parametrize(
    ("lowered", "expected"),
    [
        # the phrase far into a long text is found through its cue word
        ("x " * 2_000 + "a fixed term role", True),
        # the cue word alone is not the phrase
        ("fixed " + "y " * 100 + "term", False),
        # a word cut at the window's end ("term" of "terminal", 48 characters after the cue) does not count
        ("fixed " + " " * 38 + "fixed term" + "inal", False),
        # no cue word at all
        ("a permanent role", False),
    ],
)
def test_cue_search(lowered, expected):
    pattern = re.compile(r"\bfixed\s*term\b")
    assert cue_search(pattern, lowered, ("fixed",)) is expected
