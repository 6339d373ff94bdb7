"""Landing: read every source of a market for one period into canonical `postings`, `profiles` and `quarantine`."""
from __future__ import annotations

import gc
import glob
import hashlib
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from extract.adapters import Row, source_rows
from extract.adapters.adzuna import posting_from_result
from extract.adapters.base import RowRejected, json_line_record, raw_record_json, read_bytes, stem_format
from extract.adapters.profiles import LINES_EXTENSIONS, profile_from_resume
from extract.adapters.reed import posting_from_reed
from extract.contracts import POSTINGS, PROFILES, QUARANTINE
from extract.sources import PERIOD_PATTERN, MarketConfig, SourceConfig, is_url, resolve_files
from spotlight.contract import Contract

try:
    from extract import _landing
except ImportError:  # the extension is not built: every part lands through the reference path, only slower
    _landing = None
COMPILED = _landing is not None
try:
    from extract import _profiles
except ImportError:  # the extension is not built: JSON Resume parts land through the reference path, only slower
    _profiles = None
PROFILES_COMPILED = _profiles is not None

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
# The columns of one quarantined row, in the order `landed_from_parts` fills them (market and period are added).
_QUARANTINE_ROW = ("source", "source_file", "source_row", "reason_code", "reason_detail", "raw_record")
# Columns of landed rows that do not come from the record (besides the id column).
_FILLED_COLUMNS = ("market", "period", "source", "source_row")
# Accepted records are converted to typed columns in chunks, so a month of postings is not held twice.
CHUNK_ROWS = 50_000
# Source formats `extract/_landing.pyx` reads straight from the response bytes.
_COMPILED_FORMATS = frozenset({"adzuna_json", "reed_json"})


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
        # The contract's columns taken from each record, in contract order (the others are filled here).
        self.fields = tuple(n for n in contract.column_names if n not in (id_column, *_FILLED_COLUMNS))
        self.values: list[tuple[Any, ...]] = []
        self.ids: list[str] = []
        self.sources: list[str] = []
        self.rows: list[int] = []
        self.chunks: list[pd.DataFrame] = []
        self.seen: set[str] = set()
        self.accepted = 0

    def accept(self, source: str, row: Row) -> tuple[str, str] | None:
        """Add `row`'s record; return (reason_code, detail) instead when it must be quarantined."""
        record = row.record
        assert record is not None
        checked = self.checked(source, record)
        if checked.__class__ is tuple:
            return checked
        self.ids.append(checked)
        self.sources.append(source)
        self.rows.append(row.source_row)
        self.values.append(tuple(map(record.get, self.fields)))
        self.accepted += 1
        if len(self.values) >= CHUNK_ROWS:
            self._flush()
        return None

    def checked(self, source: str, record: dict[str, Any]) -> str | tuple[str, str]:
        """Return the id of `record` (now taken), or (reason_code, detail) when it must be quarantined."""
        get = record.get
        for name, code in self.required:
            value = get(name)
            if value is None or (value.__class__ is str and (not value or value.isspace())):
                return code, f"required field {name} is empty"
        if self.kind == "postings":
            posted = record["posted_at"]
            if posted.month != self.month or posted.year != self.year:
                period = f"{posted.year:04d}-{posted.month:02d}"
                return "out_of_period", f"posted_at {posted.isoformat()} is in {period}, not {self.period}"
        source_id = str(record["source_id"])
        identifier = record_id(source, source_id)
        if identifier in self.seen:
            return duplicate_id_reason(source, source_id)
        self.seen.add(identifier)
        return identifier

    def _flush(self) -> None:
        """Convert the pending records into one typed chunk, releasing their Python objects."""
        n = len(self.ids)
        by_field = zip(*self.values) if n else [()] * len(self.fields)
        columns: dict[str, Any] = dict(zip(self.fields, by_field, strict=True))
        columns.update({
            self.id_column: self.ids,
            "market": [self.market] * n,
            "period": [self.period] * n,
            "source": self.sources,
            "source_row": self.rows,
        })
        self.chunks.append(typed_frame(columns, self.contract))
        self.values, self.ids, self.sources, self.rows = [], [], [], []

    def frame(self) -> pd.DataFrame:
        """Return all accepted rows as one frame with exactly the contract's columns and types."""
        if self.values or not self.chunks:
            self._flush()
        if len(self.chunks) == 1:
            return self.chunks[0]
        return pd.concat(self.chunks, ignore_index=True)


