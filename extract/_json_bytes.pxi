# Included (as text) by `extract/_landing.pyx` and `extract/_profiles.pyx`: the strict JSON byte scanner, the Arrow
# string-column builder and the sha256 record ids they share. The including module imports numpy as np, pandas as pd
# and pyarrow as pa, and defines `Unsupported` (raised for a value of another type in a text column) and
# `_UNREADABLE`, the exception the scanner raises for bytes it does not read: `_landing` hands the whole part to the
# reference, `_profiles` only the line.
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object unicode, Py_ssize_t* size) except NULL

cdef extern from *:
    int __builtin_ctzll(unsigned long long x) nogil


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


cdef class _RecordIds:
    """The record ids of one source, `extract.ingest.record_id`: the first 16 hex of sha256(f"{source}|{source_id}")."""
    cdef bytes prefix
    cdef set seen
    cdef char* message
    cdef Py_ssize_t message_cap

    def __cinit__(self, str source, set seen):
        self.prefix = (source + "|").encode("utf-8")
        self.seen = seen
        self.message_cap = 256
        self.message = <char*>malloc(self.message_cap)
        if self.message == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.message)

    cdef int add(self, _Strings ids, const char* source_id, Py_ssize_t size) except -1:
        """Append the id of UTF-8 `source_id` to `ids` and return 1, or return 0 when it is in `seen` already."""
        cdef Py_ssize_t prefix = PyBytes_GET_SIZE(self.prefix)
        cdef char out[16]
        cdef char* grown
        if prefix + size > self.message_cap:
            grown = <char*>realloc(self.message, prefix + size)
            if grown == NULL:
                raise MemoryError()
            self.message, self.message_cap = grown, prefix + size
        memcpy(self.message, PyBytes_AS_STRING(self.prefix), prefix)
        memcpy(self.message + prefix, source_id, size)
        _sha256_hex16(<const uint8_t*>self.message, prefix + size, out)
        identifier = PyUnicode_DecodeUTF8(out, 16, NULL)
        if identifier in self.seen:
            return 0
        self.seen.add(identifier)
        ids.write(out, 16)
        ids.commit(True)
        return 1


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

cdef struct Cursor:
    const uint8_t* data
    Py_ssize_t at
    Py_ssize_t size

cdef int MAX_DEPTH = 64


cdef int _unreadable(str why) except -1:
    raise _UNREADABLE(why)


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
    return _unreadable("a string the scanner does not read")


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
        return _unreadable("a malformed number")
    if at - digits_from > 18:
        return _unreadable("a long integer")
    if at < size and data[at] == 46:
        v.integer = False
        at += 1
        if not (at < size and 48 <= data[at] <= 57):
            return _unreadable("a malformed number")
        while at < size and 48 <= data[at] <= 57:
            at += 1
    if at < size and (data[at] == 101 or data[at] == 69):
        return _unreadable("a number with an exponent")
    v.stop = at
    c.at = at
    return 0


cdef int _scan_literal(Cursor* c, Value* v, const char* word, Py_ssize_t size, int kind) except -1:
    if c.at + size > c.size or memcmp(c.data + c.at, word, size) != 0:
        return _unreadable("a malformed literal")
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
        return _unreadable("the input ends early")
    if depth > MAX_DEPTH:
        return _unreadable("nesting too deep")
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
                    return _unreadable("an object key is not a string")
                _scan_string(c, &inner)
                _skip_space(c)
                if c.at >= c.size or c.data[c.at] != 58:
                    return _unreadable("a key without a value")
                c.at += 1
                _skip_space(c)
            _scan_value(c, &inner, depth + 1)
            _skip_space(c)
            if c.at >= c.size:
                return _unreadable("the input ends early")
            if c.data[c.at] == 44:
                c.at += 1
                _skip_space(c)
                continue
            if c.data[c.at] == (125 if ch == 123 else 93):
                c.at += 1
                v.stop = c.at
                return 0
            return _unreadable("a malformed object or array")
    if ch == 45 or 48 <= ch <= 57:
        return _scan_number(c, v)
    if ch == 116:
        return _scan_literal(c, v, b"true", 4, TRUE_)
    if ch == 102:
        return _scan_literal(c, v, b"false", 5, FALSE_)
    if ch == 110:
        return _scan_literal(c, v, b"null", 4, NULL_)
    return _unreadable("an unexpected character")


cdef int _key_index(Cursor* c, const char** names, int count) except -3:
    """Read the key at `c` and its colon; return its index in `names`, -1 for another key, -2 for an escaped one."""
    cdef Value key
    cdef Py_ssize_t size
    cdef int i
    if c.at >= c.size or c.data[c.at] != 34:
        return _unreadable("an object key is not a string")
    _scan_string(c, &key)
    _skip_space(c)
    if c.at >= c.size or c.data[c.at] != 58:
        return _unreadable("a key without a value")
    c.at += 1
    _skip_space(c)
    if key.escaped:
        # It may spell one of `names`: the reference reads it.
        return -2
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
        return _unreadable("the input ends early")
    if c.data[c.at] == 44:
        c.at += 1
        _skip_space(c)
        return True
    if c.data[c.at] == close:
        c.at += 1
        return False
    return _unreadable("a malformed object or array")


cdef int _scan_fields(Cursor* c, const char** names, int count, Value* fields, int depth) except -1:
    """Read the object at `c`, recording the values of the keys in `names`; return 1 if one is escaped or repeated."""
    cdef int i, found, unsure = 0
    cdef Value value
    for i in range(count):
        fields[i].kind = ABSENT
    if not _opened(c):
        return 0
    while True:
        found = _key_index(c, names, count)
        _scan_value(c, &value, depth + 1)
        if found == -2:
            unsure = 1
        elif found >= 0:
            if fields[found].kind != ABSENT:
                unsure = 1
            fields[found] = value
        if not _more(c, 125):
            return unsure


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
    """Write `text(value)` of a missing, null or string value; return 1 if written, 0 for None, -2 for another kind."""
    if v.kind == ABSENT or v.kind == NULL_:
        return 0
    if v.kind != STRING:
        return -2
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
    kept = _write_text(column, data, v)
    column.mark = mark
    return kept


cdef inline int _digits(const uint8_t* p, int count) noexcept nogil:
    cdef int value = 0, i
    for i in range(count):
        if not (48 <= p[i] <= 57):
            return -1
        value = value * 10 + (p[i] - 48)
    return value
