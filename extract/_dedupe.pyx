# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled de-duplication keys, MinHash signatures, LSH buckets, candidate pairs and Jaccard estimates: the same
bytes and numbers as the pure-Python reference in extract/dedupe.py (`_key_bytes_reference`,
`_signatures_of_keys_reference`, `_exact_hashes_and_signatures_reference`, `_band_buckets_reference`,
`_band_pair_keys_reference`, `_jaccard_estimates_reference`), in one pass per text, posting or pair."""
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, qsort, realloc
from libc.string cimport memchr, memcpy, memset

from hashlib import blake2b

import numpy as np

cdef extern from *:
    void _prefetch "__builtin_prefetch" (const void *address) noexcept nogil
    int _trailing_zeros "__builtin_ctzll" (unsigned long long value) noexcept nogil

cdef extern from "Python.h":
    const char *PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL

ctypedef fused code_t:
    uint8_t
    uint16_t
    uint32_t

cdef enum:
    _PREFETCH_PAIRS = 16  # pairs ahead whose signature rows are fetched early

cdef uint8_t _KEY[128]
for _c in range(128):
    _KEY[_c] = ord(chr(_c).lower()) if chr(_c).isalnum() else 32
cdef extern from *:
    """
    #define SWAR_ONES 0x0101010101010101ULL
    #define SWAR_HIGHS 0x8080808080808080ULL
    """
    const uint64_t _ONES "SWAR_ONES"  # 0x01 in every byte of a word (a constant the C compiler folds)
    const uint64_t _HIGHS "SWAR_HIGHS"  # 0x80 in every byte
cdef uint8_t _KEY_OF[256]  # per code point below 256: its key byte, 32 for a separator, 0 when dropped (non-ASCII)
for _c in range(256):
    _KEY_OF[_c] = _KEY[_c] if _c < 128 else 0


def key_bytes(object text) -> bytes:
    """Return lower-case ASCII letters and digits of `text` in words separated by single spaces, as bytes."""
    if not isinstance(text, str) or not text:
        return b""
    cdef str s = <str>text
    if "\u0130" in s or "\u212a" in s:
        return None  # the caller lower-cases these rare texts in Python first
    cdef Py_ssize_t n = len(s), length = 0
    cdef char *out = <char *>malloc(n)
    if out == NULL:
        raise MemoryError()
    cdef Py_UCS4 ch
    cdef uint8_t mapped
    cdef bint pending = False
    try:
        for ch in s:
            if ch >= 128:
                continue  # non-ASCII characters are dropped (encode("ascii", "ignore")), not spaced
            mapped = _KEY[ch]
            if mapped == 32:
                pending = length > 0
                continue
            if pending:
                out[length] = 32
                length += 1
                pending = False
            out[length] = <char>mapped
            length += 1
        return PyBytes_FromStringAndSize(out, length)
    finally:
        free(out)


cdef inline uint64_t _mix(uint64_t z) noexcept nogil:
    z ^= z >> 30
    z *= 0xBF58476D1CE4E5B9ULL
    z ^= z >> 27
    z *= 0x94D049BB133111EBULL
    z ^= z >> 31
    return z


cdef inline uint64_t _load(const uint8_t *p) noexcept nogil:
    cdef uint64_t value
    memcpy(&value, p, 8)  # little-endian on every platform this runs on (x86-64, aarch64)
    return value


cdef inline void _shingled(const uint8_t *text, Py_ssize_t at, uint32_t *cells) noexcept nogil:
    # the shingle of 16 bytes at `at` lowers the minimum of its bin
    cdef uint64_t shingle = _mix((_load(text + at) * 0x9E3779B97F4A7C15ULL) ^ _mix(_load(text + at + 8)))
    cdef int cell = <int>(shingle >> 58)
    cdef uint32_t value = <uint32_t>((shingle >> 26) & 0xFFFFFFFEULL)  # never equal to the empty mark
    cells[cell] = value if value < cells[cell] else cells[cell]  # a select, not a branch that mispredicts


def signatures_of_keys(list encoded, int bins, int shingle_bytes, Py_ssize_t max_chars) -> np.ndarray:
    """Return one-permutation MinHash signatures (len(encoded) x bins, uint32) of normalised key bytes."""
    cdef Py_ssize_t n = len(encoded), i, p, size
    signatures = np.full((n, bins), 0xFFFFFFFF, dtype=np.uint32)
    if n == 0:
        return signatures
    cdef uint32_t[:, ::1] cells = signatures
    cdef uint8_t *buffer = <uint8_t *>malloc(max_chars + shingle_bytes)
    if buffer == NULL:
        raise MemoryError()
    cdef bytes key
    cdef const uint8_t *space
    try:
        for i in range(n):
            key = <bytes?>encoded[i]
            size = min(PyBytes_GET_SIZE(key), max_chars)
            if size == 0:
                continue
            memcpy(buffer, PyBytes_AS_STRING(key), size)
            memset(buffer + size, 0, shingle_bytes)
            if memchr(buffer, 0, size) == NULL:
                # no NUL (every key): words start after the spaces memchr finds
                if buffer[0] != 0:
                    _shingled(buffer, 0, &cells[i, 0])
                space = <const uint8_t *>memchr(buffer, 32, size)
                while space != NULL:
                    p = space - buffer + 1
                    if p >= size:
                        break
                    if buffer[p] > 32:
                        _shingled(buffer, p, &cells[i, 0])
                    space = <const uint8_t *>memchr(buffer + p, 32, size - p)
                continue
            for p in range(size):
                # a shingle starts at each word: at the text's start (unless NUL), or a character above the space
                # after a space or NUL
                if p == 0:
                    if buffer[0] == 0:
                        continue
                elif buffer[p] <= 32 or (buffer[p - 1] != 32 and buffer[p - 1] != 0):
                    continue
                _shingled(buffer, p, &cells[i, 0])
        return signatures
    finally:
        free(buffer)


cdef struct KeyState:
    Py_ssize_t length  # key bytes written
    Py_ssize_t words  # word starts found
    uint64_t after_separator  # 1 when the last kept character was a separator (or none was kept yet)


cdef inline void _key_characters(const code_t *text, Py_ssize_t n, uint8_t *out, uint32_t *word_starts,
                                 KeyState *state) noexcept nogil:
    # `key_bytes` of the code points appended to `out`, where its words start to `word_starts`; without branches
    # on the characters (a branch per word boundary mispredicts)
    cdef Py_ssize_t i, length = state.length, found = state.words
    cdef uint32_t c
    cdef uint8_t mapped
    cdef uint64_t word, separator, after_separator = state.after_separator
    for i in range(n):
        c = text[i]
        if code_t is uint8_t:
            mapped = _KEY_OF[c]
        else:
            mapped = _KEY_OF[c if c < 256 else 128]
        word = mapped > 32
        separator = mapped == 32
        word_starts[found] = <uint32_t>length
        found += word & after_separator
        out[length] = mapped
        length += word | (separator & (after_separator ^ 1))
        after_separator = (after_separator & (mapped == 0)) | separator
    state.length = length
    state.words = found
    state.after_separator = after_separator


cdef inline uint64_t _bytes_within(uint64_t chunk, uint64_t low, uint64_t high) noexcept nogil:
    # 0x80 in each byte of `chunk` (all below 128) from `low` to `high`: no sum carries into the next byte
    return (chunk + (0x80 - low) * _ONES) & ~(chunk + (0x7F - high) * _ONES) & _HIGHS


cdef void _ascii_key_characters(const uint8_t *text, Py_ssize_t n, uint8_t *out, uint32_t *word_starts,
                                KeyState *state) noexcept nogil:
    # `_key_characters` of one-byte code points, eight at a time while they are ASCII
    cdef Py_ssize_t i = 0, k, start, length, found
    cdef uint64_t chunk, lower, words, separators, after, dropped, starts, mapped, rest
    while i + 8 <= n:
        memcpy(&chunk, text + i, 8)  # little-endian: the first character in the low byte
        if chunk & _HIGHS:
            _key_characters(text + i, 8, out, word_starts, state)  # non-ASCII characters are dropped
            i += 8
            continue
        lower = chunk | (_bytes_within(chunk, 65, 90) >> 2)  # upper-case letters + 0x20
        words = _bytes_within(lower, 97, 122) | _bytes_within(chunk, 48, 57)
        separators = words ^ _HIGHS
        after = (separators << 8) | (state.after_separator << 7)
        dropped = separators & after  # a separator after a separator (or at the start)
        starts = words & after
        mapped = (lower & ((words >> 7) * 0xFF)) | (separators >> 2)  # a separator becomes a space
        length = state.length
        found = state.words
        if dropped == 0:
            memcpy(out + length, &mapped, 8)
            while starts:
                word_starts[found] = <uint32_t>(length + (_trailing_zeros(starts) >> 3))
                found += 1
                starts &= starts - 1
            length += 8
        elif dropped & (dropped - 1) == 0:
            # one separator dropped (", " or ". "): the bytes after it move one back
            k = _trailing_zeros(dropped) >> 3
            memcpy(out + length, &mapped, 8)
            rest = mapped >> (8 * k + 8) if k < 7 else 0
            memcpy(out + length + k, &rest, 8)  # fits: eight bytes are written at most 15 bytes past those read
            while starts:
                start = _trailing_zeros(starts) >> 3
                word_starts[found] = <uint32_t>(length + start - (start > k))
                found += 1
                starts &= starts - 1
            length += 7
        else:
            for k in range(8):
                word_starts[found] = <uint32_t>length
                found += (starts >> (8 * k + 7)) & 1
                out[length] = <uint8_t>(mapped >> (8 * k))
                length += ((dropped >> (8 * k + 7)) & 1) ^ 1
        state.length = length
        state.words = found
        state.after_separator = separators >> 63
        i += 8
    _key_characters(text + i, n - i, out, word_starts, state)


cdef void _narrowed(const code_t *text, Py_ssize_t n, uint8_t *out) noexcept nogil:
    # one byte a code point: those of 256 and above become 128, which the key drops as it drops every non-ASCII one
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = <uint8_t>(text[i] if text[i] < 256 else 128)


cdef Py_ssize_t _key_written(str text, uint8_t *out, uint32_t *word_starts, Py_ssize_t *words, uint8_t *narrow):
    # `key_bytes` of `text` into `out` (its length returned) and where its words start; wider strings are narrowed
    # into `narrow` first, so that they too are read eight characters at a time
    cdef int kind = PyUnicode_KIND(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef KeyState state
    state.length = 0
    state.words = 0
    state.after_separator = 1
    if kind == 1:
        _ascii_key_characters(<const uint8_t *>PyUnicode_DATA(text), n, out, word_starts, &state)
    else:
        if kind == 2:
            _narrowed(<const uint16_t *>PyUnicode_DATA(text), n, narrow)
        else:
            _narrowed(<const uint32_t *>PyUnicode_DATA(text), n, narrow)
        _ascii_key_characters(narrow, n, out, word_starts, &state)
    if state.length and out[state.length - 1] == 32:
        state.length -= 1  # the one space kept after the last word
    words[0] = state.words
    return state.length


cdef struct Message:
    uint8_t *data  # the title, company and location keys joined by 0x1F, a 0x1F, then the description key
    uint32_t *word_starts  # where the description key's words start (in it)
    uint8_t *narrow  # a description of two or four bytes a character, one byte a character
    Py_ssize_t capacity, size, key_at, key_length, words


cdef int _message_written(Message *m, str title_key, str company_key, str location_key, object description,
                          Py_ssize_t shingle_bytes) except -1:
    cdef const char *parts[3]
    cdef Py_ssize_t sizes[3]
    cdef Py_ssize_t needed, k
    cdef void *grown
    cdef str text = description if isinstance(description, str) else ""
    parts[0] = PyUnicode_AsUTF8AndSize(title_key, &sizes[0])
    parts[1] = PyUnicode_AsUTF8AndSize(company_key, &sizes[1])
    parts[2] = PyUnicode_AsUTF8AndSize(location_key, &sizes[2])
    if PyUnicode_KIND(text) != 1 and ("\u0130" in text or "\u212a" in text):
        text = text.lower()  # as the reference: these lower-case to ASCII letters only through str.lower
    needed = sizes[0] + sizes[1] + sizes[2] + 3 + PyUnicode_GET_LENGTH(text) + shingle_bytes
    if needed > m.capacity:
        m.capacity = max(needed, 2 * m.capacity)
        grown = realloc(m.data, m.capacity)
        if grown == NULL:
            raise MemoryError()
        m.data = <uint8_t *>grown
        grown = realloc(m.word_starts, m.capacity * sizeof(uint32_t))
        if grown == NULL:
            raise MemoryError()
        m.word_starts = <uint32_t *>grown
        grown = realloc(m.narrow, m.capacity)
        if grown == NULL:
            raise MemoryError()
        m.narrow = <uint8_t *>grown
    m.key_at = 0
    for k in range(3):
        memcpy(m.data + m.key_at, parts[k], sizes[k])
        m.data[m.key_at + sizes[k]] = 0x1F
        m.key_at += sizes[k] + 1
    m.key_length = _key_written(text, m.data + m.key_at, m.word_starts, &m.words, m.narrow)
    m.size = m.key_at + m.key_length
    return 0


cdef void _signature_written(Message *m, uint32_t *cells, Py_ssize_t shingle_bytes, Py_ssize_t max_chars) noexcept:
    # the MinHash of the description key's first `max_chars` bytes (the message is hashed already)
    cdef uint8_t *key = m.data + m.key_at
    cdef Py_ssize_t length = m.key_length, words = m.words, k
    if length > max_chars:
        length = max_chars
        while words and m.word_starts[words - 1] >= max_chars:
            words -= 1
    memset(key + length, 0, shingle_bytes)  # shingles near the end read zeros past it
    for k in range(words):
        _shingled(key, m.word_starts[k], cells)


def exact_hashes_and_signatures(list title_keys, list company_keys, list location_keys, list descriptions,
                                int bins, int shingle_bytes, Py_ssize_t max_chars) -> tuple:
    """Return per posting the BLAKE2b-64 hash of its title, company and location keys and description key bytes
    joined by "\\x1f" (uint64), and the MinHash signatures of its description key (n x bins, uint32)."""
    cdef Py_ssize_t n = len(descriptions), i
    if len(title_keys) != n or len(company_keys) != n or len(location_keys) != n:
        raise ValueError("keys and descriptions differ in length")
    if bins != 64 or shingle_bytes != 16:
        raise ValueError("the compiled signatures take 64 bins of 16-byte shingles")
    hashes = np.empty(n, dtype=np.uint64)
    signatures = np.full((n, bins), 0xFFFFFFFF, dtype=np.uint32)
    if n == 0:
        return hashes, signatures
    cdef uint64_t[::1] hashed = hashes
    cdef uint32_t[:, ::1] cells = signatures
    cdef Message message
    cdef bytes digest
    memset(&message, 0, sizeof(message))
    try:
        for i in range(n):
            _message_written(&message, title_keys[i], company_keys[i], location_keys[i], descriptions[i],
                             shingle_bytes)
            # hashlib's BLAKE2b of the message bytes (one copy of them: ~0.3 µs a posting)
            digest = blake2b(PyBytes_FromStringAndSize(<char *>message.data, message.size), digest_size=8).digest()
            memcpy(&hashed[i], PyBytes_AS_STRING(digest), 8)
            _signature_written(&message, &cells[i, 0], shingle_bytes, max_chars)
        return hashes, signatures
    finally:
        free(message.data)
        free(message.word_starts)
        free(message.narrow)


def band_buckets(const uint64_t[::1] company, const uint32_t[:, ::1] signatures, const int64_t[::1] rows,
                 int bands, int rows_per_band) -> np.ndarray:
    """Return the LSH bucket of each of `rows` in every band (bands x len(rows), uint64): splitmix of the company
    code, the band and the band's signature bins."""
    cdef Py_ssize_t m = rows.shape[0], n = signatures.shape[0], i, j
    cdef int band
    if company.shape[0] != m or bands * rows_per_band > signatures.shape[1]:
        raise ValueError("company codes, rows and signature bins do not match")
    for i in range(m):
        if rows[i] < 0 or rows[i] >= n:
            raise IndexError("row out of range")
    buckets = np.empty((bands, m), dtype=np.uint64)
    cdef uint64_t[:, ::1] out = buckets
    cdef uint64_t bucket, seed
    cdef const uint32_t *bins
    with nogil:
        for i in range(m):
            bins = &signatures[rows[i], 0]
            seed = company[i] * 0x9E3779B97F4A7C15ULL
            for band in range(bands):
                bucket = _mix(seed ^ <uint64_t>band)
                for j in range(band * rows_per_band, (band + 1) * rows_per_band):
                    bucket = _mix(bucket ^ bins[j])
                out[band, i] = bucket
    return buckets


