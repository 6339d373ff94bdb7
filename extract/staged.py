"""Staged ingest: a month's sources landed and parsed part by part into Arrow files, never whole in memory.

`staged_ingest(config, period, folder)` gives what `land(config, period)` and `posting_facts` of its postings give,
as Arrow IPC chunk files in `folder` (written with the contracts' schemas, so the warehouse inserts them straight
from disk) plus the small per-row facts the stage needs in memory (ids, sources, quarantined rows, duplicate links and
the landed-postings check columns):

1. *land*: each source part (`extract.ingest.config_parts`: one per local file) is landed by a worker process,
   in config order; its accepted rows are written in files of `CHUNK_ROWS` rows (`rows/part-PPPPP-CCCCC.arrow`);
   only their keys and the quarantined rows come back. URL and API sources land in this process, where the network
   client and its credentials live.
2. *parse*: each postings file is parsed by a worker as soon as it is written (`extract.facts.parsed_chunk`): its
   facts go to `facts/part-PPPPP-CCCCC.arrow` without duplicate links; the de-duplication features and the
   landed-postings check columns come back.
3. *link*: source ids repeated across the parts of a source are quarantined (`duplicate_source_id`, as
   `extract.ingest.landed_from_parts` does) and their rows filtered out of the files; duplicates are linked over the
   whole month here. The facts files are not rewritten: `Staged.tables` hands the links to the warehouse, which
   sets `duplicate_of` / `duplicate_method` on the inserted rows (rewriting the 151 facts files of a 1M-posting
   month took 5.5 s on 2 workers; the update of its 60,158 links takes 0.07 s).

4. *write* (`ingested`, as the flow runs the stage): each rows and facts file is inserted under the warehouse's
   staging key (`spotlight.warehouse.PartitionWriter`, on one database thread) as soon as it is final and every file
   before it in the month's order is in, while the workers land and parse the rest, and those inserts commit while
   the duplicates are linked; one short transaction then replaces the month: the staged rows become the partition's,
   the quarantine, the accounting and the duplicate links are written, and it commits only if the landed-postings
   suite passes. Parts are landed in config order so the files become final nearly in that order.

At most two tasks per worker are in flight, so memory is bounded by a few chunks and the largest source file rather
than the month. Months whose local source files total less than `PARALLEL_MIN_BYTES` run every task in this process.
Files are written with `spotlight.warehouse.write_arrow`, so a file that exists is complete.
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from extract.accounting import ingest_accounting
from extract.contracts import INGEST_ACCOUNTING, POSTING_FACTS, POSTINGS, PROFILES, QUARANTINE
from extract.dedupe import duplicates_from_features
from extract.expectations import checked_postings_report, postings_checked
from extract.facts import WORKERS, parsed_chunk, parsed_columns
from extract.ingest import Landed, SeenIds, config_parts, landed_from_parts, landed_part
from extract.sources import PERIOD_PATTERN, MarketConfig, SourceConfig, is_url, resolve_files
from spotlight.contract import Contract
from spotlight.quality import QualityReport
from spotlight.warehouse import (
    ARROW_SUFFIX,
    PartitionWriter,
    Rows,
    UpdatedFiles,
    partition_writer,
    read_arrow,
    replace_partitions,
    write_arrow,
)

log = logging.getLogger(__name__)

CHUNK_ROWS = 25_000
"""Rows per Parquet file, and so per parse task."""
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
"""About 5,000 postings of board JSON: below it a process pool costs more than it saves. A month of the bundled
sample (21 MB, 12,700 records) is staged in 2.7 s with the pool and 4.1 s without."""
KEY_COLUMNS = ("source", "source_id", "source_row")
CHECK_COLUMNS = ("source", "source_row", "posting_id", "title", "description", "posted_at", "period", "pay_stated",
                 "location_text")
"""The columns of `extract.expectations.postings_checked` the landed-postings suite reads."""
PRESENCE_COLUMNS = ("title", "description", "posted_at", "location_text")
"""Check columns the suite only asks to be there (not null): the staged check columns carry True or null instead
of their text or date. Great Expectations hashes the whole frame it is given (a batch fingerprint); at 1M postings
the suite took 2.37 s of CPU on the texts (descriptions cut to 60 characters) and dates, 1.84-1.90 s on this, with the
same outcomes and failing rows, and the check columns that workers send back are ~120 bytes per posting lighter."""


FileSink = Callable[[Contract, str, "np.ndarray | None"], None]
"""Takes one final rows or facts file: (contract, path, rows to keep or None for all)."""


@dataclass(frozen=True)
class StagedPart:
    """One landed source part: the keys of its accepted rows (id column, source, source_id, source_row, in order),
    its quarantined rows and input-row order (as `extract.ingest.LandedPart`), and its rows files with their rows."""

    source: SourceConfig
    accepted: pd.DataFrame
    quarantined: tuple[tuple[str, int, str, str | None, str], ...]
    order: np.ndarray
    files: tuple[str, ...]
    file_rows: tuple[int, ...]


@dataclass(frozen=True)
class ParsedFile:
    """What parsing one postings file gave: its facts file, de-duplication features and signatures, check rows."""

    facts: str
    features: pd.DataFrame
    signatures: np.ndarray
    checked: pd.DataFrame


@dataclass(frozen=True)
class Staged:
    """A staged month: `keys` is a Landed whose postings and profiles hold only the key columns (for accounting),
    with the full quarantine; the files hold the accepted rows and the posting facts, in landing order (when they
    were handed to `on_file`, also the rows of repeated source ids its masks left out). The facts files carry no
    duplicate links: those are `duplicates` (`posting_id`, `duplicate_of`, `method`)."""

    keys: Landed
    postings: tuple[str, ...]
    profiles: tuple[str, ...]
    facts: tuple[str, ...]
    duplicates: pd.DataFrame
    checked: pd.DataFrame

    def duplicates_by_source(self) -> dict[str, int]:
        """Return the number of postings linked as duplicates, per source (for `ingest_accounting`)."""
        postings = self.keys.postings
        # Arrow's hash lookup: pandas' isin on Arrow strings made Python strings of all 1,056,283 ids (1.95 s)
        linked = pc.is_in(pa.array(postings["posting_id"], type=pa.string()),
                          value_set=pa.array(self.duplicates["posting_id"], type=pa.string()))
        linked = linked.to_numpy(zero_copy_only=False)
        return {str(k): int(v) for k, v in postings.loc[linked, "source"].value_counts().items()}

    def tables(self, accounting: pd.DataFrame) -> dict[Contract, Rows]:
        """Return the ingest stage's tables for `spotlight.warehouse.replace_partitions`: the files (the facts
        with the duplicate links set as they are inserted), the quarantine and `accounting`."""
        links = self.duplicates.rename(columns={"method": "duplicate_method"})
        return {
            POSTINGS: [Path(f) for f in self.postings], PROFILES: [Path(f) for f in self.profiles],
            QUARANTINE: self.keys.quarantine,
            POSTING_FACTS: UpdatedFiles([Path(f) for f in self.facts], "posting_id", links),
            INGEST_ACCOUNTING: accounting,
        }


def staged_ingest(
    config: MarketConfig, period: str, folder: Path, workers: int = WORKERS,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES, executor: Executor | None = None,
    on_file: FileSink | None = None, on_checked: Callable[[pd.DataFrame], object] | None = None,
    on_handed: Callable[[], object] | None = None,
) -> Staged:
    """Land and parse every source of `config` for `period` into Parquet files under `folder` (emptied first).

    The tasks run on `executor` when one is given (for example the flow's Dask cluster, see
    `flows.tasks.TaskRunnerPool`; `workers` then bounds the tasks in flight to two per worker), else on a process
    pool of `workers` processes, or in this process for a month smaller than `parallel_min_bytes`.

    `on_file(contract, path, keep)` is handed each postings, profiles and facts file as soon as it is final, in the
    order the files are listed in the result (`keep`: the rows to take, when some are repeated source ids; else
    None), so the warehouse can insert them while the rest is parsed (`spotlight.warehouse.PartitionWriter`).
    `on_checked(checked)` is handed the landed-postings check columns (`Staged.checked`) as soon as they are final,
    before the duplicates are linked, so the suite can run meanwhile. `on_handed()` is called once every file has
    been handed to `on_file` (`spotlight.warehouse.PartitionWriter.seal`).
    """
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sources = config_parts(config, period)
    # Bytes of each part's local file; None for a URL or API source, or a local source with no file this month.
    sizes = [_size(s, period) for s in sources]
    in_pool = workers > 1 and sum(size or 0 for size in sizes) >= parallel_min_bytes
    if executor is not None:
        running = contextlib.nullcontext(executor)
    else:
        running = ProcessPoolExecutor(max_workers=workers) if in_pool else _InProcess()
    early = _EarlyFiles(sources, on_file) if on_file is not None else None
    with running as pool:
        parts, parsed = _landed_and_parsed(pool, workers, sources, sizes, period, config.market, folder, early)
        if on_handed is not None:
            on_handed()
        keys, kept_rows = landed_from_parts(config, period, parts, early.kept_rows(len(parts)) if early else None)
        for part, kept in zip(parts, kept_rows, strict=True):
            if not kept.all():
                # files handed early stay as they are: `on_file` took their masks, and may still be reading them
                _drop_repeated_ids(part, kept, parsed, rewrite=early is None)
        files = [f for part in parts for f in part.files]
        chunks = [parsed[f] for f in files if f in parsed]
        checked = pd.concat([c.checked for c in chunks], ignore_index=True) if chunks else _empty_checked()
        if on_checked is not None:
            on_checked(checked)
        duplicates = _linked(chunks)
    return Staged(
        keys=keys,
        postings=tuple(f for part in parts if part.source.kind == "postings" for f in part.files),
        profiles=tuple(f for part in parts if part.source.kind == "profiles" for f in part.files),
        facts=tuple(c.facts for c in chunks),
        duplicates=duplicates,
        checked=checked,
    )


TABLES = (POSTINGS, PROFILES, QUARANTINE, POSTING_FACTS, INGEST_ACCOUNTING)
"""The ingest stage's warehouse tables (`Staged.tables`)."""


