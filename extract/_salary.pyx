# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled string scanning for pay parsing: the same results as the pure-Python helpers in extract/salary.py.

Each helper reads the code points in the string's own width (1, 2 or 4 bytes). Ads hold few digits, so one- and
two-byte text is first tested one 64-bit block (8 or 4 characters) at a time.

`parsed_pay` is `extract.salary._parse` with the candidate scan in C: the word tests before an amount, the pay stems,
and the common amounts ("£45,000 - £55,000", "£50k", "9 months") are read here; the reference's own regular
expressions decide the rest, and run only where a cheap test shows they may match (a period or "bonus" after the
amount). Text holding "İ", "ı" or "ſ" is handed to the reference.
"""
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISALPHA,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISSPACE,
    PyUnicode_DATA,
    PyUnicode_KIND,
    PyUnicode_READ,
)

cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    bint PyUnicode_IS_ASCII(object text)
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.math cimport isfinite
from libc.string cimport memchr, memcpy

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


# --- `extract.salary._parse`: the candidate scan and the pay of its choice, for text without "İ", "ı" and "ſ" ---

# the rules of extract/salary.py, loaded on first use (that module imports this one)
cdef object _range_match, _period_after_match, _not_pay_after_match, _bonus_after_match, _ote_after_match
cdef object _currency_word_start, _pay_class, _new_object, _figures, _mentioned, _reference_parse
cdef dict _bounds, _annual_factor, _day_factor
cdef double _max_range_ratio
cdef tuple _ir35_words
cdef frozenset _strong_pay_words, _not_pay_words, _up_to_words, _from_words, _up_to_pairs, _from_pairs
cdef tuple _period_before_phrases
cdef Py_ssize_t _head_chars, _tail_chars
cdef Py_UCS4 _PUNCTUATION[32]
cdef Py_ssize_t _punctuation_count


cdef struct Literals:
    int count
    int lengths[32]
    Py_UCS4 chars[32][24]
    uint32_t first[128]  # bit `i` set when literal `i` begins with this ASCII character
    bint any_space  # " " in a literal stands for any whitespace


cdef Literals _PAY_STEMS  # `extract.salary._PAY_STEMS`
cdef Literals _PERIOD_STEMS  # `extract.salary._PERIOD_STEMS`
cdef Literals _PERIOD_OPENINGS  # `PERIOD_OPENINGS`, " " standing for any whitespace
cdef bint _RULES_LOADED = False

# the groups of `_RANGE`, in the order of `Match.regs`
cdef enum:
    WHOLE = 0
    CUR1 = 1
    N1 = 2
    S1 = 3
    POSTCUR1 = 4
    SEP = 5
    CUR2 = 6
    N2 = 7
    S2 = 8
    POSTCUR2 = 9
    GROUPS = 10

# `_scale` of a scale group
cdef enum:
    NO_SCALE = 0
    THOUSANDS = 1
    MILLIONS = 2
    BILLIONS = 3


cdef int load_rules() except -1:
    """Load the patterns, word sets and limits of the reference's candidate scan."""
    global _range_match, _period_after_match, _not_pay_after_match, _bonus_after_match, _ote_after_match
    global _currency_word_start, _pay_class, _new_object, _figures, _mentioned, _reference_parse, _bounds
    global _annual_factor
    global _day_factor, _max_range_ratio, _ir35_words, _strong_pay_words, _not_pay_words
    global _up_to_words, _from_words, _up_to_pairs, _from_pairs, _period_before_phrases, _head_chars, _tail_chars
    global _punctuation_count, _RULES_LOADED
    from extract import salary

    names = ("cur1", "n1", "s1", "postcur1", "sep", "cur2", "n2", "s2", "postcur2")
    if salary._RANGE.groupindex != {name: at for at, name in enumerate(names, 1)} or salary._RANGE.groups != 9:
        raise ValueError("the compiled candidate scan reads `_RANGE`'s groups by number")
    if salary._PAY_STEM.pattern != "|".join(salary._PAY_STEMS) or not all(stem.isalpha() for stem in salary._PAY_STEMS):
        raise ValueError("the compiled candidate scan reads `_PAY_STEM` as its stems")
    if len(salary._PUNCTUATION) > 32:
        raise ValueError("the compiled candidate scan holds at most 32 punctuation marks")
    _range_match = salary._RANGE.match
    _period_after_match = salary._PERIOD_AFTER.match
    _not_pay_after_match = salary._NOT_PAY_AFTER.match
    _bonus_after_match = salary._BONUS_AFTER.match
    _ote_after_match = salary._OTE_AFTER.match
    _currency_word_start = salary._currency_word_start
    _pay_class = salary.Pay
    _new_object = object.__new__
    _bounds = dict(salary.BOUNDS)
    _annual_factor = dict(salary.ANNUAL_FACTOR)
    _day_factor = dict(salary.DAY_FACTOR)
    _max_range_ratio = salary.MAX_RANGE_RATIO
    _figures = salary._figures
    _mentioned = salary._mentioned
    _reference_parse = salary._parse
    _ir35_words = tuple(salary._IR35_WORDS)
    _strong_pay_words = frozenset(salary._STRONG_PAY_WORDS)
    _not_pay_words = frozenset(salary._NOT_PAY_WORDS)
    _up_to_words = frozenset(salary._UP_TO_WORDS)
    _from_words = frozenset(salary._FROM_WORDS)
    _up_to_pairs = frozenset(salary._UP_TO_PAIRS)
    _from_pairs = frozenset(salary._FROM_PAIRS)
    _period_before_phrases = tuple(salary._PERIOD_BEFORE_PHRASES)
    _head_chars = salary._HEAD
    _tail_chars = salary._TAIL
    for at, mark in enumerate(salary._PUNCTUATION):
        _PUNCTUATION[at] = ord(mark)
    _punctuation_count = len(salary._PUNCTUATION)
    _load_literals(&_PAY_STEMS, salary._PAY_STEMS, False)
    _load_literals(&_PERIOD_STEMS, salary._PERIOD_STEMS, False)
    _load_literals(&_PERIOD_OPENINGS, PERIOD_OPENINGS, True)
    _RULES_LOADED = True
    return 0