def jaccard_estimates(const uint32_t[:, ::1] signatures, const int64_t[::1] left,
                      const int64_t[::1] right) -> np.ndarray:
    """Return the one-permutation MinHash Jaccard estimate (bins equal and not both empty, over bins not both
    empty; 0 when every bin is empty in both) for each pair of signature rows."""
    cdef Py_ssize_t n = left.shape[0], rows = signatures.shape[0], bins = signatures.shape[1], i, j
    if right.shape[0] != n:
        raise ValueError("left and right differ in length")
    for i in range(n):
        if left[i] < -rows or left[i] >= rows or right[i] < -rows or right[i] >= rows:
            raise IndexError("pair row out of range")
    estimates = np.empty(n, dtype=np.float64)
    cdef double[::1] out = estimates
    cdef const uint32_t *a
    cdef const uint32_t *b
    cdef int equal, used, both_empty
    cdef Py_ssize_t ahead
    with nogil:
        for i in range(n):
            if i + _PREFETCH_PAIRS < n:
                # pairs hit signature rows at random: fetch a later pair's row while this one is compared
                ahead = right[i + _PREFETCH_PAIRS]
                a = &signatures[ahead + rows if ahead < 0 else ahead, 0]
                for j in range(0, bins, 16):  # 16 bins to a 64-byte cache line
                    _prefetch(a + j)
            # negative rows count from the end, as in numpy
            a = &signatures[left[i] + rows if left[i] < 0 else left[i], 0]
            b = &signatures[right[i] + rows if right[i] < 0 else right[i], 0]
            equal = 0
            used = 0
            for j in range(bins):
                both_empty = (a[j] == 0xFFFFFFFFU) & (b[j] == 0xFFFFFFFFU)
                used += 1 - both_empty
                equal += (a[j] == b[j]) & (1 - both_empty)
            out[i] = <double>equal / <double>used if used > 0 else 0.0
    return estimates