def ingested(
    con, config: MarketConfig, period: str, folder: Path, gate: Callable[[QualityReport], object],  # noqa: ANN001
    completes: tuple[str, str] | None = None, workers: int = WORKERS, executor: Executor | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
) -> tuple[Staged, dict[str, int], pd.DataFrame, QualityReport]:
    """Land, parse and write one month into the warehouse connection `con` in one transaction, as the flow's
    ingest stage does; return the staged month, rows written per table, the accounting and the landed-postings
    report.

    Each rows and facts file is inserted under the staging key as soon as it is final, while the rest of the
    month is still landed and parsed; `committed` then replaces the month in one transaction. Any error, or `gate`
    refusing the report, leaves the month as it was.
    """
    started = time.perf_counter()
    # the suite needs Great Expectations, whose import takes seconds: import it while the month is parsed
    threading.Thread(target=importlib.import_module, args=("great_expectations",), daemon=True).start()
    with partition_writer(con, config.market, period, TABLES) as writer, ThreadPoolExecutor(1) as checking:
        reports: list[Future] = []
        staged = staged_ingest(
            config, period, folder, workers=workers, parallel_min_bytes=parallel_min_bytes, executor=executor,
            on_file=writer.insert_file,
            on_checked=lambda checked: reports.append(checking.submit(checked_postings_report, checked, period)),
            on_handed=writer.seal,
        )
        staged_at = time.perf_counter()
        rows, accounting, report = committed(con, staged, config.market, period, gate, completes, writer, reports[0])
    log.info("ingested %s: landed and parsed in %.1f s (rows inserted meanwhile), the rest written in %.1f s",
             period, staged_at - started, time.perf_counter() - staged_at)
    return staged, rows, accounting, report


