"""De-duplication of postings: exact duplicates and near duplicates (re-posts, the same job on several boards).

Rules (folded into docs/methodology.md):

- **Keys.** Title, company, location and description are normalised: HTML stripped, lower-cased, every run of
  non-alphanumeric characters becomes one space; company names also lose legal suffixes and filler words
  ("Ltd", "Limited", "plc", "LLP", "Inc", "UK", "Group", "The").
- **Exact duplicates**: identical normalised title, company, location and description (`method = exact`,
  `similarity = 1.0`).
- **Near duplicates**: same normalised company (postings without a company are only checked for exact duplicates),
  posted within 7 days of each other, title similarity ≥ 0.85 (rapidfuzz token-set ratio of the normalised
  titles) and estimated Jaccard similarity of the descriptions ≥ 0.5 (`method = near`, `similarity` = the
  Jaccard estimate). Description shingles are the 16 characters starting at each word of the normalised text
  (roughly two to three words, first 4,000 characters; an edited re-post scores about 0.7, another job of the
  same company with the same template about 0.3); the Jaccard estimate is a one-permutation MinHash with
  64 bins, and candidate pairs come from LSH over 16 bands of 4 bins, keyed by company, so postings of different
  companies are never compared (this keeps 1M postings tractable).
- **Clusters and canonical record.** Duplicate links form clusters (connected components); the canonical posting
  of a cluster is the earliest posted, ties broken by the smallest `posting_id`, so the result is deterministic.
  Every other member links to it; the method is `exact` when its record is identical to the canonical one,
  otherwise `near`.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from hashlib import blake2b

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from extract.text import clean_text, clean_title

try:  # the compiled keys and signatures (setup.py builds them); the pure-Python reference below is the fallback
    from extract import _dedupe as _compiled
except ImportError:  # pragma: no cover - only without a C compiler
    _compiled = None
COMPILED = _compiled is not None

NEAR_WINDOW_DAYS = 7
TITLE_SIMILARITY_MIN = 85.0
JACCARD_MIN = 0.5
SHINGLE_BYTES = 16
MAX_TEXT_CHARS = 4_000
BINS = 64
BANDS = 16
ROWS_PER_BAND = BINS // BANDS
NEIGHBOURS = 8
BAND_THREADS = 2
"""Within one LSH bucket (sorted by date) each posting is paired with at most this many following postings."""

DUPLICATE_COLUMNS = ["posting_id", "duplicate_of", "method", "similarity"]

_KEY_TABLE = bytes(ord(chr(c).lower()) if chr(c).isalnum() and c < 128 else 32 for c in range(256))
_COMPANY_FILLER = frozenset(
    "ltd limited plc llp inc incorporated uk the group co company corp corporation gmbh llc holdings".split()
)
_BIN_SHIFT = np.uint64(64 - 6)  # top 6 bits choose one of 64 bins; the next 32 bits are the value
_VALUE_SHIFT = np.uint64(64 - 6 - 32)
_EMPTY = np.uint32(0xFFFFFFFF)
_PAIR_BATCH = 32_768
_KEY_CACHE_SIZE = 200_000
_TITLE_KEYS: dict[str, str] = {}  # the compiled `keys_of` remembers keys here (texts repeat a lot)
_COMPANY_KEYS: dict[str, str] = {}
_LOCATION_KEYS: dict[str, str] = {}
_ID_BYTES = 16


def normalised_key(text: object) -> str:
    """Return lower-case ASCII letters and digits in words separated by single spaces (empty for missing text)."""
    return _key_bytes(text).decode("ascii")


def _key_bytes(text: object) -> bytes:
    """Return `normalised_key` of `text` as ASCII bytes (what the signatures hash)."""
    if _compiled is not None and isinstance(text, str):
        key = _compiled.key_bytes(text)
        if key is not None:
            return key
    return _key_bytes_reference(text)


def _key_bytes_reference(text: object) -> bytes:
    """Return `_key_bytes` of `text` in pure Python (the reference the compiled module must match)."""
    if not isinstance(text, str) or not text:
        return b""
    if "\u0130" in text or "\u212a" in text:
        # the only characters whose lower case holds ASCII letters ("İ" → "i̇", Kelvin sign → "k")
        text = text.lower()
    # bytes.translate (which also lower-cases ASCII) is far faster than a regex or str.lower; accents are folded
    # away ("café" → "caf"), fine for a key
    return b" ".join(text.encode("ascii", "ignore").translate(_KEY_TABLE).split())


def company_key(company: object) -> str:
    """Return the normalised company name without legal suffixes and filler words."""
    return _company_key(company) if isinstance(company, str) else ""


@lru_cache(maxsize=200_000)
def _company_key(company: str) -> str:
    """Return `company_key` of a text (cached: company names repeat a lot)."""
    words = normalised_key(company).split()
    kept = [w for w in words if w not in _COMPANY_FILLER]
    return " ".join(kept or words)


def short_key(text: object) -> str:
    """Return `normalised_key` of a title or location (cached for texts: they repeat a lot)."""
    return _short_key(text) if isinstance(text, str) else ""


@lru_cache(maxsize=200_000)
def _short_key(text: str) -> str:
    """Return `normalised_key` of a text (cached)."""
    return normalised_key(text)


def find_duplicates(postings: pd.DataFrame) -> pd.DataFrame:
    """Return one row per duplicate posting: posting_id, duplicate_of (its canonical posting), method, similarity."""
    features, signatures = duplicate_features(postings)
    return duplicates_from_features(features, signatures)


def empty_duplicates() -> pd.DataFrame:
    """Return an empty duplicate-links frame."""
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c == "similarity" else object) for c in DUPLICATE_COLUMNS}
    )


def duplicate_features(
    postings: pd.DataFrame, titles_clean: list[str] | None = None, descriptions_clean: list[str] | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return what de-duplication compares: per posting its keys and exact hash, and description signatures.

    Uses the cleaned titles and descriptions when given (in row order), else the `title_clean`/`description_clean`
    columns when present. Runs on chunks (in worker processes) before `duplicates_from_features` links the whole set.
    """
    index = postings.index
    titles = titles_clean if titles_clean is not None else (
        postings["title_clean"] if "title_clean" in postings else postings["title"].map(clean_title)
    )
    descriptions = descriptions_clean if descriptions_clean is not None else (
        postings["description_clean"] if "description_clean" in postings else postings["description"].map(clean_text)
    )
    location = postings["location_raw"] if "location_raw" in postings else pd.Series(None, index=index, dtype=object)
    company = postings["company"] if "company" in postings else pd.Series(None, index=index, dtype=object)
    title_keys = _keys_of(_values(titles), short_key, _TITLE_KEYS)
    company_keys = _keys_of(company.tolist(), company_key, _COMPANY_KEYS)
    location_keys = _keys_of(location.tolist(), short_key, _LOCATION_KEYS)
    exact_hashes, signatures = _exact_hashes_and_signatures(
        title_keys, company_keys, location_keys, _values(descriptions)
    )
    features = pd.DataFrame(
        {
            "posting_id": postings["posting_id"].astype(str).to_numpy(),
            "posted_at": pd.to_datetime(postings["posted_at"]).to_numpy().astype("datetime64[D]"),
            "title_key": np.array(title_keys, dtype=object),
            "company_key": np.array(company_keys, dtype=object),
            "exact_hash": exact_hashes,
        }
    )
    return features, signatures