cdef struct Member:
    uint64_t bucket
    int64_t position


cdef int _by_bucket_then_position(const void *a, const void *b) noexcept nogil:
    cdef const Member *x = <const Member *>a
    cdef const Member *y = <const Member *>b
    if x.bucket != y.bucket:
        return -1 if x.bucket < y.bucket else 1
    return -1 if x.position < y.position else (1 if x.position > y.position else 0)


cdef struct Keys:
    int64_t *data
    Py_ssize_t size, capacity


cdef int _push(Keys *keys, int64_t key) noexcept nogil:
    cdef int64_t *grown
    if keys.size == keys.capacity:
        keys.capacity = 2 * keys.capacity + 1024
        grown = <int64_t *>realloc(keys.data, keys.capacity * sizeof(int64_t))
        if grown == NULL:
            return -1
        keys.data = grown
    keys.data[keys.size] = key
    keys.size += 1
    return 0


cdef int _run_pairs(const int64_t *positions, Py_ssize_t length, const int64_t *days, const int64_t *rows,
                    int64_t size, int neighbours, int64_t window, Keys *keys) noexcept nogil:
    # positions of one bucket in date order: each is paired with the next `neighbours` within `window` days
    cdef Py_ssize_t i, j
    cdef int64_t a, b
    for i in range(length):
        for j in range(i + 1, min(i + 1 + neighbours, length)):
            if days[positions[j]] - days[positions[i]] > window:
                break
            a = rows[positions[i]]
            b = rows[positions[j]]
            if _push(keys, (a if a < b else b) * size + (b if a < b else a)) < 0:
                return -1
    return 0


