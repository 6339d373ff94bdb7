# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled string scanning for pay parsing: the same results as the pure-Python helpers in extract/salary.py.

Each helper reads the code points in the string's own width (1, 2 or 4 bytes). Ads hold few digits, so one- and
two-byte text is first tested one 64-bit block (8 or 4 characters) at a time.
"""
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, Py_UNICODE_ISALNUM, Py_UNICODE_ISSPACE

cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    bint PyUnicode_IS_ASCII(object text)
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy

ctypedef fused code_t:
    uint8_t
    uint16_t
    uint32_t

# "a lane between m and n" (Bit Twiddling Hacks, hasbetween) for m = 0x2F, n = 0x3A, i.e. the digits "0" to "9":
# a lane's top bit survives when the lane's top bit is clear, its low bits are below n and above m
cdef uint64_t _LOW_8 = 0x7F7F7F7F7F7F7F7FULL
cdef uint64_t _BELOW_N_8 = 0xB9B9B9B9B9B9B9B9ULL  # 0x7F + 0x3A in each byte
cdef uint64_t _ABOVE_M_8 = 0x5050505050505050ULL  # 0x7F - 0x2F in each byte
cdef uint64_t _TOP_8 = 0x8080808080808080ULL
cdef uint64_t _LOW_16 = 0x7FFF7FFF7FFF7FFFULL
cdef uint64_t _BELOW_N_16 = 0x8039803980398039ULL  # 0x7FFF + 0x3A in each 16-bit lane
cdef uint64_t _ABOVE_M_16 = 0x7FD07FD07FD07FD0ULL  # 0x7FFF - 0x2F in each 16-bit lane
cdef uint64_t _TOP_16 = 0x8000800080008000ULL


def digit_run_starts(str text not None) -> list:
    """Return the start offsets of the runs of ASCII digits in `text`."""
    cdef Py_ssize_t length = len(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef int kind = PyUnicode_KIND(text)
    if kind == 1:
        return _blockwise_digit_run_starts(<const uint8_t*>data, length, _LOW_8, _BELOW_N_8, _ABOVE_M_8, _TOP_8)
    if kind == 2:
        return _blockwise_digit_run_starts(<const uint16_t*>data, length, _LOW_16, _BELOW_N_16, _ABOVE_M_16, _TOP_16)
    cdef list positions = []
    _scan_digit_runs(<const uint32_t*>data, 0, length, False, positions)
    return positions


cdef list _blockwise_digit_run_starts(const code_t* chars, Py_ssize_t length, uint64_t low_mask, uint64_t below_n,
                                      uint64_t above_m, uint64_t top_mask):
    """Return the digit run starts of `chars[:length]`, skipping 64-bit blocks that hold no digit."""
    cdef list positions = []
    cdef Py_ssize_t step = 8 // sizeof(code_t)
    cdef Py_ssize_t i = 0
    cdef bint after_digit = False
    cdef uint64_t word, low
    while i + step <= length:
        memcpy(&word, chars + i, 8)
        low = word & low_mask
        if (below_n - low) & ~word & (low + above_m) & top_mask:
            after_digit = _scan_digit_runs(chars, i, i + step, after_digit, positions)
        else:
            after_digit = False
        i += step
    _scan_digit_runs(chars, i, length, after_digit, positions)
    return positions


cdef inline bint _scan_digit_runs(const code_t* chars, Py_ssize_t start, Py_ssize_t end, bint after_digit,
                                  list positions) except -1:
    """Append to `positions` the starts of the digit runs in `chars[start:end]`; return whether it ends on a digit."""
    cdef Py_ssize_t i
    cdef bint is_digit
    for i in range(start, end):
        is_digit = 48 <= chars[i] <= 57  # "0" to "9"
        if is_digit and not after_digit:
            positions.append(i)
        after_digit = is_digit
    return after_digit


def lowered(str text not None) -> str:
    """Return `text.lower()`: mapped here for Latin-1 text (with general punctuation and currency signs), else by
    `str.lower` (ASCII text, where `str.lower` is already fast, and text with other characters)."""
    cdef Py_ssize_t length = len(text)
    cdef int kind = PyUnicode_KIND(text)
    if length == 0 or kind == 4 or PyUnicode_IS_ASCII(text):
        return text.lower()
    if kind == 1:
        return _latin1_lowered(<const uint8_t*>PyUnicode_DATA(text), length, 255)
    cdef const uint16_t* chars = <const uint16_t*>PyUnicode_DATA(text)
    cdef Py_ssize_t i
    for i in range(length):
        if chars[i] >= 0x100 and not 0x2000 <= chars[i] < 0x20D0:
            return text.lower()  # a character whose lower case this module does not map
    return _latin1_lowered(chars, length, 0xFFFF)


cdef str _latin1_lowered(const code_t* chars, Py_ssize_t length, Py_UCS4 max_char):
    """Return the lower case of Latin-1 letters in `chars[:length]`; U+2000 to U+20CF (punctuation, currency signs)
    have no case and stay as they are."""
    cdef object result = PyUnicode_New(length, max_char)
    cdef code_t* out = <code_t*>PyUnicode_DATA(result)
    cdef Py_ssize_t i
    cdef code_t char
    for i in range(length):
        char = chars[i]
        # "A" to "Z" and "À" to "Þ" except "×" lower by 0x20; no other Latin-1 character has a lower case
        if (65 <= char <= 90) or (0xC0 <= char <= 0xDE and char != 0xD7):
            char = char + 0x20
        out[i] = char
    return result


def amount_anchors(str text not None) -> list:
    """Return, flat, each digit run's start and where its amount starts: the currency mark just before it, -1 when a
    currency word may end just before it, else the run itself (left out after a letter, a digit or one of "_.,:/"),
    or `~end` when the amount can only be the run itself, ending at `end`."""
    if not _CONTINUED_LOADED:
        load_continued()
    cdef list anchors = []
    cdef Py_ssize_t length = len(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef Py_ssize_t position, back
    cdef Py_UCS4 before
    for position in digit_run_starts(text):
        back = position
        if back and PyUnicode_READ(kind, data, back - 1) == 32:  # " "
            back -= 1
        before = PyUnicode_READ(kind, data, back - 1) if back else 0
        if back and (before == 0xA3 or before == 0x20AC or before == 36):  # "£", "€", "$"
            back -= 1
            if back >= 2 and PyUnicode_READ(kind, data, back - 2) == 85 and PyUnicode_READ(kind, data, back - 1) == 83:
                back -= 2  # "US$"
            anchors += (position, back)
        elif back and _is_currency_word_end(before):
            anchors += (position, -1)
        else:
            before = PyUnicode_READ(kind, data, position - 1) if position else 0
            if not position or not (Py_UNICODE_ISALNUM(before) or before == 95 or before == 46 or before == 44
                                    or before == 58 or before == 47):  # "_", ".", ",", ":", "/"
                anchors += (position, _bare_anchor(kind, data, length, position))
    return anchors


# `extract.salary._CONTINUED_BY` as a table, loaded on first use (that module imports this one):
# `_CONTINUES[first][second]` for a first and second ASCII letter (lower case) that may begin a scale, code, period
# or range word after a bare number; `_BEGINS[first]` says `first` begins one at all.
cdef uint8_t _BEGINS[128]
cdef uint8_t _CONTINUES[128][128]
cdef bint _CONTINUED_LOADED = False


cdef int load_continued() except -1:
    """Fill `_CONTINUES` from the reference's `_CONTINUED_BY`."""
    global _CONTINUED_LOADED
    from extract.salary import _CONTINUED_BY

    if not all(len(first) == 1 and first.isascii() and seconds.isascii() for first, seconds in _CONTINUED_BY.items()):
        raise ValueError("the compiled amount_anchors holds ASCII letters only")
    for first, seconds in _CONTINUED_BY.items():
        _BEGINS[ord(first)] = 1
        for second in seconds:
            _CONTINUES[ord(first)][ord(second)] = 1
    _CONTINUED_LOADED = True
    return 0