def _keys_of(texts: list, key_of: Callable[[object], str], cache: dict[str, str]) -> list[str]:
    """Return `key_of` of each text (`key_of` is `short_key` or `company_key`: "" for a missing text)."""
    if _compiled is not None:
        return _compiled.keys_of(texts, cache, key_of, _KEY_CACHE_SIZE)
    return [key_of(t) for t in texts]


def _values(texts: pd.Series | list) -> list:
    """Return the values of a column or list as a list (far faster to walk than a pandas Series)."""
    return texts.tolist() if isinstance(texts, pd.Series) else list(texts)


def _exact_hashes_and_signatures(
    title_keys: list[str], company_keys: list[str], location_keys: list[str], descriptions: list
) -> tuple[np.ndarray, np.ndarray]:
    """Return each posting's exact hash (uint64) and its description's MinHash signature (n × 64, uint32)."""
    if _compiled is not None:
        return _compiled.exact_hashes_and_signatures(
            title_keys, company_keys, location_keys, descriptions, BINS, SHINGLE_BYTES, MAX_TEXT_CHARS
        )
    return _exact_hashes_and_signatures_reference(title_keys, company_keys, location_keys, descriptions)


def _exact_hashes_and_signatures_reference(
    title_keys: list[str], company_keys: list[str], location_keys: list[str], descriptions: list
) -> tuple[np.ndarray, np.ndarray]:
    """Return `_exact_hashes_and_signatures` from the description key bytes (the reference the compiled one-pass
    loop must match)."""
    description_bytes = [_key_bytes(d) for d in descriptions]
    return (
        _exact_hashes(title_keys, company_keys, location_keys, description_bytes),
        _signatures_of_keys(description_bytes),
    )


