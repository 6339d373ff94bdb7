"""Generic adapter: CSV / JSON Lines / Parquet exports (optionally gzipped) read through an analyst's column mapping.

Also `profiles_flat`, the documented flat CV form, which is the generic reader with a fixed mapping:

| column | meaning |
| --- | --- |
| `id` | the source's id of the profile (a content hash of the row when blank or absent) |
| `headline` | current title or headline (required) |
| `location` | location text |
| `skills` | skills as one `;`-separated string (in JSON Lines a list of strings also works) |
| `summary` | free-text summary |
| `work_history` | JSON text (or in JSON Lines a list) `[{"title", "employer", "start_date", "end_date"}]`, ISO dates |

CSV files are decoded as UTF-8, UTF-8 with BOM or (detected) cp1252 unless `options.encoding` says otherwise, and
the delimiter is sniffed (`,` `;` tab `|`) unless `options.delimiter` is set.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from extract.adapters.base import (
    Row,
    SourceReadError,
    date,
    delimited_records,
    file_rows,
    flag,
    json_or_lines_records,
    jsonl_records,
    nested,
    number,
    parquet_records,
    stem_format,
    text,
)
from extract.adapters.profiles import content_hash, skill_strings, work_history
from extract.sources import ColumnMapping, SourceConfig

EXTENSION_FORMATS = MappingProxyType({
    "csv": "csv", "tsv": "csv", "txt": "csv",
    "jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl",
    "parquet": "parquet", "pq": "parquet",
})
NUMBER_FIELDS = frozenset({"salary_min_raw", "salary_max_raw"})
PROFILES_FLAT_MAPPING = ColumnMapping(
    path="<profiles_flat>",
    columns={
        "source_id": "id", "headline": "headline", "location_raw": "location", "skills_raw": "skills",
        "summary": "summary", "work_history": "work_history",
    },
)


def file_format(path: str, mapping: ColumnMapping) -> str:
    """Return `csv`, `jsonl` or `parquet` for `path`: the mapping's `file_format`, else from the extension."""
    if mapping.file_format:
        return mapping.file_format
    found = EXTENSION_FORMATS.get(stem_format(path))
    if found is None:
        raise SourceReadError(
            f"cannot tell the format of {path} from its extension; set `file_format` (csv, jsonl, parquet) "
            f"in the mapping {mapping.path}"
        )
    return found


def checked_records(
    records: Iterator[tuple[int, Any]], path: str, mapping: ColumnMapping, optional: frozenset[str]
) -> Iterator[tuple[int, Any]]:
    """Return `records` unchanged after checking the first one has every mapped column (tabular files only)."""
    first = True
    for number_, record in records:
        if first and isinstance(record, dict):
            first = False
            missing = sorted(
                src for canonical, src in mapping.columns.items() if src not in record and canonical not in optional
            )
            if missing:
                raise SourceReadError(
                    f"{path} has no column(s) {missing} named in the mapping {mapping.path}; "
                    f"its columns are {sorted(record)[:30]}"
                )
        yield number_, record


def raw_records(
    path: str, mapping: ColumnMapping, options: Mapping[str, Any], optional: frozenset[str]
) -> Iterator[tuple[int, Any]]:
    """Return (row, record dict) per row of `path` in its file format."""
    fmt = file_format(path, mapping)
    encoding = options.get("encoding")
    if fmt == "jsonl":
        if stem_format(path) == "json":
            return json_or_lines_records(path, encoding)
        return jsonl_records(path, encoding)
    if fmt == "parquet":
        return checked_records(parquet_records(path), path, mapping, optional)
    records = delimited_records(path, encoding, options.get("delimiter"), frozenset(options.get("null_values", ())))
    return checked_records(records, path, mapping, optional)


def posting_from_mapped(record: Mapping[str, Any], mapping: ColumnMapping) -> dict[str, Any]:
    """Return the canonical posting of one export row through the analyst's column mapping."""
    values = {c: nested(record, src) for c, src in mapping.columns.items()}
    values.update(mapping.constants)
    posting: dict[str, Any] = {}
    for canonical, value in values.items():
        if canonical in NUMBER_FIELDS:
            posting[canonical] = number(value, mapping.columns.get(canonical, canonical))
        elif canonical == "salary_is_predicted":
            posting[canonical] = flag(value, mapping.columns.get(canonical, canonical))
        elif canonical == "posted_at":
            posting[canonical] = date(value, mapping.columns.get(canonical, canonical), mapping.date_format)
        else:
            posting[canonical] = text(value)
    if posting.get("source_id") is None:
        posting["source_id"] = content_hash(record)
    return posting


def profile_from_mapped(record: Mapping[str, Any], mapping: ColumnMapping) -> dict[str, Any]:
    """Return the canonical profile of one export row through a column mapping."""
    values = {c: nested(record, src) for c, src in mapping.columns.items()}
    values.update(mapping.constants)
    return {
        "source_id": text(values.get("source_id")) or content_hash(record),
        "headline": text(values.get("headline")),
        "location_raw": text(values.get("location_raw")),
        "skills_raw": skill_strings(values.get("skills_raw"), mapping.skills_separator),
        "summary": text(values.get("summary")),
        "work_history": work_history(values.get("work_history")),
    }


def mapped_source_rows(
    source: SourceConfig, period: str, mapping: ColumnMapping, optional: frozenset[str]
) -> Iterator[Row]:
    """Return the rows of a file source read through `mapping`."""
    options = source.options

    def read(path: str) -> Iterator[tuple[int, Any]]:
        return raw_records(path, mapping, options, optional)

    if source.kind == "profiles":
        return file_rows(source, period, read, lambda r: profile_from_mapped(r, mapping))
    return file_rows(source, period, read, lambda r: posting_from_mapped(r, mapping))


def generic_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of a `generic` source (its mapping is checked when the config loads)."""
    if source.column_mapping is None:
        raise SourceReadError(f"source {source.name!r}: format 'generic' needs a column mapping")
    return mapped_source_rows(source, period, source.column_mapping, frozenset())


def profiles_flat_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of a `profiles_flat` source (documented flat CSV / JSON Lines CV form)."""
    optional = frozenset({"source_id", "summary", "location_raw"})
    return mapped_source_rows(source, period, PROFILES_FLAT_MAPPING, optional)