cdef Py_ssize_t _bare_anchor(int kind, void* data, Py_ssize_t length, Py_ssize_t position):
    """Return `~end` when `_RANGE` can only match the bare number at `position` as the digits ending at `end` (with
    one decimal part), else `position`."""
    cdef Py_ssize_t end = _digits_end(kind, data, length, position)
    cdef bint decimal = end + 1 < length and PyUnicode_READ(kind, data, end) == 46 and _is_digit(kind, data, end + 1)
    if decimal:
        end = _digits_end(kind, data, length, end + 1)
    if end == length:
        return ~end
    cdef uint32_t char = PyUnicode_READ(kind, data, end)
    cdef uint32_t following
    if char == 46 or char == 44 or char == 58 or char == 47:  # ".", ",", ":", "/"
        # a decimal part, thousands group or look-ahead `(?!:\d|/\d)` needs a digit next
        if decimal:
            return position
        if end + 1 < length:
            following = PyUnicode_READ(kind, data, end + 1)
            if following >= 128 or 48 <= following <= 57:
                return position
        return ~end
    cdef Py_ssize_t after = end
    while after < length and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, after)):
        after += 1
    if after == length:
        return ~end
    char = PyUnicode_READ(kind, data, after)
    if char >= 128:
        return position  # another digit, a dash, or a letter that lowers to an ASCII one ("K" Kelvin sign)
    char = _ascii_lower(char)
    if (char == 107 or char == 109) and after == end:
        return position  # "k", "m", "mn" right after the digits
    if char == 45 or char == 126:  # "-", "~"
        # a range separator needs a second amount: a digit or currency mark ("$", "us$", "usd", "gbp", "pounds", "eur")
        after += 1
        while after < length and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, after)):
            after += 1
        if after == length:
            return ~end
        following = _ascii_lower(PyUnicode_READ(kind, data, after))
        if (following >= 128 or 48 <= following <= 57 or following == 36 or following == 117 or following == 103
                or following == 112 or following == 101):  # a digit, "$", "u", "g", "p", "e"
            return position
        return ~end
    if after + 1 == length:
        return ~end
    following = _ascii_lower(PyUnicode_READ(kind, data, after + 1))
    if following >= 128:
        return position if _BEGINS[char] else ~end  # not ASCII: taken as any letter that may come second
    return position if _CONTINUES[char][following] else ~end


cdef inline Py_ssize_t _digits_end(int kind, void* data, Py_ssize_t length, Py_ssize_t position):
    """Return where the run of ASCII digits at `position` ends."""
    cdef Py_ssize_t end = position + 1
    while end < length and _is_digit(kind, data, end):
        end += 1
    return end


cdef inline bint _is_digit(int kind, void* data, Py_ssize_t position):
    """Return True when the character at `position` is an ASCII digit."""
    cdef Py_UCS4 char = PyUnicode_READ(kind, data, position)
    return 48 <= char <= 57


cdef inline uint32_t _ascii_lower(uint32_t char):
    """Return an ASCII upper-case letter in lower case, any other character as it is."""
    return char + 32 if 65 <= char <= 90 else char


cdef inline bint _is_currency_word_end(Py_UCS4 char):
    """Return True for the letters a currency word can end in ("DGOPRS" either case, "ſ")."""
    cdef uint32_t upper = <uint32_t>char - 32 if 97 <= char <= 122 else <uint32_t>char
    return upper == 68 or upper == 71 or upper == 79 or upper == 80 or upper == 82 or upper == 83 or char == 0x17F
