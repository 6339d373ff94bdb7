# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled posting facts: the same columns as the pure-Python reference `extract.facts._facts_columns_reference`
(`_row_facts` per posting) for every input, and the same `str` arrays as `extract.facts._string_column_reference`.

Each posting's cells are read once, in C, for the types landed rows hold (str, None, NaN, bool, float); the lower-cased
ad is built in one pass from title and description; structured contract fields and locations are looked up in
dictionaries of the values already seen; the pay columns are computed from the `Pay` without a `PayFacts`. A cell of
any other type, and the rare pay a rule rejects, are handed to the reference functions in `extract.facts`, so the
answer is the same. Text columns become Arrow arrays from one copy of the strings' bytes.
"""
import numpy as np
import pandas as pd
import pyarrow as pa

from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.stdint cimport int64_t, uint8_t
from libc.string cimport memcpy

from extract.contract_type import TEXT_CUES, contract_type_from_field
from extract.location import TEXT_WORK_MODES, parse_location
from extract.salary import BOUNDS, Pay, lower_case, parse_salary, pay_from_fields
from extract.text import CUES_COMPILED, cue_search

if CUES_COMPILED:
    from extract._cues import first_cue_match
else:
    def first_cue_match(lowered, rules, start=0):
        """Return the index of the first of `rules[start:]` whose pattern matches near its cues, or -1."""
        for number in range(start, len(rules)):
            if cue_search(rules[number][0], lowered, rules[number][1]):
                return number
        return -1

cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    object PyUnicode_DecodeUTF8(const char *data, Py_ssize_t size, const char *errors)
    bint PyUnicode_IS_ASCII(object text)
    bint PyUnicode_IS_COMPACT_ASCII(object text)
    const char *PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL

cdef enum:
    CACHE_LIMIT = 100_000  # distinct locations or contract fields remembered; the dictionaries restart beyond


cdef inline uint8_t lower_latin1(uint8_t code) noexcept:
    """Return the lower case of a Latin-1 character: "A"-"Z" and "\u00c0"-"\u00de" but "\u00d7" move up by 32."""
    return code + ((((<uint8_t>(code - 65) < 26) | ((<uint8_t>(code - 192) < 31) & (code != 215)))) << 5)


if not all(chr(lower_latin1(_code)) == chr(_code).lower() for _code in range(256)):
    raise ImportError("extract._facts: str.lower differs from lower_latin1 here")  # facts falls back to Python

cdef double _DAY_LOW = BOUNDS["day"][0]
cdef double _DAY_HIGH = BOUNDS["day"][1]
cdef str _UNKNOWN = "unknown"
cdef str _CONTRACT = "contract"
cdef str _GBP = "GBP"
cdef str _DAY = "day"
cdef str _HOUR = "hour"
cdef str _WEEK = "week"
cdef str _PREDICTED = "predicted"
cdef object _NA = pd.NA
cdef tuple _TEXT_CUES = TEXT_CUES
cdef tuple _TEXT_WORK_MODES = TEXT_WORK_MODES
# `Pay.flags` for each set of flags: bit 1 up_to, 2 from_, 4 predicted, 8 bonus, 16 ote
cdef tuple _FLAG_NAMES = ((1, "up_to"), (2, "from"), (4, "predicted"), (8, "bonus"), (16, "ote"))
cdef list _FLAGS = [",".join(name for bit, name in _FLAG_NAMES if bits & bit) for bits in range(32)]
cdef object _reference = None  # extract.facts, imported on first use (it imports this module)
cdef dict _contract_types = {}  # contract_raw cell -> contract type its field states
cdef dict _locations = {}  # location_raw cell -> (region, is_london, work_mode)
cdef double _DAYS_PER_WEEK = 0.0, _DAYS_PER_YEAR = 0.0  # read from extract.facts with it


cdef object reference():
    """Return the module of the pure-Python reference (`extract.facts`)."""
    global _reference, _DAYS_PER_WEEK, _DAYS_PER_YEAR
    if _reference is None:
        import extract.facts
        _DAYS_PER_WEEK = extract.facts.DAYS_PER_WEEK
        _DAYS_PER_YEAR = extract.facts.DAYS_PER_YEAR
        _reference = extract.facts
    return _reference


cdef inline bint is_missing(object value):
    """Return True for None or a float NaN (`extract.facts._missing`)."""
    return value is None or (type(value) is float and <double>value != <double>value)


cdef inline bint plain_cell(object value):
    """Return True for the cells this module reads itself: str, None and float NaN."""
    return type(value) is str or is_missing(value)


cdef inline object cell_text(object value):
    """Return `extract.facts._text` of a plain cell (str, None or NaN)."""
    if type(value) is str:
        return (<str>value).strip() or None
    return None


cdef str lowered_ad(str title, str description):
    """Return `lower_case(f"{title}\\n{description}")`, built in one pass for Latin-1 text."""
    cdef Py_ssize_t title_size = PyUnicode_GET_LENGTH(title), size
    cdef uint8_t *target
    if PyUnicode_KIND(title) != 1 or PyUnicode_KIND(description) != 1:
        return lower_case(f"{title}\n{description}")
    size = title_size + 1 + PyUnicode_GET_LENGTH(description)
    ascii = PyUnicode_IS_ASCII(title) and PyUnicode_IS_ASCII(description)
    lowered = PyUnicode_New(size, 127 if ascii else 255)
    target = <uint8_t *>PyUnicode_DATA(lowered)
    lowered_into(target, <const uint8_t *>PyUnicode_DATA(title), title_size)
    target[title_size] = 10  # "\n"
    lowered_into(target + title_size + 1, <const uint8_t *>PyUnicode_DATA(description), size - title_size - 1)
    return lowered


cdef inline void lowered_into(uint8_t *target, const uint8_t *source, Py_ssize_t size) noexcept:
    """Write the lower case of `size` Latin-1 characters (a branch-free loop, which compilers vectorise)."""
    cdef Py_ssize_t at
    for at in range(size):
        target[at] = lower_latin1(source[at])


cdef object stated_pay(object salary_text, str description, str title):
    """Return `extract.facts._stated_pay`: the pay stated in the salary text, else the description, else the title."""
    cdef object pay
    if salary_text:
        pay = parse_salary(salary_text)
        if pay is not None:
            return pay
    if description:
        pay = parse_salary(description)
        if pay is not None:
            return pay
    if title:
        return parse_salary(title)
    return None


cdef str contract_of_field(object contract_raw):
    """Return `contract_type_from_field(_text(contract_raw))` of a plain cell (cached by value)."""
    if type(contract_raw) is not str:
        return _UNKNOWN
    kind = _contract_types.get(contract_raw)
    if kind is None:
        if len(_contract_types) >= CACHE_LIMIT:
            _contract_types.clear()
        kind = _contract_types[contract_raw] = contract_type_from_field(cell_text(contract_raw))
    return kind


cdef tuple place_of(object location_raw):
    """Return (region, is_london, work_mode) of `parse_location(_text(location_raw))` for a plain cell (cached)."""
    key = location_raw if type(location_raw) is str else None
    place = _locations.get(key)
    if place is None:
        location = parse_location(cell_text(location_raw))
        place = (location.region, location.is_london, location.work_mode)
        if len(_locations) >= CACHE_LIMIT:
            _locations.clear()
        _locations[key] = place
    return place


cdef str contract_of_text(str lowered):
    """Return the contract type the first matching text cue states, or unknown (`contract_type`'s text rules)."""
    cdef Py_ssize_t number = first_cue_match(lowered, _TEXT_CUES)
    return _UNKNOWN if number < 0 else _TEXT_CUES[number][2]


cdef str work_mode_of_text(str lowered):
    """Return `work_mode_from_text` of an ad (non-empty) from its lower-cased text."""
    cdef Py_ssize_t number = first_cue_match(lowered, _TEXT_WORK_MODES)
    while number >= 0:
        pattern, cues, gate, mode = _TEXT_WORK_MODES[number]
        if gate is None:
            return mode
        for phrase in gate:
            if phrase in lowered:
                return mode
        number = first_cue_match(lowered, _TEXT_WORK_MODES, number + 1)
    return _UNKNOWN


cdef int flag_bits(dict fields) except -1:
    """Return the flags of a Pay's fields as bits of `_FLAGS`."""
    return ((1 if fields["up_to"] else 0) | (2 if fields["from_"] else 0) | (4 if fields["predicted"] else 0)
            | (8 if fields["bonus"] else 0) | (16 if fields["ote"] else 0))


cdef class PayColumns:
    """The pay columns of a chunk, filled posting by posting (`extract.facts.pay_facts_of` of each)."""

    cdef list kinds, lows, highs, mids, periods, currencies, flags, reasons

    def __init__(self, list columns):
        (self.kinds, self.lows, self.highs, self.mids, self.periods, self.currencies, self.flags,
         self.reasons) = columns

    cdef int add(self, kind, low, high, mid, period, currency, flags, reason) except -1:
        """Add one posting's pay columns."""
        self.kinds.append(kind)
        self.lows.append(low)
        self.highs.append(high)
        self.mids.append(mid)
        self.periods.append(period)
        self.currencies.append(currency)
        self.flags.append(flags)
        self.reasons.append(reason)
        return 0

    cdef int add_pay(self, object pay, str kind_of_contract, bint predicted) except -1:
        """Add the pay columns of a posting."""
        if pay is None:
            self.add("none", None, None, None, None, None, _PREDICTED if predicted else None, None)
            return 0
        if type(pay) is Pay:
            try:
                if self.add_plain_pay(pay.__dict__, kind_of_contract, predicted):
                    return 0
            except KeyError:  # a field held elsewhere than the instance dictionary
                pass
        facts = reference().pay_facts_of(pay, kind_of_contract, predicted)
        self.add(facts.kind, facts.low, facts.high, facts.mid, facts.period, facts.currency, facts.flags,
                 facts.reject_reason)
        return 0

    cdef bint add_plain_pay(self, dict fields, str kind_of_contract, bint predicted) except -1:
        """Add the pay columns of a Pay's fields and return True, or return False for pay the reference must handle
        (rejected, not in GBP, figures other than floats)."""
        cdef int bits
        cdef double low, high, divisor
        if fields["reject_reason"] is not None or fields["currency"] != _GBP:
            return False
        bits = flag_bits(fields)
        flags = _FLAGS[bits]
        if predicted and not bits & 4:
            flags = f"{flags},predicted" if flags else _PREDICTED
        flags = flags or None
        period = fields["period"]
        if kind_of_contract == _CONTRACT:
            day_min, day_max = fields["day_min"], fields["day_max"]
            if day_min is not None and day_max is not None:
                if type(day_min) is not float or type(day_max) is not float:
                    return False
                low, high = day_min, day_max
            else:
                if period == _WEEK:
                    day_min, day_max = fields["min"], fields["max"]
                    divisor = _DAYS_PER_WEEK
                else:
                    day_min, day_max = fields["annual_min"] or 0.0, fields["annual_max"] or 0.0
                    divisor = _DAYS_PER_YEAR
                if type(day_min) is not float or type(day_max) is not float:
                    return False
                low, high = <double>day_min / divisor, <double>day_max / divisor
            if not (_DAY_LOW <= low <= high <= _DAY_HIGH):
                return False
            self.add("day_rate", low, high, (low + high) / 2, period, fields["currency"], flags, None)
            return True
        annual_min, annual_max = fields["annual_min"], fields["annual_max"]
        if type(annual_min) is not float or type(annual_max) is not float:
            return False
        low, high = annual_min, annual_max
        self.add("salary", annual_min, annual_max, (low + high) / 2, period, fields["currency"], flags, None)
        return True


def facts_columns(list titles, list descriptions, list raw):
    """Return the parsed columns (`extract.facts._PARSED_COLUMNS`) of a chunk, one list per column.

    `raw` holds one list per `extract.facts._OPTIONAL_COLUMNS`, as `_facts_columns_reference` takes them.
    """
    cdef Py_ssize_t size = len(titles), row
    cdef bint predicted
    cdef list columns = [[] for _ in range(12)]
    cdef list kinds = columns[0], regions = columns[9], londons = columns[10], modes = columns[11]
    cdef PayColumns paid = PayColumns(columns[1:9])
    cdef list locations_raw = raw[1], salaries_raw = raw[2], lows_raw = raw[3], highs_raw = raw[4]
    cdef list currencies_raw = raw[5], periods_raw = raw[6], predicted_raw = raw[7], contracts_raw = raw[8]
    cdef object lowered
    cdef tuple place
    reference_facts = reference()
    if len(descriptions) != size or len(raw) != 9 or any(len(column) != size for column in raw):
        return reference_facts._facts_columns_reference(titles, descriptions, raw)
    cached_pay_of_fields = reference_facts._cached_pay_of_fields
    for row in range(size):
        title, description = titles[row], descriptions[row]
        location_raw, salary_raw = locations_raw[row], salaries_raw[row]
        low_raw, high_raw = lows_raw[row], highs_raw[row]
        currency_raw, period_raw = currencies_raw[row], periods_raw[row]
        predicted_cell, contract_raw = predicted_raw[row], contracts_raw[row]
        if not (type(title) is str and type(description) is str and plain_cell(location_raw)
                and plain_cell(salary_raw) and plain_cell(currency_raw) and plain_cell(period_raw)
                and plain_cell(contract_raw)
                and (predicted_cell is None or type(predicted_cell) is bool or predicted_cell is _NA)):
            parsed = reference_facts._row_facts(title, description, raw[0][row], location_raw, salary_raw, low_raw,
                                                high_raw, currency_raw, period_raw, predicted_cell, contract_raw)
            for column, value in zip(columns, parsed):
                column.append(value)
            continue
        predicted = predicted_cell is True
        salary_text = cell_text(salary_raw)
        pay = None
        if not predicted and not (is_missing(low_raw) and is_missing(high_raw)):
            currency, period = cell_text(currency_raw), cell_text(period_raw)
            try:
                pay = cached_pay_of_fields(low_raw, high_raw, currency, period)
            except TypeError:  # an unhashable cell
                pay = pay_from_fields(low_raw, high_raw, currency, period)
        from_text = None
        if pay is None:
            pay = from_text = stated_pay(salary_text, description, title)
        lowered = None
        kind_of_contract = contract_of_field(contract_raw)
        if kind_of_contract == _UNKNOWN:
            lowered = lowered_ad(title, description)
            kind_of_contract = contract_of_text(lowered)
            if kind_of_contract == _UNKNOWN and pay is not None and pay.period in (_DAY, _HOUR):
                kind_of_contract = _CONTRACT
        if kind_of_contract == _CONTRACT and pay is not None and from_text is None and pay.period not in (_DAY, _HOUR):
            stated = stated_pay(salary_text, description, title)
            if stated is not None and stated.period in (_DAY, _HOUR):
                pay = stated
        paid.add_pay(pay, kind_of_contract, predicted)
        place = place_of(location_raw)
        mode = place[2]
        if mode == _UNKNOWN:
            if lowered is None:
                lowered = lowered_ad(title, description)
            mode = work_mode_of_text(lowered)
        kinds.append(kind_of_contract)
        regions.append(place[0])
        londons.append(place[1])
        modes.append(mode)
    return columns


def string_column(list values):
    """Return `extract.facts._string_column_reference(values)`: text values (str or None) as a pandas `str` array."""
    cdef Py_ssize_t size = len(values), row, total = 0, length, nulls = 0
    cdef const char *data
    cdef int64_t *offsets
    cdef uint8_t *valid
    cdef char *target
    for row in range(size):
        value = values[row]
        if value is None:
            nulls += 1
        elif type(value) is str:
            if PyUnicode_IS_COMPACT_ASCII(value):
                total += PyUnicode_GET_LENGTH(value)
            else:
                try:
                    PyUnicode_AsUTF8AndSize(value, &length)
                except UnicodeEncodeError:  # a lone surrogate: the reference says what happens
                    return reference()._string_column_reference(values)
                total += length
        else:
            return reference()._string_column_reference(values)
    offset_array = np.empty(size + 1, dtype=np.int64)
    offsets = <int64_t *><size_t>offset_array.ctypes.data
    text = bytearray(total)
    target = text
    valid_array = np.zeros((size + 7) // 8, dtype=np.uint8) if nulls else None
    valid = <uint8_t *><size_t>valid_array.ctypes.data if nulls else NULL
    total = 0
    offsets[0] = 0
    for row in range(size):
        value = values[row]
        if value is not None:
            if PyUnicode_IS_COMPACT_ASCII(value):
                length = PyUnicode_GET_LENGTH(value)
                data = <const char *>PyUnicode_DATA(value)
            else:
                data = PyUnicode_AsUTF8AndSize(value, &length)
            memcpy(target + total, data, length)
            total += length
            if valid != NULL:
                valid[row >> 3] |= 1 << (row & 7)
        offsets[row + 1] = total
    validity = None if valid_array is None else pa.py_buffer(valid_array)
    array = pa.LargeStringArray.from_buffers(size, pa.py_buffer(offset_array), pa.py_buffer(text), validity, nulls)
    return pd.array(array, dtype="str")


def text_cells(column) -> list:
    """Return `extract.facts._text_cells_reference(column)`: the cells of a pandas `str` column (str, NaN for
    missing), each string decoded once from the UTF-8 bytes of the column's Arrow chunks."""
    cdef list cells = []
    cdef const int64_t *large_offsets
    cdef const char *data
    cdef const uint8_t *valid
    cdef Py_ssize_t row, start, at
    missing = np.nan
    for chunk in column.array.__arrow_array__().iterchunks():
        if not pa.types.is_large_string(chunk.type):  # pandas `str` arrays hold large strings
            return reference()._text_cells_reference(column)
        if not len(chunk):
            continue
        validity, offset_buffer, data_buffer = chunk.buffers()
        valid = NULL if validity is None or chunk.null_count == 0 else <const uint8_t *><size_t>validity.address
        large_offsets = <const int64_t *><size_t>offset_buffer.address
        data = NULL if data_buffer is None else <const char *><size_t>data_buffer.address
        start = chunk.offset
        for row in range(len(chunk)):
            at = start + row
            if valid != NULL and not (valid[at >> 3] >> (at & 7)) & 1:
                cells.append(missing)
                continue
            try:
                cells.append(PyUnicode_DecodeUTF8(data + large_offsets[at], large_offsets[at + 1] - large_offsets[at],
                                                  NULL))
            except UnicodeDecodeError:  # bytes that are not UTF-8: the reference says what happens
                return reference()._text_cells_reference(column)
    return cells
