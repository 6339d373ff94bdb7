"""The compiled de-duplication keys and signatures (extract/_dedupe.pyx) equal the pure-Python reference."""
from __future__ import annotations

import csv
from hashlib import blake2b
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


_E = 0xFFFFFFFF  # an empty bin


def test_jaccard_estimates_by_hand():
    signatures = np.array([[1, 2, _E, _E], [1, 3, _E, 5], [_E, _E, _E, _E], [1, 2, _E, _E]], dtype=np.uint32)
    left, right = np.array([0, 2, 0, -1]), np.array([1, 2, 3, 0])
    # 1 of 3 bins not empty in both is equal; nothing in both is 0; identical rows; row -1 is the last row
    expected = [1 / 3, 0.0, 1.0, 1.0]
    assert compiled.jaccard_estimates(signatures, left, right).tolist() == expected
    assert dedupe._jaccard_estimates_reference(signatures, left, right).tolist() == expected


# a few rows of bins drawn from few values (many equal bins, many empty ones)
_SIGNATURES = st.tuples(st.integers(1, 12), st.integers(0, 2**32 - 1)).map(
    lambda drawn: np.random.default_rng(drawn[1])
    .choice(np.array([0, 1, 2, 0xFFFFFFFE, _E], dtype=np.uint32), size=(drawn[0], BINS))
)


@settings(max_examples=100, deadline=None)
@given(_SIGNATURES, st.data())
def test_jaccard_estimates_equal_reference(signatures, data):
    rows = st.integers(-len(signatures), len(signatures) - 1)
    left = np.array(data.draw(st.lists(rows, max_size=20)), dtype=np.int64)
    right = np.array(data.draw(st.lists(rows, min_size=len(left), max_size=len(left))), dtype=np.int64)
    assert np.array_equal(compiled.jaccard_estimates(signatures, left, right),
                          dedupe._jaccard_estimates_reference(signatures, left, right))


@settings(max_examples=100, deadline=None)
@given(_SIGNATURES, st.data())
def test_band_buckets_equal_reference(signatures, data):
    rows = np.array(data.draw(st.lists(st.integers(0, len(signatures) - 1), max_size=12)), dtype=np.int64)
    company = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(rows), max_size=len(rows))), dtype=np.uint64)
    expected = dedupe._band_buckets_reference(company, signatures, rows)
    assert expected.shape == (dedupe.BANDS, len(rows))
    buckets = compiled.band_buckets(company, signatures, rows, dedupe.BANDS, dedupe.ROWS_PER_BAND)
    assert np.array_equal(buckets, expected)


def _pair_keys(bucket, days, rows, size) -> list[int]:
    keys = compiled.band_pair_keys(np.array(bucket, dtype=np.uint64), np.array(days, dtype=np.int64),
                                   np.array(rows, dtype=np.int64), size, dedupe.NEIGHBOURS, dedupe.NEAR_WINDOW_DAYS)
    reference = dedupe._band_pair_keys_reference(np.array(bucket, dtype=np.uint64), np.array(days, dtype=np.int64),
                                                 np.array(rows, dtype=np.int64), np.int64(size))
    assert sorted(keys.tolist()) == sorted(reference.tolist())
    return sorted(keys.tolist())


@pytest.mark.parametrize(
    "bucket",
    [
        [7, 3, 7, 7, 3],  # buckets that differ only in the low bits, where the position is packed
        [1 << 40, 3 << 40, 1 << 40, 1 << 40, 3 << 40],  # buckets that differ in the high bits
    ],
)
def test_band_pair_keys_by_hand(bucket):
    # date order; bucket A: rows 4 (day 0), 1 (day 1), 2 (day 9, too late); bucket B: rows 0 (day 0), 3 (day 2)
    # keys are smaller row x 5 + larger row: (0, 3) and (1, 4)
    assert _pair_keys(bucket, [0, 0, 1, 9, 2], [4, 0, 1, 2, 3], 5) == [0 * 5 + 3, 1 * 5 + 4]


def test_band_pair_keys_stop_at_eight_neighbours():
    # ten postings of one bucket on one day: every pair but the first with the tenth
    keys = _pair_keys([42] * 10, [0] * 10, list(range(10)), 10)
    assert len(keys) == 44 and 0 * 10 + 9 not in keys


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1, 2, 5, 9, 1 << 40, (1 << 40) + 1, 2**64 - 1]), st.integers(0, 12)),
                max_size=40))
