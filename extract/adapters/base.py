"""Shared pieces of the source adapters: the row type, file reading, decoding and field conversion."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

from extract.sources import SourceConfig, is_url, resolve_files

log = logging.getLogger(__name__)

RAW_RECORD_LIMIT = 10_000
SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
ENCODING_CANDIDATES = ("cp1252", "latin_1", "utf_16", "utf_32")
TRUE_TEXT = frozenset({"1", "true", "t", "yes", "y"})
FALSE_TEXT = frozenset({"0", "false", "f", "no", "n"})
FLAG_TEXT = {"1": True, "0": False, "True": True, "False": False, "true": True, "false": False}


class SourceReadError(RuntimeError):
    """A whole source file (or API page) cannot be read; bad single rows are quarantined instead."""


class RowRejected(Exception):
    """One input row cannot become a canonical record; carries the quarantine reason code and detail."""

    def __init__(self, code: str, detail: str, raw: Any = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.raw = raw


class Row(NamedTuple):
    """One input row: its origin, and either a canonical record or the reason it was rejected."""

    source_file: str
    source_row: int
    record: dict[str, Any] | None
    raw: Any
    reject_code: str | None = None
    reject_detail: str | None = None


Mapper = Callable[[Any], dict[str, Any]]
RawReader = Callable[[str], Iterable[tuple[int, Any]]]


def mapped_rows(files: Iterable[str], read: RawReader, to_record: Mapper) -> Iterator[Row]:
    """Return the rows of `files`, each raw record turned into a canonical record or a rejection."""
    for path in files:
        for number, raw in read(path):
            if isinstance(raw, RowRejected):
                yield Row(path, number, None, raw.raw, raw.code, raw.detail)
                continue
            try:
                yield Row(path, number, to_record(raw), raw)
            except RowRejected as exc:
                yield Row(path, number, None, raw, exc.code, exc.detail)


def file_rows(source: SourceConfig, period: str, read: RawReader, to_record: Mapper) -> Iterator[Row]:
    """Return the rows of every file of `source` for `period`."""
    files = resolve_files(source, period)
    if not files:
        log.warning("source %s: no files match %s for %s", source.name, source.path, period)
    return mapped_rows(files, read, to_record)


def raw_record_json(raw: Any) -> str:
    """Return `raw` as JSON text, truncated to the quarantine limit."""
    try:
        text = orjson.dumps(raw, default=str, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        text = orjson.dumps(repr(raw)).decode("utf-8")
    return text[:RAW_RECORD_LIMIT]


# --- reading files -------------------------------------------------------------------------------------------


def read_bytes(path: str) -> bytes:
    """Return the bytes of local file or fsspec URL `path`, gunzipped when gzip-compressed."""
    try:
        if is_url(path):
            import fsspec

            with fsspec.open(path, "rb") as handle:
                data = handle.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except (OSError, ValueError, ImportError) as exc:
        raise SourceReadError(f"cannot read {path}: {exc}") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceReadError(f"cannot read {path}: corrupt gzip data ({exc})") from exc
    return data


def stem_format(path: str) -> str:
    """Return the lower-case extension of `path` ignoring a trailing `.gz` (e.g. `csv`, `jsonl`)."""
    name = os.path.basename(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[-1] if "." in name else ""


def detected_encoding(data: bytes) -> str:
    """Return the text encoding of `data`: UTF-8 with BOM, UTF-8, else charset-normalizer's best (cp1252-first)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Analysts' exports that are not UTF-8 are almost always Windows-1252 (Excel on a UK machine); isolating
    # the candidates stops a short file being guessed as a Central-European code page (0xA3 '£' -> 'Ł').
    best = from_bytes(data[: SNIFF_BYTES * 4], cp_isolation=list(ENCODING_CANDIDATES)).best()
    return best.encoding if best is not None else "cp1252"


def decoded_text(data: bytes, path: str, encoding: str | None = None) -> str:
    """Return `data` decoded with `encoding`, or with the detected encoding when it is None or `auto`."""
    chosen = detected_encoding(data) if encoding in (None, "auto") else encoding
    try:
        text = data.decode(chosen)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceReadError(f"cannot decode {path} as {chosen}: {exc}") from exc
    return text[1:] if text.startswith("\ufeff") else text


def json_document(path: str) -> Any:
    """Return the parsed JSON document in `path`."""
    data = read_bytes(path)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return orjson.loads(decoded_text(data, path).encode("utf-8"))
    except orjson.JSONDecodeError as exc:
        raise SourceReadError(f"{path} is not valid JSON: {exc}") from exc