def _exact_hashes(
    titles: list[str], companies: list[str], locations: list[str], descriptions: list[bytes]
) -> np.ndarray:
    """Return a 64-bit hash (BLAKE2b, 8-byte digest) of each posting's normalised title, company, location and
    description (uint64)."""
    digests = b"".join(
        blake2b(b"\x1f".join((t.encode(), c.encode(), x.encode(), d)), digest_size=8).digest()
        for t, c, x, d in zip(titles, companies, locations, descriptions)
    )
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def duplicates_from_features(features: pd.DataFrame, signatures: np.ndarray) -> pd.DataFrame:
    """Return the duplicate links of postings from their `duplicate_features` (all chunks concatenated)."""
    n = len(features)
    if n == 0:
        return empty_duplicates()
    features = features.reset_index(drop=True)
    order = _date_then_id_order(features)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    exact_hash = features["exact_hash"].to_numpy()
    exact_root = _exact_roots(exact_hash, order)
    is_exact_root = exact_root == np.arange(n)

    # near duplicates among exact roots, within company blocks of two or more postings
    company, company_names = pd.factorize(features["company_key"])
    named = company != -1
    if "" in company_names:
        named &= company != company_names.get_loc("")
    roots = np.flatnonzero(is_exact_root & named)
    if len(roots):
        roots = roots[np.bincount(company[roots])[company[roots]] >= 2]
    left, right, similarity = _near_pairs(features, signatures, roots, company)

    # clusters: exact links plus verified near links
    src = np.concatenate([np.flatnonzero(~is_exact_root), left])
    dst = np.concatenate([exact_root[~is_exact_root], right])
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    first_rank = np.full(component.max() + 1, n, dtype=np.int64)
    np.minimum.at(first_rank, component, rank)
    canonical = order[first_rank[component]]

    duplicate_rows = np.flatnonzero(canonical != np.arange(n))
    if not len(duplicate_rows):
        return empty_duplicates()
    exact_same = exact_hash[duplicate_rows] == exact_hash[canonical[duplicate_rows]]
    similarities = np.where(exact_same, 1.0, np.nan)
    near_rows = np.flatnonzero(~exact_same)
    if len(near_rows):
        # the verified estimate of the pair (exact root, canonical) when there is one, else (linked through a
        # chain of near duplicates) the direct estimate against the canonical posting
        pair_keys = left * n + right
        by_key = np.argsort(pair_keys)
        a, b = exact_root[duplicate_rows[near_rows]], canonical[duplicate_rows[near_rows]]
        wanted = np.minimum(a, b) * n + np.maximum(a, b)
        found = np.searchsorted(pair_keys, wanted, sorter=by_key).clip(max=max(len(pair_keys) - 1, 0))
        verified = np.zeros(len(near_rows), dtype=bool)
        if len(pair_keys):
            verified = pair_keys[by_key[found]] == wanted
            similarities[near_rows[verified]] = similarity[by_key[found[verified]]]
        chained = near_rows[~verified]
        if len(chained):
            rows = duplicate_rows[chained]
            similarities[chained] = jaccard_estimates(signatures, exact_root[rows], canonical[rows])
    ids = features["posting_id"]
    result = pd.DataFrame(
        {
            "posting_id": ids.take(duplicate_rows).array,
            "duplicate_of": ids.take(canonical[duplicate_rows]).array,
            "method": np.where(exact_same, "exact", "near"),
            "similarity": similarities,
        }
    )
    return result.sort_values("posting_id", kind="stable").reset_index(drop=True)


