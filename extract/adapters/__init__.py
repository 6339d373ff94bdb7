"""Source adapters, registered by format name: each turns one source's files into canonical rows."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

from extract.adapters.adzuna import adzuna_api_rows, adzuna_csv_rows, adzuna_json_rows
from extract.adapters.base import Row, RowRejected, SourceReadError
from extract.adapters.generic import generic_rows, profiles_flat_rows
from extract.adapters.jobspy import jobspy_csv_rows
from extract.adapters.profiles import jsonresume_rows
from extract.adapters.reed import reed_json_rows
from extract.sources import FORMAT_KINDS, SourceConfig

Adapter = Callable[[SourceConfig, str], Iterator[Row]]

ADAPTERS: Mapping[str, Adapter] = MappingProxyType({
    "adzuna_json": adzuna_json_rows,
    "adzuna_csv": adzuna_csv_rows,
    "adzuna_api": adzuna_api_rows,
    "reed_json": reed_json_rows,
    "jobspy_csv": jobspy_csv_rows,
    "generic": generic_rows,
    "jsonresume": jsonresume_rows,
    "profiles_flat": profiles_flat_rows,
})
if set(ADAPTERS) != set(FORMAT_KINDS):  # pragma: no cover - a developer error caught on import
    raise RuntimeError(f"formats without an adapter: {sorted(set(FORMAT_KINDS) - set(ADAPTERS))}")


def source_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the input rows of `source` for `period` through its format's adapter."""
    return ADAPTERS[source.format](source, period)


__all__ = ["ADAPTERS", "Adapter", "Row", "RowRejected", "SourceReadError", "source_rows"]
