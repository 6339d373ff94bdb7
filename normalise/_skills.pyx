# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled twin of `SkillExtractor._resolved` and `_count_rows`: automaton hits to accepted mentions, in C.

The pure-Python functions in `normalise.skills` are the reference and the fallback; this module gives identical
results. Only the rare steps call back into Python: boilerplate-heading regexes and context rules.
"""
from collections import Counter

cimport cython

from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.ref cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.unicode cimport Py_UNICODE_ISALPHA
from libc.stdlib cimport free, malloc, qsort, realloc
from libc.string cimport memset

cdef enum:
    BOILERPLATE = -2
    HEADING_TRIGGER = -3
    PHRASE = -4
    IS_DOT = 1
    KEEPS_DOT = 2
    MARKER_LOOKBACK = 400  # a boilerplate phrase's sentence starts at most this far back (as in the reference)


cdef struct Hit:
    Py_ssize_t start
    Py_ssize_t end
    Py_ssize_t length
    PyObject* skill_id  # borrowed from the automaton's stored value; None for a role-title mask
    long rule


cdef struct Span:
    Py_ssize_t start
    Py_ssize_t end


cdef struct Work:
    Hit* hits
    Py_ssize_t n_hits
    Py_ssize_t cap_hits
    Span* markers  # (text offset, marker kind)
    Py_ssize_t n_markers
    Py_ssize_t cap_markers
    Span* phrases
    Py_ssize_t n_phrases
    Py_ssize_t cap_phrases
    Span* ranges
    Py_ssize_t n_ranges
    Py_ssize_t cap_ranges
    Py_ssize_t* chosen  # indices into hits, by start
    Py_ssize_t n_chosen
    Py_ssize_t* scratch  # 4 * n_hits indices for clusters


cdef object _python_skills = None


cdef object python_skills():
    """Return the `normalise.skills` module (imported on first use: it imports this module)."""
    global _python_skills
    if _python_skills is None:
        from normalise import skills
        _python_skills = skills
    return _python_skills


cdef int grow(void** array, Py_ssize_t* capacity, size_t item_size) except -1:
    """Double the capacity of a malloc'ed array."""
    cdef Py_ssize_t wanted = capacity[0] * 2 if capacity[0] else 32
    cdef void* moved = realloc(array[0], wanted * item_size)
    if moved == NULL:
        raise MemoryError()
    array[0] = moved
    capacity[0] = wanted
    return 0


cdef inline int push_span(Span** array, Py_ssize_t* n, Py_ssize_t* capacity, Py_ssize_t start,
                          Py_ssize_t end) except -1:
    if n[0] == capacity[0]:
        grow(<void**>array, capacity, sizeof(Span))
    array[0][n[0]].start = start
    array[0][n[0]].end = end
    n[0] += 1
    return 0


cdef void release(Work* w):
    free(w.hits)
    free(w.markers)
    free(w.phrases)
    free(w.ranges)
    free(w.chosen)
    free(w.scratch)


cdef inline int add_hit(Work* w, Py_ssize_t last, Py_ssize_t length, PyObject* skill_id, long rule,
                        bint with_phrases, Py_ssize_t* reach) except -1:
    """Add one automaton hit (a key of `length` ending at padded index `last`) to `w`: an earliest-ending phrase
    span (when asked), a marker, or a candidate."""
    cdef Py_ssize_t start = last - length + 1
    cdef Hit* hit
    if rule == PHRASE:
        if with_phrases and start >= reach[0]:
            reach[0] = last - 1
            push_span(&w.phrases, &w.n_phrases, &w.cap_phrases, start, reach[0])
    elif rule < -1:
        push_span(&w.markers, &w.n_markers, &w.cap_markers, start, rule)
    else:
        if w.n_hits == w.cap_hits:
            grow(<void**>&w.hits, &w.cap_hits, sizeof(Hit))
        hit = &w.hits[w.n_hits]
        hit.start = start
        hit.end = last - 1
        hit.length = length
        hit.skill_id = skill_id
        hit.rule = rule
        w.n_hits += 1
    return 0