cdef struct Head:
    bint strong_pay_word
    bint up_to
    bint from_
    bint between
    bint not_pay
    bint ote


cdef class Found:
    """One candidate of the compiled scan (the fields of `extract.salary._Candidate`)."""

    cdef Py_ssize_t start
    cdef double low
    cdef double high
    cdef object currency
    cdef object period
    cdef int tier
    cdef bint up_to
    cdef bint from_
    cdef bint bonus_tail
    cdef bint ote_tail


def parsed_pay(str text not None):
    """Return `extract.salary._parse(text)`: the pay statement of a text. Text holding "İ", "ı" or "ſ" (which fold
    otherwise than `str.lower` lowers them) is handed to the reference."""
    if not _RULES_LOADED:
        load_rules()
    if _holds_ampersand(text) and "&pound;" in text:
        text = text.replace("&pound;", "£")
    anchors = amount_anchors(text)
    if not anchors:
        return None
    if PyUnicode_KIND(text) != 1 and _holds_unusual_letter(text):
        return _reference_parse(text)
    cdef str lowered_text = lowered(text)
    cdef Found chosen = _chosen(text, lowered_text, anchors)
    if chosen is None:
        return None
    cdef Py_ssize_t start = chosen.start
    cdef Py_ssize_t length = len(text)
    window = lowered_text[start - 60 if start > 60 else 0:start + 160 if start + 160 < length else length]
    period = chosen.period
    if period is None:
        period = _inferred_period(chosen.high, window)
    before = lowered_text[start - 40 if start > 40 else 0:start]
    predicted, bonus, ote = _mentioned(before, window, chosen.bonus_tail, chosen.ote_tail)
    return _pay_of(chosen.low, chosen.high, period, chosen.currency or "GBP", chosen.up_to, chosen.from_, predicted,
                   bonus, ote)


cdef object _pay_of(double low, double high, str period, str currency, bint up_to, bint from_, bint predicted,
                    bint bonus, bint ote):
    """Return `extract.salary._pay(low, high, …, *_figures(low, high, period))`: plausible pay is annualised here,
    implausible pay gets its figures and reason from the reference's `_figures`."""
    bounds = _bounds.get(period)
    if (bounds is not None and isfinite(low) and isfinite(high) and low <= high and low >= <double>bounds[0]
            and high <= <double>bounds[1] and high <= _max_range_ratio * low):
        factor = <double>_annual_factor[period]
        day = _day_factor.get(period)
        annual_min = low * factor
        annual_max = high * factor
        day_min = low * <double>day if day else None
        day_max = high * <double>day if day else None
        reason = None
    else:
        annual_min, annual_max, day_min, day_max, reason = _figures(low, high, period)
    pay = _new_object(_pay_class)
    pay.__dict__.update({
        "min": low, "max": high, "period": period, "currency": currency, "up_to": up_to, "from_": from_,
        "predicted": predicted, "bonus": bonus, "ote": ote, "annual_min": annual_min, "annual_max": annual_max,
        "day_min": day_min, "day_max": day_max, "reject_reason": reason,
    })
    return pay


cdef bint _holds_ampersand(str text):
    """Return True when `text` holds "&"."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t length = len(text)
    if kind == 1:
        return memchr(data, 38, length) != NULL
    cdef Py_ssize_t at
    for at in range(length):
        if PyUnicode_READ(kind, data, at) == 38:
            return True
    return False


cdef bint _holds_unusual_letter(str text):
    """Return True when `text` holds "İ", "ı" or "ſ"."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t at
    cdef Py_UCS4 char
    for at in range(len(text)):
        char = PyUnicode_READ(kind, data, at)
        if char == 0x130 or char == 0x131 or char == 0x17F:
            return True
    return False


cdef str _inferred_period(double high, str window):
    """Return `extract.salary._inferred_period(high, window)`."""
    if high < 100:
        return "hour"
    if high < 1_500:
        return "day"
    if high < 10_000:
        if high <= 3_000:
            for cue in _ir35_words:
                if cue in window:
                    return "day"
        return "month"
    return "year"


