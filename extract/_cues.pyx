# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled cue search: the same answer as the pure-Python reference `extract.text.cue_search_reference` for every
input, from one C pass over a text for the cue words of all the calls on it and the pattern tried only where a match
can begin.

The cue words every call has asked for so far are found in one pass, and the occurrences of the last text scanned
are kept: the seven patterns `contract_type` and `work_mode_from_text` search in one ad (the same `lowered` object)
share one pass, and the next text reuses their buffers. `first_cue_match` tries a table of rules in one call (the
compiled posting facts in `extract/_facts.pyx` use it for `contract_type.TEXT_CUES` and `location.TEXT_WORK_MODES`).

The reference searches the pattern in a window around every occurrence of every cue word and confirms a match found
there against the whole text. The windows here are the same, but instead of a search over every position of a
window, the pattern is matched only at the positions where one of its matches can begin: where one of the texts
that begin every match starts ("fixed" of `\\bfixed[\\s-]term\\b`, "mix" and "blend" of `(?:mix|blend) of`), or a
decimal digit when a match can begin with `\\d`. These beginnings are read from the parsed pattern; every position
the reference's search can report is among them, so the answer is the same. A pattern whose beginnings cannot be
read (a leading optional part, a class other than `\\d` or plain characters, a lookaround, re.I) is searched as the
reference does; cue words the scan does not hold (shorter than two characters or longer than 32, beyond Latin-1) are
found with `str.find` as in the reference.
"""
import re

from cpython.mem cimport PyMem_Free, PyMem_Realloc

cdef extern from "Python.h":
    Py_ssize_t references "Py_REFCNT" (void *held)  # a raw pointer: no reference is taken to count them
from cpython.unicode cimport Py_UNICODE_ISDECIMAL, PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memset

ctypedef fused code_t:
    uint8_t
    uint16_t
    uint32_t

cdef enum:
    MAX_WORDS = 64  # cue words (or beginnings) one table holds
    MAX_CHARS = 32  # characters a held cue word (or beginning) has at most
    NO_WORD = 255
    SLOTS = 64  # cue tuples and patterns remembered, by address

# letters from the most to the least common in English ads: the scan looks for the rarest pair of a cue word
_COMMON_CHARS = " etaoinsrhldcumfpgwybvkxjqz"
_LARGEST = 1 << 40  # window sizes beyond this go to the reference, so C arithmetic never overflows

def _rarity(character: str) -> int:
    """Return how rare a character is in ad text (digits and punctuation count as rarer than any letter)."""
    at = _COMMON_CHARS.find(character)
    return len(_COMMON_CHARS) if at < 0 else at


cdef class CueWords:
    """The cue words the scan looks for: each word's characters and its rarest pair of neighbours."""

    cdef tuple words
    cdef uint64_t pairs[1024]  # one bit for each pair of Latin-1 characters that anchors a word
    cdef unsigned char first_word[65536]  # the first word a pair anchors, NO_WORD for none
    cdef unsigned char next_word[MAX_WORDS]  # the next word anchored by the same pair, NO_WORD for none
    cdef int count
    cdef int lengths[MAX_WORDS]
    cdef int anchors[MAX_WORDS]  # offset of the anchoring pair in the word
    cdef uint32_t chars[MAX_WORDS][MAX_CHARS]

    def __init__(self, tuple words):
        cdef int number, offset, best
        cdef uint32_t key
        memset(self.pairs, 0, sizeof(self.pairs))
        memset(self.first_word, NO_WORD, sizeof(self.first_word))
        self.words = words
        self.count = len(words)
        for number in range(self.count - 1, -1, -1):
            word = words[number]
            self.lengths[number] = len(word)
            for offset, character in enumerate(word):
                self.chars[number][offset] = ord(character)
            best = max(range(len(word) - 1), key=lambda at: _rarity(word[at]) + _rarity(word[at + 1]))
            self.anchors[number] = best
            key = ord(word[best]) | (ord(word[best + 1]) << 8)
            self.pairs[key >> 6] |= (<uint64_t>1) << (key & 63)
            self.next_word[number] = self.first_word[key]
            self.first_word[key] = number


