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
from libc.math cimport NAN
from libc.stdint cimport uint8_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp


cdef extern from "Python.h":
    double PyOS_string_to_double(const char* s, char** endptr, object overflow_exception) except? -1.0


class Unsupported(Exception):
    """The document holds something the compiled scanner does not handle: land it with the reference path."""


# Bytes the scanner does not read send the whole part to the reference.
_UNREADABLE = Unsupported

include "_json_bytes.pxi"


def record_id(str source, str source_id):
    """Return the first 16 hex of sha256(f"{source}|{source_id}"), as `extract.ingest.record_id`."""
    cdef bytes message = f"{source}|{source_id}".encode("utf-8")
    cdef char out[16]
    _sha256_hex16(<const uint8_t*>PyBytes_AS_STRING(message), PyBytes_GET_SIZE(message), out)
    return out[:16].decode("ascii")


# --- typed number and flag columns ---------------------------------------------------------------------------

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
    cdef _RecordIds ids
    cdef bytes default_currency
    cdef int year, month
    cdef dict days

    def __cinit__(self, str source, int year, int month, str currency, set seen):
        self.source_id, self.title, self.description = _Strings(), _Strings(), _Strings()
        self.company, self.location, self.salary = _Strings(), _Strings(), _Strings()
        self.currency, self.salary_period, self.contract, self.url = _Strings(), _Strings(), _Strings(), _Strings()
        self.posting_id = _Strings()
        self.salary_min, self.salary_max, self.predicted = _Numbers(), _Numbers(), _Flags()
        self.posted_at, self.source_rows = [], []
        self.ids = _RecordIds(source, seen)
        self.default_currency = currency.encode("utf-8")
        self.year, self.month = year, month
        self.days = {}

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
                    return _unreadable("an object key is not a string")
                _scan_string(&c, &key)
                _skip_space(&c)
                if c.at >= c.size or c.data[c.at] != 58:
                    return _unreadable("a key without a value")
                c.at += 1
                _skip_space(&c)
                size = key.stop - key.start
                if key.escaped:
                    return _unreadable("an escaped key")
                if size == 7 and memcmp(c.data + key.start, b"results", 7) == 0:
                    if found or c.at >= c.size or c.data[c.at] != 91:
                        return _unreadable("results is repeated or not a list")
                    found = True
                    rows = self._land_results(&c, reed, slow)
                else:
                    _scan_value(&c, &value, 1)
                _skip_space(&c)
                if c.at < c.size and c.data[c.at] == 44:
                    c.at += 1
                    _skip_space(&c)
                    if c.at < c.size and c.data[c.at] == 125:
                        return _unreadable("a trailing comma")
                elif c.at < c.size and c.data[c.at] != 125:
                    return _unreadable("a malformed object")
            if c.at >= c.size:
                return _unreadable("the document ends early")
            c.at += 1
            if not found:
                return _unreadable("no results list")
        else:
            return _unreadable("not a JSON object or array")
        _skip_space(&c)
        if c.at != c.size:
            return _unreadable("data after the document")
        return rows

    cdef Py_ssize_t _land_results(self, Cursor* c, bint reed, object slow) except -1:
        """Land each element of the results array at `c`; return how many there are."""
        cdef Py_ssize_t rows = 0, start
        cdef Value value
        cdef int landed
        if not _opened(c):
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
            if not _more(c, 93):
                return rows

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

    cdef object _posted_at(self, int year, int month, int day):
        """Return the date, or None when it is not in the run's month or not a calendar date."""
        if year != self.year or month != self.month or day < 0:
            return None
        key = (year * 100 + month) * 100 + day
        found = self.days.get(key)
        if found is None:
            try:
                found = datetime.date(year, month, day)
            except ValueError:
                found = False
            self.days[key] = found
        return None if found is False else found

    cdef int _identified(self) except -1:
        """Commit the source id, title and description written, with the posting id of the source id; return 0
        (taking the source id back) when the id already landed, so the record goes to the reference."""
        self.source_id.commit(True)
        cdef Py_ssize_t start = self.source_id.offsets[self.source_id.n - 1]
        cdef Py_ssize_t size = self.source_id.offsets[self.source_id.n] - start
        if not self.ids.add(self.posting_id, self.source_id.data + start, size):
            self.source_id.n -= 1
            self.source_id.used = self.source_id.offsets[self.source_id.n]
            self.source_id.mark = self.source_id.used
            return 0
        self.title.commit(True)
        self.description.commit(True)
        return 1

    cdef int _land_adzuna(self, Cursor* c, Py_ssize_t row) except -1:
        """Land the Adzuna result at `c` when it is plainly accepted; return 0 to hand it to the reference."""
        cdef Value f[A_COUNT]
        cdef Value place[2]
        cdef Value company[2]
        cdef Cursor inner
        cdef const uint8_t* data = c.data
        cdef const uint8_t* day
        cdef double salary_min = 0, salary_max = 0
        cdef int has_min, has_max, predicted, kept, has_type, kind
        cdef int kept_location, kept_time, kept_url
        cdef Py_ssize_t size
        if _scan_fields(c, _ADZUNA_NAMES, A_COUNT, f, 2):
            return 0
        if f[A_LOCATION].kind != OBJECT or f[A_COMPANY].kind != OBJECT:
            return 0
        inner = c[0]
        inner.at = f[A_LOCATION].start
        if _scan_fields(&inner, _PLACE_NAMES, 2, place, 3):
            return 0
        inner.at = f[A_COMPANY].start
        if _scan_fields(&inner, _PLACE_NAMES, 1, company, 3):
            return 0
        # The period and required fields first: anything the reference rejects goes to it.
        if f[A_CREATED].kind != STRING or f[A_CREATED].escaped or f[A_CREATED].stop - f[A_CREATED].start < 10:
            return 0
        day = data + f[A_CREATED].start
        if day[4] != 45 or day[7] != 45:
            return 0
        posted_at = self._posted_at(_digits(day, 4), _digits(day + 5, 2), _digits(day + 8, 2))
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
        if not self._identified():
            return 0
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
        cdef int has_min, has_max, has_type
        cdef int kept_company, kept_location, kept_salary, kept_currency, kept_period, kept_url
        cdef Py_ssize_t size
        if _scan_fields(c, _REED_NAMES, R_COUNT, f, 2):
            return 0
        posted = &f[R_DATE] if f[R_DATE].kind != ABSENT else &f[R_DATE_POSTED]
        # Reed writes dates as dd/mm/yyyy.
        if posted.kind != STRING or posted.escaped or posted.stop - posted.start != 10:
            return 0
        day = data + posted.start
        if day[2] != 47 or day[5] != 47:
            return 0
        posted_at = self._posted_at(_digits(day + 6, 4), _digits(day + 3, 2), _digits(day, 2))
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
        if not self._identified():
            return 0
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


cdef int _flag_text(const uint8_t* text, Py_ssize_t size) noexcept nogil:
    """Return 1/0 for the flag texts the reference maps straight to a boolean, -1 for others."""
    if size == 1:
        return 1 if text[0] == 49 else 0 if text[0] == 48 else -1
    if size == 4 and (memcmp(text, b"True", 4) == 0 or memcmp(text, b"true", 4) == 0):
        return 1
    if size == 5 and (memcmp(text, b"False", 5) == 0 or memcmp(text, b"false", 5) == 0):
        return 0
    return -1