def committed(
    con, staged: Staged, market: str, period: str, gate: Callable[[QualityReport], object],  # noqa: ANN001
    completes: tuple[str, str] | None = None, writer: PartitionWriter | None = None, report: Future | None = None,
) -> tuple[dict[str, int], pd.DataFrame, QualityReport]:
    """Write a staged month to the warehouse connection `con` in one transaction (the one `writer` holds open, when
    given, skipping the files it inserted); return the rows written per table, the accounting and the
    landed-postings report.

    The landed-postings suite runs on a thread while the rows are inserted (3–9 s at 1M postings, off the serial
    tail), unless `report` is its future already running; `gate(report)` decides before the commit, and an error
    it raises rolls the month back (`spotlight.warehouse.replace_partitions`).
    """
    accounting = ingest_accounting(staged.keys, staged.duplicates_by_source(), market, period)
    with ThreadPoolExecutor(1) as checking:
        if report is None:
            report = checking.submit(checked_postings_report, staged.checked, period)
        rows = replace_partitions(
            con, market, period, staged.tables(accounting), completes=completes,
            gate=lambda: gate(report.result()), writer=writer,
        )
    return rows, accounting, report.result()


def staged_part(source: SourceConfig, period: str, market: str, folder: str, number: int) -> StagedPart:
    """Land one source part and write its accepted rows to Arrow files of `CHUNK_ROWS` rows; return their keys."""
    part = landed_part(source, period, market)
    contract, id_column = (POSTINGS, "posting_id") if source.kind == "postings" else (PROFILES, "profile_id")
    rows = part.accepted
    starts = range(0, len(rows), CHUNK_ROWS)
    files = tuple(
        str(write_arrow(contract.conform(rows.iloc[start:start + CHUNK_ROWS].reset_index(drop=True)),
                        Path(folder) / "rows" / f"part-{number:05d}-{chunk:05d}{ARROW_SUFFIX}"))
        for chunk, start in enumerate(starts)
    )
    keys = rows[[id_column, *KEY_COLUMNS]].copy()
    file_rows = tuple(min(CHUNK_ROWS, len(rows) - start) for start in starts)
    return StagedPart(source, keys, part.quarantined, part.order, files, file_rows)