def duplicate_id_reason(source: str, source_id: str) -> tuple[str, str]:
    """Return the quarantine reason of a record whose source id already landed from `source`."""
    return "duplicate_source_id", f"source id {source_id!r} already landed from {source}"


def typed_frame(columns: Mapping[str, list[Any]], contract: Contract) -> pd.DataFrame:
    """Return `columns` as a pandas frame with `contract`'s column order and dtypes (nullable where needed)."""
    data: dict[str, Any] = {}
    for column in contract.columns:
        values = columns[column.name]
        kind = column.type
        if pa.types.is_string(kind):
            data[column.name] = _string_array(values)
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


def _string_array(values: list[Any]) -> Any:
    """Return `values` as a pandas string array (None and NaN missing, other non-text values as their str)."""
    try:
        return pd.array(pa.array(values, type=pa.large_string(), from_pandas=True), dtype="str")
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pd.array(values, dtype="str")


def land(config: MarketConfig, period: str) -> Landed:
    """Return every source's rows for `period` landed as canonical postings / profiles, or quarantined with a reason."""
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    parts = [landed_part(part, period, config.market) for part in config_parts(config, period)]
    landed, _ = landed_from_parts(config, period, parts)
    return landed


@dataclass(frozen=True)
class LandedPart:
    """One part of a source (one of its files, or the whole source) landed on its own, in input-row order.

    `order` holds, per input row, the index of its record in `accepted` (>= 0) or `-1 - i` for `quarantined[i]`.
    Source ids are unique within the part; `landed_from_parts` checks them across the parts of a source.
    """

    source: SourceConfig
    accepted: pd.DataFrame
    quarantined: tuple[tuple[str, int, str, str | None, str], ...]
    order: np.ndarray


def config_parts(config: MarketConfig, period: str) -> list[SourceConfig]:
    """Return the sources of `config` split into parts that land independently: one per local file, in order.

    A URL, API or single-file source is one part.
    """
    parts: list[SourceConfig] = []
    for source in config.sources:
        files = [] if source.path is None or is_url(source.path) else resolve_files(source, period)
        if len(files) < 2:
            parts.append(source)
        else:
            parts.extend(replace(source, path=glob.escape(path)) for path in files)
    return parts


def landed_part(source: SourceConfig, period: str, market: str) -> LandedPart:
    """Return the rows of one source part for `period`: accepted canonical records and quarantined rows."""
    if _landing is not None and source.format in _COMPILED_FORMATS:
        try:
            return _landed_part_compiled(source, period, market)
        except _landing.Unsupported:
            pass
    if _profiles is not None and source.format == "jsonresume":
        try:
            return _landed_part_resumes(source, period, market)
        except _profiles.Unsupported:
            pass
    return _landed_part_reference(source, period, market)


def _landed_part_reference(source: SourceConfig, period: str, market: str) -> LandedPart:
    """Return `landed_part` through the source's adapter record by record: the specification of the compiled path."""
    contract, id_column = (POSTINGS, "posting_id") if source.kind == "postings" else (PROFILES, "profile_id")
    collector = _Collector(source.kind, market, period, contract, id_column)
    accept = collector.accept
    name = source.name
    quarantined: list[tuple[str, int, str, str | None, str]] = []
    quarantined_at: list[int] = []
    rows_read = 0
    with _cyclic_gc_paused():
        for rows_read, row in enumerate(source_rows(source, period), start=1):
            reason = (row.reject_code, row.reject_detail) if row.record is None else accept(name, row)
            if reason is not None:
                quarantined_at.append(rows_read - 1)
                quarantined.append(
                    (row.source_file, row.source_row, reason[0] or "rejected", reason[1], raw_record_json(row.raw))
                )
        accepted = collector.frame()
    return LandedPart(source, accepted, tuple(quarantined), _row_order(rows_read, quarantined_at))


def _landed_part_compiled(source: SourceConfig, period: str, market: str) -> LandedPart:
    """Return `landed_part` of an Adzuna or Reed response source with `extract._landing` reading the bytes.

    Results the compiled scanner does not land itself are landed here exactly as the reference does; it raises
    `_landing.Unsupported` for a document it does not handle, and the caller lands the part with the reference.
    """
    files = resolve_files(source, period)
    if not files:
        raise _landing.Unsupported("no files: the reference path warns")
    is_reed = source.format == "reed_json"
    to_record = posting_from_reed if is_reed else partial(posting_from_result, currency=_currency(source))
    collector = _Collector(source.kind, market, period, POSTINGS, "posting_id")
    columns = _landing.PostingColumns(source.name, collector.year, collector.month, _currency(source), collector.seen)
    return _landed_part_scanned(
        source, files, collector, lambda document, slow: columns.land_document(document, is_reed, slow),
        columns.columns, orjson.loads, to_record,
    )