def utf8_bytes(data: bytes, path: str, encoding: str | None = None) -> bytes:
    """Return `data` as UTF-8 without BOM, re-encoding it from `encoding` (or the detected one) when needed."""
    if encoding in (None, "auto", "utf-8", "utf8") and not data.startswith(b"\xef\xbb\xbf"):
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            if encoding not in (None, "auto"):
                raise SourceReadError(f"{path} is not valid UTF-8 (set options.encoding)") from None
    return decoded_text(data, path, encoding).encode("utf-8")


def json_or_lines_records(path: str, encoding: str | None = None) -> Iterator[tuple[int, Any]]:
    """Return (row, object) from a JSON array, a single JSON object, or JSON Lines, whichever `path` holds."""
    data = utf8_bytes(read_bytes(path), path, encoding)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        first = next((line for line in data.splitlines() if line.strip()), b"")
        try:
            is_lines = isinstance(orjson.loads(first), dict)
        except orjson.JSONDecodeError:
            is_lines = False
        if not is_lines:
            raise SourceReadError(f"{path} is neither a JSON document nor JSON Lines") from None
        return jsonl_records(path, encoding)
    if isinstance(document, list):
        return enumerate(document)
    if isinstance(document, dict):
        return enumerate([document])
    raise SourceReadError(f"{path} holds a JSON {type(document).__name__}, not objects")


def jsonl_records(path: str, encoding: str | None = None) -> Iterator[tuple[int, Any]]:
    """Return (row, object) per non-blank line of JSON Lines file `path`; a bad line yields a RowRejected."""
    data = utf8_bytes(read_bytes(path), path, encoding)
    number = 0
    for line in data.splitlines():
        if not line.strip():
            continue
        yield number, json_line_record(line)
        number += 1


def json_line_record(line: bytes) -> Any:
    """Return the object on one non-blank JSON Lines line, or a RowRejected when it is not JSON or not an object."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        text = line.decode("utf-8", errors="replace")
        return RowRejected("unparseable_json", f"line is not valid JSON: {exc}", text)
    if isinstance(obj, dict):
        return obj
    return RowRejected("not_an_object", f"expected a JSON object, got {type(obj).__name__}", obj)


def sniffed_delimiter(sample: str, default: str = ",") -> str:
    """Return the field delimiter of CSV text `sample` (one of , ; tab |), or `default` when unsure."""
    # The header line decides when it holds a candidate: column names rarely contain delimiters, while ad text
    # in the rows is full of commas and semicolons that can mislead the sniffer.
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] and list(counts.values()).count(counts[best]) == 1:
        return best
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return default


def delimited_records(
    path: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    null_values: frozenset[str] = frozenset(),
) -> Iterator[tuple[int, Any]]:
    """Return (row, {header: value}) per data row of a CSV file; a row with the wrong field count is rejected."""
    text = decoded_text(read_bytes(path), path, encoding)
    if delimiter in (None, "auto"):
        head = text[:SNIFF_BYTES]
        # Sniff on whole lines only: a cut-off last line confuses the sniffer.
        delimiter = sniffed_delimiter(head.rsplit("\n", 1)[0] if "\n" in head else head)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise SourceReadError(f"cannot read the header of {path}: {exc}") from exc
    header = [h.strip() for h in header]
    width = len(header)
    number = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, RowRejected("malformed_row", f"CSV error: {exc}", None)
            number += 1
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) != width:
            yield number, RowRejected(
                "malformed_row", f"expected {width} fields, found {len(fields)}", fields
            )
        elif null_values:
            yield number, {h: (None if v in null_values else v) for h, v in zip(header, fields, strict=True)}
        else:
            yield number, dict(zip(header, fields, strict=True))
        number += 1


def parquet_records(path: str) -> Iterator[tuple[int, Any]]:
    """Return (row, record dict) per row of Parquet file `path`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(read_bytes(path)))
    except (pa.ArrowException, OSError) as exc:
        raise SourceReadError(f"{path} is not a readable Parquet file: {exc}") from exc
    number = 0
    for batch in table.to_batches():
        for record in batch.to_pylist():
            yield number, record
            number += 1


# --- converting fields ---------------------------------------------------------------------------------------


