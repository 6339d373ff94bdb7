# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled landing of JSON Resume profiles in JSON Lines files: line bytes straight to typed profile columns.

The twin of `extract.ingest`'s reference path for `jsonresume` sources (`jsonl_records`, `profile_from_resume`,
`_Collector.accept`, `typed_frame`): `ResumeColumns.land_lines` reads each non-blank line as strict JSON and lands
the profile itself only when it is certain the reference accepts it with these values. Every other line (not JSON,
not an object, an unusual value, an escaped or repeated key, a missing `meta.id`, any rejection or duplicate) goes
to the `slow` callback, which lands it through the reference code; a file the scanner does not handle at all (a
BOM, invalid UTF-8) raises `Unsupported`, and the caller lands the whole part with the reference instead.

The JSON scanning, string column and sha256 pieces are those of `extract/_landing.pyx`, with a line the scanner
cannot read handed to the reference rather than the whole document.
"""
import datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF, Py_INCREF
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy, strlen


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object unicode, Py_ssize_t* size) except NULL
    void* PyUnicode_DATA(PyObject* unicode)
    Py_ssize_t PyUnicode_GET_LENGTH(PyObject* unicode)

cdef extern from *:
    int __builtin_ctzll(unsigned long long x) nogil


class Unsupported(Exception):
    """The file holds something the compiled scanner does not handle: land it with the reference path."""


class _NotPlain(Exception):
    """The line is not one the scanner lands itself: the reference lands it."""


# --- sha256 (record ids) -------------------------------------------------------------------------------------

cdef uint32_t _K[64]
_K[:] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]
cdef const char* _HEX = b"0123456789abcdef"


cdef inline uint32_t _rotr(uint32_t x, int n) noexcept nogil:
    return (x >> n) | (x << (32 - n))


cdef void _compress(uint32_t* h, const uint8_t* block) noexcept nogil:
    cdef uint32_t w[64]
    cdef uint32_t a, b, c, d, e, f, g, hh, s0, s1, t1, t2
    cdef int i
    for i in range(16):
        w[i] = (<uint32_t>block[4 * i] << 24) | (<uint32_t>block[4 * i + 1] << 16) | (
            <uint32_t>block[4 * i + 2] << 8) | <uint32_t>block[4 * i + 3]
    for i in range(16, 64):
        s0 = _rotr(w[i - 15], 7) ^ _rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
        s1 = _rotr(w[i - 2], 17) ^ _rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
        w[i] = w[i - 16] + s0 + w[i - 7] + s1
    a, b, c, d, e, f, g, hh = h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
    for i in range(64):
        s1 = _rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25)
        t1 = hh + s1 + ((e & f) ^ ((~e) & g)) + _K[i] + w[i]
        s0 = _rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)
        t2 = s0 + ((a & b) ^ (a & c) ^ (b & c))
        hh, g, f, e, d, c, b, a = g, f, e, d + t1, c, b, a, t1 + t2
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh


cdef void _sha256_hex16(const uint8_t* message, Py_ssize_t size, char* out) noexcept nogil:
    """Write the first 16 hex digits of sha256(message) to `out`."""
    cdef uint32_t h[8]
    cdef uint8_t block[64]
    cdef Py_ssize_t done = 0, rest, i
    cdef unsigned long long bits = (<unsigned long long>size) * 8
    h[0], h[1], h[2], h[3] = 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a
    h[4], h[5], h[6], h[7] = 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    while size - done >= 64:
        _compress(h, message + done)
        done += 64
    rest = size - done
    memcpy(block, message + done, rest)
    block[rest] = 0x80
    for i in range(rest + 1, 64):
        block[i] = 0
    if rest >= 56:
        _compress(h, block)
        for i in range(64):
            block[i] = 0
    for i in range(8):
        block[63 - i] = <uint8_t>(bits >> (8 * i))
    _compress(h, block)
    for i in range(16):
        out[i] = _HEX[(h[i // 8] >> (28 - 4 * (i % 8))) & 0xF]


# --- typed string column -------------------------------------------------------------------------------------

cdef class _Strings:
    """A growing Arrow large_string column; the bytes after `mark` are the value being written."""
    cdef char* data
    cdef Py_ssize_t used, cap, mark, n, ncap
    cdef int64_t* offsets
    cdef uint8_t* valid
    cdef Py_ssize_t nulls

    def __cinit__(self):
        self.cap = 1 << 16
        self.ncap = 1 << 12
        self.data = <char*>malloc(self.cap)
        self.offsets = <int64_t*>malloc((self.ncap + 1) * sizeof(int64_t))
        self.valid = <uint8_t*>malloc(self.ncap)
        if self.data == NULL or self.offsets == NULL or self.valid == NULL:
            raise MemoryError()
        self.offsets[0] = 0

    def __dealloc__(self):
        free(self.data)
        free(self.offsets)
        free(self.valid)

    cdef int reserve(self, Py_ssize_t extra) except -1:
        cdef Py_ssize_t cap = self.cap
        cdef char* grown
        if self.used + extra <= cap:
            return 0
        while self.used + extra > cap:
            cap *= 2
        grown = <char*>realloc(self.data, cap)
        if grown == NULL:
            raise MemoryError()
        self.data, self.cap = grown, cap
        return 0

    cdef inline int write(self, const char* text, Py_ssize_t size) except -1:
        self.reserve(size)
        memcpy(self.data + self.used, text, size)
        self.used += size
        return 0

    cdef int commit(self, bint is_valid) except -1:
        """End the value being written: kept, or a null (its bytes dropped)."""
        cdef int64_t* offsets
        cdef uint8_t* valid
        if self.n == self.ncap:
            self.ncap *= 2
            offsets = <int64_t*>realloc(self.offsets, (self.ncap + 1) * sizeof(int64_t))
            if offsets == NULL:
                raise MemoryError()
            self.offsets = offsets
            valid = <uint8_t*>realloc(self.valid, self.ncap)
            if valid == NULL:
                raise MemoryError()
            self.valid = valid
        if not is_valid:
            self.used = self.mark
            self.nulls += 1
        self.n += 1
        self.offsets[self.n] = self.used
        self.valid[self.n - 1] = is_valid
        self.mark = self.used
        return 0

    cdef inline void rollback(self):
        self.used = self.mark

    cdef int append_object(self, object value) except -1:
        """Append a value the reference path produced: text or None."""
        cdef Py_ssize_t size
        cdef const char* text
        if value is None:
            return self.commit(False)
        if value.__class__ is not str:
            raise Unsupported(f"a {type(value).__name__} in a text column")
        text = PyUnicode_AsUTF8AndSize(value, &size)
        self.write(text, size)
        return self.commit(True)

    cdef int pending_text(self) except -1:
        """Return 1 when the value being written is text the reference keeps, 0 when it is empty or blank."""
        return _is_text(self.data + self.mark, self.used - self.mark)

    def array(self):
        """Return the column as a pandas string array, as `extract.ingest._string_array` makes it."""
        data = PyBytes_FromStringAndSize(self.data, self.used)
        offsets = PyBytes_FromStringAndSize(<char*>self.offsets, (self.n + 1) * sizeof(int64_t))
        validity = None
        if self.nulls:
            mask = np.frombuffer(PyBytes_FromStringAndSize(<char*>self.valid, self.n), dtype=np.uint8)
            validity = pa.py_buffer(np.packbits(mask, bitorder="little").tobytes())
        array = pa.LargeStringArray.from_buffers(
            self.n, pa.py_buffer(offsets), pa.py_buffer(data), validity, self.nulls
        )
        return pd.array(array, dtype="str")


cdef inline bint _is_space(uint8_t c) noexcept nogil:
    """Return whether ASCII byte `c` is whitespace to Python's `str.isspace` / `str.strip`."""
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