cdef int scanned(Work* w, object hit_iter, bint with_phrases) except -1:
    """Fill the candidates, markers and (when asked) earliest-ending phrase spans from raw automaton hits."""
    cdef Py_ssize_t reach = -1
    cdef PyObject* value
    cdef tuple item
    for item in hit_iter:
        value = PyTuple_GET_ITEM(item, 1)
        add_hit(w, <Py_ssize_t><object>PyTuple_GET_ITEM(item, 0), <Py_ssize_t><object>PyTuple_GET_ITEM(<tuple>value, 0),
                PyTuple_GET_ITEM(<tuple>value, 1), <long><object>PyTuple_GET_ITEM(<tuple>value, 2), with_phrases,
                &reach)
    return 0


@cython.final
cdef class Scanner:
    """A dense Aho-Corasick automaton over ASCII keys that reads raw text: the hits of `Automaton.iter` over
    `ascii_match_text(text)`, in the same order, without building that text.

    Built from the automaton's (key, value) items, value = (key length, skill id or None, rule), the byte table of
    `ascii_match_text` and the non-ASCII separators. A state's outputs are its own key, then those of its dictionary
    link: at one end position the longest key comes first.
    """
    cdef int* delta  # n_states x n_classes next states
    cdef int* terminal  # entry index of the key ending at a state, or -1
    cdef int* dictionary_link  # nearest proper-suffix state with a key, or -1
    cdef int* output  # the state itself if a key ends there, else its dictionary link
    cdef int n_states
    cdef int n_classes
    cdef int classes[128]
    cdef Py_ssize_t* lengths
    cdef long* rules
    cdef PyObject** skill_ids  # owned by `entries`
    cdef unsigned char* character_classes  # per BMP character: the class of what `ascii_match_text` makes of it
    cdef unsigned char* character_flags  # per BMP character: IS_DOT, KEEPS_DOT (a digit or lower-case letter)
    cdef readonly list entries
    cdef readonly bytes table
    cdef readonly str separators

    def __cinit__(self, entries, bytes table, str separators):
        self.entries = list(entries)
        self.table = table
        self.separators = separators
        if len(table) != 256 or any(table[code] >= 128 for code in range(128)):
            raise ValueError("Scanner takes a 256-byte table mapping ASCII to ASCII")
        self.build()
        self.build_character_tables()

    def __dealloc__(self):
        free(self.delta)
        free(self.terminal)
        free(self.dictionary_link)
        free(self.output)
        free(self.character_classes)
        free(self.character_flags)
        free(self.lengths)
        free(self.rules)
        free(self.skill_ids)

    def __reduce__(self):
        return (Scanner, (self.entries, self.table, self.separators))

    cdef int build(self) except -1:
        cdef Py_ssize_t n_entries = len(self.entries), most = 1, e
        cdef int s, t, c, head = 0, tail = 0, code
        cdef int* fail
        cdef int* queue
        cdef str key
        memset(self.classes, 0, sizeof(self.classes))
        self.n_classes = 1  # class 0: every character that occurs in no key
        for key, _ in self.entries:
            most += len(key)
            for ch in key:
                code = <int>ch
                if code >= 128:
                    raise ValueError(f"Scanner takes ASCII keys only, not {key!r}")
                if self.classes[code] == 0:
                    self.classes[code] = self.n_classes
                    self.n_classes += 1
        self.delta = <int*>malloc(most * self.n_classes * sizeof(int))
        self.terminal = <int*>malloc(most * sizeof(int))
        self.dictionary_link = <int*>malloc(most * sizeof(int))
        self.lengths = <Py_ssize_t*>malloc((n_entries + 1) * sizeof(Py_ssize_t))
        self.rules = <long*>malloc((n_entries + 1) * sizeof(long))
        self.skill_ids = <PyObject**>malloc((n_entries + 1) * sizeof(PyObject*))
        fail = <int*>malloc(most * sizeof(int))
        queue = <int*>malloc(most * sizeof(int))
        try:
            if (self.delta == NULL or self.terminal == NULL or self.dictionary_link == NULL or self.lengths == NULL
                    or self.rules == NULL or self.skill_ids == NULL or fail == NULL or queue == NULL):
                raise MemoryError()
            memset(self.delta, 0xFF, self.n_classes * sizeof(int))
            self.terminal[0] = -1
            self.n_states = 1
            for e in range(n_entries):
                key, value = self.entries[e]
                self.lengths[e] = value[0]
                self.skill_ids[e] = <PyObject*>value[1]
                self.rules[e] = value[2]
                s = 0
                for ch in key:
                    c = self.classes[<int>ch]
                    if self.delta[s * self.n_classes + c] < 0:
                        t = self.n_states
                        self.n_states += 1
                        memset(self.delta + t * self.n_classes, 0xFF, self.n_classes * sizeof(int))
                        self.terminal[t] = -1
                        self.delta[s * self.n_classes + c] = t
                    s = self.delta[s * self.n_classes + c]
                self.terminal[s] = e
            # Breadth first, so a state's failure state (shallower) is complete before the state itself.
            fail[0] = 0
            self.dictionary_link[0] = -1
            for c in range(self.n_classes):
                t = self.delta[c]
                if t < 0:
                    self.delta[c] = 0
                else:
                    fail[t] = 0
                    self.dictionary_link[t] = -1
                    queue[tail] = t
                    tail += 1
            while head < tail:
                s = queue[head]
                head += 1
                for c in range(self.n_classes):
                    t = self.delta[s * self.n_classes + c]
                    if t < 0:
                        self.delta[s * self.n_classes + c] = self.delta[fail[s] * self.n_classes + c]
                    else:
                        fail[t] = self.delta[fail[s] * self.n_classes + c]
                        self.dictionary_link[t] = (fail[t] if self.terminal[fail[t]] >= 0
                                                   else self.dictionary_link[fail[t]])
                        queue[tail] = t
                        tail += 1
        finally:
            free(fail)
            free(queue)
        self.output = <int*>malloc(self.n_states * sizeof(int))
        if self.output == NULL:
            raise MemoryError()
        for s in range(self.n_states):
            self.output[s] = s if self.terminal[s] >= 0 else self.dictionary_link[s]
        return 0

    cdef int build_character_tables(self) except -1:
        cdef int code, matched
        self.character_classes = <unsigned char*>malloc(0x10000)
        self.character_flags = <unsigned char*>malloc(0x10000)
        if self.character_classes == NULL or self.character_flags == NULL:
            raise MemoryError()
        memset(self.character_classes, 0, 0x10000)  # a non-ASCII letter: in no key
        memset(self.character_flags, 0, 0x10000)
        for code in range(128):
            matched = self.table[code]
            self.character_classes[code] = self.classes[matched]
            self.character_flags[code] = (IS_DOT if matched == 46 else 0) | (
                KEEPS_DOT if 48 <= matched <= 57 or 97 <= matched <= 122 else 0)
        for ch in self.separators:
            code = <int>ch
            if code < 128 or code > 0xFFFF:
                raise ValueError(f"Scanner takes non-ASCII BMP separators only, not {ch!r}")
            self.character_classes[code] = self.classes[32]
        return 0

    cdef int scanned(self, Work* w, str text, bint with_phrases) except -1:
        """Fill the candidates, markers and phrase spans of `w` from the keys found in `ascii_match_text(text)`."""
        cdef Py_ssize_t last = 0, reach = -1
        cdef int state = self.delta[self.classes[32]], current = -1, following, flags, code
        cdef int space = self.classes[32]
        cdef bint dot = False
        self.emitted(w, state, 0, with_phrases, &reach)
        # Padded index `last` holds text character last-1; the text is read one character ahead for the dot rule.
        for ch in text:
            code = <int>ch
            if code <= 0xFFFF:
                following = self.character_classes[code]
                flags = self.character_flags[code]
            else:
                following = 0
                flags = 0
            if current >= 0:
                # A dot that no digit or lower-case letter follows is a separator (the loose-dot rule).
                state = self.delta[state * self.n_classes + (space if dot and not flags & KEEPS_DOT else current)]
                last += 1
                if self.output[state] >= 0:
                    self.emitted(w, state, last, with_phrases, &reach)
            current = following
            dot = flags & IS_DOT
        if current >= 0:
            state = self.delta[state * self.n_classes + (space if dot else current)]
            last += 1
            self.emitted(w, state, last, with_phrases, &reach)
        state = self.delta[state * self.n_classes + space]
        self.emitted(w, state, last + 1, with_phrases, &reach)
        return 0

    cdef inline int emitted(self, Work* w, int state, Py_ssize_t last, bint with_phrases,
                            Py_ssize_t* reach) except -1:
        """Add the keys ending in `state` at padded index `last` to `w`, longest first."""
        cdef int t = self.output[state], e
        while t >= 0:
            e = self.terminal[t]
            t = self.dictionary_link[t]
            add_hit(w, last, self.lengths[e], self.skill_ids[e], self.rules[e], with_phrases, reach)
        return 0

    def hits(self, str text):
        """Return the candidates as (last index, (length, skill id, rule)), markers and phrase spans of `text`."""
        cdef Work w
        cdef Py_ssize_t i
        clear_work(&w)
        try:
            self.scanned(&w, text, True)
            return ([(w.hits[i].end + 1, (w.hits[i].length, <object>w.hits[i].skill_id, w.hits[i].rule))
                     for i in range(w.n_hits)],
                    [(w.markers[i].start, w.markers[i].end) for i in range(w.n_markers)],
                    [(w.phrases[i].start, w.phrases[i].end) for i in range(w.n_phrases)])
        finally:
            release(&w)