def _exact_roots(exact_hash: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Return for each row the earliest row (in `order`) with the same exact hash (itself when it is unique)."""
    n = len(exact_hash)
    roots = np.arange(n)
    hashes = exact_hash[order]
    sorted_hashes = np.sort(hashes)
    repeated = sorted_hashes[1:][sorted_hashes[1:] == sorted_hashes[:-1]]
    if not len(repeated):
        return roots
    # only the few postings whose hash repeats need grouping
    positions = np.flatnonzero(pd.Series(hashes).isin(repeated).to_numpy())
    group = positions[np.argsort(hashes[positions], kind="stable")]
    group_hashes = hashes[group]
    starts = np.flatnonzero(np.r_[True, group_hashes[1:] != group_hashes[:-1]])
    first = np.repeat(group[starts], np.diff(np.r_[starts, len(group)]))
    roots[order[group]] = order[first]
    return roots


def _near_pairs(
    features: pd.DataFrame, signatures: np.ndarray, rows: np.ndarray, company: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return verified near-duplicate pairs (left rows, right rows, Jaccard estimates) among `rows`, whose
    company codes are `company[rows]`."""
    empty = (np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.float64))
    if len(rows) < 2:
        return empty
    buckets = _band_buckets(pd.factorize(company[rows])[0].astype(np.uint64), signatures, rows)
    days = features["posted_at"].to_numpy()[rows].astype("datetime64[D]").astype(np.int64)

    # candidate pairs as one int64 key each, (smaller row) × size + (larger row), made unique once: the same pair
    # recurs in many bands, and keys are far lighter than row pairs
    size = np.int64(len(rows))
    by_day = _stable_order(days)
    dated = days[by_day]
    # numpy sorts and the compiled loops release the GIL, so bands run in parallel threads
    with ThreadPoolExecutor(max_workers=BAND_THREADS) as threads:
        band_keys = list(threads.map(lambda bucket: _band_pair_keys(bucket[by_day], dated, by_day, size), buckets))
    keys = np.sort(np.concatenate([np.array([], dtype=np.int64), *band_keys]))
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    if not len(keys):
        return empty
    left, right = rows[keys // size], rows[keys % size]
    jaccard = jaccard_estimates(signatures, left, right)
    keep = jaccard >= JACCARD_MIN
    left, right, jaccard = left[keep], right[keep], jaccard[keep]
    titles = features["title_key"]
    title_similarity = process.cpdist(
        titles.take(left).tolist(), titles.take(right).tolist(), scorer=fuzz.token_set_ratio, dtype=np.float64
    )
    title_ok = title_similarity >= TITLE_SIMILARITY_MIN
    return left[title_ok], right[title_ok], jaccard[title_ok]


def _band_pair_keys(bucket: np.ndarray, days: np.ndarray, rows: np.ndarray, size: np.int64) -> np.ndarray:
    """Return the candidate-pair keys of one LSH band (no key twice): `bucket`, `days` and `rows` are per posting in
    date order (then row order); postings in one bucket are paired with the next postings of the bucket."""
    if _compiled is not None:
        return _compiled.band_pair_keys(
            np.ascontiguousarray(bucket, dtype=np.uint64), np.ascontiguousarray(days, dtype=np.int64),
            np.ascontiguousarray(rows, dtype=np.int64), size, NEIGHBOURS, NEAR_WINDOW_DAYS,
        )
    return _band_pair_keys_reference(bucket, days, rows, size)


def _band_pair_keys_reference(bucket: np.ndarray, days: np.ndarray, rows: np.ndarray, size: np.int64) -> np.ndarray:
    """Return `_band_pair_keys` in numpy (the reference the compiled module must match)."""
    # by bucket, then date, then row
    order = np.argsort(bucket, kind="stable")
    sorted_bucket, sorted_days, sorted_rows = bucket[order], days[order], rows[order].astype(np.int64)
    band_keys = [np.array([], dtype=np.int64)]
    for step in range(1, min(NEIGHBOURS, len(order) - 1) + 1):
        same = (sorted_bucket[step:] == sorted_bucket[:-step]) & (
            sorted_days[step:] - sorted_days[:-step] <= NEAR_WINDOW_DAYS
        )
        if same.any():
            left, right = sorted_rows[:-step][same], sorted_rows[step:][same]
            band_keys.append(np.minimum(left, right) * size + np.maximum(left, right))
    return np.concatenate(band_keys)


def _band_buckets(company: np.ndarray, signatures: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Return the LSH bucket of each of `rows` in every band (bands × rows): a hash of its company code, the band
    and the band's signature bins."""
    if _compiled is not None and signatures.dtype == np.uint32 and signatures.ndim == 2:
        return _compiled.band_buckets(
            np.ascontiguousarray(company, dtype=np.uint64), np.ascontiguousarray(signatures),
            np.ascontiguousarray(rows, dtype=np.int64), BANDS, ROWS_PER_BAND,
        )
    return _band_buckets_reference(company, signatures, rows)


def _band_buckets_reference(company: np.ndarray, signatures: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Return `_band_buckets` in numpy (the reference the compiled module must match)."""
    buckets = np.empty((BANDS, len(rows)), dtype=np.uint64)
    for band in range(BANDS):
        bucket = _mix(company.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(band))
        columns = signatures[rows, band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND].T.astype(np.uint64)
        for column in columns:
            bucket = _mix(bucket ^ column)
        buckets[band] = bucket
    return buckets


def _date_then_id_order(features: pd.DataFrame) -> np.ndarray:
    """Return the row order of `features` by posting date, then posting id (Arrow's stable sort, nulls last)."""
    posted = features["posted_at"].to_numpy()
    ids = pa.array(features["posting_id"], from_pandas=True)
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    if posted.dtype.kind == "M" and not np.isnat(posted).any() and ids.null_count == 0:
        by_id = _id_order(ids)
        if by_id is not None:
            days = posted.astype("datetime64[D]")
            stamps = days if (days == posted).all() else posted  # the same order, in a smaller range
            return by_id[_stable_order(stamps.view(np.int64)[by_id])]
    return _date_then_id_order_reference(posted, ids)


def _date_then_id_order_reference(posted: np.ndarray, ids: pa.Array) -> np.ndarray:
    """Return `_date_then_id_order` of posting dates and ids by Arrow's sort (the reference)."""
    table = pa.table({"posted_at": pa.array(posted, from_pandas=True), "posting_id": ids})
    indices = pc.sort_indices(table, sort_keys=[("posted_at", "ascending"), ("posting_id", "ascending")])
    return indices.to_numpy().astype(np.int64)


def _id_order(ids: pa.Array) -> np.ndarray | None:
    """Return the stable order of ids of at most 16 bytes by their bytes (None for longer ids or other types)."""
    if not (pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type)):
        return None
    ids = ids.cast(pa.large_string()) if pa.types.is_string(ids.type) else ids
    n = len(ids)
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int64)[ids.offset:ids.offset + n + 1]
    lengths = np.diff(offsets)
    if n == 0 or lengths.max() > _ID_BYTES:
        return None
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8) if ids.buffers()[2] is not None else np.zeros(0, np.uint8)
    # each id zero-padded to 16 bytes, read as two big-endian words: ordering the words, then the length, orders
    # the bytes
    padded = np.zeros((n, _ID_BYTES), dtype=np.uint8)
    if (lengths == _ID_BYTES).all():
        padded[:] = data[offsets[0]:offsets[-1]].reshape(n, _ID_BYTES)
    else:
        owner = np.repeat(np.arange(n), lengths)
        column = np.arange(len(owner)) - np.repeat(offsets[:-1] - offsets[0], lengths)
        padded[owner, column] = data[offsets[0]:offsets[-1]]
    words = padded.view(">u8").astype(np.uint64)
    high = words[:, 0]
    order = np.argsort(high)
    sorted_high = high[order]
    tied = np.zeros(n, dtype=bool)
    tied[1:] = sorted_high[1:] == sorted_high[:-1]
    tied[:-1] |= tied[1:].copy()
    if tied.any():
        # ids sharing their first 8 bytes (and equal ids, kept in row order)
        rows = order[tied]
        order[tied] = rows[np.lexsort((rows, lengths[rows], words[rows, 1], high[rows]))]
    return order


def _stable_order(values: np.ndarray) -> np.ndarray:
    """Return the stable sort order of int64 values (a radix sort when they span a small range, like days)."""
    if len(values) and int(values.max()) - int(values.min()) <= np.iinfo(np.int16).max:
        return np.argsort((values - values.min()).astype(np.int16), kind="stable")
    return np.argsort(values, kind="stable")


def description_signatures(texts: np.ndarray | list[str]) -> np.ndarray:
    """Return one-permutation MinHash signatures (n × 64, uint32) of normalised description texts."""
    return _signatures_of_keys([t.encode("utf-8") if isinstance(t, str) else b"" for t in texts])


def _signatures_of_keys(encoded: list[bytes]) -> np.ndarray:
    """Return `description_signatures` of texts already encoded as bytes."""
    if _compiled is not None:
        return _compiled.signatures_of_keys(list(encoded), BINS, SHINGLE_BYTES, MAX_TEXT_CHARS)
    return _signatures_of_keys_reference(encoded)


def _signatures_of_keys_reference(encoded: list[bytes]) -> np.ndarray:
    """Return `_signatures_of_keys` in pure Python and numpy (vectorised over all texts at once; the reference)."""
    n = len(encoded)
    signatures = np.full(n * BINS, _EMPTY, dtype=np.uint32)
    if n == 0:
        return signatures.reshape(0, BINS)
    pad = b"\x00" * SHINGLE_BYTES
    encoded = [e[:MAX_TEXT_CHARS] if len(e) > MAX_TEXT_CHARS else e for e in encoded]
    lengths = np.fromiter((len(e) + SHINGLE_BYTES for e in encoded), dtype=np.int64, count=n)
    buffer = pad.join(encoded) + pad
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    data = np.frombuffer(buffer, dtype=np.uint8)
    # a shingle starts at each word: a letter or digit after a space, or at the start of a text
    word_start = np.zeros(len(data), dtype=bool)
    np.greater(data[1:], 32, out=word_start[1:])
    word_start[1:] &= (data[:-1] == 32) | (data[:-1] == 0)
    word_start[starts[lengths > SHINGLE_BYTES]] = True
    word_start[len(data) - SHINGLE_BYTES + 1:] = False
    word_start &= data != 0
    positions = np.flatnonzero(word_start)
    if not len(positions):
        return signatures.reshape(n, BINS)
    words = np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=buffer, offset=0, strides=(1,))
    first = words[positions]
    second = words[positions + 8]
    with np.errstate(over="ignore"):
        shingle = _mix(first * np.uint64(0x9E3779B97F4A7C15) ^ _mix(second))
    # positions are sorted, so each text's shingles are one run: text index by repeating per-text counts
    first_of_text = np.searchsorted(positions, starts)
    doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(first_of_text, append=len(positions)))
    cell = doc * BINS + (shingle >> _BIN_SHIFT).astype(np.int64)
    value = ((shingle >> _VALUE_SHIFT) & np.uint64(0xFFFFFFFE)).astype(np.uint32)  # never equal to _EMPTY
    np.minimum.at(signatures, cell, value)
    return signatures.reshape(n, BINS)