def _landed_part_resumes(source: SourceConfig, period: str, market: str) -> LandedPart:
    """Return `landed_part` of a JSON Lines JSON Resume source with `extract._profiles` reading the bytes.

    Lines the compiled scanner does not land itself are landed here exactly as the reference does; it raises
    `_profiles.Unsupported` for a file it does not handle, and the caller lands the part with the reference.
    """
    files = resolve_files(source, period)
    if not files or any(stem_format(path) not in LINES_EXTENSIONS for path in files):
        raise _profiles.Unsupported("no files, or not JSON Lines: the reference path reads them")
    collector = _Collector(source.kind, market, period, PROFILES, "profile_id")
    columns = _profiles.ResumeColumns(source.name, collector.seen)
    return _landed_part_scanned(
        source, files, collector, columns.land_lines, columns.columns, json_line_record, profile_from_resume
    )


# What a compiled scanner's `slow(row, start, stop)` callback returns: (record id, field values), None if quarantined.
_SlowLanded = Callable[[int, int, int], tuple[str, tuple[Any, ...]] | None]


def _landed_part_scanned(
    source: SourceConfig,
    files: list[str],
    collector: _Collector,
    land: Callable[[bytes, _SlowLanded], int],
    columns: Callable[[], dict[str, Any]],
    parsed: Callable[[bytes], Any],
    to_record: Callable[[Any], dict[str, Any]],
) -> LandedPart:
    """Return `landed_part` of `files` as a compiled scanner lands them: `land(document, slow)`, then `columns()`.

    `slow` lands a record the scanner leaves to the reference exactly as the reference does: `parsed` reads its
    bytes (or returns the `RowRejected` of a line that holds no record) and `to_record` maps them to a record.
    """
    name = source.name
    quarantined: list[tuple[str, int, str, str | None, str]] = []
    quarantined_at: list[int] = []
    rows_read = 0
    with _cyclic_gc_paused():
        for path in files:
            document = read_bytes(path)

            def landed(row: int, start: int, stop: int) -> tuple[str, tuple[Any, ...]] | None:
                raw = parsed(document[start:stop])
                if isinstance(raw, RowRejected):
                    reason: str | tuple[str | None, str | None] = (raw.code, raw.detail)
                    raw = raw.raw
                else:
                    try:
                        record = to_record(raw)
                    except RowRejected as exc:
                        reason = (exc.code, exc.detail)
                    else:
                        reason = collector.checked(name, record)
                        if reason.__class__ is str:
                            return reason, tuple(map(record.get, collector.fields))
                quarantined_at.append(rows_read + row)
                quarantined.append((path, row, reason[0] or "rejected", reason[1], raw_record_json(raw)))
                return None

            rows_read += land(document, landed)
        typed = columns()
        n = len(typed[collector.id_column])
        typed.update({
            "market": _string_array([collector.market] * n),
            "period": _string_array([collector.period] * n),
            "source": _string_array([name] * n),
        })
        accepted = pd.DataFrame(typed, columns=collector.contract.column_names)
    return LandedPart(source, accepted, tuple(quarantined), _row_order(rows_read, quarantined_at))


def _currency(source: SourceConfig) -> str:
    """Return the currency of an Adzuna source's structured salaries (its `currency` option, GBP by default)."""
    return str(source.options.get("currency", "GBP"))