cdef int _is_text(const char* text, Py_ssize_t size) except -1:
    """Return 1 when UTF-8 `text` is what `text()` keeps (not empty, not all whitespace), else 0."""
    cdef Py_ssize_t i
    cdef uint8_t c
    cdef bint wide = False
    for i in range(size):
        c = <uint8_t>text[i]
        if c >= 0x80:
            wide = True
        elif not _is_space(c):
            return 1
    if not wide:
        return 0
    # Only whitespace-like ASCII and other characters: Python's str.isspace decides.
    return 0 if PyUnicode_DecodeUTF8(text, size, NULL).isspace() else 1


cdef struct _Entry:
    uint64_t hash
    PyObject* text     # an owned reference, NULL for a free slot


cdef class _Texts:
    """Short ASCII strs made once and shared: skill names, job titles and employers repeat across profiles."""
    cdef _Entry* entries
    cdef Py_ssize_t mask, count

    def __cinit__(self):
        self.mask = (1 << 16) - 1
        self.entries = <_Entry*>calloc(self.mask + 1, sizeof(_Entry))
        if self.entries == NULL:
            raise MemoryError()

    def __dealloc__(self):
        cdef Py_ssize_t i
        for i in range(self.mask + 1):
            if self.entries[i].text != NULL:
                Py_DECREF(<object>self.entries[i].text)
        free(self.entries)

    cdef object get(self, const char* text, Py_ssize_t size):
        """Return the str of UTF-8 `text`."""
        cdef uint64_t hash = 14695981039346656037ULL
        cdef Py_ssize_t i, slot
        cdef uint8_t c
        cdef _Entry* entry
        if size > 48:
            return PyUnicode_DecodeUTF8(text, size, NULL)
        for i in range(size):
            c = <uint8_t>text[i]
            if c >= 0x80:
                return PyUnicode_DecodeUTF8(text, size, NULL)
            hash = (hash ^ c) * 1099511628211ULL
        slot = <Py_ssize_t>(hash & <uint64_t>self.mask)
        while True:
            entry = &self.entries[slot]
            if entry.text == NULL:
                made = PyUnicode_DecodeUTF8(text, size, NULL)
                # Kept at most half full, so a probe soon finds a free slot.
                if 2 * self.count < self.mask:
                    Py_INCREF(made)
                    entry.text = <PyObject*>made
                    entry.hash = hash
                    self.count += 1
                return made
            if (entry.hash == hash and PyUnicode_GET_LENGTH(entry.text) == size
                    and memcmp(PyUnicode_DATA(entry.text), text, size) == 0):
                return <object>entry.text
            slot = (slot + 1) & self.mask


# --- strict JSON scanning ------------------------------------------------------------------------------------

cdef enum Kind:
    ABSENT
    NULL_
    STRING
    NUMBER
    TRUE_
    FALSE_
    OBJECT
    ARRAY

cdef struct Value:
    int kind
    bint escaped       # a string holding escapes
    Py_ssize_t start   # string: after the opening quote; other values: first byte
    Py_ssize_t stop    # string: at the closing quote; other values: after the last byte

cdef struct Cursor:
    const uint8_t* data
    Py_ssize_t at
    Py_ssize_t size

cdef int MAX_DEPTH = 64


cdef int _not_plain(str why) except -1:
    raise _NotPlain(why)


cdef inline void _skip_space(Cursor* c) noexcept nogil:
    cdef uint8_t ch
    while c.at < c.size:
        ch = c.data[c.at]
        if ch == 32 or ch == 10 or ch == 13 or ch == 9:
            c.at += 1
        else:
            return