cdef inline bint overlapping(Hit* a, Hit* b):
    return not (a.end <= b.start or a.start >= b.end)


cdef Py_ssize_t longest_first(Hit* hits, Py_ssize_t a, Py_ssize_t b, Py_ssize_t* out, Py_ssize_t* order,
                              Py_ssize_t* kept):
    """Append to `out` the survivors of cluster hits[a:b] (longest first, then earliest), by start; return how many."""
    cdef Py_ssize_t m = b - a, i, j, x, n_kept = 0
    cdef Hit* c
    cdef bint clear
    if m == 2:
        if not overlapping(&hits[a], &hits[a + 1]):
            if hits[a + 1].start < hits[a].start:
                out[0] = a + 1
                out[1] = a
            else:
                out[0] = a
                out[1] = a + 1
            return 2
        if hits[a].length > hits[a + 1].length or (
                hits[a].length == hits[a + 1].length and hits[a].start <= hits[a + 1].start):
            out[0] = a
        else:
            out[0] = a + 1
        return 1
    # A stable insertion sort by (-length, start), as `sorted` in the reference.
    for i in range(m):
        x = a + i
        j = i
        while j > 0 and (hits[order[j - 1]].length < hits[x].length or (
                hits[order[j - 1]].length == hits[x].length and hits[order[j - 1]].start > hits[x].start)):
            order[j] = order[j - 1]
            j -= 1
        order[j] = x
    for i in range(m):
        c = &hits[order[i]]
        clear = True
        for j in range(n_kept):
            if overlapping(c, &hits[kept[j]]):
                clear = False
                break
        if clear:
            kept[n_kept] = order[i]
            n_kept += 1
    # Survivors are disjoint, so their starts differ: any sort by start is the reference's.
    for i in range(1, n_kept):
        x = kept[i]
        j = i
        while j > 0 and hits[kept[j - 1]].start > hits[x].start:
            kept[j] = kept[j - 1]
            j -= 1
        kept[j] = x
    for i in range(n_kept):
        out[i] = kept[i]
    return n_kept