# rows files have every `postings` column: the parsers' and the suite's are read
_PARSED_FILE_COLUMNS = list(dict.fromkeys([*parsed_columns(POSTINGS.empty()), "source", "source_row", "period"]))


def parsed_file(path: str) -> ParsedFile:
    """Parse the postings of one rows file: write their facts (duplicates not linked) beside it, return the rest."""
    postings = read_arrow(path).select(_PARSED_FILE_COLUMNS).to_pandas()
    facts, features, signatures = parsed_chunk(postings)
    facts["duplicate_of"] = None
    facts["duplicate_method"] = None
    target = Path(path).parent.parent / "facts" / Path(path).name
    write_arrow(POSTING_FACTS.conform(facts[POSTING_FACTS.column_names]), target)
    return ParsedFile(str(target), features, signatures, _checked(postings))


def _landed_and_parsed(
    pool, workers: int, sources: list[SourceConfig], sizes: list[int | None], period: str, market: str,  # noqa: ANN001
    folder: Path, early: _EarlyFiles | None = None,
) -> tuple[list[StagedPart], dict[str, ParsedFile]]:
    """Return every source part landed (in order) and every postings file parsed, by file path."""
    parts: list = [None] * len(sources)
    parsed: dict[str, ParsedFile] = {}
    # Local files are landed by the pool in config order, so each table's files become final nearly in the order
    # the warehouse holds them (see `_EarlyFiles`); a source with no file for the month lands here.
    local = [i for i, size in enumerate(sizes) if size is not None]
    to_land = list(local)
    to_parse: list[str] = []

    def landed(index: int, part: StagedPart) -> None:
        parts[index] = part
        if part.source.kind == "postings" and len(part.accepted):
            to_parse.extend(part.files)

    for i, source in enumerate(sources):
        if i not in local:  # URLs and APIs land here too (network clients and credentials stay in this process)
            landed(i, staged_part(source, period, market, str(folder), i))
    pending: dict[Future, tuple[str, object]] = {}
    while to_land or to_parse or pending:
        while len(pending) < 2 * workers and (to_parse or to_land):
            if to_parse:
                path = to_parse.pop(0)
                pending[pool.submit(parsed_file, path)] = ("parse", path)
            else:
                index = to_land.pop(0)
                pending[pool.submit(staged_part, sources[index], period, market, str(folder), index)] = ("land", index)
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            task, key = pending.pop(future)
            if task == "land":
                landed(key, future.result())
            else:
                parsed[key] = future.result()
        if early is not None:
            early.advance(parts, parsed)
    if early is not None:
        early.advance(parts, parsed)
    return parts, parsed


