# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled de-duplication keys and MinHash signatures: the same bytes and numbers as the pure-Python reference
in extract/dedupe.py (`_key_bytes_reference`, `_signatures_of_keys_reference`), in one pass per text."""
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

import numpy as np

cdef uint8_t _KEY[128]
for _c in range(128):
    _KEY[_c] = ord(chr(_c).lower()) if chr(_c).isalnum() else 32


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
    cdef uint64_t shingle
    cdef uint32_t value
    cdef int cell
    try:
        for i in range(n):
            key = <bytes?>encoded[i]
            size = min(PyBytes_GET_SIZE(key), max_chars)
            if size == 0:
                continue
            memcpy(buffer, PyBytes_AS_STRING(key), size)
            memset(buffer + size, 0, shingle_bytes)
            for p in range(size):
                # a shingle starts at each word: at the text's start (unless NUL), or a character above the space
                # after a space or NUL
                if p == 0:
                    if buffer[0] == 0:
                        continue
                elif buffer[p] <= 32 or (buffer[p - 1] != 32 and buffer[p - 1] != 0):
                    continue
                shingle = _mix((_load(buffer + p) * 0x9E3779B97F4A7C15ULL) ^ _mix(_load(buffer + p + 8)))
                cell = <int>(shingle >> 58)
                value = <uint32_t>((shingle >> 26) & 0xFFFFFFFEULL)  # never equal to the empty mark
                if value < cells[i, cell]:
                    cells[i, cell] = value
        return signatures
    finally:
        free(buffer)