cdef inline int _hex_digit(uint8_t ch) noexcept nogil:
    if 48 <= ch <= 57:
        return ch - 48
    if 97 <= ch <= 102:
        return ch - 87
    if 65 <= ch <= 70:
        return ch - 55
    return -1


cdef int _hex4(const uint8_t* p) noexcept nogil:
    cdef int value = 0, i, digit
    for i in range(4):
        digit = _hex_digit(p[i])
        if digit < 0:
            return -1
        value = value * 16 + digit
    return value


cdef Py_ssize_t _utf8_length(const uint8_t* p, Py_ssize_t left) noexcept nogil:
    """Return the length of the valid UTF-8 sequence at `p` (first byte >= 0x80), or 0 when it is invalid."""
    cdef uint8_t b0 = p[0]
    if 0xC2 <= b0 <= 0xDF:
        return 2 if left >= 2 and 0x80 <= p[1] <= 0xBF else 0
    if 0xE0 <= b0 <= 0xEF:
        if left < 3 or not (0x80 <= p[2] <= 0xBF):
            return 0
        if b0 == 0xE0:
            return 3 if 0xA0 <= p[1] <= 0xBF else 0
        if b0 == 0xED:
            return 3 if 0x80 <= p[1] <= 0x9F else 0
        return 3 if 0x80 <= p[1] <= 0xBF else 0
    if 0xF0 <= b0 <= 0xF4:
        if left < 4 or not (0x80 <= p[2] <= 0xBF and 0x80 <= p[3] <= 0xBF):
            return 0
        if b0 == 0xF0:
            return 4 if 0x90 <= p[1] <= 0xBF else 0
        if b0 == 0xF4:
            return 4 if 0x80 <= p[1] <= 0x8F else 0
        return 4 if 0x80 <= p[1] <= 0xBF else 0
    return 0


cdef bint _is_utf8(const uint8_t* data, Py_ssize_t size) noexcept nogil:
    """Return whether `data` is valid UTF-8 (as Python's strict decoder judges it)."""
    cdef Py_ssize_t at = 0, step
    cdef uint64_t word
    while at < size:
        while at + 8 <= size:
            memcpy(&word, data + at, 8)
            if word & 0x8080808080808080ULL:
                break
            at += 8
        if at >= size:
            return True
        if data[at] < 0x80:
            at += 1
            continue
        step = _utf8_length(data + at, size - at)
        if step == 0:
            return False
        at += step
    return True


cdef inline uint64_t _special_bytes(uint64_t word) noexcept nogil:
    """Return non-zero when a byte of `word` is `"`, `\\`, below 0x20 or above 0x7F."""
    cdef uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL
    cdef uint64_t quote = word ^ (ones * 34), backslash = word ^ (ones * 92)
    return ((quote - ones) & ~quote | (backslash - ones) & ~backslash | (word - ones * 32) | word) & highs


cdef int _scan_string(Cursor* c, Value* v) except -1:
    """Read the string at `c` (at its opening quote), checking escapes and UTF-8."""
    cdef const uint8_t* data = c.data
    cdef Py_ssize_t at = c.at + 1, size = c.size, step
    cdef uint8_t ch
    cdef int code, low
    cdef uint64_t word, special
    v.kind = STRING
    v.escaped = False
    v.start = at
    while True:
        # Eight bytes at a time to the first quote, backslash, control character or non-ASCII byte.
        if at + 8 <= size:
            memcpy(&word, data + at, 8)
            special = _special_bytes(word)
            if not special:
                at += 8
                continue
            # The lowest flagged byte is exact (a borrow only flags bytes after it).
            at += __builtin_ctzll(special) >> 3
        elif at >= size:
            break
        ch = data[at]
        if ch == 34:
            v.stop = at
            c.at = at + 1
            return 0
        if ch == 92:
            v.escaped = True
            if at + 1 >= size:
                break
            ch = data[at + 1]
            if ch == 117:
                if at + 6 > size:
                    break
                code = _hex4(data + at + 2)
                if code < 0:
                    break
                if 0xD800 <= code <= 0xDBFF:
                    if at + 12 > size or data[at + 6] != 92 or data[at + 7] != 117:
                        break
                    low = _hex4(data + at + 8)
                    if not (0xDC00 <= low <= 0xDFFF):
                        break
                    at += 12
                elif 0xDC00 <= code <= 0xDFFF:
                    break
                else:
                    at += 6
            elif ch == 34 or ch == 92 or ch == 47 or ch == 98 or ch == 102 or ch == 110 or ch == 114 or ch == 116:
                at += 2
            else:
                break
        elif ch < 32:
            break
        elif ch >= 0x80:
            step = _utf8_length(data + at, size - at)
            if step == 0:
                break
            at += step
        else:
            at += 1
    return _not_plain("a string the scanner does not read")


cdef int _scan_number(Cursor* c, Value* v) except -1:
    """Read the number at `c`; exponents and integers of more than 18 digits are left to the reference."""
    cdef const uint8_t* data = c.data
    cdef Py_ssize_t at = c.at, size = c.size, digits_from
    v.kind = NUMBER
    v.start = at
    if at < size and data[at] == 45:
        at += 1
    digits_from = at
    if at < size and data[at] == 48:
        at += 1
    elif at < size and 49 <= data[at] <= 57:
        while at < size and 48 <= data[at] <= 57:
            at += 1
    else:
        return _not_plain("a malformed number")
    if at - digits_from > 18:
        return _not_plain("a long integer")
    if at < size and data[at] == 46:
        at += 1
        if not (at < size and 48 <= data[at] <= 57):
            return _not_plain("a malformed number")
        while at < size and 48 <= data[at] <= 57:
            at += 1
    if at < size and (data[at] == 101 or data[at] == 69):
        return _not_plain("a number with an exponent")
    v.stop = at
    c.at = at
    return 0