def test_band_pair_keys_equal_reference(postings):
    # few bucket values, many sharing their high bits: runs that the compiled loop must re-sort
    postings = sorted(postings, key=lambda p: p[1])  # date order
    _pair_keys([p[0] for p in postings], [p[1] for p in postings], list(range(len(postings)))[::-1],
               max(len(postings), 1))


def _reference_hashes_and_signatures(titles, companies, locations, descriptions):
    return dedupe._exact_hashes_and_signatures_reference(titles, companies, locations, descriptions)


def _compiled_hashes_and_signatures(titles, companies, locations, descriptions):
    return compiled.exact_hashes_and_signatures(titles, companies, locations, descriptions, BINS, SHINGLE_BYTES,
                                                MAX_TEXT_CHARS)


@pytest.mark.parametrize(
    "description, key",
    [
        ("A@Z[a`z{0/9:", b"a z a z 0 9"),                       # the characters either side of A-Z, a-z and 0-9
        ("Python, SQL. Spark", b"python sql spark"),            # one separator dropped in an eight-byte chunk
        ("one, two. three - four", b"one two three four"),      # several dropped in one chunk
        ("  lead and trail  ", b"lead and trail"),              # outer separators vanish
        ("caf\u00e9 \u00a3500 na\u00efve words", b"caf 500 nave words"),  # non-ASCII dropped without a space
        ("\u2019quoted\u2019 \U0001f600 emoji", b"quoted emoji"),          # two- and four-byte strings
        # lower-cased through str.lower first (the Kelvin sign is "k", "İ" an "i" and a combining dot)
        ("\u212aelvin \u0130stanbul", b"kelvin istanbul"),
        (None, b""),                                            # a missing description has an empty key
    ],
)
def test_exact_hash_is_blake2b_of_the_joined_keys(description, key):
    hashes, _ = _compiled_hashes_and_signatures(["data analyst"], ["acme"], ["leeds"], [description])
    expected = blake2b(b"data analyst\x1facme\x1fleeds\x1f" + key, digest_size=8).digest()
    assert hashes.tobytes() == expected
    assert dedupe._key_bytes_reference(description) == key


def test_hashes_and_signatures_of_every_length_equal_reference():
    # messages ending on both sides of BLAKE2b's 128-byte blocks, four at a time with different lengths (the AVX2
    # lanes finish at different blocks) and a last group of fewer than four; descriptions past MAX_TEXT_CHARS
    words = "alpha beta, gamma. delta epsilon zeta eta theta "
    descriptions = [(words * 120)[:size] for size in [*range(100, 400), 3990, 4000, 4001, 4016, 4017, 5000]]
    descriptions[7] = "word " * 1000  # a space exactly at the cut
    titles = ["t" * (i % 7) for i in range(len(descriptions))]
    companies = ["c"] * len(descriptions)
    locations = [""] * len(descriptions)
    hashes, signatures = _compiled_hashes_and_signatures(titles, companies, locations, descriptions)
    expected_hashes, expected_signatures = _reference_hashes_and_signatures(titles, companies, locations, descriptions)
    assert hashes.dtype == np.uint64 and signatures.dtype == np.uint32
    assert np.array_equal(hashes, expected_hashes)
    assert np.array_equal(signatures, expected_signatures)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TEXTS, _TEXTS, st.one_of(st.none(), _TEXTS, _TEXTS.map(lambda t: t * 20))), max_size=9))
def test_hashes_and_signatures_equal_reference(postings):
    titles = [dedupe.short_key(t) for t, _, _ in postings]
    companies = [dedupe.company_key(c) for _, c, _ in postings]
    descriptions = [d for _, _, d in postings]
    hashes, signatures = _compiled_hashes_and_signatures(titles, companies, titles, descriptions)
    expected_hashes, expected_signatures = _reference_hashes_and_signatures(titles, companies, titles, descriptions)
    assert np.array_equal(hashes, expected_hashes)
    assert np.array_equal(signatures, expected_signatures)


def test_keys_of_remembers_and_forgets():
    calls = []

    def key_of(text):
        calls.append(text)
        return text.lower()

    cache = {}
    # missing texts are "" without a call; a repeated text is looked up once
    assert compiled.keys_of(["A", None, float("nan"), "A", "B"], cache, key_of, 10) == ["a", "", "", "a", "b"]
    assert calls == ["A", "B"]
    # the cache is emptied once it holds `most` texts
    assert compiled.keys_of(["C"], cache, key_of, 2) == ["c"] and cache == {"C": "c"}
