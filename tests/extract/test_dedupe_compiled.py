"""The compiled de-duplication keys and signatures (extract/_dedupe.pyx) equal the pure-Python reference."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import dedupe
from extract.dedupe import BINS, MAX_TEXT_CHARS, SHINGLE_BYTES
from extract.text import clean_text

compiled = pytest.importorskip("extract._dedupe", reason="the compiled module is not built")

# words, separators of every kind (ASCII punctuation, control and Unicode spaces, NUL) and non-ASCII letters
_PIECES = st.sampled_from([
    "Python", "SQL", "café", "naïve", "İstanbul", "\u212aelvin", "ML", "C++", "2024", "£50k", " ", "  ", "\n", "\t",
    "\x00", "\x1c", "\u00a0", "\u2028", "\u3000", "-", "/", ".", "😀", "k8s", "A", "z", "9",
])
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def test_compiled_dedupe_is_built():
    # CI has gcc: a failed build must fail here rather than leave ingest on the slow path
    assert dedupe.COMPILED


@pytest.mark.parametrize(
    "text, key",
    [
        ("Senior  Data-Engineer (ML)", b"senior data engineer ml"),  # punctuation runs become one space
        ("  café\u00a0bar  ", b"cafbar"),                               # non-ASCII is dropped, not spaced
        ("", b""),                                                      # empty
        ("!!!", b""),                                                   # nothing but separators
        ("A1\x00b2", b"a1 b2"),                                         # NUL is a separator like any other
    ],
)
def test_key_bytes_cases(text, key):
    assert compiled.key_bytes(text) == key
    assert dedupe._key_bytes_reference(text) == key


def test_key_bytes_leaves_lower_casing_specials_to_python():
    # "İ" and the Kelvin sign lower-case to ASCII letters only through str.lower: the compiled path declines
    assert compiled.key_bytes("\u212aelvin") is None
    assert dedupe._key_bytes("\u212aelvin") == b"kelvin"


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_key_bytes_equal_reference(text):
    assert dedupe._key_bytes(text) == dedupe._key_bytes_reference(text)


def _signatures(encoded: list[bytes]) -> np.ndarray:
    return compiled.signatures_of_keys(encoded, BINS, SHINGLE_BYTES, MAX_TEXT_CHARS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TEXTS.map(dedupe._key_bytes), st.binary(max_size=64)), max_size=8))
def test_signatures_equal_reference(encoded):
    # key bytes and arbitrary bytes (spaces, NUL and control bytes anywhere, a text starting with a space)
    assert np.array_equal(_signatures(encoded), dedupe._signatures_of_keys_reference(encoded))


def test_signatures_of_long_and_edge_texts():
    encoded = [b"", b" lead", b"a" * (MAX_TEXT_CHARS + 50), b"word " * 1200, b"\x00x y\x00 z", b"one"]
    expected = dedupe._signatures_of_keys_reference(encoded)
    assert np.array_equal(_signatures(encoded), expected)
    assert (expected[0] == 0xFFFFFFFF).all()      # an empty text has no shingle
    assert (expected[5] != 0xFFFFFFFF).sum() == 1  # one word, one shingle


def test_real_adzuna_descriptions(shared_data: Path):
    path = shared_data / "postings" / "adzuna_uk_datascience_2016.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        descriptions = [clean_text(row.get("description")) for row in csv.DictReader(handle)]
    assert len(descriptions) > 500
    keys = [dedupe._key_bytes(d) for d in descriptions]
    assert keys == [dedupe._key_bytes_reference(d) for d in descriptions]
    assert np.array_equal(_signatures(keys), dedupe._signatures_of_keys_reference(keys))