def text(value: Any) -> str | None:
    """Return `value` as text, or None when it is missing or blank."""
    if value.__class__ is str:
        return None if not value or value.isspace() else value
    if value is None or (isinstance(value, float) and value != value):
        return None
    result = value if isinstance(value, str) else str(value)
    return result if result.strip() else None


def number(value: Any, field: str) -> float | None:
    """Return `value` as a float, None when missing, or reject the row with `bad_number`."""
    if value is None:
        return None
    if value.__class__ is float or value.__class__ is int:
        return None if value != value else float(value)
    if isinstance(value, bool):
        raise RowRejected("bad_number", f"{field}: {value!r} is not a number")
    if isinstance(value, (int, float)):
        return None if value != value else float(value)
    cleaned = str(value).strip().replace(",", "")
    if not cleaned or cleaned.upper() in ("NA", "NAN", "NULL", "NONE"):
        return None
    try:
        result = float(cleaned)
    except ValueError:
        raise RowRejected("bad_number", f"{field}: {str(value)[:80]!r} is not a number") from None
    if result != result or result in (float("inf"), float("-inf")):
        raise RowRejected("bad_number", f"{field}: {str(value)[:80]!r} is not a finite number")
    return result


def flag(value: Any, field: str) -> bool | None:
    """Return `value` as a boolean (1/0, true/false, yes/no), None when missing, or reject with `bad_flag`."""
    if value.__class__ is str and value in FLAG_TEXT:
        return FLAG_TEXT[value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value != value:
            return None
        if value in (0, 1):
            return bool(value)
    lowered = str(value).strip().lower()
    if lowered in TRUE_TEXT:
        return True
    if lowered in FALSE_TEXT:
        return False
    if lowered in ("", "na", "null", "none"):
        return None
    raise RowRejected("bad_flag", f"{field}: {str(value)[:80]!r} is not a yes/no value")


@lru_cache(maxsize=65_536)
def _parsed_date(value: str, date_format: str | None) -> dt.date | None:
    """Return the date in `value` (ISO 8601 date or datetime unless `date_format` is given), or None."""
    stripped = value.strip()
    if date_format:
        try:
            return dt.datetime.strptime(stripped, date_format).date()
        except ValueError:
            return None
    return _parsed_day(stripped[:10])


@lru_cache(maxsize=65_536)
def _parsed_day(day: str) -> dt.date | None:
    """Return the date in `day`, the first ten characters of a value: ISO `YYYY-MM-DD`, else d/m/Y, d-m-Y or Y/m/d."""
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(day, fmt).date()
        except ValueError:
            continue
    return None


def date(value: Any, field: str, date_format: str | None = None) -> dt.date | None:
    """Return `value` as a date, None when missing, or reject the row with `bad_date`."""
    if value.__class__ is str:
        # Timestamps are nearly all distinct, so without a format the cache is keyed on the day they start with.
        parsed = _parsed_date(value, date_format) if date_format else _parsed_day(value.strip()[:10])
        if parsed is not None:
            return parsed
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    as_text = text(value)
    if as_text is None:
        return None
    parsed = _parsed_date(as_text, date_format)
    if parsed is None:
        expected = f" (expected {date_format})" if date_format else ""
        raise RowRejected("bad_date", f"{field}: {as_text[:80]!r} is not a date{expected}")
    return parsed


def partial_date(value: Any, field: str) -> dt.date | None:
    """Return a JSON Resume date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`) as a date, first of month/year when partial."""
    as_text = text(value)
    if as_text is None:
        return None
    stripped = as_text.strip()
    try:
        return _partial_day(stripped)
    except ValueError:
        raise RowRejected("bad_date", f"{field}: {stripped[:80]!r} is not a date") from None


@lru_cache(maxsize=65_536)
def _partial_day(stripped: str) -> dt.date | None:
    """Return the date in stripped JSON Resume date text, None for `present`/`current`/`now`; ValueError if bad."""
    if stripped.lower() in ("present", "current", "now"):
        return None
    if len(stripped) == 4:
        return dt.date(int(stripped), 1, 1)
    if len(stripped) == 7:
        return dt.date(int(stripped[:4]), int(stripped[5:7]), 1)
    return dt.date.fromisoformat(stripped[:10])


def nested(record: Mapping[str, Any], dotted: str) -> Any:
    """Return `record[dotted]`, or the value at the dotted path (`location.display_name`) inside nested objects."""
    if dotted in record:
        return record[dotted]
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, (dict, Mapping)):
            return None
        value = value.get(part)
    return value