cdef int _scan_literal(Cursor* c, Value* v, const char* word, Py_ssize_t size, int kind) except -1:
    if c.at + size > c.size or memcmp(c.data + c.at, word, size) != 0:
        return _not_plain("a malformed literal")
    v.kind = kind
    v.start = c.at
    c.at += size
    v.stop = c.at
    return 0


cdef int _scan_value(Cursor* c, Value* v, int depth) except -1:
    """Read (and check) the value at `c`, recording its kind and extent in `v`."""
    cdef uint8_t ch
    cdef Value inner
    if c.at >= c.size:
        return _not_plain("the line ends early")
    if depth > MAX_DEPTH:
        return _not_plain("nesting too deep")
    ch = c.data[c.at]
    if ch == 34:
        return _scan_string(c, v)
    if ch == 123 or ch == 91:
        v.kind = OBJECT if ch == 123 else ARRAY
        v.start = c.at
        c.at += 1
        _skip_space(c)
        if c.at < c.size and c.data[c.at] == (125 if ch == 123 else 93):
            c.at += 1
            v.stop = c.at
            return 0
        while True:
            if ch == 123:
                if c.at >= c.size or c.data[c.at] != 34:
                    return _not_plain("an object key is not a string")
                _scan_string(c, &inner)
                _skip_space(c)
                if c.at >= c.size or c.data[c.at] != 58:
                    return _not_plain("a key without a value")
                c.at += 1
                _skip_space(c)
            _scan_value(c, &inner, depth + 1)
            _skip_space(c)
            if c.at >= c.size:
                return _not_plain("the line ends early")
            if c.data[c.at] == 44:
                c.at += 1
                _skip_space(c)
                continue
            if c.data[c.at] == (125 if ch == 123 else 93):
                c.at += 1
                v.stop = c.at
                return 0
            return _not_plain("a malformed object or array")
    if ch == 45 or 48 <= ch <= 57:
        return _scan_number(c, v)
    if ch == 116:
        return _scan_literal(c, v, b"true", 4, TRUE_)
    if ch == 102:
        return _scan_literal(c, v, b"false", 5, FALSE_)
    if ch == 110:
        return _scan_literal(c, v, b"null", 4, NULL_)
    return _not_plain("an unexpected character")


cdef int _key_index(Cursor* c, const char** names, int count, int depth) except -2:
    """Read the key at `c` and its colon; return its index in `names`, or -1 for another key."""
    cdef Value key
    cdef Py_ssize_t size
    cdef int i
    if c.at >= c.size or c.data[c.at] != 34:
        return _not_plain("an object key is not a string")
    _scan_string(c, &key)
    _skip_space(c)
    if c.at >= c.size or c.data[c.at] != 58:
        return _not_plain("a key without a value")
    c.at += 1
    _skip_space(c)
    if key.escaped:
        # It may spell one of `names`: the reference reads it.
        return _not_plain("an escaped key")
    size = key.stop - key.start
    for i in range(count):
        if _is_name(names[i], <const char*>c.data + key.start, size):
            return i
    return -1


cdef inline bint _is_name(const char* name, const char* key, Py_ssize_t size) noexcept nogil:
    """Return whether the `size` bytes of unescaped key `key` (no NUL among them) spell `name`."""
    cdef Py_ssize_t i
    for i in range(size):
        if name[i] != key[i]:
            return False
    return name[size] == 0


cdef bint _opened(Cursor* c) except -1:
    """Step into the object or array at `c`; return False (and step past it) when it is empty."""
    cdef uint8_t close = 125 if c.data[c.at] == 123 else 93
    c.at += 1
    _skip_space(c)
    if c.at < c.size and c.data[c.at] == close:
        c.at += 1
        return False
    return True


cdef bint _more(Cursor* c, uint8_t close) except -1:
    """Step past the comma after a member (True) or the closing bracket (False)."""
    _skip_space(c)
    if c.at >= c.size:
        return _not_plain("the line ends early")
    if c.data[c.at] == 44:
        c.at += 1
        _skip_space(c)
        return True
    if c.data[c.at] == close:
        c.at += 1
        return False
    return _not_plain("a malformed object or array")


cdef int _scan_fields(Cursor* c, const char** names, int count, Value* fields, int depth) except -1:
    """Read the object at `c`, recording the values of the keys in `names`; a repeated one is left to the reference."""
    cdef int i, found
    cdef Value value
    for i in range(count):
        fields[i].kind = ABSENT
    if not _opened(c):
        return 0
    while True:
        found = _key_index(c, names, count, depth)
        _scan_value(c, &value, depth + 1)
        if found >= 0:
            if fields[found].kind != ABSENT:
                return _not_plain("a repeated key")
            fields[found] = value
        if not _more(c, 125):
            return 0