cdef int chose(Work* w) except -1:
    """Fill `chosen` with the candidates surviving longest-match-wins (`longest_non_overlapping_by_end`)."""
    cdef Py_ssize_t n = w.n_hits, i, k = 0, c, start
    cdef Py_ssize_t* first
    cdef Py_ssize_t* ends
    w.chosen = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    w.scratch = <Py_ssize_t*>malloc((4 * n + 4) * sizeof(Py_ssize_t))
    if w.chosen == NULL or w.scratch == NULL:
        raise MemoryError()
    first = w.scratch
    ends = w.scratch + n + 1
    for i in range(n):
        start = w.hits[i].start
        if k and start < ends[k - 1]:
            ends[k - 1] = w.hits[i].end
            # A long candidate may reach back over earlier clusters: merge them.
            while k > 1 and start < ends[k - 2]:
                k -= 1
                ends[k - 1] = w.hits[i].end
        else:
            first[k] = i
            ends[k] = w.hits[i].end
            k += 1
    w.n_chosen = 0
    if k == n:
        for i in range(n):
            w.chosen[i] = i
        w.n_chosen = n
        return 0
    first[k] = n
    for c in range(k):
        if first[c + 1] - first[c] == 1:
            w.chosen[w.n_chosen] = first[c]
            w.n_chosen += 1
        else:
            w.n_chosen += longest_first(w.hits, first[c], first[c + 1], w.chosen + w.n_chosen,
                                        w.scratch + 2 * n + 2, w.scratch + 3 * n + 3)
    return 0


cdef inline bint heading_decoration(Py_UCS4 ch):
    return ch == u" " or ch == u"\t" or ch == u"#" or ch == u"*" or ch == u">" or ch == u"-" or ch == u"\u2022"