cdef Found _chosen(str text, str lowered, list anchors):
    """Return `extract.salary._chosen_candidate(text, lowered, lowered, anchors)` of a text without "İ", "ı" and "ſ",
    whose lower case `lowered` keeps every offset, or None."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef int lowered_kind = PyUnicode_KIND(lowered)
    cdef void* lowered_data = PyUnicode_DATA(lowered)
    cdef Py_ssize_t length = len(text)
    cdef Py_ssize_t consumed = 0, position, anchor, end, at
    cdef Py_ssize_t pairs = len(anchors) // 2
    cdef Py_UCS4 before
    cdef Py_ssize_t begins[GROUPS]
    cdef Py_ssize_t ends[GROUPS]
    cdef Found chosen = None, candidate
    for at in range(pairs):
        position = anchors[2 * at]
        anchor = anchors[2 * at + 1]
        if position < consumed:
            continue
        if anchor < -1:
            if position and PyUnicode_READ(kind, data, position - 1) == 35:  # "#"
                continue
            if (not _has_pay_stem(lowered_kind, lowered_data, position - 30 if position > 30 else 0, position)
                    and _period_after(lowered, lowered_kind, lowered_data, length, ~anchor) is None):
                continue
            anchor = position
        elif anchor < 0:
            anchor = _currency_word_start(lowered, position)
            if anchor == position:
                before = PyUnicode_READ(kind, data, position - 1)
                if Py_UNICODE_ISALNUM(before) or before == 95 or before == 46 or before == 44 or before == 58 \
                        or before == 47:  # "_", ".", ",", ":", "/"
                    continue
        if not _range_spans(lowered, lowered_kind, lowered_data, length, anchor, begins, ends):
            continue
        end = ends[WHOLE]
        if end <= position:
            continue
        consumed = end
        candidate = _candidate(text, kind, data, length, lowered, lowered_kind, lowered_data, begins, ends)
        if candidate is None:
            continue
        if chosen is None or candidate.tier < chosen.tier:
            chosen = candidate
        if candidate.tier == 0:
            break
    return chosen


cdef Found _candidate(str text, int kind, void* data, Py_ssize_t length, str lowered, int lowered_kind,
                      void* lowered_data, Py_ssize_t* begins, Py_ssize_t* ends):
    """Return `extract.salary._candidate` of one match of `_RANGE` in the lowered text (its group spans), or None."""
    cdef Py_ssize_t start, end
    # a group's text is empty exactly when the group did not take part (each alternative holds a character)
    cdef bint cur1_raw = ends[CUR1] > begins[CUR1]
    cdef bint s1_raw = ends[S1] > begins[S1]
    cdef bint cur2_raw = ends[CUR2] > begins[CUR2]
    cdef bint has_n2 = ends[N2] > begins[N2]
    if cur2_raw and not cur1_raw and not s1_raw:
        if not _range_spans(lowered, lowered_kind, lowered_data, length, begins[CUR2], begins, ends):
            return None
        return _candidate(text, kind, data, length, lowered, lowered_kind, lowered_data, begins, ends)
    start = begins[WHOLE]
    end = ends[WHOLE]
    cdef int s1 = _scale_at(lowered_kind, lowered_data, begins[S1]) if s1_raw else NO_SCALE
    cdef int s2 = _scale_at(lowered_kind, lowered_data, begins[S2]) if ends[S2] > begins[S2] else NO_SCALE
    cdef Py_ssize_t cur1 = CUR1 if cur1_raw else (POSTCUR1 if ends[POSTCUR1] > begins[POSTCUR1] else -1)
    cdef Py_ssize_t cur2 = CUR2 if cur2_raw else (POSTCUR2 if ends[POSTCUR2] > begins[POSTCUR2] else -1)
    cdef Py_UCS4 before
    if not cur1_raw:
        start = begins[N1]
        if start > 0:
            before = PyUnicode_READ(kind, data, start - 1)
            if Py_UNICODE_ISALNUM(before) or before == 35 or before == 47:  # "#", "/"
                return None
    if cur1 < 0 and cur2 < 0 and s1 != THOUSANDS and s2 != THOUSANDS:
        if not _has_pay_stem(lowered_kind, lowered_data, start - 30 if start > 30 else 0, start):
            if _period_after(lowered, lowered_kind, lowered_data, length, end) is None:
                return None
        if _not_pay_after_match(lowered, end, end + _tail_chars) is not None:
            return None
    cdef Py_UCS4 after = PyUnicode_READ(kind, data, end) if end < length else 0
    if (ends[N1] - begins[N1] == 3 and PyUnicode_READ(lowered_kind, lowered_data, begins[N1]) == 52
            and PyUnicode_READ(lowered_kind, lowered_data, begins[N1] + 1) == 48
            and PyUnicode_READ(lowered_kind, lowered_data, begins[N1] + 2) == 49
            and (s1 == THOUSANDS or after == 107 or after == 75)):  # "401", "k", "K"
        return None
    if s1 == MILLIONS or s1 == BILLIONS or s2 == MILLIONS or s2 == BILLIONS:
        return None
    if cur1 < 0 and cur2 < 0 and ((s1 == THOUSANDS and _glued_k(kind, data, length, ends[S1]))
                                  or (s2 == THOUSANDS and _glued_k(kind, data, length, ends[S2]))):
        return None
    cdef Head head
    period_before = _head(lowered, lowered_kind, lowered_data, start, &head)
    cdef double low = _number(lowered, lowered_kind, lowered_data, begins[N1], ends[N1])
    cdef double high = _number(lowered, lowered_kind, lowered_data, begins[N2], ends[N2]) if has_n2 else 0.0
    cdef bint has_high = has_n2
    if (has_high and ends[SEP] - begins[SEP] == 3 and PyUnicode_READ(lowered_kind, lowered_data, begins[SEP]) == 97
            and not head.between):  # "and" (the only separator of three letters beginning with "a")
        has_high = False
        s2 = NO_SCALE
        cur2 = -1
        end = ends[S1] if s1_raw else ends[N1]
    if has_high and s2 == NO_SCALE and cur2 < 0 and high < low / 10:
        has_high = False
        end = ends[S1] if s1_raw else ends[N1]
    if has_high:
        if s2 == THOUSANDS:
            high *= 1000
            if s1 == NO_SCALE and low < 1000:
                low *= 1000
        if s1 == THOUSANDS:
            low *= 1000
        if s1 == NO_SCALE and low < 1000 <= high and low * 1000 <= high:
            low *= 1000
    else:
        if s1 == THOUSANDS:
            low *= 1000
        high = low
    currency = _currency_at(lowered_kind, lowered_data, begins[cur1 if cur1 >= 0 else cur2]) \
        if cur1 >= 0 or cur2 >= 0 else None
    cdef bint has_money = currency is not None or s1 == THOUSANDS or s2 == THOUSANDS
    period = _period_after(lowered, lowered_kind, lowered_data, length, end)
    if period is None and has_money:
        period = period_before
    cdef Py_ssize_t n1_length = ends[N1] - begins[N1]
    if not has_money:
        if period is None and not (head.strong_pay_word and low >= 100):
            return None
        if (period is None and n1_length == 4 and 1900 <= low <= 2100
                and not _holds_mark(lowered_kind, lowered_data, begins[N1], ends[N1])):
            return None
    if head.not_pay or _not_pay_after_match(lowered, end, end + _tail_chars) is not None:
        return None
    if low == 0 and high == 0:
        return None
    cdef Py_ssize_t tail_end = end + _tail_chars if end + _tail_chars < length else length
    # each pattern holds a word the tail must hold: "bonus"; "ote", "o.t.e", "target" ("on target") or "earnings"
    cdef bint bonus_tail = _holds(lowered_kind, lowered_data, end, tail_end, "bonus") and \
        _bonus_after_match(lowered, end, end + _tail_chars) is not None
    cdef bint ote_tail = (_holds(lowered_kind, lowered_data, end, tail_end, "ote")
                          or _holds(lowered_kind, lowered_data, end, tail_end, "o.t.e")
                          or _holds(lowered_kind, lowered_data, end, tail_end, "target")
                          or _holds(lowered_kind, lowered_data, end, tail_end, "earnings")) and \
        _ote_after_match(lowered, end, end + _tail_chars) is not None
    ote_tail = ote_tail or head.ote
    cdef Found found = Found.__new__(Found)
    found.tier = 2 if bonus_tail or ote_tail else (0 if period is not None or head.strong_pay_word else 1)
    found.start = start
    found.low = low
    found.high = high
    found.currency = currency
    found.period = period
    found.up_to = not has_n2 and head.up_to
    found.from_ = not has_n2 and head.from_
    found.bonus_tail = bonus_tail
    found.ote_tail = ote_tail
    return found


cdef object _head(str lowered, int kind, void* data, Py_ssize_t start, Head* head):
    """Fill `head` with `extract.salary._head` of the words before offset `start`; return its period."""
    cdef Py_ssize_t begin = start - _head_chars if start > _head_chars else 0
    cdef Py_ssize_t at
    # the sentence: after the last ". ", then the last line break, then the last "; "
    at = start - 2
    while at >= begin:
        if PyUnicode_READ(kind, data, at) == 46 and PyUnicode_READ(kind, data, at + 1) == 32:
            begin = at + 2
            break
        at -= 1
    at = start - 1
    while at >= begin:
        if PyUnicode_READ(kind, data, at) == 10:
            begin = at + 1
            break
        at -= 1
    at = start - 2
    while at >= begin:
        if PyUnicode_READ(kind, data, at) == 59 and PyUnicode_READ(kind, data, at + 1) == 32:
            begin = at + 2
            break
        at -= 1
    # the last five words, last first
    cdef Py_ssize_t word_begins[5]
    cdef Py_ssize_t word_ends[5]
    cdef int count = 0, last
    at = start
    while count < 5:
        while at > begin and not _is_word_char(PyUnicode_READ(kind, data, at - 1)):
            at -= 1
        if at == begin:
            break
        word_ends[count] = at
        while at > begin and _is_word_char(PyUnicode_READ(kind, data, at - 1)):
            at -= 1
        word_begins[count] = at
        count += 1
    words = [lowered[word_begins[last]:word_ends[last]] for last in range(count)]
    cdef int strong_at = -1, not_pay_at = -1  # counted from the last word
    for last in range(count if count < 4 else 4):
        if words[last] in _strong_pay_words:
            strong_at = last
            break
    for last in range(count):
        word = words[last]
        if word in _not_pay_words or (<str>word).startswith("series"):
            not_pay_at = last
            break
    last_word = words[0] if count else ""
    last_pair = (words[1], words[0]) if count >= 2 else None
    head.strong_pay_word = strong_at >= 0 and (not_pay_at < 0 or strong_at < not_pay_at)
    head.not_pay = not_pay_at >= 0 and (strong_at < 0 or not_pay_at < strong_at)
    head.up_to = last_word in _up_to_words or (last_pair is not None and last_pair in _up_to_pairs)
    at = start - 1
    while at >= begin and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, at)):
        at -= 1
    head.from_ = (last_word in _from_words or (last_pair is not None and last_pair in _from_pairs)
                  or (at >= begin and PyUnicode_READ(kind, data, at) == 43))  # "+"
    head.between = last_word == "between"
    head.ote = (last_word == "ote" or last_word == "o.t.e" or last_word == "o.t.e."
                or last_pair == ("target", "earnings"))
    if not _holds_literal(&_PERIOD_STEMS, kind, data, begin, start):
        return None
    # text between the last figure and this one decides a period cue
    at = start - 1
    while at >= begin:
        char = PyUnicode_READ(kind, data, at)
        if 48 <= char <= 57 or char == 0xA3 or char == 0x20AC or char == 36:  # a digit, "£", "€", "$"
            break
        at -= 1
    cdef Py_ssize_t cue_begin = at + 1
    if start - cue_begin > 30:
        cue_begin = start - 30
    cue = lowered[cue_begin:start]
    for phrase, name in _period_before_phrases:
        if phrase in cue:
            return name
    return None


cdef inline bint _is_word_char(Py_UCS4 char):
    """Return True for a character of a word of `extract.salary._WORD`: neither whitespace nor punctuation."""
    if Py_UNICODE_ISSPACE(char):
        return False
    cdef Py_ssize_t at
    for at in range(_punctuation_count):
        if _PUNCTUATION[at] == char:
            return False
    return True


cdef inline bint _has_pay_stem(int kind, void* data, Py_ssize_t begin, Py_ssize_t end):
    """Return True when one of `extract.salary._PAY_STEMS` lies within `[begin, end)` of the lowered text."""
    return _holds_literal(&_PAY_STEMS, kind, data, begin, end)


cdef int _load_literals(Literals* literals, words, bint any_space) except -1:
    """Fill `literals` with `words` (ASCII, at most 32 of at most 24 characters)."""
    words = tuple(words)
    if len(words) > 32 or not all(word.isascii() and 0 < len(word) <= 24 for word in words):
        raise ValueError("a compiled literal set holds at most 32 ASCII words of at most 24 characters")
    literals.count = len(words)
    literals.any_space = any_space
    for at, word in enumerate(words):
        literals.lengths[at] = len(word)
        for offset, letter in enumerate(word):
            literals.chars[at][offset] = ord(letter)
        literals.first[ord(word[0])] |= (<uint32_t>1) << at
    return 0


cdef bint _literal_at(Literals* literals, int kind, void* data, Py_ssize_t at, Py_ssize_t end):
    """Return True when one of `literals` begins at `at` and ends by `end`."""
    cdef Py_UCS4 char = PyUnicode_READ(kind, data, at)
    if char >= 128:
        return False
    cdef uint32_t candidates = literals.first[char]
    cdef int word, offset, size
    cdef Py_UCS4 expected, found
    while candidates:
        word = 0
        while not (candidates >> word) & 1:
            word += 1
        candidates &= ~((<uint32_t>1) << word)
        size = literals.lengths[word]
        if at + size > end:
            continue
        offset = 1
        while offset < size:
            expected = literals.chars[word][offset]
            found = PyUnicode_READ(kind, data, at + offset)
            if found != expected and not (literals.any_space and expected == 32 and Py_UNICODE_ISSPACE(found)):
                break
            offset += 1
        if offset == size:
            return True
    return False


cdef bint _holds_literal(Literals* literals, int kind, void* data, Py_ssize_t begin, Py_ssize_t end):
    """Return True when one of `literals` lies within `[begin, end)`."""
    cdef Py_ssize_t at
    for at in range(begin, end):
        if _literal_at(literals, kind, data, at, end):
            return True
    return False


cdef bint _holds(int kind, void* data, Py_ssize_t begin, Py_ssize_t end, str word):
    """Return True when `word` (ASCII) lies within `[begin, end)` of the text."""
    cdef Py_ssize_t size = len(word)
    cdef Py_ssize_t at, offset
    cdef Py_UCS4 first = word[0]
    for at in range(begin, end - size + 1):
        if PyUnicode_READ(kind, data, at) != first:
            continue
        offset = 1
        while offset < size and PyUnicode_READ(kind, data, at + offset) == <Py_UCS4>word[offset]:
            offset += 1
        if offset == size:
            return True
    return False


cdef inline bint _holds_mark(int kind, void* data, Py_ssize_t begin, Py_ssize_t end):
    """Return True when `[begin, end)` holds "," or "."."""
    cdef Py_ssize_t at
    cdef Py_UCS4 char
    for at in range(begin, end):
        char = PyUnicode_READ(kind, data, at)
        if char == 44 or char == 46:
            return True
    return False


cdef inline bint _glued_k(int kind, void* data, Py_ssize_t length, Py_ssize_t after):
    """Return True when a letter follows the `k` suffix ending at `after` (`extract.salary._glued_k`)."""
    return after < length and Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, after))


cdef inline int _scale_at(int kind, void* data, Py_ssize_t begin):
    """Return `extract.salary._scale` of the scale group at `begin` of the lowered text: its first letter after an
    optional space tells "k", "m"/"mn"/"million" and "bn"/"billion" apart."""
    cdef Py_UCS4 char = PyUnicode_READ(kind, data, begin)
    if Py_UNICODE_ISSPACE(char):
        char = PyUnicode_READ(kind, data, begin + 1)
    if char == 107:  # "k"
        return THOUSANDS
    return MILLIONS if char == 109 else BILLIONS  # "m", else "b"


cdef inline str _currency_at(int kind, void* data, Py_ssize_t begin):
    """Return `extract.salary._currency` of the currency group at `begin` of the lowered text, told by its first
    character: "£", "gbp", "pound…" are GBP, "€", "eur…" EUR, "$", "us$", "usd" USD."""
    cdef Py_UCS4 char = PyUnicode_READ(kind, data, begin)
    if char == 0x20AC or char == 101:  # "€", "e"
        return "EUR"
    if char == 36 or char == 117:  # "$", "u"
        return "USD"
    return "GBP"


cdef double _number(str lowered, int kind, void* data, Py_ssize_t begin, Py_ssize_t end) except? -1.0:
    """Return `extract.salary._number` of the number at `[begin, end)`: whole numbers of up to 15 ASCII digits (exact
    in a double) are summed here, others (a decimal part, digits beyond ASCII) parsed by `float`."""
    cdef double value = 0
    cdef Py_ssize_t at, digits = 0
    cdef Py_UCS4 char
    for at in range(begin, end):
        char = PyUnicode_READ(kind, data, at)
        if char == 44:  # ","
            continue
        if not 48 <= char <= 57 or digits == 15:
            return float(lowered[begin:end].replace(",", ""))
        value = value * 10 + (<int>char - 48)
        digits += 1
    return value


PERIOD_OPENINGS = ("gross", "basic", "base", "fte", "pro", "ex", "+", "inc", "per", "p.", "pa", "p/", "a ", "/", "an",
                   "yearly", "pcm", "monthly", "pm", "pw", "weekly", "pd", "daily", "day ", "ph", "hourly")
"""How `extract.salary._PERIOD_AFTER` can go on after its leading spaces and "(": the openings of its pay modifiers
("gross", "basic", "base", "fte", "pro rata", "ex vat", "+ vat", "inc"/"exc vat") and of its periods ("per annum",
"p.a.", "pa", "p/a", "a year", "/year", "annual", "an hour", "yearly", "pcm", …, "day rate", "ph", "hourly");
" " stands for any whitespace."""


cdef object _period_after(str lowered, int kind, void* data, Py_ssize_t length, Py_ssize_t end):
    """Return `extract.salary._period_after(lowered, end)`: `_PERIOD_AFTER` is run only when the text after the spaces
    (and an opening parenthesis) begins with one of `PERIOD_OPENINGS`."""
    cdef Py_ssize_t limit = end + _tail_chars if end + _tail_chars < length else length
    cdef Py_ssize_t at = end
    while at < limit and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, at)):
        at += 1
    if at < limit and PyUnicode_READ(kind, data, at) == 40:  # "("
        at += 1
        while at < limit and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, at)):
            at += 1
    if at == limit:
        return None
    if not _literal_at(&_PERIOD_OPENINGS, kind, data, at, limit):
        return None
    found = _period_after_match(lowered, end, end + _tail_chars)
    return found.lastgroup if found is not None else None


cdef bint _range_spans(str lowered, int kind, void* data, Py_ssize_t length, Py_ssize_t anchor, Py_ssize_t* begins,
                       Py_ssize_t* ends) except -1:
    """Fill `begins`/`ends` with the group spans of `_RANGE.match(lowered, anchor)`; return False when it does not
    match. The common shapes are read here; the regex decides the rest."""
    cdef int quick = _quick_range(kind, data, length, anchor, begins, ends)
    if quick >= 0:
        return quick
    found = _range_match(lowered, anchor)
    if found is None:
        return False
    cdef Py_ssize_t group = 0
    for span in found.regs:
        begins[group] = span[0]
        ends[group] = span[1]
        group += 1
    return True


cdef int _quick_range(int kind, void* data, Py_ssize_t length, Py_ssize_t anchor, Py_ssize_t* begins,
                      Py_ssize_t* ends):
    """Return 1 with the group spans of `_RANGE` at `anchor` filled in when the amount is a "£", "€" or "$" mark or
    nothing, digits with thousands groups or a decimal part, an optional "k", and optionally a "-", "–", "—", "−",
    "~" or "to" and a second such amount, followed by nothing the pattern could read further; -1 when anything else
    might follow (a scale or currency word, a glued period, "and", "up to", a "%", other digits), for the regex."""
    cdef Py_ssize_t group, at, start, number_end, sep_begin, sep_end
    cdef Py_UCS4 char
    for group in range(GROUPS):
        begins[group] = -1
        ends[group] = -1
    begins[WHOLE] = anchor
    # the first amount; a bare number may not follow a letter, a digit or one of "_.,:/" (`(?<![\w.,:/])`)
    if anchor:
        char = PyUnicode_READ(kind, data, anchor - 1)
        if Py_UNICODE_ISALNUM(char) or char == 95 or char == 46 or char == 44 or char == 58 or char == 47:
            return -1
    at = _quick_amount(kind, data, length, anchor, begins + CUR1, ends + CUR1)
    if at < 0:
        return -1
    # a currency code or a glued period before a range ("£500 pd - £600 pd") is for the regex
    next_word = at + 1 if Py_UNICODE_ISSPACE(_read(kind, data, length, at)) else at
    if _begins_currency_code(kind, data, length, next_word) or _begins_glued_period(kind, data, length, next_word):
        return -1
    ends[WHOLE] = at
    # the separator
    sep_begin = at
    while sep_begin < length and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, sep_begin)):
        sep_begin += 1
    char = _read(kind, data, length, sep_begin)
    if char == 45 or char == 0x2013 or char == 0x2014 or char == 0x2212 or char == 126:  # "-", "–", "—", "−", "~"
        sep_end = sep_begin + 1
    elif _begins_with(kind, data, length, sep_begin, "to"):
        sep_end = sep_begin + 2
    elif _begins_with(kind, data, length, sep_begin, "and"):
        sep_end = sep_begin + 3
    elif _begins_with(kind, data, length, sep_begin, "up") and Py_UNICODE_ISSPACE(_read(kind, data, length,
                                                                                         sep_begin + 2)):
        sep_end = sep_begin + 3
        while sep_end < length and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, sep_end)):
            sep_end += 1
        if not _begins_with(kind, data, length, sep_end, "to"):
            return 1
        sep_end += 2
    else:
        return 1
    # the second amount
    start = sep_end
    while start < length and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)):
        start += 1
    char = _read(kind, data, length, start)
    if char >= 128 and char != 0xA3 and char != 0x20AC:
        return -1  # a digit beyond ASCII or a letter: for the regex
    if _begins_currency_code(kind, data, length, start) or _begins_with(kind, data, length, start, "us$") or \
            _begins_with(kind, data, length, start, "pound"):
        return -1
    if 48 <= char <= 57:
        # a bare number may not follow a letter, a digit or one of "_.,:/" (`(?<![\w.,:/])`)
        char = PyUnicode_READ(kind, data, start - 1)
        if Py_UNICODE_ISALNUM(char) or char == 95 or char == 46 or char == 44 or char == 58 or char == 47:
            return 1
    elif not (char == 0xA3 or char == 0x20AC or char == 36):
        return 1  # no second amount: the first stands alone
    at = _quick_amount(kind, data, length, start, begins + CUR2, ends + CUR2)
    if at == -2:
        return 1
    if at < 0:
        return -1
    if _begins_currency_code(kind, data, length, at + 1 if Py_UNICODE_ISSPACE(_read(kind, data, length, at)) else at):
        return -1
    number_end = at
    while number_end < length and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, number_end)):
        number_end += 1
    if _read(kind, data, length, number_end) == 37:  # "%": `(?!\s*%)` would make the regex try shorter amounts
        return -1
    begins[SEP] = sep_begin
    ends[SEP] = sep_end
    ends[WHOLE] = at
    return 1


cdef Py_ssize_t _quick_amount(int kind, void* data, Py_ssize_t length, Py_ssize_t at, Py_ssize_t* begins,
                              Py_ssize_t* ends):
    """Return where the amount at `at` ends, its spans filled in (currency mark, number, scale: `begins[0:3]`), when it
    is a currency mark or none, a number and an optional "k"; -2 when no amount begins there (a mark without digits);
    -1 when the regex must decide."""
    cdef Py_UCS4 char = PyUnicode_READ(kind, data, at)
    cdef Py_ssize_t number_end, mark
    if char == 0xA3 or char == 0x20AC or char == 36:  # "£", "€", "$"
        mark = at
        at += 1
        char = _read(kind, data, length, at)
        if Py_UNICODE_ISSPACE(char):
            char = _read(kind, data, length, at + 1)
            if 48 <= char <= 57:
                at += 1
        char = _read(kind, data, length, at)
        if not 48 <= char <= 57:
            return -1 if char >= 128 or Py_UNICODE_ISSPACE(char) else -2
        begins[0] = mark
        ends[0] = mark + 1
    elif not 48 <= char <= 57:
        return -1
    number_end = _quick_number_end(kind, data, length, at)
    if number_end < 0:
        return -1
    begins[1] = at
    ends[1] = number_end
    # the scale, in the order of `_SCALE`: "k", "m" before no letter a-z, "mn", "bn", " million", " billion"
    cdef Py_ssize_t scale_end = -1
    char = _read(kind, data, length, number_end)
    if char == 107:  # "k"
        scale_end = number_end + 1
    elif char == 109 and not 97 <= _read(kind, data, length, number_end + 1) <= 122:  # "m"
        scale_end = number_end + 1
    elif _begins_word(kind, data, length, number_end, "mn"):
        scale_end = number_end + 2
    elif _begins_word(kind, data, length, number_end, "bn"):
        scale_end = number_end + 2
    else:
        at = number_end + 1 if Py_UNICODE_ISSPACE(char) else number_end
        if _begins_word(kind, data, length, at, "million") or _begins_word(kind, data, length, at, "billion"):
            scale_end = at + 7
    if scale_end < 0:
        return number_end
    begins[2] = number_end
    ends[2] = scale_end
    return scale_end


cdef Py_ssize_t _quick_number_end(int kind, void* data, Py_ssize_t length, Py_ssize_t at):
    """Return where `_NUM` and its look-ahead `(?![\d]|:\d|/\d)` end the number of ASCII digits at `at`, or -1 when
    the look-ahead fails there (the regex would try shorter numbers) or a digit beyond ASCII is near."""
    cdef Py_ssize_t end = at
    cdef Py_UCS4 char
    while end < length and 48 <= PyUnicode_READ(kind, data, end) <= 57:
        end += 1
    if end - at <= 3:
        # thousands groups: "," and three digits, as many as there are
        while (_read(kind, data, length, end) == 44 and _is_ascii_digit(kind, data, length, end + 1)
               and _is_ascii_digit(kind, data, length, end + 2) and _is_ascii_digit(kind, data, length, end + 3)):
            end += 4
    char = _read(kind, data, length, end)
    if char == 46 and _is_ascii_digit(kind, data, length, end + 1):  # a decimal part
        end += 1
        while end < length and 48 <= PyUnicode_READ(kind, data, end) <= 57:
            end += 1
        char = _read(kind, data, length, end)
    if char >= 128 and Py_UNICODE_ISDECIMAL(char):
        return -1
    if 48 <= char <= 57:
        return -1
    if char == 58 or char == 47 or char == 44 or char == 46:  # ":", "/", and "," or "." before a digit beyond ASCII
        char = _read(kind, data, length, end + 1)
        if 48 <= char <= 57 or (char >= 128 and Py_UNICODE_ISDECIMAL(char)):
            return -1
    return end


cdef inline Py_UCS4 _read(int kind, void* data, Py_ssize_t length, Py_ssize_t at):
    """Return the character at `at`, or 0 past the end."""
    return PyUnicode_READ(kind, data, at) if at < length else 0


cdef inline bint _is_ascii_digit(int kind, void* data, Py_ssize_t length, Py_ssize_t at):
    """Return True when the character at `at` is an ASCII digit."""
    return at < length and 48 <= PyUnicode_READ(kind, data, at) <= 57


cdef bint _begins_with(int kind, void* data, Py_ssize_t length, Py_ssize_t at, str word):
    """Return True when the text at `at` begins with `word`."""
    cdef Py_ssize_t size = len(word)
    cdef Py_ssize_t offset
    if at + size > length:
        return False
    for offset in range(size):
        if PyUnicode_READ(kind, data, at + offset) != <Py_UCS4>word[offset]:
            return False
    return True


cdef bint _begins_word(int kind, void* data, Py_ssize_t length, Py_ssize_t at, str word):
    """Return True when the text at `at` begins with `word` and a word boundary (`word\\b`)."""
    if not _begins_with(kind, data, length, at, word):
        return False
    cdef Py_UCS4 char = _read(kind, data, length, at + len(word))
    return at + len(word) == length or not (Py_UNICODE_ISALNUM(char) or char == 95)  # "_"


cdef bint _begins_currency_code(int kind, void* data, Py_ssize_t length, Py_ssize_t at):
    """Return True when the text at `at` begins with "gbp", "eur" or "usd" (a currency code after an amount)."""
    return (_begins_with(kind, data, length, at, "gbp") or _begins_with(kind, data, length, at, "eur")
            or _begins_with(kind, data, length, at, "usd"))


cdef bint _begins_glued_period(int kind, void* data, Py_ssize_t length, Py_ssize_t at):
    """Return True when the text at `at` begins with a period `_RANGE` takes before a range ("pd", "p/d", "ph",
    "p/h", "pa", "pcm", "pw")."""
    if _read(kind, data, length, at) != 112:  # "p"
        return False
    cdef Py_UCS4 char = _read(kind, data, length, at + 1)
    if char == 100 or char == 104 or char == 97 or char == 119:  # "d", "h", "a", "w"
        return True
    if char == 99:  # "c"
        return _read(kind, data, length, at + 2) == 109  # "m"
    if char == 47:  # "/"
        char = _read(kind, data, length, at + 2)
        return char == 100 or char == 104
    return False