cdef int _write_string(_Strings column, const uint8_t* data, Value* v) except -1:
    """Append the text of string value `v` (escapes decoded) to the value `column` is writing."""
    cdef Py_ssize_t at = v.start, run = v.start, stop = v.stop
    cdef uint8_t ch
    cdef int code, low
    cdef char out[4]
    if not v.escaped:
        return column.write(<const char*>data + at, stop - at)
    cdef const uint8_t* escape
    column.reserve(stop - at)
    while at < stop:
        escape = <const uint8_t*>memchr(data + at, 92, stop - at)
        if escape == NULL:
            break
        at = escape - data
        column.write(<const char*>data + run, at - run)
        ch = data[at + 1]
        if ch == 117:
            code = _hex4(data + at + 2)
            at += 6
            if 0xD800 <= code <= 0xDBFF:
                low = _hex4(data + at + 2)
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                at += 6
            if code < 0x80:
                out[0] = <char>code
                column.write(out, 1)
            elif code < 0x800:
                out[0] = <char>(0xC0 | (code >> 6))
                out[1] = <char>(0x80 | (code & 0x3F))
                column.write(out, 2)
            elif code < 0x10000:
                out[0] = <char>(0xE0 | (code >> 12))
                out[1] = <char>(0x80 | ((code >> 6) & 0x3F))
                out[2] = <char>(0x80 | (code & 0x3F))
                column.write(out, 3)
            else:
                out[0] = <char>(0xF0 | (code >> 18))
                out[1] = <char>(0x80 | ((code >> 12) & 0x3F))
                out[2] = <char>(0x80 | ((code >> 6) & 0x3F))
                out[3] = <char>(0x80 | (code & 0x3F))
                column.write(out, 4)
        else:
            if ch == 98:
                out[0] = 8
            elif ch == 102:
                out[0] = 12
            elif ch == 110:
                out[0] = 10
            elif ch == 114:
                out[0] = 13
            elif ch == 116:
                out[0] = 9
            else:
                out[0] = <char>ch
            column.write(out, 1)
            at += 2
        run = at
    return column.write(<const char*>data + run, stop - run)


cdef int _write_text(_Strings column, const uint8_t* data, Value* v) except -1:
    """Write `text(value)` of a missing, null or string value; return 1 if written, 0 for None."""
    if v.kind == ABSENT or v.kind == NULL_:
        return 0
    if v.kind != STRING:
        return _not_plain("a value text() turns into its str")
    _write_string(column, data, v)
    if column.pending_text():
        return 1
    column.rollback()
    return 0


cdef int _write_text_after(_Strings column, const uint8_t* data, Value* v) except -1:
    """As `_write_text`, for a value appended after text already written to the pending value."""
    cdef Py_ssize_t mark = column.mark
    cdef int kept
    column.mark = column.used
    try:
        kept = _write_text(column, data, v)
    finally:
        column.mark = mark
    return kept


cdef inline int _digits(const char* p, int count) noexcept nogil:
    cdef int value = 0, i
    for i in range(count):
        if not (48 <= p[i] <= 57):
            return -1
        value = value * 10 + (p[i] - 48)
    return value


cdef bint _is_day(int year, int month, int day) noexcept nogil:
    """Return whether year-month-day is a date `datetime.date` accepts."""
    cdef int last
    if year < 1 or month < 1 or month > 12 or day < 1:
        return False
    if month == 2:
        last = 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    elif month == 4 or month == 6 or month == 9 or month == 11:
        last = 30
    else:
        last = 31
    return day <= last


cdef inline bint _is_word(const char* text, Py_ssize_t size, const char* word) noexcept nogil:
    """Return whether ASCII `text` is lower-case `word` in any case."""
    cdef Py_ssize_t i
    cdef char c
    if <size_t>size != strlen(word):
        return False
    for i in range(size):
        c = text[i]
        if 65 <= c <= 90:
            c += 32
        if c != word[i]:
            return False
    return True


# Field indexes of a JSON Resume document and of its parts.
cdef const char* _TOP_NAMES[4]
_TOP_NAMES[:] = [b"basics", b"work", b"skills", b"meta"]
cdef enum:
    T_BASICS
    T_WORK
    T_SKILLS
    T_META
    T_COUNT
cdef const char* _BASICS_NAMES[3]
_BASICS_NAMES[:] = [b"label", b"summary", b"location"]
cdef enum:
    B_LABEL
    B_SUMMARY
    B_LOCATION
    B_COUNT
cdef const char* _PLACE_NAMES[2]
_PLACE_NAMES[:] = [b"city", b"region"]
cdef const char* _META_NAMES[1]
_META_NAMES[:] = [b"id"]
cdef const char* _JOB_NAMES[9]
_JOB_NAMES[:] = [b"position", b"title", b"name", b"employer", b"company", b"startDate", b"start_date", b"endDate",
                 b"end_date"]
cdef enum:
    J_POSITION
    J_TITLE
    J_NAME
    J_EMPLOYER
    J_COMPANY
    J_START_DATE
    J_START_DATE_FLAT
    J_END_DATE
    J_END_DATE_FLAT
    J_COUNT
cdef const char* _SKILL_NAMES[2]
_SKILL_NAMES[:] = [b"name", b"keywords"]

# Dates on the first of a month in these years are kept in a list rather than the `days` dict.
cdef int _FIRST_YEAR = 1900
cdef int _MONTH_START_YEARS = 250

cdef struct Job:
    Value title
    Value employer
    int start          # yyyymmdd, 0 when undated
    int end

# Canonical profile fields in `_Collector.fields` order.
PROFILE_FIELDS = ("source_id", "headline", "location_raw", "skills_raw", "summary", "work_history")