cdef inline bint sentence_break(Py_UCS4 ch):
    return ch == u"." or ch == u"!" or ch == u"?" or ch == u"\n"


cdef bint starts_line(str text, Py_ssize_t start):
    """Return whether only heading decoration precedes `start` on its line (`_starts_line`)."""
    cdef Py_ssize_t i = start - 1
    while i >= 0 and heading_decoration(text[i]):
        i -= 1
    return i < 0 or text[i] == u"\n"


cdef inline bint heading_word_initial(Py_UCS4 ch):
    """Return whether `ch` may begin one of `_HEADING`'s heading words (any non-ASCII letter may fold to one)."""
    if ch >= 128:
        return Py_UNICODE_ISALPHA(ch)
    if u"A" <= ch <= u"Z":
        ch = <Py_UCS4>(<int>ch + 32)
    return (ch == u"a" or ch == u"d" or ch == u"e" or ch == u"j" or ch == u"k" or ch == u"n" or ch == u"o"
            or ch == u"q" or ch == u"r" or ch == u"s" or ch == u"t" or ch == u"w")


cdef bint may_be_heading(str text, Py_ssize_t line_start, Py_ssize_t size):
    """Return whether the line at `line_start` can match `_HEADING`: a capitalised line ending with a colon, or a
    short line starting like a heading word (after decoration; the longest heading word has 23 characters)."""
    cdef Py_ssize_t first = line_start, last = line_start
    cdef Py_UCS4 ch
    while first < size and (text[first] == u" " or text[first] == u"\t" or text[first] == u"#"
                            or text[first] == u"*" or text[first] == u">"):
        first += 1
    if first >= size or text[first] == u"\n":
        return False
    ch = text[first]
    last = first
    while last < size and text[last] != u"\n":
        last += 1
    while last > first and (text[last - 1] == u" " or text[last - 1] == u"\t"):
        last -= 1
    if u"A" <= ch <= u"Z" and text[last - 1] == u":":
        return True
    return heading_word_initial(ch) and last - first <= 30


cdef object next_heading(object pattern, str text, Py_ssize_t pos):
    """Return `_NEXT_HEADING.search(text, pos)`, trying the pattern only at line breaks that may start a heading."""
    cdef Py_ssize_t size = len(text), p
    for p in range(pos, size):
        if text[p] == u"\n" and may_be_heading(text, p + 1, size):
            found = pattern.match(text, p)
            if found is not None:
                return found
    return None


cdef Py_ssize_t boilerplate_section_end(str text, Py_ssize_t line_start, Py_ssize_t line_end) except -2:
    """Return `normalise.skills.boilerplate_section_end(text, line_start, line_end)`."""
    skills = python_skills()
    boilerplate_heading = skills._BOILERPLATE_HEADING
    if not boilerplate_heading.fullmatch(text, line_start, line_end):
        return -1
    heading = skills._NEXT_HEADING
    following = next_heading(heading, text, line_end)
    while following is not None and boilerplate_heading.fullmatch(following.group(0).strip("\n")):
        following = next_heading(heading, text, following.end())
    return following.start() + 1 if following is not None else len(text)


def section_end(str text, Py_ssize_t line_start, Py_ssize_t line_end) -> int:
    """Return `normalise.skills.boilerplate_section_end(text, line_start, line_end)`, compiled (for the tests)."""
    return boilerplate_section_end(text, line_start, line_end)


cdef int boilerplate(Work* w, str text) except -1:
    """Fill `ranges` with the boilerplate ranges of the markers (`boilerplate_ranges`)."""
    cdef Py_ssize_t m, start, line_start, line_end, left, right, i, lowest
    cdef Py_ssize_t size = len(text)
    cdef long kind
    for m in range(w.n_markers):
        start = w.markers[m].start
        kind = <long>w.markers[m].end
        if w.n_ranges and w.ranges[w.n_ranges - 1].start <= start < w.ranges[w.n_ranges - 1].end:
            continue
        if kind == HEADING_TRIGGER:
            if not starts_line(text, start):
                continue
            line_start = start - 1
            while line_start >= 0 and text[line_start] != u"\n":
                line_start -= 1
            line_start += 1
            line_end = start
            while line_end < size and text[line_end] != u"\n":
                line_end += 1
            right = boilerplate_section_end(text, line_start, line_end)
            if right < 0:
                continue
            push_span(&w.ranges, &w.n_ranges, &w.cap_ranges, line_start, right)
        else:
            lowest = start - MARKER_LOOKBACK if start > MARKER_LOOKBACK else 0
            left = 0
            i = start - 1
            while i >= lowest:
                if sentence_break(text[i]):
                    left = i + 1
                    break
                i -= 1
            right = size
            i = start
            while i < size:
                if sentence_break(text[i]):
                    right = i + 1
                    break
                i += 1
            push_span(&w.ranges, &w.n_ranges, &w.cap_ranges, left, right)
    return 0