def band_pair_keys(const uint64_t[::1] bucket, const int64_t[::1] days, const int64_t[::1] rows, int64_t size,
                   int neighbours, int64_t window) -> np.ndarray:
    """Return the candidate-pair keys (smaller row x size + larger row, may repeat) of one LSH band: `bucket`,
    `days` and `rows` are per posting in date order; postings of one bucket are paired with the next
    `neighbours` of the bucket posted within `window` days."""
    cdef Py_ssize_t n = bucket.shape[0], k, first, last, j, sub
    if days.shape[0] != n or rows.shape[0] != n:
        raise ValueError("bucket, days and rows differ in length")
    if n < 2:
        return np.array([], dtype=np.int64)
    cdef int low_bits = max(int(n - 1).bit_length(), 1)
    cdef uint64_t high = (<uint64_t>0xFFFFFFFFFFFFFFFFULL) << low_bits
    packed_values = np.empty(n, dtype=np.uint64)
    cdef uint64_t[::1] packed = packed_values
    with nogil:
        for k in range(n):
            packed[k] = (bucket[k] & high) | <uint64_t>k
    # one sort of values, far faster than an argsort: the high bits of the bucket, the position in the low bits
    packed_values.sort()
    cdef Keys keys
    keys.data = NULL
    keys.size = 0
    keys.capacity = 0
    cdef int64_t *positions = <int64_t *>malloc(n * sizeof(int64_t))
    cdef Member *members = <Member *>malloc(n * sizeof(Member))
    cdef bint mixed
    cdef int failed = 0
    cdef int64_t[::1] out
    if positions == NULL or members == NULL:
        free(positions)
        free(members)
        raise MemoryError()
    try:
        with nogil:
            first = 0
            while first < n and failed == 0:
                last = first + 1
                while last < n and (packed[last] & high) == (packed[first] & high):
                    last += 1
                if last - first >= 2:
                    mixed = False
                    for j in range(last - first):
                        positions[j] = <int64_t>(packed[first + j] & ~high)
                        mixed = mixed or bucket[positions[j]] != bucket[positions[0]]
                    if not mixed:
                        failed = _run_pairs(positions, last - first, &days[0], &rows[0], size, neighbours, window,
                                            &keys)
                    else:
                        # buckets that differ only in the low bits: sort by the whole bucket, then position
                        for j in range(last - first):
                            members[j].bucket = bucket[positions[j]]
                            members[j].position = positions[j]
                        qsort(members, last - first, sizeof(Member), _by_bucket_then_position)
                        sub = 0
                        for j in range(1, last - first + 1):
                            if j == last - first or members[j].bucket != members[sub].bucket:
                                for k in range(sub, j):
                                    positions[k - sub] = members[k].position
                                if failed == 0:
                                    failed = _run_pairs(positions, j - sub, &days[0], &rows[0], size, neighbours,
                                                        window, &keys)
                                sub = j
                first = last
        if failed:
            raise MemoryError()
        result = np.empty(keys.size, dtype=np.int64)
        if keys.size:
            out = result
            memcpy(&out[0], keys.data, keys.size * sizeof(int64_t))
        return result
    finally:
        free(keys.data)
        free(positions)
        free(members)


def keys_of(list texts, dict cache, object key_of, Py_ssize_t most) -> list:
    """Return `key_of(text)` for each text ("" for a missing one), remembered in `cache` (emptied when it holds
    `most` texts): titles, companies and locations repeat a lot."""
    cdef Py_ssize_t n = len(texts), i
    cdef list keys = [None] * n
    cdef object text, key
    for i in range(n):
        text = texts[i]
        if not isinstance(text, str):
            keys[i] = ""
            continue
        key = cache.get(text)
        if key is None:
            key = key_of(text)
            if len(cache) >= most:
                cache.clear()
            cache[text] = key
        keys[i] = key
    return keys
