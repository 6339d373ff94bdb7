"""The compiled ad text cleaning (extract/_text.pyx) gives the same strings as the pure-Python reference."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import text

compiled = pytest.importorskip("extract._text", reason="the compiled module is not built")

_TAGS = [
    "<p>", "</p>", "<br>", "<br/>", "<br />", "</br>", "<li>", "</li>", "<li class=x>", "<ul>", "</ul>", "<strong>",
    "</strong>", "<b>", "</b>", '<div class="x">', "</div>", "<DIV>", "<H3>", "<blockquote>", "<td>", "<foo>", "</bar>",
    "<a href='/x'>", "<img src=x/>", "<!DOCTYPE html>", "<script>var a = 1;</script>", "<SCRIPT>x</SCRIPT>",
    "<Script>x</Script>", "<style>p{}</style>", "</script >", "<scripts>", "<!-- note -->", "<!--", "-->",
]
_STRAY = ["<", ">", "</", "<<", "<b", "p>", "< ", "<1", "<!", "/", "!", "-", "li", "br"]
_ENTITIES = [
    "&amp;", "&nbsp;", "&#163;", "&pound;", "&euro;", "&quot;", "&#39;", "&rsquo;", "&ndash;", "&lt;", "&gt;",
    "&lt;p&gt;", "&lt;/p&gt;", "&lt;li&gt;", "&amp;lt;", "&amp;amp;", "&foo;", "&#xZZ;", "&#x41;", "&#8203;",
    "&eacute;", "&copy", "&AMP;", "&", ";", "#", "amp", "lt;",
]
_SPACES = [" ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2028",
           "\u2029", "\u3000", "\u2009", "\u200b", "\u200c", "\ufeff", "\u00ad"]
_WORDS = ["Python", "SQL", "a", "x", "1", "é", "café", "£50k", "😀", "İ", "\x00", "\ud800", "Benefits"]
_PIECES = st.sampled_from(_TAGS + _STRAY + _ENTITIES + _SPACES + _WORDS)
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=30).map("".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=20).map("".join),
)


def test_compiled_text_is_built():
    # CI has gcc: a failed build must fail here rather than leave ingest on the slow path
    assert text.COMPILED
    assert text.clean_text is compiled.clean_text and text.clean_title is compiled.clean_title


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a stray "<" joins a later tag once the tag between them is removed: handed to the reference's tag pass
        ("<<b>p>x", "x"),
        ("<a<p>x>y", "y"),
        ("a < b <p>c", "a < b\nc"),
        # tags keep their body when the source spells the script tag in mixed case (the reference's pre-check)
        ("<Script>x</Script>y", "xy"),
        # the comment regex runs once: the "</script >" it leaves behind is a tag, the script body stays
        ("<!-- c --><script>a</script<!-- c -->><<b>p>", "a"),
        # an entity beyond the common ones sends the whole text through html.unescape, which decodes "&amp;" once
        ("&eacute;t&eacute; &amp;lt; &copy", "été &lt; ©"),
        # double-escaped HTML: decoded, stripped, then decoded once more
        ("&lt;p&gt;x &amp;amp; y&lt;/p&gt;", "x & y"),
        # an entity split by a tag is decoded after the tag goes
        ("R&am<b>p;</b>D", "R&D"),
        # invisible characters vanish without a space, line and paragraph separators break lines
        ("a\u200bb\u2028c\u3000d\x85e\x1ff", "ab\nc d\ne f"),
        # a non-string value is cleaned as its str()
        (1.5, "1.5"),
    ],
)
def test_rare_paths(raw, expected):
    assert text.clean_text_reference(raw) == expected
    assert compiled.clean_text(raw) == expected
    assert compiled.clean_title(raw) == text.clean_title_reference(raw)


def test_generated_texts_equal_reference():
    seen: Counter[str] = Counter()

    @settings(max_examples=1500, deadline=None, database=None)
    @given(_TEXTS)
    def check(raw: str) -> None:
        expected = text.clean_text_reference(raw)
        seen.update(
            tag="<p>" in raw or "<li>" in raw or "<br" in raw or "<div" in raw,
            entity="&amp;" in raw or "&nbsp;" in raw or "&#163;" in raw or "&pound;" in raw,
            escaped="&lt;p&gt;" in raw or "&lt;li&gt;" in raw,
            other_entity="&foo;" in raw or "&eacute;" in raw or "&#x41;" in raw,
            dropped="<script>" in raw or "<!--" in raw,
            stray="<<" in raw or "< " in raw,
            changed=expected != raw,
        )
        assert compiled.clean_text(raw) == expected
        assert compiled.clean_title(raw) == text.clean_title_reference(raw)

    check()
    # the strategy really mixes tags, entities and the rare paths (else the property above proves little)
    for kind in ("tag", "entity", "escaped", "other_entity", "dropped", "stray", "changed"):
        assert seen[kind] >= 30, (kind, seen)


def test_real_adzuna_texts_equal_reference(shared_data: Path):
    path = shared_data / "postings" / "adzuna_uk_datascience_2016.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 1000
    descriptions = [row["description"] for row in rows]
    titles = [row["title"] for row in rows]
    assert [d for d in descriptions if compiled.clean_text(d) != text.clean_text_reference(d)] == []
    assert [t for t in titles if compiled.clean_title(t) != text.clean_title_reference(t)] == []
    assert [t for t in titles if compiled.clean_text(t) != text.clean_text_reference(t)] == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # words copied eight bytes at a time: a double space, a tab and a space before a line break at every offset
        ("abcdefgh ijklmnop  qrstuvw\txyz end \nnext", "abcdefgh ijklmnop qrstuvw xyz end\nnext"),
        ("a bcdefghijk lmnop qrstu  v", "a bcdefghijk lmnop qrstu v"),
        # non-ASCII letters and non-breaking spaces inside a long run
        ("caf\u00e9 au lait \u00a3500\u00a0per day, cr\u00e8me", "caf\u00e9 au lait \u00a3500 per day, cr\u00e8me"),
        # "<" found eight bytes at a time: at each offset of a chunk ("</li>" leaves no break), and a literal "<"
        ("0123456<p>0123456789<br>01<li>x</li>a < b is true", "0123456\n0123456789\n01\n- xa < b is true"),
        # tag names of two letters in any case: block, list item or inline
        ("a<LI>b<Br>c<Ul>d<DT>e<dd>f<hr>g<H6>h<h7>i<tr>j<td>k<em>l", "a\n- b\nc\nd\ne\nf\ng\nhi\njkl"),
        # one-letter tags: only "p" breaks the line; "<s>" is not the start of "<script>"
        ("x<P>y<s>z</s><b>w</b>", "x\nyzw"),
    ],
)
def test_fast_paths_by_hand(raw, expected):
    assert text.clean_text_reference(raw) == expected
    assert compiled.clean_text(raw) == expected
    assert compiled.clean_title(raw) == text.clean_title_reference(raw)


def test_long_text_beyond_the_stack_buffers():
    # over 4,096 code points: the buffers come from the heap
    raw = "<p>Senior  data engineer</p>" * 400 + "&lt;b&gt;done&lt;/b&gt; &eacute;"
    assert len(raw) > 4096
    assert compiled.clean_text(raw) == text.clean_text_reference(raw)
    assert compiled.clean_text(raw).startswith("Senior data engineer\nSenior data engineer\n")