cdef void unexcluded(Work* w):
    """Drop the chosen candidates that start inside a boilerplate range."""
    cdef Py_ssize_t i, r, kept = 0, start
    cdef bint inside
    for i in range(w.n_chosen):
        start = w.hits[w.chosen[i]].start
        inside = False
        for r in range(w.n_ranges):
            if w.ranges[r].start <= start < w.ranges[r].end:
                inside = True
                break
        if not inside:
            w.chosen[kept] = w.chosen[i]
            kept += 1
    w.n_chosen = kept


cdef list plain_spans(Work* w):
    """Return (start, end) of the chosen skills without a context rule (the `near_skills` support)."""
    cdef Py_ssize_t k
    cdef Hit* c
    plain = []
    for k in range(w.n_chosen):
        c = &w.hits[w.chosen[k]]
        if <object>c.skill_id is not None and c.rule < 0:
            plain.append((c.start, c.end))
    return plain


cdef object accepted(Work* w, object extractor, str text, object padded):
    """Keep in `chosen` only the skills (not masks) whose context rules pass (`SkillExtractor._accepted`); return the
    padded text (built here when a rule needs it and it is None)."""
    cdef Py_ssize_t i, kept = 0
    cdef Hit* c
    cdef list rules = extractor._rules
    plain = None
    for i in range(w.n_chosen):
        c = &w.hits[w.chosen[i]]
        if <object>c.skill_id is None:
            continue
        if c.rule >= 0 and rules:
            if plain is None:
                plain = plain_spans(w)
            if padded is None:
                padded = extractor._normalised(text)
            if not extractor._context_ok(rules[c.rule], text, padded, c.start, c.end, plain):
                continue
        w.chosen[kept] = w.chosen[i]
        kept += 1
    w.n_chosen = kept
    return padded


cdef int by_start_then_end(const void* a, const void* b) noexcept nogil:
    cdef const Span* x = <const Span*>a
    cdef const Span* y = <const Span*>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    if x.end != y.end:
        return -1 if x.end < y.end else 1
    return 0


cdef int cleared(Work* w) except -1:
    """Keep only the phrase spans that overlap no accepted mention and no boilerplate range (`clear_spans`)."""
    cdef Py_ssize_t n = w.n_chosen + w.n_ranges, i, k = 0, lo, hi, mid, kept = 0
    cdef Span* blocked = <Span*>malloc((n + 1) * sizeof(Span))
    if blocked == NULL:
        raise MemoryError()
    try:
        for i in range(w.n_chosen):
            blocked[i].start = w.hits[w.chosen[i]].start
            blocked[i].end = w.hits[w.chosen[i]].end
        for i in range(w.n_ranges):
            blocked[w.n_chosen + i] = w.ranges[i]
        qsort(blocked, n, sizeof(Span), by_start_then_end)
        # Merge in place into disjoint ranges (`_disjoint`).
        for i in range(n):
            if k and blocked[i].start < blocked[k - 1].end:
                if blocked[i].end > blocked[k - 1].end:
                    blocked[k - 1].end = blocked[i].end
            else:
                blocked[k] = blocked[i]
                k += 1
        for i in range(w.n_phrases):
            # The first blocked range ending after the span starts is the only one that can overlap it.
            lo = 0
            hi = k
            while lo < hi:
                mid = (lo + hi) // 2
                if blocked[mid].end <= w.phrases[i].start:
                    lo = mid + 1
                else:
                    hi = mid
            if lo == k or blocked[lo].start >= w.phrases[i].end:
                w.phrases[kept] = w.phrases[i]
                kept += 1
        w.n_phrases = kept
    finally:
        free(blocked)
    return 0


