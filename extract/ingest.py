"""Landing: read every source of a market for one period into canonical `postings`, `profiles` and `quarantine`."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from extract.adapters import Row, source_rows
from extract.adapters.base import raw_record_json
from extract.contracts import POSTINGS, PROFILES, QUARANTINE
from extract.sources import PERIOD_PATTERN, MarketConfig
from spotlight.contract import Contract

log = logging.getLogger(__name__)

# Per kind: canonical field -> reason code when it is missing.
REQUIRED_FIELDS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType({
    "postings": (
        ("source_id", "missing_id"),
        ("title", "missing_title"),
        ("description", "missing_description"),
        ("posted_at", "missing_posted_at"),
    ),
    "profiles": (("source_id", "missing_id"), ("headline", "missing_headline")),
})
# Accepted records are converted to typed columns in chunks, so a month of postings is not held twice.
CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class Landed:
    """What one landing run produced: canonical rows, quarantined rows, and rows read per source."""

    market: str
    period: str
    postings: pd.DataFrame
    profiles: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in: Mapping[str, int]
    source_kinds: Mapping[str, str] = field(default_factory=dict)


def record_id(source: str, source_id: str) -> str:
    """Return the stable id of a record: first 16 hex of sha256(f"{source}|{source_id}")."""
    return hashlib.sha256(f"{source}|{source_id}".encode("utf-8")).hexdigest()[:16]


class _Collector:
    """Accumulates one kind's accepted records for one (market, period), converted to typed chunks as it goes."""

    def __init__(self, kind: str, market: str, period: str, contract: Contract, id_column: str) -> None:
        self.kind = kind
        self.market = market
        self.period = period
        self.contract = contract
        self.id_column = id_column
        self.year, self.month = int(period[:4]), int(period[5:7])
        self.required = REQUIRED_FIELDS[kind]
        self.records: list[dict[str, Any]] = []
        self.ids: list[str] = []
        self.sources: list[str] = []
        self.rows: list[int] = []
        self.chunks: list[pd.DataFrame] = []
        self.seen: set[str] = set()

    def accept(self, source: str, row: Row) -> tuple[str, str] | None:
        """Add `row`'s record; return (reason_code, detail) instead when it must be quarantined."""
        record = row.record
        assert record is not None
        for name, code in self.required:
            value = record.get(name)
            if value is None or (value.__class__ is str and not value.strip()):
                return code, f"required field {name} is empty"
        if self.kind == "postings":
            posted = record["posted_at"]
            if posted.month != self.month or posted.year != self.year:
                period = f"{posted.year:04d}-{posted.month:02d}"
                return "out_of_period", f"posted_at {posted.isoformat()} is in {period}, not {self.period}"
        source_id = str(record["source_id"])
        identifier = record_id(source, source_id)
        if identifier in self.seen:
            return "duplicate_source_id", f"source id {source_id!r} already landed from {source}"
        self.seen.add(identifier)
        self.ids.append(identifier)
        self.sources.append(source)
        self.rows.append(row.source_row)
        self.records.append(record)
        if len(self.records) >= CHUNK_ROWS:
            self._flush()
        return None

    def _flush(self) -> None:
        """Convert the pending records into one typed chunk, releasing their Python objects."""
        n = len(self.ids)
        fixed = {
            self.id_column: self.ids,
            "market": [self.market] * n,
            "period": [self.period] * n,
            "source": self.sources,
            "source_row": self.rows,
        }
        columns = {
            name: fixed[name] if name in fixed else [r.get(name) for r in self.records]
            for name in self.contract.column_names
        }
        self.chunks.append(typed_frame(columns, self.contract))
        self.records, self.ids, self.sources, self.rows = [], [], [], []

    def frame(self) -> pd.DataFrame:
        """Return all accepted rows as one frame with exactly the contract's columns and types."""
        if self.records or not self.chunks:
            self._flush()
        if len(self.chunks) == 1:
            return self.chunks[0]
        return pd.concat(self.chunks, ignore_index=True)


def typed_frame(columns: Mapping[str, list[Any]], contract: Contract) -> pd.DataFrame:
    """Return `columns` as a pandas frame with `contract`'s column order and dtypes (nullable where needed)."""
    data: dict[str, Any] = {}
    for column in contract.columns:
        values = columns[column.name]
        kind = column.type
        if pa.types.is_string(kind):
            data[column.name] = pd.array(values, dtype="str")
        elif pa.types.is_floating(kind):
            data[column.name] = np.array(values, dtype="float64")
        elif pa.types.is_integer(kind):
            data[column.name] = np.array(values, dtype="int64")
        elif pa.types.is_boolean(kind):
            data[column.name] = pd.array(values, dtype="boolean")
        else:
            # Dates, lists and structs stay Python objects (datetime.date, list, dict), as Arrow converts them.
            array = np.empty(len(values), dtype=object)
            array[:] = values
            data[column.name] = array
    return pd.DataFrame(data, columns=contract.column_names)


def land(config: MarketConfig, period: str) -> Landed:
    """Return every source's rows for `period` landed as canonical postings / profiles, or quarantined with a reason."""
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    collectors = {
        "postings": _Collector("postings", config.market, period, POSTINGS, "posting_id"),
        "profiles": _Collector("profiles", config.market, period, PROFILES, "profile_id"),
    }
    quarantine: dict[str, list[Any]] = {name: [] for name in QUARANTINE.column_names}
    rows_in: dict[str, int] = {}
    for source in config.sources:
        collector = collectors[source.kind]
        count = 0
        quarantined = 0
        for row in source_rows(source, period):
            count += 1
            reason = (row.reject_code, row.reject_detail) if row.record is None else collector.accept(source.name, row)
            if reason is None:
                continue
            quarantined += 1
            quarantine["source"].append(source.name)
            quarantine["source_file"].append(row.source_file)
            quarantine["source_row"].append(row.source_row)
            quarantine["reason_code"].append(reason[0] or "rejected")
            quarantine["reason_detail"].append(reason[1])
            quarantine["raw_record"].append(raw_record_json(row.raw))
        rows_in[source.name] = count
        log.info("source %s (%s): %d rows read, %d quarantined", source.name, source.format, count, quarantined)
    n_quarantined = len(quarantine["source"])
    quarantine["market"] = [config.market] * n_quarantined
    quarantine["period"] = [period] * n_quarantined
    return Landed(
        market=config.market,
        period=period,
        postings=collectors["postings"].frame(),
        profiles=collectors["profiles"].frame(),
        quarantine=typed_frame(quarantine, QUARANTINE),
        rows_in=rows_in,
        source_kinds={s.name: s.kind for s in config.sources},
    )