cdef class Occurrences:
    """Where the cue words of a CueWords start in one text."""

    cdef object text
    cdef CueWords words
    cdef Py_ssize_t *starts
    cdef unsigned char *numbers  # the word starting at each start
    cdef Py_ssize_t count, capacity

    def __dealloc__(self):
        PyMem_Free(self.starts)
        PyMem_Free(self.numbers)

    cdef int add(self, Py_ssize_t start, unsigned char number) except -1:
        cdef Py_ssize_t capacity
        if self.count == self.capacity:
            capacity = 16 if self.capacity == 0 else 2 * self.capacity
            starts = <Py_ssize_t *>PyMem_Realloc(self.starts, capacity * sizeof(Py_ssize_t))
            if starts == NULL:
                raise MemoryError()
            self.starts = starts
            numbers = <unsigned char *>PyMem_Realloc(self.numbers, capacity)
            if numbers == NULL:
                raise MemoryError()
            self.numbers = numbers
            self.capacity = capacity
        self.starts[self.count] = start
        self.numbers[self.count] = number
        self.count += 1
        return 0


cdef int scanned(Occurrences found, const code_t *data, Py_ssize_t size) except -1:
    """Fill `found` with every occurrence of its words in the text (overlapping ones too, as `str.find` gives)."""
    cdef CueWords words = found.words
    cdef Py_ssize_t at, start
    cdef uint32_t left, right, key
    cdef int number, offset, length
    for at in range(size - 1):
        left = data[at]
        right = data[at + 1]
        if code_t is not uint8_t and (left > 255 or right > 255):
            continue
        key = left | (right << 8)
        if not (words.pairs[key >> 6] >> (key & 63)) & 1:
            continue
        number = words.first_word[key]
        while number != NO_WORD:
            start = at - words.anchors[number]
            length = words.lengths[number]
            if start >= 0 and start + length <= size:
                offset = 0
                while offset < length and data[start + offset] == words.chars[number][offset]:
                    offset += 1
                if offset == length:
                    found.add(start, number)
            number = words.next_word[number]
    return 0


cdef class Beginnings:
    """The texts one of which begins every match of a pattern, and whether a decimal digit can begin one."""

    cdef bint digit
    cdef int count
    cdef int lengths[MAX_WORDS]
    cdef uint32_t chars[MAX_WORDS][MAX_CHARS]
    cdef unsigned char first[256]  # 1 for a Latin-1 character that begins one of the texts
    cdef bint wide_first  # a text begins with a character beyond Latin-1

    def __init__(self, texts, bint digit):
        cdef int number, offset
        memset(self.first, 0, sizeof(self.first))
        self.digit = digit
        self.wide_first = False
        self.count = len(texts)
        for number, text in enumerate(sorted(texts)):
            # a text's first MAX_CHARS characters also begin every match it begins
            self.lengths[number] = min(len(text), MAX_CHARS)
            for offset in range(self.lengths[number]):
                self.chars[number][offset] = ord(text[offset])
            if self.chars[number][0] < 256:
                self.first[self.chars[number][0]] = 1
            else:
                self.wide_first = True


def beginnings_of(pattern) -> tuple[frozenset[str], bool] | None:
    """Return (texts, digit): every match of `pattern` begins with one of the texts or, when `digit`, a decimal digit.

    None when the parsed pattern holds something these rules do not read.
    """
    if not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _parser
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # another Python's parser, or one that rejects what re.compile took: search as the reference
        return None
    found = _sequence_beginnings(_parser, parsed.data)
    if found is None or len(found[0]) > MAX_WORDS:
        return None
    return frozenset(found[0]), found[1]


def _sequence_beginnings(_parser, items) -> tuple[set[str], bool] | None:
    """Return (texts, digit) beginning every match of a parsed sequence, or None."""
    cdef Py_ssize_t index = 0
    c = _parser
    while index < len(items) and items[index][0] is c.AT:  # \b, ^ and the like consume nothing
        index += 1
    if index == len(items):
        return None  # the sequence can match without consuming a character
    op, av = items[index]
    if op is c.LITERAL:
        text = []
        while index < len(items) and items[index][0] is c.LITERAL:
            text.append(chr(items[index][1]))
            index += 1
        return {"".join(text)}, False
    if op is c.IN:
        if list(av) == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
            return set(), True
        if all(member is c.LITERAL for member, _ in av):
            return {chr(value) for _, value in av}, False
        return None
    if op is c.BRANCH:
        texts, digit = set(), False
        for alternative in av[1]:
            found = _sequence_beginnings(_parser, alternative.data)
            if found is None:
                return None
            texts |= found[0]
            digit = digit or found[1]
        return texts, digit
    if op is c.SUBPATTERN:
        group, add_flags, del_flags, body = av
        if add_flags & re.IGNORECASE:
            return None
        return _sequence_beginnings(_parser, body.data)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, high, body = av
        return _sequence_beginnings(_parser, body.data) if low >= 1 else None
    return None