cdef object resolve(Work* w, object extractor, str text, bint with_phrases):
    """Fill `w` with the accepted mentions and cleared phrase spans of `text`; return the padded text or None.

    With the compiled scanner the padded text is only built when a context rule needs it.
    """
    cdef Scanner scanner = extractor._scanner
    padded = None
    if scanner is not None:
        scanner.scanned(w, text, with_phrases)
    else:
        padded = extractor._normalised(text)
        scanned(w, extractor._automaton.iter(padded), with_phrases)
    if w.n_hits == 0 and (w.n_markers == 0 or w.n_phrases == 0):
        return padded  # nothing to choose from, and no phrase a boilerplate range could clear
    chose(w)
    if w.n_markers and (w.n_chosen or w.n_phrases):
        boilerplate(w, text)
        if w.n_ranges:
            unexcluded(w)
    padded = accepted(w, extractor, text, padded)
    if w.n_phrases and (w.n_chosen or w.n_ranges):
        cleared(w)
    return padded


cdef list mention_tuples(Work* w):
    """Return (skill_id, start, end) of the accepted mentions."""
    cdef Py_ssize_t i
    cdef Hit* c
    found = []
    for i in range(w.n_chosen):
        c = &w.hits[w.chosen[i]]
        found.append((<object>c.skill_id, c.start, c.end))
    return found


cdef list phrase_tuples(Work* w):
    """Return (start, end) of the phrase spans."""
    return [(w.phrases[i].start, w.phrases[i].end) for i in range(w.n_phrases)]


cdef inline void clear_work(Work* w):
    w.hits = NULL
    w.markers = NULL
    w.phrases = NULL
    w.ranges = NULL
    w.chosen = NULL
    w.scratch = NULL
    w.n_hits = w.cap_hits = w.n_markers = w.cap_markers = w.n_phrases = w.cap_phrases = 0
    w.n_ranges = w.cap_ranges = w.n_chosen = 0


def resolved(extractor, text, bint with_phrases):
    """Return `SkillExtractor._resolved(text, with_phrases)`: accepted mentions, phrase spans and the padded text."""
    cdef Work w
    text = plain_str(text)
    clear_work(&w)
    try:
        padded = resolve(&w, extractor, text, with_phrases and bool(extractor.phrases))
        return mention_tuples(&w), phrase_tuples(&w), extractor._normalised(text) if padded is None else padded
    finally:
        release(&w)


def spans(extractor, text, bint with_phrases):
    """Return `SkillExtractor._resolved(text, with_phrases)[:2]`, without building the padded text when not needed."""
    cdef Work w
    text = plain_str(text)
    clear_work(&w)
    try:
        resolve(&w, extractor, text, with_phrases and bool(extractor.phrases))
        return mention_tuples(&w), phrase_tuples(&w)
    finally:
        release(&w)


cdef str plain_str(object text):
    """Return `text` as an exact `str` (a subclass such as numpy.str_ holds the same characters)."""
    return text if type(text) is str else str(text)


def count_rows(extractor, texts, Py_ssize_t offset, bint with_phrases):
    """Return `_count_rows(extractor, texts, offset, with_phrases)`: (row, skill id, mentions) and phrase counts."""
    cdef Work w
    cdef Py_ssize_t i, index = offset - 1
    cdef PyObject* seen
    cdef dict tally
    cdef list rows = [], skill_ids = [], counts = []
    phrases = Counter()
    with_phrases = with_phrases and bool(extractor.phrases)
    for text in texts:
        index += 1
        if not isinstance(text, str) or not text:
            continue
        text = plain_str(text)
        clear_work(&w)
        try:
            padded = resolve(&w, extractor, text, with_phrases)
            if w.n_phrases:
                if padded is None:
                    padded = extractor._normalised(text)
                # Phrase keys are single-spaced, so the matched normalised text is the key itself.
                phrases.update({padded[w.phrases[i].start + 1 : w.phrases[i].end + 1] for i in range(w.n_phrases)})
            if w.n_chosen == 0:
                continue
            tally = {}
            for i in range(w.n_chosen):
                skill_id = <object>w.hits[w.chosen[i]].skill_id
                seen = PyDict_GetItem(tally, skill_id)
                PyDict_SetItem(tally, skill_id, 1 if seen == NULL else <object>seen + 1)
            rows += [index] * len(tally)
            skill_ids += tally
            counts += tally.values()
        finally:
            release(&w)
    return rows, skill_ids, counts, phrases
