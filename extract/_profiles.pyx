# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled landing of JSON Resume profiles in JSON Lines files: line bytes straight to typed profile columns.

The twin of `extract.ingest`'s reference path for `jsonresume` sources (`jsonl_records`, `profile_from_resume`,
`_Collector.accept`, `typed_frame`): `ResumeColumns.land_lines` reads each non-blank line as strict JSON and lands
the profile itself only when it is certain the reference accepts it with these values. Every other line (not JSON,
not an object, an unusual value, an escaped or repeated key, a missing `meta.id`, any rejection or duplicate) goes
to the `slow` callback, which lands it through the reference code; a file the scanner does not handle at all (a
BOM, invalid UTF-8) raises `Unsupported`, and the caller lands the whole part with the reference instead.

The JSON scanning, string column and sha256 pieces are `extract/_json_bytes.pxi`, shared with `extract/_landing.pyx`,
with a line the scanner cannot read handed to the reference rather than the whole document.
"""
import datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF, Py_INCREF
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint8_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy, strlen


cdef extern from "Python.h":
    void* PyUnicode_DATA(PyObject* unicode)
    Py_ssize_t PyUnicode_GET_LENGTH(PyObject* unicode)


class Unsupported(Exception):
    """The file holds something the compiled scanner does not handle: land it with the reference path."""


class _NotPlain(Exception):
    """The line is not one the scanner lands itself: the reference lands it."""


# Bytes the scanner does not read send only their line to the reference.
_UNREADABLE = _NotPlain

include "_json_bytes.pxi"


# --- shared short strings ------------------------------------------------------------------------------------

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


# --- line checks ---------------------------------------------------------------------------------------------

cdef int _not_plain(str why) except -1:
    raise _NotPlain(why)


cdef inline int _plain(int kept) except -1:
    """Return `kept`, what `_write_text` gave; a value of another kind than text is not plain."""
    if kept < 0:
        return _not_plain("a value text() turns into its str")
    return kept


cdef inline const char* _ascii_stripped(const char* text, Py_ssize_t* size) noexcept nogil:
    """Return `text` without the ASCII whitespace at its ends, setting `size` to the length left."""
    while size[0] and _is_space(<uint8_t>text[0]):
        text += 1
        size[0] -= 1
    while size[0] and _is_space(<uint8_t>text[size[0] - 1]):
        size[0] -= 1
    return text


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
    cdef _RecordIds ids
    cdef dict days
    cdef list month_starts
    cdef Job* jobs
    cdef Py_ssize_t jobs_cap
    cdef int* job_order

    def __cinit__(self, str source, set seen):
        self.source_id, self.headline, self.location = _Strings(), _Strings(), _Strings()
        self.summary, self.profile_id, self.scratch = _Strings(), _Strings(), _Strings()
        self.skill_texts = _Strings()
        self.texts = _Texts()
        self.skills, self.work, self.source_rows = [], [], []
        self.ids = _RecordIds(source, seen)
        self.days = {}
        self.month_starts = [None] * (_MONTH_START_YEARS * 12)
        self.jobs_cap = 16
        self.jobs = <Job*>malloc(self.jobs_cap * sizeof(Job))
        self.job_order = <int*>malloc(self.jobs_cap * sizeof(int))
        if self.jobs == NULL or self.job_order == NULL:
            raise MemoryError()

    def __dealloc__(self):
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
        cdef const uint8_t* digits
        cdef int year, month, day
        if v.kind == ABSENT or v.kind == NULL_:
            return 0
        if v.kind != STRING:
            return _not_plain("a date that is not text")
        text = self._decoded(data, v, &size)
        for i in range(size):
            if <uint8_t>text[i] >= 0x80:
                return _not_plain("a date that is not ASCII")
        text = _ascii_stripped(text, &size)
        if size == 0:
            return 0
        if _is_word(text, size, b"present") or _is_word(text, size, b"current") or _is_word(text, size, b"now"):
            return 0
        digits = <const uint8_t*>text
        if size == 4:
            year, month, day = _digits(digits, 4), 1, 1
        elif size == 7:
            year, month, day = _digits(digits, 4), _digits(digits + 5, 2), 1
        elif size >= 10 and text[4] == 45 and text[7] == 45:
            year, month, day = _digits(digits, 4), _digits(digits + 5, 2), _digits(digits + 8, 2)
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
            if _scan_fields(c, _JOB_NAMES, J_COUNT, f, 3):
                return _not_plain("an escaped or repeated key")
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
        text = _ascii_stripped(text, &size)
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
                if _scan_fields(c, _SKILL_NAMES, 2, f, 3):
                    _not_plain("an escaped or repeated key")
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
        cdef Py_ssize_t jobs = 0, size
        cdef int found, i, kept_location, kept_summary
        cdef list skills = None
        cdef const char* text
        for i in range(T_COUNT):
            top[i].kind = ABSENT
        if _opened(c):
            while True:
                found = _key_index(c, _TOP_NAMES, T_COUNT)
                if found == -2 or found >= 0 and top[found].kind != ABSENT:
                    return _not_plain("an escaped or repeated key")
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
            if _scan_fields(&inner, _BASICS_NAMES, B_COUNT, basics, 2):
                return _not_plain("an escaped or repeated key")
            if basics[B_LOCATION].kind == OBJECT:
                inner.at = basics[B_LOCATION].start
                if _scan_fields(&inner, _PLACE_NAMES, 2, place, 3):
                    return _not_plain("an escaped or repeated key")
        # Without `meta.id` the id is a hash of the whole document: the reference computes it.
        if top[T_META].kind != OBJECT:
            return 0
        inner.at = top[T_META].start
        if _scan_fields(&inner, _META_NAMES, 1, meta, 2):
            return _not_plain("an escaped or repeated key")
        work = self._work_history(data, jobs)
        if _plain(_write_text(self.headline, data, &basics[B_LABEL])) == 0:
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
        kept_location = _plain(_write_text(self.location, data, &place[0]))
        if kept_location:
            size = self.location.used
            self.location.write(b", ", 2)
            if not _plain(_write_text_after(self.location, data, &place[1])):
                self.location.used = size
        else:
            kept_location = _plain(_write_text(self.location, data, &place[1]))
        kept_summary = _plain(_write_text(self.summary, data, &basics[B_SUMMARY]))
        if _plain(_write_text(self.source_id, data, &meta[0])) != 1:
            return 0
        # All values are known: check the id is new.
        if not self.ids.add(self.profile_id, self.source_id.data + self.source_id.mark,
                            self.source_id.used - self.source_id.mark):
            return 0
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