class _EarlyFiles:
    """Hands each table's final files to a `FileSink` in the order `staged_ingest` lists them: a part's rows files
    once every earlier part of its kind has landed (so its repeated source ids are known, as `landed_from_parts`
    finds them), and a postings file's facts once it is parsed and its rows were handed."""

    def __init__(self, sources: list[SourceConfig], on_file: FileSink) -> None:
        self.on_file = on_file
        self.order = {kind: [i for i, s in enumerate(sources) if s.kind == kind] for kind in ("postings", "profiles")}
        self.next = {kind: 0 for kind in self.order}
        self.seen = SeenIds()
        self.kept: dict[int, np.ndarray] = {}
        self.facts: list[tuple[str, np.ndarray | None]] = []
        self.facts_next = 0

    def advance(self, parts: list[StagedPart | None], parsed: dict[str, ParsedFile]) -> None:
        """Hand every file that has become final, in order."""
        for kind, order in self.order.items():
            contract, id_column = (POSTINGS, "posting_id") if kind == "postings" else (PROFILES, "profile_id")
            while self.next[kind] < len(order) and parts[order[self.next[kind]]] is not None:
                index = order[self.next[kind]]
                part = parts[index]
                kept = self.seen.first_landed(part.source.name, part.accepted[id_column])
                self.kept[index] = kept
                for path, keep in _file_masks(part, kept):
                    keep = None if keep.all() else keep
                    self.on_file(contract, path, keep)
                    if kind == "postings":
                        self.facts.append((path, keep))
                self.next[kind] += 1
        while self.facts_next < len(self.facts) and self.facts[self.facts_next][0] in parsed:
            path, keep = self.facts[self.facts_next]
            self.on_file(POSTING_FACTS, parsed[path].facts, keep)
            self.facts_next += 1

    def kept_rows(self, parts: int) -> list[np.ndarray]:
        """Return, per part, the rows handed (`landed_from_parts` keeps the same: both follow `SeenIds`, in the
        parts' order); raise if a part or a facts file was never handed."""
        if len(self.kept) != parts or self.facts_next != len(self.facts):
            raise RuntimeError("staged ingest: some files of the landed month were never handed to the warehouse")
        return [self.kept[index] for index in range(parts)]


def _file_masks(part: StagedPart, kept: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Return each rows file of a part with its slice of the part's row mask `kept`."""
    bounds = np.cumsum([0, *part.file_rows])
    return [(path, kept[bounds[i]:bounds[i + 1]]) for i, path in enumerate(part.files)]


def _drop_repeated_ids(part: StagedPart, kept: np.ndarray, parsed: dict[str, ParsedFile], rewrite: bool) -> None:
    """Remove from a part's parse results, and from its rows and facts files when `rewrite`, the rows quarantined as
    repeated source ids."""
    for path, keep in _file_masks(part, kept):
        if keep.all():
            continue
        mask = pa.array(keep)
        if rewrite:
            write_arrow(read_arrow(path).filter(mask), Path(path))
        if path in parsed:
            result = parsed[path]
            if rewrite:
                write_arrow(read_arrow(result.facts).filter(mask), Path(result.facts))
            parsed[path] = ParsedFile(
                result.facts, result.features[keep].reset_index(drop=True), result.signatures[keep],
                result.checked[keep].reset_index(drop=True),
            )


def _linked(chunks: list[ParsedFile]) -> pd.DataFrame:
    """Return the duplicate links over every parsed file (`extract.dedupe.duplicates_from_features`)."""
    if not chunks:
        return pd.DataFrame({"posting_id": [], "duplicate_of": [], "method": []}, dtype=object)
    features = pd.concat([c.features for c in chunks], ignore_index=True)
    signatures = np.concatenate([c.signatures for c in chunks])
    duplicates = duplicates_from_features(features, signatures)
    log.info("staged ingest: %d postings, %d exact and %d near duplicates", len(features),
             int((duplicates["method"] == "exact").sum()), int((duplicates["method"] == "near").sum()))
    return duplicates[["posting_id", "duplicate_of", "method"]].reset_index(drop=True)


def _empty_checked() -> pd.DataFrame:
    """Return the check columns of no postings."""
    return _checked(POSTINGS.empty())


def _checked(postings: pd.DataFrame) -> pd.DataFrame:
    """Return the check columns of parsed postings, with `PRESENCE_COLUMNS` as presence."""
    return postings_checked(postings, CHECK_COLUMNS, presence=PRESENCE_COLUMNS).reset_index(drop=True)

def _size(source: SourceConfig, period: str) -> int | None:
    """Return the bytes of a source part's local file (`config_parts` gives one file per local part), or None when
    the part is a URL or API source or has no file for the month."""
    if source.path is None or is_url(source.path):
        return None
    files = resolve_files(source, period)
    if not files:
        return None
    try:
        return sum(os.path.getsize(f) for f in files)
    except OSError:  # gone since it was listed: landing reports it
        return 0


class _InProcess(Executor):
    """An Executor that runs every task in this process at submission, for a month too small for a pool."""

    def submit(self, fn: Callable, /, *args: object, **kwargs: object) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - re-raised by future.result(), as a pool would
            future.set_exception(error)
        return future