cdef class CueSet:
    """One tuple of cue words a caller passes: which scanned words it holds, and the words found with `str.find`."""

    cdef tuple cues
    cdef CueWords words  # the scan's words when this was made
    cdef unsigned char holds[MAX_WORDS]  # 1 for each scanned word that is one of the cues
    cdef tuple found_by_find
    cdef bint all_text  # every cue is a str (else the reference runs, and fails as it does)


cdef class PatternBeginnings:
    """A pattern and its Beginnings (None when they cannot be read)."""

    cdef object pattern
    cdef object starts


cdef CueWords _words = CueWords(())  # every held cue word asked for so far
cdef Occurrences _last = None  # the occurrences in the last text scanned
cdef list _cue_sets = [None] * SLOTS  # CueSets by the address of their tuple
cdef list _beginnings = [None] * SLOTS  # PatternBeginnings by the address of their pattern
cdef dict _all_cue_sets = {}  # id(cues) -> CueSet, behind the slots
cdef dict _all_beginnings = {}  # id(pattern) -> PatternBeginnings, behind the slots


cdef inline Py_ssize_t slot(object held) noexcept:
    """Return the cache slot of an object, from its address."""
    return ((<size_t><void *>held >> 4) * <size_t>0x9E3779B97F4A7C15 >> 58) % SLOTS


cdef bint held(cue):
    """Return True for a cue word the scan can look for."""
    return type(cue) is str and 2 <= len(cue) <= MAX_CHARS and max(map(ord, cue)) < 256


cdef CueSet cue_set(tuple cues):
    """Return the CueSet of a tuple of cue words, adding its words to the scan's when they are new."""
    global _words, _last, _cue_sets
    cdef Py_ssize_t at = slot(cues)
    cdef CueSet found = _cue_sets[at]
    cdef int number
    if found is not None and found.cues is cues and found.words is _words:
        return found
    found = _all_cue_sets.get(id(cues))
    if found is not None and found.cues is cues and found.words is _words:
        _cue_sets[at] = found
        return found
    words = _words.words
    new = tuple(dict.fromkeys(cue for cue in cues if held(cue) and cue not in words))
    if new:
        if len(words) + len(new) > MAX_WORDS:
            words = ()
            new = tuple(dict.fromkeys(cue for cue in cues if held(cue)))[:MAX_WORDS]
        _words = CueWords(words + new)
        _last = None
        _cue_sets = [None] * SLOTS
        _all_cue_sets.clear()
    found = CueSet()
    found.cues = cues
    found.words = _words
    for number in range(_words.count):
        found.holds[number] = _words.words[number] in cues
    found.found_by_find = tuple(cue for cue in cues if cue not in _words.words)
    found.all_text = all(isinstance(cue, str) for cue in cues)
    if len(_all_cue_sets) >= 1024:
        _all_cue_sets.clear()
    _cue_sets[at] = _all_cue_sets[id(cues)] = found
    return found


cdef Occurrences occurrences(lowered, CueWords words, int kind, void *data, Py_ssize_t size):
    """Return the occurrences of the scan's words in `lowered` (kept for the next call on the same text)."""
    global _last
    if _last is not None and _last.text is lowered and _last.words is words:
        return _last
    cdef Occurrences found
    if _last is not None and references(<void *>_last) == 1:
        found = _last  # the last text's buffers are reused when no call in progress (another thread) holds them
        found.count = 0
    else:
        found = Occurrences()
    found.text = lowered
    found.words = words
    if kind == 1:
        scanned(found, <uint8_t *>data, size)
    elif kind == 2:
        scanned(found, <uint16_t *>data, size)
    else:
        scanned(found, <uint32_t *>data, size)
    _last = found
    return found


cdef object beginnings(pattern):
    """Return the Beginnings of a pattern, or None when they cannot be read (cached)."""
    cdef Py_ssize_t at = slot(pattern)
    cdef PatternBeginnings entry = _beginnings[at]
    if entry is not None and entry.pattern is pattern:
        return entry.starts
    entry = _all_beginnings.get(id(pattern))
    if entry is None or entry.pattern is not pattern:
        found = beginnings_of(pattern)
        entry = PatternBeginnings()
        entry.pattern = pattern
        entry.starts = None if found is None else Beginnings(*found)
        if len(_all_beginnings) >= 1024:
            _all_beginnings.clear()
        _all_beginnings[id(pattern)] = entry
    _beginnings[at] = entry
    return entry.starts


cdef struct Window:
    Py_ssize_t size, back, ahead