cdef class ResumeColumns:
    """The accepted profiles of one source part, as typed columns, landed from JSON Resume JSON Lines bytes."""
    cdef _Strings source_id, headline, location, summary, profile_id, scratch, skill_texts
    cdef _Texts texts
    cdef list skills, work, source_rows
    cdef bytes source_prefix
    cdef set seen
    cdef dict days
    cdef list month_starts
    cdef char* message
    cdef Py_ssize_t message_cap
    cdef Job* jobs
    cdef Py_ssize_t jobs_cap
    cdef int* job_order

    def __cinit__(self, str source, set seen):
        self.source_id, self.headline, self.location = _Strings(), _Strings(), _Strings()
        self.summary, self.profile_id, self.scratch = _Strings(), _Strings(), _Strings()
        self.skill_texts = _Strings()
        self.texts = _Texts()
        self.skills, self.work, self.source_rows = [], [], []
        self.source_prefix = (source + "|").encode("utf-8")
        self.seen = seen
        self.days = {}
        self.month_starts = [None] * (_MONTH_START_YEARS * 12)
        self.message_cap = 256
        self.message = <char*>malloc(self.message_cap)
        self.jobs_cap = 16
        self.jobs = <Job*>malloc(self.jobs_cap * sizeof(Job))
        self.job_order = <int*>malloc(self.jobs_cap * sizeof(int))
        if self.message == NULL or self.jobs == NULL or self.job_order == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.message)
        free(self.jobs)
        free(self.job_order)

    def land_lines(self, bytes document, object slow):
        """Land every non-blank line of one JSON Lines document; return how many there are.

        `slow(row, start, stop)` lands the line `document[start:stop]` through the reference and returns
        (profile id, field values) when it is accepted, None when it was quarantined.
        """
        cdef const uint8_t* data = <const uint8_t*>PyBytes_AS_STRING(document)
        cdef Py_ssize_t size = PyBytes_GET_SIZE(document)
        cdef Py_ssize_t at = 0, end, following, rows = 0, i
        cdef const uint8_t* found
        cdef bint has_cr, blank
        cdef Cursor c
        cdef int landed
        if size >= 3 and data[0] == 0xEF and data[1] == 0xBB and data[2] == 0xBF:
            raise Unsupported("a byte-order mark: the reference decodes the file")
        if not _is_utf8(data, size):
            raise Unsupported("not UTF-8: the reference decodes the file with the detected encoding")
        has_cr = memchr(data, 13, size) != NULL
        c.data = data
        while at < size:
            # Lines end at \n, \r or \r\n, as bytes.splitlines splits them.
            found = <const uint8_t*>memchr(data + at, 10, size - at)
            end = size if found == NULL else found - data
            if has_cr:
                found = <const uint8_t*>memchr(data + at, 13, end - at)
                if found != NULL:
                    end = found - data
            following = end + 1
            if end + 1 < size and data[end] == 13 and data[end + 1] == 10:
                following = end + 2
            blank = True
            for i in range(at, end):
                if not (data[i] == 32 or 9 <= data[i] <= 13):
                    blank = False
                    break
            if not blank:
                c.at = at
                c.size = end
                _skip_space(&c)
                landed = 0
                if c.data[c.at] == 123:
                    try:
                        landed = self._land_resume(&c, rows)
                    except _NotPlain:
                        landed = 0
                if not landed:
                    self._rollback()
                    self._append_slow(slow(rows, at, end), rows)
                rows += 1
            at = following
        return rows

    cdef void _rollback(self):
        self.source_id.rollback(); self.headline.rollback(); self.location.rollback(); self.summary.rollback()
        self.scratch.rollback()

    cdef int _append_slow(self, object landed, Py_ssize_t row) except -1:
        """Append a record the reference path accepted (or nothing for a quarantined one)."""
        if landed is None:
            return 0
        identifier, values = landed
        source_id, headline, location, skills, summary, work = values
        self.source_id.append_object(source_id)
        self.headline.append_object(headline)
        self.location.append_object(location)
        self.skills.append(skills)
        self.summary.append_object(summary)
        self.work.append(work)
        self.profile_id.append_object(identifier)
        self.source_rows.append(row)
        return 0

    cdef const char* _decoded(self, const uint8_t* data, Value* v, Py_ssize_t* size) except NULL:
        """Return the UTF-8 text of string value `v` (escapes decoded into the scratch space) and its size."""
        if not v.escaped:
            size[0] = v.stop - v.start
            return <const char*>data + v.start
        self.scratch.rollback()
        _write_string(self.scratch, data, v)
        size[0] = self.scratch.used - self.scratch.mark
        return self.scratch.data + self.scratch.mark

    cdef object _text(self, const uint8_t* data, Value* v):
        """Return `text(value)` of a missing, null or string value."""
        cdef Py_ssize_t size
        cdef const char* text
        if v.kind == ABSENT or v.kind == NULL_:
            return None
        if v.kind != STRING:
            _not_plain("a value text() turns into its str")
        text = self._decoded(data, v, &size)
        if not _is_text(text, size):
            return None
        return self.texts.get(text, size)

    cdef int _partial_date(self, const uint8_t* data, Value* v) except -1:
        """Return `partial_date(value)` as yyyymmdd, 0 for None; a value the scanner is unsure of is not plain."""
        cdef Py_ssize_t size, i
        cdef const char* text
        cdef int year, month, day
        if v.kind == ABSENT or v.kind == NULL_:
            return 0
        if v.kind != STRING:
            return _not_plain("a date that is not text")
        text = self._decoded(data, v, &size)
        for i in range(size):
            if <uint8_t>text[i] >= 0x80:
                return _not_plain("a date that is not ASCII")
        while size and _is_space(<uint8_t>text[0]):
            text += 1
            size -= 1
        while size and _is_space(<uint8_t>text[size - 1]):
            size -= 1
        if size == 0:
            return 0
        if _is_word(text, size, b"present") or _is_word(text, size, b"current") or _is_word(text, size, b"now"):
            return 0
        if size == 4:
            year, month, day = _digits(text, 4), 1, 1
        elif size == 7:
            year, month, day = _digits(text, 4), _digits(text + 5, 2), 1
        elif size >= 10 and text[4] == 45 and text[7] == 45:
            year, month, day = _digits(text, 4), _digits(text + 5, 2), _digits(text + 8, 2)
        else:
            return _not_plain("a date in another form")
        if not _is_day(year, month, day):
            return _not_plain("not a calendar date")
        return (year * 100 + month) * 100 + day

    cdef object _day(self, int key):
        """Return the date of yyyymmdd `key`, None for 0."""
        cdef Py_ssize_t month
        if key == 0:
            return None
        if key % 100 == 1 and _FIRST_YEAR <= key // 10000 < _FIRST_YEAR + _MONTH_START_YEARS:
            month = (key // 10000 - _FIRST_YEAR) * 12 + key // 100 % 100 - 1
            found = self.month_starts[month]
            if found is None:
                found = datetime.date(key // 10000, key // 100 % 100, 1)
                self.month_starts[month] = found
            return found
        found = self.days.get(key)
        if found is None:
            found = datetime.date(key // 10000, key // 100 % 100, key % 100)
            self.days[key] = found
        return found

    cdef Py_ssize_t _scan_jobs(self, Cursor* c) except -1:
        """Read the `work` array at `c` into `self.jobs`; return how many jobs it holds."""
        cdef Value f[J_COUNT]
        cdef Py_ssize_t count = 0
        cdef Job* job
        cdef Job* grown
        cdef int* order
        if not _opened(c):
            return 0
        while True:
            if c.at >= c.size or c.data[c.at] != 123:
                return _not_plain("a job that is not an object")
            _scan_fields(c, _JOB_NAMES, J_COUNT, f, 3)
            if count == self.jobs_cap:
                grown = <Job*>realloc(self.jobs, 2 * self.jobs_cap * sizeof(Job))
                if grown == NULL:
                    raise MemoryError()
                self.jobs = grown
                order = <int*>realloc(self.job_order, 2 * self.jobs_cap * sizeof(int))
                if order == NULL:
                    raise MemoryError()
                self.job_order = order
                self.jobs_cap *= 2
            job = &self.jobs[count]
            job.title = f[J_POSITION] if f[J_POSITION].kind != ABSENT else f[J_TITLE]
            job.employer = f[J_NAME] if f[J_NAME].kind != ABSENT else (
                f[J_EMPLOYER] if f[J_EMPLOYER].kind != ABSENT else f[J_COMPANY])
            job.start = self._partial_date(
                c.data, &f[J_START_DATE] if f[J_START_DATE].kind != ABSENT else &f[J_START_DATE_FLAT])
            job.end = self._partial_date(
                c.data, &f[J_END_DATE] if f[J_END_DATE].kind != ABSENT else &f[J_END_DATE_FLAT])
            count += 1
            if not _more(c, 93):
                return count

    cdef int _add_skill(self, const uint8_t* data, Value* v, list found) except -1:
        """Add the stripped text of string value `v` to `found` unless it is empty or already there."""
        cdef Py_ssize_t size, i, start
        cdef const char* text = self._decoded(data, v, &size)
        cdef _Strings known = self.skill_texts
        skill = encoded = None
        while size and _is_space(<uint8_t>text[0]):
            text += 1
            size -= 1
        while size and _is_space(<uint8_t>text[size - 1]):
            size -= 1
        if size == 0:
            return 0
        if <uint8_t>text[0] >= 0x80 or <uint8_t>text[size - 1] >= 0x80:
            # Non-ASCII at an end: Python's str.strip decides which characters are whitespace.
            skill = PyUnicode_DecodeUTF8(text, size, NULL).strip()
            if not skill:
                return 0
            encoded = skill.encode("utf-8")
            text, size = PyBytes_AS_STRING(encoded), PyBytes_GET_SIZE(encoded)
        # Equal strings have equal UTF-8: compare with the skills already found before making a str.
        for i in range(known.n):
            start = known.offsets[i]
            if known.offsets[i + 1] - start == size and memcmp(known.data + start, text, size) == 0:
                return 0
        known.write(text, size)
        known.commit(True)
        found.append(self.texts.get(text, size) if skill is None else skill)
        return 0

    cdef list _scan_skills(self, Cursor* c):
        """Return `skill_strings` of the `skills` array at `c`."""
        cdef Value f[2]
        cdef Value item
        cdef Cursor inner
        cdef uint8_t ch
        cdef list found = []
        self.skill_texts.n = self.skill_texts.used = self.skill_texts.mark = 0
        if not _opened(c):
            return found
        while True:
            if c.at >= c.size:
                _not_plain("the line ends early")
            ch = c.data[c.at]
            if ch == 123:
                _scan_fields(c, _SKILL_NAMES, 2, f, 3)
                if f[0].kind == STRING:
                    self._add_skill(c.data, &f[0], found)
                elif f[0].kind != ABSENT and f[0].kind != NULL_:
                    _not_plain("a skill name that is not text")
                # `skill.get("keywords") or []`: a list's items, a text on its own, nothing when missing or falsy.
                if f[1].kind == STRING:
                    self._add_skill(c.data, &f[1], found)
                elif f[1].kind == ARRAY:
                    inner = c[0]
                    inner.at = f[1].start
                    if _opened(&inner):
                        while True:
                            _scan_value(&inner, &item, 4)
                            if item.kind == STRING:
                                self._add_skill(c.data, &item, found)
                            elif item.kind != NULL_:
                                _not_plain("a keyword that is not text")
                            if not _more(&inner, 93):
                                break
                elif f[1].kind != ABSENT and f[1].kind != NULL_ and f[1].kind != FALSE_:
                    _not_plain("keywords that are not a list or text")
            else:
                _scan_value(c, &item, 3)
                if item.kind == STRING:
                    self._add_skill(c.data, &item, found)
                elif item.kind != NULL_:
                    _not_plain("a skill that is not text or an object")
            if not _more(c, 93):
                return found

    cdef list _work_history(self, const uint8_t* data, Py_ssize_t count):
        """Return the jobs read by `_scan_jobs` as work-history entries, oldest first (undated last, in order)."""
        cdef Py_ssize_t i, j, dated = 0
        cdef int* order = self.job_order
        cdef int moving
        cdef Job* job
        cdef list entries = []
        # A stable insertion sort of the dated jobs by start date, then the undated ones in document order.
        for i in range(count):
            if self.jobs[i].start:
                j = dated
                while j > 0 and self.jobs[order[j - 1]].start > self.jobs[i].start:
                    order[j] = order[j - 1]
                    j -= 1
                order[j] = <int>i
                dated += 1
        for i in range(count):
            if not self.jobs[i].start:
                order[dated] = <int>i
                dated += 1
        for i in range(count):
            job = &self.jobs[order[i]]
            entries.append({
                "title": self._text(data, &job.title),
                "employer": self._text(data, &job.employer),
                "start_date": self._day(job.start),
                "end_date": self._day(job.end),
            })
        return entries

    cdef int _land_resume(self, Cursor* c, Py_ssize_t row) except -1:
        """Land the JSON Resume document at `c` when it is plainly accepted; return 0 to hand it to the reference."""
        cdef Value top[T_COUNT]
        cdef Value basics[B_COUNT]
        cdef Value place[2]
        cdef Value meta[1]
        cdef Value value
        cdef Cursor inner
        cdef const uint8_t* data = c.data
        cdef Py_ssize_t jobs = 0, size, prefix
        cdef int found, i, kept_location, kept_summary
        cdef list skills = None
        cdef char out[16]
        cdef char* grown
        cdef const char* text
        for i in range(T_COUNT):
            top[i].kind = ABSENT
        if _opened(c):
            while True:
                found = _key_index(c, _TOP_NAMES, T_COUNT, 1)
                if found >= 0 and top[found].kind != ABSENT:
                    return _not_plain("a repeated key")
                if found == T_WORK and c.at < c.size and c.data[c.at] == 91:
                    value.kind = ARRAY
                    jobs = self._scan_jobs(c)
                elif found == T_SKILLS and c.at < c.size and c.data[c.at] == 91:
                    value.kind = ARRAY
                    skills = self._scan_skills(c)
                else:
                    _scan_value(c, &value, 1)
                if found >= 0:
                    top[found] = value
                if not _more(c, 125):
                    break
        _skip_space(c)
        if c.at != c.size:
            return _not_plain("data after the document")
        # The document is valid JSON: now the values, as `profile_from_resume` reads them.
        if top[T_WORK].kind != ABSENT and top[T_WORK].kind != NULL_ and top[T_WORK].kind != ARRAY:
            return 0
        if top[T_SKILLS].kind == ABSENT or top[T_SKILLS].kind == NULL_:
            skills = []
        elif top[T_SKILLS].kind != ARRAY:
            return 0
        for i in range(B_COUNT):
            basics[i].kind = ABSENT
        place[0].kind = place[1].kind = ABSENT
        inner = c[0]
        if top[T_BASICS].kind == OBJECT:
            inner.at = top[T_BASICS].start
            _scan_fields(&inner, _BASICS_NAMES, B_COUNT, basics, 2)
            if basics[B_LOCATION].kind == OBJECT:
                inner.at = basics[B_LOCATION].start
                _scan_fields(&inner, _PLACE_NAMES, 2, place, 3)
        # Without `meta.id` the id is a hash of the whole document: the reference computes it.
        if top[T_META].kind != OBJECT:
            return 0
        inner.at = top[T_META].start
        _scan_fields(&inner, _META_NAMES, 1, meta, 2)
        work = self._work_history(data, jobs)
        if _write_text(self.headline, data, &basics[B_LABEL]) == 0:
            # No headline given: the current (latest-starting) job title stands in for it.
            title = None
            for entry in work:
                if entry["title"] is not None:
                    title = entry["title"]
            for entry in work:
                if entry["end_date"] is None and entry["title"] is not None:
                    title = entry["title"]
            if title is None:
                return 0
            text = PyUnicode_AsUTF8AndSize(title, &size)
            self.headline.write(text, size)
        kept_location = _write_text(self.location, data, &place[0])
        if kept_location:
            size = self.location.used
            self.location.write(b", ", 2)
            if not _write_text_after(self.location, data, &place[1]):
                self.location.used = size
        else:
            kept_location = _write_text(self.location, data, &place[1])
        kept_summary = _write_text(self.summary, data, &basics[B_SUMMARY])
        if _write_text(self.source_id, data, &meta[0]) != 1:
            return 0
        # All values are known: check the id is new.
        prefix = PyBytes_GET_SIZE(self.source_prefix)
        size = self.source_id.used - self.source_id.mark
        if prefix + size > self.message_cap:
            grown = <char*>realloc(self.message, prefix + size)
            if grown == NULL:
                raise MemoryError()
            self.message, self.message_cap = grown, prefix + size
        memcpy(self.message, PyBytes_AS_STRING(self.source_prefix), prefix)
        memcpy(self.message + prefix, self.source_id.data + self.source_id.mark, size)
        _sha256_hex16(<const uint8_t*>self.message, prefix + size, out)
        identifier = PyUnicode_DecodeUTF8(out, 16, NULL)
        if identifier in self.seen:
            return 0
        self.seen.add(identifier)
        self.profile_id.write(out, 16)
        self.profile_id.commit(True)
        self.source_id.commit(True)
        self.headline.commit(True)
        self.location.commit(kept_location)
        self.summary.commit(kept_summary)
        self.skills.append(skills)
        self.work.append(work)
        self.source_rows.append(row)
        return 1

    def columns(self):
        """Return the accepted profiles as {column: typed array}."""
        skills = np.empty(len(self.skills), dtype=object)
        skills[:] = self.skills
        work = np.empty(len(self.work), dtype=object)
        work[:] = self.work
        return {
            "profile_id": self.profile_id.array(),
            "source_id": self.source_id.array(),
            "headline": self.headline.array(),
            "location_raw": self.location.array(),
            "skills_raw": skills,
            "summary": self.summary.array(),
            "work_history": work,
            "source_row": np.array(self.source_rows, dtype=np.int64),
        }