def _row_order(rows_read: int, quarantined_at: list[int]) -> np.ndarray:
    """Return `LandedPart.order` of `rows_read` input rows of which those at `quarantined_at` were quarantined."""
    order = np.empty(rows_read, dtype=np.int64)
    is_quarantined = np.zeros(rows_read, dtype=bool)
    is_quarantined[quarantined_at] = True
    order[~is_quarantined] = np.arange(rows_read - len(quarantined_at), dtype=np.int64)
    order[is_quarantined] = -1 - np.arange(len(quarantined_at), dtype=np.int64)
    return order


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Return a context in which Python's cyclic garbage collector does not run (reference counting still frees)."""
    # Landing allocates millions of acyclic objects (parsed JSON, records): left on, the collector would rescan the
    # growing heap again and again, for about a tenth of the landing time, without finding anything to free.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def landed_from_parts(
    config: MarketConfig, period: str, parts: list[LandedPart], kept: list[np.ndarray] | None = None,
) -> tuple[Landed, list[np.ndarray]]:
    """Return the parts (in `config_parts` order) as one Landed, and per part which accepted rows it kept.

    A record whose source id already landed from an earlier part of its source is quarantined
    (`duplicate_source_id`), exactly as if the source had been read in one pass. `kept`: those rows per part
    when they were found already (`SeenIds.first_landed` of each part in order).
    """
    seen = SeenIds() if kept is None else None
    accepted: dict[str, list[pd.DataFrame]] = {"postings": [], "profiles": []}
    quarantine: dict[str, list[Any]] = {name: [] for name in QUARANTINE.column_names}
    rows_in: dict[str, int] = {s.name: 0 for s in config.sources}
    quarantined_by_source: dict[str, int] = {s.name: 0 for s in config.sources}
    kept_rows: list[np.ndarray] = []
    for number, part in enumerate(parts):
        name = part.source.name
        id_column = "posting_id" if part.source.kind == "postings" else "profile_id"
        part_kept = seen.first_landed(name, part.accepted[id_column]) if seen is not None else kept[number]
        if not part_kept.all():
            raws = _raw_records(part.source, period, set(part.accepted["source_row"].to_numpy()[~part_kept].tolist()))
        # the input rows that end in the quarantine, in input order: quarantined when landed, or a repeated id
        order = part.order
        out = order < 0
        out[~out] = ~part_kept[order[~out]]
        for position in order[out].tolist():
            if position >= 0:
                record = part.accepted.iloc[position]
                code, detail = duplicate_id_reason(name, str(record["source_id"]))
                source_row = int(record["source_row"])
                source_file, raw = raws[source_row]
            else:
                source_file, source_row, code, detail, raw = part.quarantined[-1 - position]
            for column, value in zip(_QUARANTINE_ROW, (name, source_file, source_row, code, detail, raw), strict=True):
                quarantine[column].append(value)
            quarantined_by_source[name] += 1
        rows_in[name] += len(part.order)
        frame = part.accepted if part_kept.all() else part.accepted[part_kept].reset_index(drop=True)
        accepted[part.source.kind].append(frame)
        kept_rows.append(part_kept)
    for source in config.sources:
        log.info("source %s (%s): %d rows read, %d quarantined", source.name, source.format, rows_in[source.name],
                 quarantined_by_source[source.name])
    n_quarantined = len(quarantine["source"])
    quarantine["market"] = [config.market] * n_quarantined
    quarantine["period"] = [period] * n_quarantined
    return Landed(
        market=config.market,
        period=period,
        postings=_concatenated(accepted["postings"], "postings", config.market, period),
        profiles=_concatenated(accepted["profiles"], "profiles", config.market, period),
        quarantine=typed_frame(quarantine, QUARANTINE),
        rows_in=rows_in,
        source_kinds={s.name: s.kind for s in config.sources},
    ), kept_rows


class SeenIds:
    """The record ids landed so far from the parts of each source."""

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = {}

    def first_landed(self, source: str, ids: pd.Series) -> np.ndarray:
        """Return which of one part's record ids no earlier part of `source` landed, and remember them."""
        keys = ids.tolist()
        seen = self._seen.setdefault(source, set())
        # ids are nearly never repeated across parts: one set check each (1,259,981 ids in 0.55 s, not 0.77 s)
        kept = np.ones(len(keys), dtype=bool) if seen.isdisjoint(keys) else np.array(
            [key not in seen for key in keys], dtype=bool)
        seen.update(keys)
        return kept


def _raw_records(source: SourceConfig, period: str, source_rows_wanted: set[int]) -> dict[int, tuple[str, str]]:
    """Return the file and quarantine raw-record JSON of the given input rows of a source part (read again)."""
    return {
        row.source_row: (row.source_file, raw_record_json(row.raw))
        for row in source_rows(source, period)
        if row.source_row in source_rows_wanted
    }


def _concatenated(frames: list[pd.DataFrame], kind: str, market: str, period: str) -> pd.DataFrame:
    """Return the accepted frames of one kind as one frame (an empty typed frame when there are none)."""
    non_empty = [f for f in frames if len(f)]
    if len(non_empty) == 1:
        return non_empty[0]
    if non_empty:
        return pd.concat(non_empty, ignore_index=True)
    contract, id_column = (POSTINGS, "posting_id") if kind == "postings" else (PROFILES, "profile_id")
    return _Collector(kind, market, period, contract, id_column).frame()