def jaccard_estimates(signatures: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Return the one-permutation MinHash Jaccard estimate for each pair of signature rows."""
    if _compiled is not None and signatures.dtype == np.uint32 and signatures.ndim == 2:
        return _compiled.jaccard_estimates(
            np.ascontiguousarray(signatures), np.ascontiguousarray(left, dtype=np.int64),
            np.ascontiguousarray(right, dtype=np.int64),
        )
    return _jaccard_estimates_reference(signatures, left, right)


def _jaccard_estimates_reference(signatures: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Return `jaccard_estimates` in numpy (the reference the compiled module must match)."""
    estimates = np.empty(len(left), dtype=np.float64)
    # in batches: millions of candidate pairs would otherwise need several GB of pair × bin temporaries
    for start in range(0, len(left), _PAIR_BATCH):
        stop = start + _PAIR_BATCH
        a, b = signatures[left[start:stop]], signatures[right[start:stop]]
        both_empty = (a == _EMPTY) & (b == _EMPTY)
        equal = (a == b) & ~both_empty
        used = (~both_empty).sum(axis=1)
        estimates[start:stop] = np.where(used > 0, equal.sum(axis=1) / np.maximum(used, 1), 0.0)
    return estimates


def _mix(values: np.ndarray) -> np.ndarray:
    """Return a splitmix64-style scramble of uint64 values (deterministic across runs and processes)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64, copy=True)
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z
