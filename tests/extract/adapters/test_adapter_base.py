"""Shared adapter pieces: decoding, delimiter sniffing and field conversion."""
from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from extract.adapters.base import (
    RowRejected,
    SourceReadError,
    date,
    decoded_text,
    delimited_records,
    detected_encoding,
    flag,
    number,
    partial_date,
    read_bytes,
    sniffed_delimiter,
    text,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfa,b\n", "utf-8-sig"),  # BOM
        ("a,b\n£1,€2\n".encode("utf-8"), "utf-8"),  # valid UTF-8 without BOM
        ("a,b\n£1,café\n".encode("cp1252"), "cp1252"),  # not UTF-8: Windows-1252, not a Central-European guess
    ],
)
def test_detected_encoding(data: bytes, expected: str) -> None:
    assert detected_encoding(data) == expected


def test_bom_is_dropped_from_decoded_text() -> None:
    assert decoded_text(b"\xef\xbb\xbfRef\n", "x") == "Ref\n"


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),  # decimal comma inside a semicolon file
        ("a\tb\n1\t2\n", "\t"),
        ("single\n", ","),  # nothing to sniff: default
    ],
)
def test_sniffed_delimiter(sample: str, expected: str) -> None:
    assert sniffed_delimiter(sample) == expected


def test_gzip_is_detected_by_content(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"  # no .gz suffix: the magic bytes decide
    path.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    assert read_bytes(str(path)) == b"a,b\n1,2\n"


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(SourceReadError, match="cannot read"):
        read_bytes(str(tmp_path / "absent.csv"))


def test_delimited_rows_number_data_rows_and_skip_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3\n4,NA\n', encoding="utf-8")
    rows = list(delimited_records(str(path), null_values=frozenset({"NA"})))
    assert rows[0] == (0, {"a": "1", "b": "two\nlines"})
    assert rows[1][0] == 1 and isinstance(rows[1][1], RowRejected) and rows[1][1].code == "malformed_row"
    assert rows[2] == (2, {"a": "4", "b": None})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("45000", 45000.0), ("45,000.50", 45000.5), (52000, 52000.0), ("", None), (None, None), ("NA", None)],
)
def test_number(value: object, expected: float | None) -> None:
    assert number(value, "f") == expected


@pytest.mark.parametrize("value", ["£45k", "nan-ish", True, "inf"])
def test_number_rejects(value: object) -> None:
    with pytest.raises(RowRejected) as info:
        number(value, "f")
    assert info.value.code == "bad_number"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("0", False), ("TRUE", True), ("no", False), (1, True), (None, None), ("", None)],
)
def test_flag(value: object, expected: bool | None) -> None:
    assert flag(value, "f") is expected


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("2024-03-05T10:12:00Z", None, dt.date(2024, 3, 5)),  # ISO datetime: the date part
        ("05/03/2024", None, dt.date(2024, 3, 5)),  # UK day-first fallback
        ("March 5, 2024", "%B %d, %Y", dt.date(2024, 3, 5)),  # analyst's explicit format
        (dt.datetime(2024, 3, 5, 23, 59), None, dt.date(2024, 3, 5)),
        ("  ", None, None),  # blank is missing, not bad
    ],
)
def test_date(value: object, fmt: str | None, expected: dt.date | None) -> None:
    assert date(value, "f", fmt) == expected


def test_text_blank_is_none() -> None:
    assert (text("  "), text(12), text(float("nan")), text("x")) == (None, "12", None, "x")


def test_header_decides_over_punctuation_in_ad_text() -> None:
    sample = "ref;title;text\n1;Analyst;SQL, Python, dbt, Airflow, Looker, Excel\n2;Engineer;Go, Rust, C, C++\n"
    assert sniffed_delimiter(sample) == ";"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\u2003\n\t", None),  # Unicode whitespace only: blank
        ("  x ", "  x "),  # text is kept as given, padding included
        ("", None),
    ],
)
def test_text_blank_means_whitespace_only(value: str, expected: str | None) -> None:
    assert text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T10:12:00Z", dt.date(2024, 3, 5)),
        ("2024-03-05T23:59:59+01:00", dt.date(2024, 3, 5)),  # another time on the same day: same date
        (" 2024-03-06T00:00:00Z", dt.date(2024, 3, 6)),  # leading blank: the day after stripping
        ("06/03/2024 09:00", dt.date(2024, 3, 6)),  # day-first date with a time
        ("2024-03-0", None),  # 9 characters: neither ISO nor a fallback format
    ],
)
def test_date_reads_the_day_a_value_starts_with(value: str, expected: dt.date | None) -> None:
    if expected is None:
        with pytest.raises(RowRejected, match="created: '2024-03-0' is not a date"):
            date(value, "created")
    else:
        assert date(value, "created") == expected


def test_partial_date_names_the_field_of_each_bad_value() -> None:
    assert partial_date("2020-05", "work[0].startDate") == dt.date(2020, 5, 1)
    assert partial_date(" 2020 ", "work[0].startDate") == dt.date(2020, 1, 1)
    assert partial_date("Present", "work[0].endDate") is None
    # The same bad text twice: each rejection names its own field (parsed dates are cached, errors are not).
    for field in ("work[0].startDate", "work[3].endDate"):
        with pytest.raises(RowRejected) as info:
            partial_date("Spring 2020", field)
        assert (info.value.code, info.value.detail) == ("bad_date", f"{field}: 'Spring 2020' is not a date")