cdef inline bint begins(Beginnings starts, const code_t *data, Py_ssize_t at, Py_ssize_t end) noexcept:
    """Return True when one of the pattern's beginnings starts at `at` and ends by `end`."""
    cdef uint32_t code = data[at]
    cdef int number, offset, length
    if starts.digit and (48 <= code <= 57 if code < 256 else Py_UNICODE_ISDECIMAL(code)):
        return True  # the only decimal digits in Latin-1 are "0" to "9"
    if code < 256:
        if not starts.first[code]:
            return False
    elif not starts.wide_first:
        return False
    for number in range(starts.count):
        length = starts.lengths[number]
        if starts.chars[number][0] != code or at + length > end:
            continue
        offset = 1
        while offset < length and data[at + offset] == starts.chars[number][offset]:
            offset += 1
        if offset == length:
            return True
    return False


cdef int window_matches(pattern, lowered, object starts, const code_t *data, Window window, Py_ssize_t at,
                        Py_ssize_t length) except -1:
    """Return 1 when the pattern matches in the window around the cue at `at`, confirmed on the whole text."""
    cdef Py_ssize_t start = at - window.back, end = at + length + window.ahead, position
    if start < 0:
        start = 0
    if end > window.size:
        end = window.size
    if starts is None:
        found = pattern.search(lowered, start, end)
        while found is not None:
            position = found.start()
            if end == window.size or pattern.match(lowered, position) is not None:
                return 1
            found = pattern.search(lowered, position + 1, end)
        return 0
    for position in range(start, end):
        if not begins(<Beginnings>starts, data, position, end):
            continue
        if pattern.match(lowered, position, end) is not None:
            if end == window.size or pattern.match(lowered, position) is not None:
                return 1
    return 0


cdef int searched(pattern, lowered, CueSet cues, Occurrences found, const code_t *data, Window window) except -1:
    """Return 1 when the window of one occurrence of the cue words holds a confirmed match."""
    cdef Py_ssize_t number, at
    starts = beginnings(pattern)
    for number in range(found.count):
        if cues.holds[found.numbers[number]] and window_matches(
                pattern, lowered, starts, data, window, found.starts[number],
                found.words.lengths[found.numbers[number]]):
            return 1
    for cue in cues.found_by_find:
        at = lowered.find(cue)
        while at >= 0:
            if window_matches(pattern, lowered, starts, data, window, at, len(cue)):
                return 1
            at = lowered.find(cue, at + 1)
    return 0


def _by_reference(pattern, lowered, cues, back, ahead) -> bool:
    """Return `extract.text.cue_search_reference` of the arguments (imported here: that module imports this one)."""
    from extract.text import cue_search_reference

    return cue_search_reference(pattern, lowered, cues, back, ahead)


def first_cue_match(lowered, tuple rules, Py_ssize_t start=0) -> int:
    """Return the index of the first of `rules[start:]` whose (pattern, cues, ...) give `cue_search(pattern, lowered,
    cues)`, or -1 when none does."""
    cdef Py_ssize_t number
    for number in range(start, len(rules)):
        rule = rules[number]
        if found_near_cues(rule[0], lowered, rule[1], 32, 48):
            return number
    return -1


def cue_search(pattern, lowered, cues, back=32, ahead=48) -> bool:
    """Return True when `pattern` matches lower-cased text near one of `cues` (see `cue_search_reference`)."""
    return found_near_cues(pattern, lowered, cues, back, ahead)


cdef bint found_near_cues(pattern, lowered, cues, back, ahead) except -1:
    """Return `cue_search` of the arguments (a C call for `first_cue_match`)."""
    if (type(lowered) is not str or type(cues) is not tuple or type(back) is not int or type(ahead) is not int
            or not -_LARGEST < back < _LARGEST or not -_LARGEST < ahead < _LARGEST):
        return _by_reference(pattern, lowered, cues, back, ahead)
    cdef CueSet wanted = cue_set(cues)
    if not wanted.all_text:
        return _by_reference(pattern, lowered, cues, back, ahead)
    cdef int kind = PyUnicode_KIND(lowered)
    cdef void *data = PyUnicode_DATA(lowered)
    cdef Window window
    window.size = PyUnicode_GET_LENGTH(lowered)
    window.back = back
    window.ahead = ahead
    cdef Occurrences found = occurrences(lowered, wanted.words, kind, data, window.size)
    if kind == 1:
        return searched(pattern, lowered, wanted, found, <uint8_t *>data, window) == 1
    if kind == 2:
        return searched(pattern, lowered, wanted, found, <uint16_t *>data, window) == 1
    return searched(pattern, lowered, wanted, found, <uint32_t *>data, window) == 1
