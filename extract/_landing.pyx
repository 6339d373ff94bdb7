# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled landing of Adzuna and Reed search-API responses: JSON bytes straight to typed posting columns.

The twin of `extract.ingest`'s reference path (adapter per parsed record, `_Collector.accept`, `typed_frame`):
`PostingColumns.land_document` validates the whole document as strict JSON while it reads each result's fields
from the bytes, and lands a result itself only when it is certain the reference accepts it with these values.
Every other result (an unusual value, an escaped key, any rejection or duplicate) goes to the `slow` callback,
which lands it through the reference code; input the scanner does not handle at all raises `Unsupported`, and
the caller lands the whole part with the reference instead.
"""
import datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.math cimport NAN
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy, strlen


cdef extern from "Python.h":
    double PyOS_string_to_double(const char* s, char** endptr, object overflow_exception) except? -1.0
    const char* PyUnicode_AsUTF8AndSize(object unicode, Py_ssize_t* size) except NULL


class Unsupported(Exception):
    """The document holds something the compiled scanner does not handle: land it with the reference path."""


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


def record_id(str source, str source_id):
    """Return the first 16 hex of sha256(f"{source}|{source_id}"), as `extract.ingest.record_id`."""
    cdef bytes message = f"{source}|{source_id}".encode("utf-8")
    cdef char out[16]
    _sha256_hex16(<const uint8_t*>PyBytes_AS_STRING(message), PyBytes_GET_SIZE(message), out)
    return out[:16].decode("ascii")


# --- typed column builders -----------------------------------------------------------------------------------

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
        cdef Py_ssize_t i
        cdef uint8_t c
        cdef bint wide = False
        for i in range(self.mark, self.used):
            c = <uint8_t>self.data[i]
            if c >= 0x80:
                wide = True
            elif not (c == 32 or 9 <= c <= 13 or 28 <= c <= 31):
                return 1
        if not wide:
            return 0
        # Only whitespace-like ASCII and other characters: Python's str.isspace decides.
        return 0 if PyUnicode_DecodeUTF8(self.data + self.mark, self.used - self.mark, NULL).isspace() else 1

    def array(self):
        """Return the column as a pandas string array, as `extract.ingest._string_array` makes it."""
        cdef Py_ssize_t i
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


cdef class _Numbers:
    """A growing float64 column (NaN for None)."""
    cdef double* values
    cdef Py_ssize_t n, cap

    def __cinit__(self):
        self.cap = 1 << 12
        self.values = <double*>malloc(self.cap * sizeof(double))
        if self.values == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.values)

    cdef int append(self, double value) except -1:
        cdef double* grown
        if self.n == self.cap:
            self.cap *= 2
            grown = <double*>realloc(self.values, self.cap * sizeof(double))
            if grown == NULL:
                raise MemoryError()
            self.values = grown
        self.values[self.n] = value
        self.n += 1
        return 0

    cdef int append_object(self, object value) except -1:
        if value is None:
            return self.append(NAN)
        if value.__class__ is not float:
            raise Unsupported(f"a {type(value).__name__} in a number column")
        return self.append(value)

    def array(self):
        """Return the column as a float64 numpy array."""
        return np.frombuffer(PyBytes_FromStringAndSize(<char*>self.values, self.n * sizeof(double)),
                             dtype=np.float64).copy()


cdef class _Flags:
    """A growing nullable boolean column: values 0/1, 2 for None."""
    cdef uint8_t* values
    cdef Py_ssize_t n, cap

    def __cinit__(self):
        self.cap = 1 << 12
        self.values = <uint8_t*>malloc(self.cap)
        if self.values == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.values)

    cdef int append(self, uint8_t value) except -1:
        cdef uint8_t* grown
        if self.n == self.cap:
            self.cap *= 2
            grown = <uint8_t*>realloc(self.values, self.cap)
            if grown == NULL:
                raise MemoryError()
            self.values = grown
        self.values[self.n] = value
        self.n += 1
        return 0

    cdef int append_object(self, object value) except -1:
        if value is None:
            return self.append(2)
        if value is True or value is False:
            return self.append(1 if value else 0)
        raise Unsupported(f"a {type(value).__name__} in a flag column")

    def array(self):
        """Return the column as a pandas boolean array."""
        codes = np.frombuffer(PyBytes_FromStringAndSize(<char*>self.values, self.n), dtype=np.uint8)
        return pd.arrays.BooleanArray(codes == 1, codes == 2)


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
    bint integer       # a number without fraction or exponent
    Py_ssize_t start   # string: after the opening quote; other values: first byte
    Py_ssize_t stop    # string: at the closing quote; other values: after the last byte
    int seen           # times the key occurred in its object

cdef struct Cursor:
    const uint8_t* data
    Py_ssize_t at
    Py_ssize_t size

cdef int MAX_DEPTH = 64


cdef int _unsupported(str why) except -1:
    raise Unsupported(why)


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
    cdef uint64_t word
    v.kind = STRING
    v.escaped = False
    v.start = at
    while at < size:
        # Eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII.
        while at + 8 <= size:
            memcpy(&word, data + at, 8)
            if _special_bytes(word):
                break
            at += 8
        if at >= size:
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
    return _unsupported("a string the scanner does not read")


cdef int _scan_number(Cursor* c, Value* v) except -1:
    """Read the number at `c`; exponents and integers of more than 18 digits are left to the reference."""
    cdef const uint8_t* data = c.data
    cdef Py_ssize_t at = c.at, size = c.size, digits_from
    v.kind = NUMBER
    v.start = at
    v.integer = True
    if at < size and data[at] == 45:
        at += 1
    digits_from = at
    if at < size and data[at] == 48:
        at += 1
    elif at < size and 49 <= data[at] <= 57:
        while at < size and 48 <= data[at] <= 57:
            at += 1
    else:
        return _unsupported("a malformed number")
    if at - digits_from > 18:
        return _unsupported("a long integer")
    if at < size and data[at] == 46:
        v.integer = False
        at += 1
        if not (at < size and 48 <= data[at] <= 57):
            return _unsupported("a malformed number")
        while at < size and 48 <= data[at] <= 57:
            at += 1
    if at < size and (data[at] == 101 or data[at] == 69):
        return _unsupported("a number with an exponent")
    v.stop = at
    c.at = at
    return 0


cdef int _scan_literal(Cursor* c, Value* v, const char* word, Py_ssize_t size, int kind) except -1:
    if c.at + size > c.size or memcmp(c.data + c.at, word, size) != 0:
        return _unsupported("a malformed literal")
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
        return _unsupported("the document ends early")
    if depth > MAX_DEPTH:
        return _unsupported("nesting too deep")
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
                    return _unsupported("an object key is not a string")
                _scan_string(c, &inner)
                _skip_space(c)
                if c.at >= c.size or c.data[c.at] != 58:
                    return _unsupported("a key without a value")
                c.at += 1
                _skip_space(c)
            _scan_value(c, &inner, depth + 1)
            _skip_space(c)
            if c.at >= c.size:
                return _unsupported("the document ends early")
            if c.data[c.at] == 44:
                c.at += 1
                _skip_space(c)
                continue
            if c.data[c.at] == (125 if ch == 123 else 93):
                c.at += 1
                v.stop = c.at
                return 0
            return _unsupported("a malformed object or array")
    if ch == 45 or 48 <= ch <= 57:
        return _scan_number(c, v)
    if ch == 116:
        return _scan_literal(c, v, b"true", 4, TRUE_)
    if ch == 102:
        return _scan_literal(c, v, b"false", 5, FALSE_)
    if ch == 110:
        return _scan_literal(c, v, b"null", 4, NULL_)
    return _unsupported("an unexpected character")


cdef int _scan_fields(Cursor* c, const char** names, int count, Value* fields, int depth) except -1:
    """Read the object at `c`, recording the values of the keys in `names`; return 1 if a key holds an escape."""
    cdef int i, escaped_key = 0
    cdef Value key
    cdef Value value
    cdef Py_ssize_t size
    for i in range(count):
        fields[i].kind = ABSENT
        fields[i].seen = 0
    c.at += 1
    _skip_space(c)
    if c.at < c.size and c.data[c.at] == 125:
        c.at += 1
        return 0
    while True:
        if c.at >= c.size or c.data[c.at] != 34:
            return _unsupported("an object key is not a string")
        _scan_string(c, &key)
        _skip_space(c)
        if c.at >= c.size or c.data[c.at] != 58:
            return _unsupported("a key without a value")
        c.at += 1
        _skip_space(c)
        _scan_value(c, &value, depth + 1)
        if key.escaped:
            escaped_key = 1
        else:
            size = key.stop - key.start
            for i in range(count):
                if (names[i][0] == <char>c.data[key.start] and strlen(names[i]) == <size_t>size
                        and memcmp(names[i], c.data + key.start, size) == 0):
                    value.seen = fields[i].seen + 1
                    fields[i] = value
                    break
        _skip_space(c)
        if c.at >= c.size:
            return _unsupported("the document ends early")
        if c.data[c.at] == 44:
            c.at += 1
            _skip_space(c)
            continue
        if c.data[c.at] == 125:
            c.at += 1
            return escaped_key
        return _unsupported("a malformed object")


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
    """Write `text(value)` of a null or string value; return 1 if written, 0 for None, -2 for another kind."""
    if v.kind == ABSENT or v.kind == NULL_:
        return 0
    if v.kind != STRING:
        return -2
    _write_string(column, data, v)
    if column.pending_text():
        return 1
    column.rollback()
    return 0


cdef int _number(const uint8_t* data, Value* v, double* out) except -1:
    """Set `out` to `number(value)` of a null or number value; return 1 for a number, 0 for None, -2 otherwise."""
    cdef char* end
    if v.kind == ABSENT or v.kind == NULL_:
        return 0
    if v.kind != NUMBER:
        return -2
    out[0] = PyOS_string_to_double(<const char*>data + v.start, &end, None)
    if end != <const char*>data + v.stop:
        return -2
    if v.integer and out[0] == 0:
        # The reference's float(int) of `-0` is 0.0, not -0.0.
        out[0] = 0.0
    return 1


cdef inline int _digits(const uint8_t* p, int count) noexcept nogil:
    cdef int value = 0, i
    for i in range(count):
        if not (48 <= p[i] <= 57):
            return -1
        value = value * 10 + (p[i] - 48)
    return value


# Field indexes of an Adzuna result, then of a Reed job.
cdef const char* _ADZUNA_NAMES[12]
_ADZUNA_NAMES[:] = [b"id", b"title", b"description", b"created", b"redirect_url", b"salary_min", b"salary_max",
                    b"salary_is_predicted", b"contract_type", b"contract_time", b"location", b"company"]
cdef enum:
    A_ID
    A_TITLE
    A_DESCRIPTION
    A_CREATED
    A_URL
    A_SALARY_MIN
    A_SALARY_MAX
    A_PREDICTED
    A_CONTRACT_TYPE
    A_CONTRACT_TIME
    A_LOCATION
    A_COMPANY
    A_COUNT
cdef const char* _PLACE_NAMES[2]
_PLACE_NAMES[:] = [b"display_name", b"area"]

cdef const char* _REED_NAMES[16]
_REED_NAMES[:] = [b"jobId", b"jobTitle", b"jobDescription", b"employerName", b"locationName", b"salary",
                  b"minimumSalary", b"maximumSalary", b"currency", b"salaryType", b"date", b"datePosted",
                  b"contractType", b"fullTime", b"partTime", b"jobUrl"]
cdef enum:
    R_ID
    R_TITLE
    R_DESCRIPTION
    R_COMPANY
    R_LOCATION
    R_SALARY
    R_SALARY_MIN
    R_SALARY_MAX
    R_CURRENCY
    R_SALARY_TYPE
    R_DATE
    R_DATE_POSTED
    R_CONTRACT_TYPE
    R_FULL_TIME
    R_PART_TIME
    R_URL
    R_COUNT

# Canonical posting fields in `_Collector.fields` order.
POSTING_FIELDS = (
    "source_id", "title", "description", "company", "location_raw", "salary_raw", "salary_min_raw",
    "salary_max_raw", "salary_currency_raw", "salary_period_raw", "salary_is_predicted", "contract_raw",
    "posted_at", "url",
)


cdef class PostingColumns:
    """The accepted postings of one source part, as typed columns, landed from Adzuna or Reed response bytes."""
    cdef _Strings source_id, title, description, company, location, salary, currency, salary_period, contract, url
    cdef _Strings posting_id
    cdef _Numbers salary_min, salary_max
    cdef _Flags predicted
    cdef list posted_at, source_rows
    cdef bytes source_prefix, default_currency
    cdef int year, month
    cdef set seen
    cdef dict days
    cdef char* message
    cdef Py_ssize_t message_cap

    def __cinit__(self, str source, int year, int month, str currency, set seen):
        self.source_id, self.title, self.description = _Strings(), _Strings(), _Strings()
        self.company, self.location, self.salary = _Strings(), _Strings(), _Strings()
        self.currency, self.salary_period, self.contract, self.url = _Strings(), _Strings(), _Strings(), _Strings()
        self.posting_id = _Strings()
        self.salary_min, self.salary_max, self.predicted = _Numbers(), _Numbers(), _Flags()
        self.posted_at, self.source_rows = [], []
        self.source_prefix = (source + "|").encode("utf-8")
        self.default_currency = currency.encode("utf-8")
        self.year, self.month = year, month
        self.seen = seen
        self.days = {}
        self.message_cap = 256
        self.message = <char*>malloc(self.message_cap)
        if self.message == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.message)

    def land_document(self, bytes document, bint reed, object slow):
        """Land every result of one response document; return how many results it holds.

        `slow(row, start, stop)` lands the result in `document[start:stop]` through the reference and returns
        (posting id, field values) when it is accepted, None when it was quarantined.
        """
        cdef Cursor c
        cdef Value value
        cdef Py_ssize_t rows = 0, size
        cdef bint found = False
        cdef Value key
        c.data = <const uint8_t*>PyBytes_AS_STRING(document)
        c.size = PyBytes_GET_SIZE(document)
        c.at = 0
        _skip_space(&c)
        if c.at < c.size and c.data[c.at] == 91:
            rows = self._land_results(&c, reed, slow)
        elif c.at < c.size and c.data[c.at] == 123:
            c.at += 1
            _skip_space(&c)
            while c.at < c.size and c.data[c.at] != 125:
                if c.data[c.at] != 34:
                    return _unsupported("an object key is not a string")
                _scan_string(&c, &key)
                _skip_space(&c)
                if c.at >= c.size or c.data[c.at] != 58:
                    return _unsupported("a key without a value")
                c.at += 1
                _skip_space(&c)
                size = key.stop - key.start
                if key.escaped:
                    return _unsupported("an escaped key")
                if size == 7 and memcmp(c.data + key.start, b"results", 7) == 0:
                    if found or c.at >= c.size or c.data[c.at] != 91:
                        return _unsupported("results is repeated or not a list")
                    found = True
                    rows = self._land_results(&c, reed, slow)
                else:
                    _scan_value(&c, &value, 1)
                _skip_space(&c)
                if c.at < c.size and c.data[c.at] == 44:
                    c.at += 1
                    _skip_space(&c)
                    if c.at < c.size and c.data[c.at] == 125:
                        return _unsupported("a trailing comma")
                elif c.at < c.size and c.data[c.at] != 125:
                    return _unsupported("a malformed object")
            if c.at >= c.size:
                return _unsupported("the document ends early")
            c.at += 1
            if not found:
                return _unsupported("no results list")
        else:
            return _unsupported("not a JSON object or array")
        _skip_space(&c)
        if c.at != c.size:
            return _unsupported("data after the document")
        return rows

    cdef Py_ssize_t _land_results(self, Cursor* c, bint reed, object slow) except -1:
        """Land each element of the results array at `c`; return how many there are."""
        cdef Py_ssize_t rows = 0, start
        cdef Value value
        cdef int landed
        c.at += 1
        _skip_space(c)
        if c.at < c.size and c.data[c.at] == 93:
            c.at += 1
            return 0
        while True:
            start = c.at
            if c.at < c.size and c.data[c.at] == 123:
                landed = self._land_reed(c, rows) if reed else self._land_adzuna(c, rows)
            else:
                _scan_value(c, &value, 2)
                landed = 0
            if not landed:
                self._rollback()
                self._append_slow(slow(rows, start, c.at), rows)
            rows += 1
            _skip_space(c)
            if c.at >= c.size:
                return _unsupported("the document ends early")
            if c.data[c.at] == 44:
                c.at += 1
                _skip_space(c)
                continue
            if c.data[c.at] == 93:
                c.at += 1
                return rows
            return _unsupported("a malformed results list")

    cdef void _rollback(self):
        self.source_id.rollback(); self.title.rollback(); self.description.rollback(); self.company.rollback()
        self.location.rollback(); self.salary.rollback(); self.currency.rollback(); self.salary_period.rollback()
        self.contract.rollback(); self.url.rollback()

    cdef int _append_slow(self, object landed, Py_ssize_t row) except -1:
        """Append a record the reference path accepted (or nothing for a quarantined one)."""
        if landed is None:
            return 0
        identifier, values = landed
        (source_id, title, description, company, location, salary, salary_min, salary_max, currency, period,
         predicted, contract, posted_at, url) = values
        self.source_id.append_object(source_id)
        self.title.append_object(title)
        self.description.append_object(description)
        self.company.append_object(company)
        self.location.append_object(location)
        self.salary.append_object(salary)
        self.salary_min.append_object(salary_min)
        self.salary_max.append_object(salary_max)
        self.currency.append_object(currency)
        self.salary_period.append_object(period)
        self.predicted.append_object(predicted)
        self.contract.append_object(contract)
        self.posted_at.append(posted_at)
        self.url.append_object(url)
        self.posting_id.append_object(identifier)
        self.source_rows.append(row)
        return 0

    cdef object _day(self, int year, int month, int day):
        """Return the date, or None when it is not a calendar date."""
        key = (year * 100 + month) * 100 + day
        found = self.days.get(key)
        if found is None:
            try:
                found = datetime.date(year, month, day)
            except ValueError:
                found = False
            self.days[key] = found
        return None if found is False else found

    cdef int _identify(self) except -1:
        """Write the posting id of the source id just committed; return 0 when the id already landed."""
        cdef Py_ssize_t prefix = PyBytes_GET_SIZE(self.source_prefix)
        cdef Py_ssize_t size = self.source_id.offsets[self.source_id.n] - self.source_id.offsets[self.source_id.n - 1]
        cdef char out[16]
        cdef char* grown
        if prefix + size > self.message_cap:
            grown = <char*>realloc(self.message, prefix + size)
            if grown == NULL:
                raise MemoryError()
            self.message, self.message_cap = grown, prefix + size
        memcpy(self.message, PyBytes_AS_STRING(self.source_prefix), prefix)
        memcpy(self.message + prefix, self.source_id.data + self.source_id.offsets[self.source_id.n - 1], size)
        _sha256_hex16(<const uint8_t*>self.message, prefix + size, out)
        identifier = PyUnicode_DecodeUTF8(out, 16, NULL)
        if identifier in self.seen:
            return 0
        self.seen.add(identifier)
        self.posting_id.write(out, 16)
        self.posting_id.commit(True)
        return 1

    cdef int _unwind_source_id(self) except -1:
        """Take back the source id committed for a record that goes to the reference after all."""
        self.source_id.n -= 1
        self.source_id.used = self.source_id.offsets[self.source_id.n]
        self.source_id.mark = self.source_id.used
        return 0

    cdef int _land_adzuna(self, Cursor* c, Py_ssize_t row) except -1:
        """Land the Adzuna result at `c` when it is plainly accepted; return 0 to hand it to the reference."""
        cdef Value f[A_COUNT]
        cdef Value place[2]
        cdef Value company[2]
        cdef Cursor inner
        cdef const uint8_t* data = c.data
        cdef const uint8_t* day
        cdef double salary_min = 0, salary_max = 0
        cdef int has_min, has_max, predicted, year, month, dom, kept, has_type, kind, i
        cdef int kept_location, kept_time, kept_url
        cdef Py_ssize_t size
        if _scan_fields(c, _ADZUNA_NAMES, A_COUNT, f, 2):
            return 0
        for i in range(A_COUNT):
            if f[i].seen > 1:
                return 0
        if f[A_LOCATION].kind != OBJECT or f[A_COMPANY].kind != OBJECT:
            return 0
        inner = c[0]
        inner.at = f[A_LOCATION].start
        if _scan_fields(&inner, _PLACE_NAMES, 2, place, 3) or place[0].seen > 1 or place[1].seen > 1:
            return 0
        inner.at = f[A_COMPANY].start
        if _scan_fields(&inner, _PLACE_NAMES, 1, company, 3) or company[0].seen > 1:
            return 0
        # The period and required fields first: anything the reference rejects goes to it.
        if f[A_CREATED].kind != STRING or f[A_CREATED].escaped or f[A_CREATED].stop - f[A_CREATED].start < 10:
            return 0
        day = data + f[A_CREATED].start
        if day[4] != 45 or day[7] != 45:
            return 0
        year, month, dom = _digits(day, 4), _digits(day + 5, 2), _digits(day + 8, 2)
        if year != self.year or month != self.month or dom < 0:
            return 0
        posted_at = self._day(year, month, dom)
        if posted_at is None:
            return 0
        has_min = _number(data, &f[A_SALARY_MIN], &salary_min)
        has_max = _number(data, &f[A_SALARY_MAX], &salary_max)
        if has_min < 0 or has_max < 0:
            return 0
        kind = f[A_PREDICTED].kind
        if kind == ABSENT or kind == NULL_:
            predicted = 2
        elif kind == TRUE_ or kind == FALSE_:
            predicted = 1 if kind == TRUE_ else 0
        elif kind == STRING and not f[A_PREDICTED].escaped:
            predicted = _flag_text(data + f[A_PREDICTED].start, f[A_PREDICTED].stop - f[A_PREDICTED].start)
            if predicted < 0:
                return 0
        else:
            return 0
        if (_write_text(self.source_id, data, &f[A_ID]) != 1 or _write_text(self.title, data, &f[A_TITLE]) != 1
                or _write_text(self.description, data, &f[A_DESCRIPTION]) != 1):
            return 0
        kept = _write_text(self.company, data, &company[0])
        if kept < 0:
            return 0
        kept_location = _write_text(self.location, data, &place[0])
        if kept_location < 0:
            return 0
        if kept_location == 0 and place[1].kind == ARRAY:
            inner.at = place[1].start + 1
            _skip_space(&inner)
            if inner.data[inner.at] != 93:
                return 0
        has_type = _write_text(self.contract, data, &f[A_CONTRACT_TYPE])
        if has_type < 0:
            return 0
        size = self.contract.used
        if has_type:
            self.contract.write(b", ", 2)
        kept_time = _write_text_after(self.contract, data, &f[A_CONTRACT_TIME])
        if kept_time < 0:
            return 0
        if not kept_time:
            self.contract.used = size
        kept_url = _write_text(self.url, data, &f[A_URL])
        if kept_url < 0:
            return 0
        # All values are known: commit the source id and check it is new.
        self.source_id.commit(True)
        if not self._identify():
            self._unwind_source_id()
            return 0
        self.title.commit(True)
        self.description.commit(True)
        self.company.commit(kept)
        self.location.commit(kept_location)
        self.salary.commit(False)
        self.salary_min.append(salary_min if has_min else NAN)
        self.salary_max.append(salary_max if has_max else NAN)
        if has_min or has_max:
            self.currency.write(PyBytes_AS_STRING(self.default_currency), PyBytes_GET_SIZE(self.default_currency))
            self.currency.commit(True)
            self.salary_period.write(b"yearly", 6)
            self.salary_period.commit(True)
        else:
            self.currency.commit(False)
            self.salary_period.commit(False)
        self.predicted.append(predicted)
        self.contract.commit(has_type or kept_time)
        self.posted_at.append(posted_at)
        self.url.commit(kept_url)
        self.source_rows.append(row)
        return 1

    cdef int _land_reed(self, Cursor* c, Py_ssize_t row) except -1:
        """Land the Reed job at `c` when it is plainly accepted; return 0 to hand it to the reference."""
        cdef Value f[R_COUNT]
        cdef Value* posted
        cdef const uint8_t* data = c.data
        cdef const uint8_t* day
        cdef double salary_min = 0, salary_max = 0
        cdef int has_min, has_max, year, month, dom, has_type, i
        cdef int kept_company, kept_location, kept_salary, kept_currency, kept_period, kept_url
        cdef Py_ssize_t size
        if _scan_fields(c, _REED_NAMES, R_COUNT, f, 2):
            return 0
        for i in range(R_COUNT):
            if f[i].seen > 1:
                return 0
        posted = &f[R_DATE] if f[R_DATE].kind != ABSENT else &f[R_DATE_POSTED]
        # Reed writes dates as dd/mm/yyyy.
        if posted.kind != STRING or posted.escaped or posted.stop - posted.start != 10:
            return 0
        day = data + posted.start
        if day[2] != 47 or day[5] != 47:
            return 0
        dom, month, year = _digits(day, 2), _digits(day + 3, 2), _digits(day + 6, 4)
        if year != self.year or month != self.month or dom < 0:
            return 0
        posted_at = self._day(year, month, dom)
        if posted_at is None:
            return 0
        has_min = _number(data, &f[R_SALARY_MIN], &salary_min)
        has_max = _number(data, &f[R_SALARY_MAX], &salary_max)
        if has_min < 0 or has_max < 0:
            return 0
        if f[R_ID].kind == NUMBER:
            if not f[R_ID].integer:
                return 0
            size = f[R_ID].stop - f[R_ID].start
            if size == 2 and data[f[R_ID].start] == 45 and data[f[R_ID].start + 1] == 48:
                return 0
            self.source_id.write(<const char*>data + f[R_ID].start, size)
        elif _write_text(self.source_id, data, &f[R_ID]) != 1:
            return 0
        if (_write_text(self.title, data, &f[R_TITLE]) != 1
                or _write_text(self.description, data, &f[R_DESCRIPTION]) != 1):
            return 0
        kept_company = _write_text(self.company, data, &f[R_COMPANY])
        kept_location = _write_text(self.location, data, &f[R_LOCATION])
        kept_salary = _write_text(self.salary, data, &f[R_SALARY])
        kept_currency = _write_text(self.currency, data, &f[R_CURRENCY]) if has_min or has_max else 0
        kept_period = _write_text(self.salary_period, data, &f[R_SALARY_TYPE])
        has_type = _write_text(self.contract, data, &f[R_CONTRACT_TYPE])
        kept_url = _write_text(self.url, data, &f[R_URL])
        if min(kept_company, kept_location, kept_salary, kept_currency, kept_period, has_type, kept_url) < 0:
            return 0
        if f[R_FULL_TIME].kind == TRUE_:
            if has_type:
                self.contract.write(b", ", 2)
            self.contract.write(b"full_time", 9)
            has_type = 1
        if f[R_PART_TIME].kind == TRUE_:
            if has_type:
                self.contract.write(b", ", 2)
            self.contract.write(b"part_time", 9)
            has_type = 1
        self.source_id.commit(True)
        if not self._identify():
            self._unwind_source_id()
            return 0
        self.title.commit(True)
        self.description.commit(True)
        self.company.commit(kept_company)
        self.location.commit(kept_location)
        self.salary.commit(kept_salary)
        self.salary_min.append(salary_min if has_min else NAN)
        self.salary_max.append(salary_max if has_max else NAN)
        self.currency.commit(kept_currency)
        self.salary_period.commit(kept_period)
        self.predicted.append(0 if has_min or has_max else 2)
        self.contract.commit(has_type)
        self.posted_at.append(posted_at)
        self.url.commit(kept_url)
        self.source_rows.append(row)
        return 1

    def columns(self):
        """Return the accepted postings as {column: typed array}."""
        posted_at = np.empty(len(self.posted_at), dtype=object)
        posted_at[:] = self.posted_at
        return {
            "posting_id": self.posting_id.array(),
            "source_id": self.source_id.array(),
            "title": self.title.array(),
            "description": self.description.array(),
            "company": self.company.array(),
            "location_raw": self.location.array(),
            "salary_raw": self.salary.array(),
            "salary_min_raw": self.salary_min.array(),
            "salary_max_raw": self.salary_max.array(),
            "salary_currency_raw": self.currency.array(),
            "salary_period_raw": self.salary_period.array(),
            "salary_is_predicted": self.predicted.array(),
            "contract_raw": self.contract.array(),
            "posted_at": posted_at,
            "url": self.url.array(),
            "source_row": np.array(self.source_rows, dtype=np.int64),
        }


cdef int _write_text_after(_Strings column, const uint8_t* data, Value* v) except -1:
    """As `_write_text`, for a value appended after text already written to the pending value."""
    cdef Py_ssize_t mark = column.mark
    cdef int kept
    column.mark = column.used
    kept = _write_text(column, data, v)
    column.mark = mark
    return kept


cdef int _flag_text(const uint8_t* text, Py_ssize_t size) noexcept nogil:
    """Return 1/0 for the flag texts the reference maps straight to a boolean, -1 for others."""
    if size == 1:
        return 1 if text[0] == 49 else 0 if text[0] == 48 else -1
    if size == 4 and (memcmp(text, b"True", 4) == 0 or memcmp(text, b"true", 4) == 0):
        return 1
    if size == 5 and (memcmp(text, b"False", 5) == 0 or memcmp(text, b"false", 5) == 0):
        return 0
    return -1
