"""The DuckDB warehouse: contract tables, partition replacement in one transaction, reads per period."""
from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from spotlight.contract import Contract, ContractViolation


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to the warehouse file, creating its folder; closed on exit."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def ensure_tables(con: duckdb.DuckDBPyConnection, contracts: Sequence[Contract]) -> None:
    """Create any missing contract tables."""
    for contract in contracts:
        con.execute(contract.duckdb_ddl())


@dataclass(frozen=True)
class UpdatedFiles:
    """A table's new rows as Parquet chunk files, and values that replace some of their columns once inserted:
    `updates` holds the `key` column (unique) and the columns to set, one row per row to change (for example the
    duplicate links of `posting_facts`, known only once the whole month is parsed, set without rewriting a file)."""

    files: Sequence[Path]
    key: str
    updates: pd.DataFrame


# A table's new rows: a frame (checked against the contract here), or Parquet files (`write_chunk`) or Arrow IPC
# files (`write_arrow`) written with the contract's schema (checked when they were written), inserted straight from
# disk, optionally with updates.
Rows = pd.DataFrame | Sequence[Path] | UpdatedFiles


EARLY_MEMORY_LIMIT = "1GB"
"""DuckDB's memory limit while files are inserted early. Under it DuckDB compresses and writes the transaction's
rows as they come instead of holding them for the commit: for the 2.26M rows of a 1M-posting month's postings
and facts, one-file inserts then commit took 17.1 + 0.8 s of CPU and peaked at 606 MiB, against 13.1 + 4.5 s
and 1,660 MiB with no limit, so the commit left in the stage's serial tail is a fifth as long."""

STAGING_MARKET = "~staging~{market}"
"""The `market` value of rows inserted early (`PartitionWriter`) until `finish` gives them the partition's. No
query of a market reads them: every read of the warehouse names its market."""


class PartitionWriter:
    """Replaces the rows of some tables matching a partition filter, all at once: readers see the old rows until
    `finish` commits, then only the new ones, and a failed or killed stage leaves the warehouse as it was.

    Without early inserts it is one transaction, which `finish` fills: it deletes the partition's rows, inserts the
    new ones, runs the gate and commits. Leaving the `with` block without `finish` rolls everything back.

    `insert_file` inserts chunk files while a stage is still producing the others (on a thread of its own, in the
    order given), under a staging key: the `market` parameter of the filter set to `STAGING_MARKET`. They go in
    their own transaction, which `seal` commits once the last file is handed, while the stage finishes its work.
    `finish` then, in one short transaction, deletes the partition's rows, moves the staged rows to the partition
    (an UPDATE of their `market`), inserts the rest, applies the `UpdatedFiles` updates, runs the gate and commits.
    Staged rows that a failed stage leaves are deleted when it leaves the `with` block, and the ones a killed stage
    left when the next writer of the partition starts. Measured on a 1M-posting month: updating 60,158 rows of the
    month's facts in the transaction that inserted them made its commit 4.2 s instead of 0.45 s (DuckDB rewrites
    every row group of that transaction that has an update); once the rows are committed, moving all 1,056,283
    and updating the 60,158 takes 0.04 + 0.07 s and their commit 0.12 s.

    While files are inserted early the database runs on one thread (the stage's worker processes have the other
    cores) under `EARLY_MEMORY_LIMIT`; `finish` restores its defaults. Measured on the ingest stage of a 1M-posting
    month: files inserted one by one on one thread took 61.4 s end to end and 103 s of CPU; on two threads 71.1 s;
    in batches of a row group (which DuckDB compresses as it inserts them, where it keeps one-file appends for the
    commit) 67.6 s; all at the end, as before, 72.9 s and 123 s of CPU.
    """

    def __init__(
        self, con: duckdb.DuckDBPyConnection, contracts: Sequence[Contract], where: str, parameters: dict[str, str],
    ) -> None:
        self.con = con
        self.contracts = list(contracts)
        self.where = where
        self.parameters = parameters
        self.staged = (
            {**parameters, "market": STAGING_MARKET.format(market=parameters["market"])} if "market" in parameters
            else None
        )
        self.written: dict[str, int] = {}
        self._deleted: set[str] = set()
        self._inserted: set[str] = set()
        self._staged_tables: set[str] = set()
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._open = False
        self._sealed = False

    def __enter__(self) -> PartitionWriter:
        ensure_tables(self.con, self.contracts)
        self.con.execute("BEGIN TRANSACTION")
        self._open = True
        if self.staged is not None:
            self._delete_staged()  # rows a killed stage left
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread is not None or self._open:
            self._stop(raising=False)  # the error that left the block is the one to report
            if self._open:
                self.con.execute("ROLLBACK")
                self._open = False
            self._reset()
            if self._sealed:
                self._delete_staged()

    def insert_file(self, contract: Contract, path: Path | str, keep: np.ndarray | None = None) -> None:
        """Queue one chunk file of `contract` for insertion under the staging key (only the rows where `keep` is
        True, when given)."""
        if self.staged is None or self._sealed:
            raise RuntimeError("early inserts need a partition writer with a market, before it is sealed")
        if self._thread is None:
            self.con.execute("SET threads = 1")
            self.con.execute(f"SET memory_limit = '{EARLY_MEMORY_LIMIT}'")
            self._thread = threading.Thread(target=self._insert_queued, name="warehouse-insert", daemon=True)
            self._thread.start()
        self._queue.put((contract, str(path), keep))

    def seal(self) -> None:
        """Commit the files inserted early, on the insert thread once they are in (no more can be handed)."""
        if self._thread is None or self._sealed:
            return  # nothing was inserted early, or the commit is queued already
        self._queue.put("seal")
        self._sealed = True

    def finish(
        self, tables: Mapping[Contract, Rows], after: Callable[[dict[str, int]], None] | None = None,
    ) -> dict[str, int]:
        """Insert `tables` (files already inserted by `insert_file` are skipped), run `after` in the transaction,
        commit; return rows written per table. Any error rolls the transaction back."""
        self.seal()
        self._stop()
        self._reset()
        if not self._open:  # the early inserts were committed under the staging key
            self.con.execute("BEGIN TRANSACTION")
            self._open = True
        conformed = {contract: _conformed(contract, rows) for contract, rows in tables.items()}
        ensure_tables(self.con, list(conformed))
        for contract in [*self.contracts, *conformed]:
            self._delete(contract)
        for name in sorted(self._staged_tables):  # the staged rows become the partition's
            self.con.execute(f'UPDATE "{name}" SET market = $partition_market WHERE {self.where}',
                             {**self.staged, "partition_market": self.parameters["market"]})
        for contract, table in conformed.items():
            if isinstance(table, tuple):
                files, key, updates = table
                self._insert_files(contract, [f for f in files if f not in self._inserted])
                self.written.setdefault(contract.name, 0)
                if updates is not None and updates.num_rows:
                    _update_rows(self.con, contract, key, updates, self.where, self.parameters)
            else:
                self._insert(contract, table=table)
        if after is not None:
            after(self.written)
        self.con.execute("COMMIT")
        self._open = False
        self._sealed = False  # the staged rows are the partition's now
        return self.written

    def _reset(self) -> None:
        """Give the database back its default threads and memory limit."""
        self.con.execute("RESET threads")
        self.con.execute("RESET memory_limit")

    def _delete_staged(self) -> None:
        """Delete the rows under the staging key."""
        for contract in self.contracts:
            self.con.execute(f'DELETE FROM "{contract.name}" WHERE {self.where}', self.staged)

    def _delete(self, contract: Contract) -> None:
        """Delete the partition's rows of `contract` (once per transaction)."""
        if contract.name not in self._deleted:
            self.con.execute(f'DELETE FROM "{contract.name}" WHERE {self.where}', self.parameters)
            self._deleted.add(contract.name)

    def _insert_files(
        self, contract: Contract, files: list[str], staged: bool = False, keep: np.ndarray | None = None,
    ) -> None:
        """Insert chunk files of `contract` in order (only the rows where `keep` is True, when given; under the
        staging key when `staged`)."""
        if not files:
            return
        if keep is not None or all(f.endswith(ARROW_SUFFIX) for f in files):
            table = pa.concat_tables([read_arrow(f) if f.endswith(ARROW_SUFFIX) else pq.read_table(f) for f in files])
            self._insert(contract, staged, table=table if keep is None else table.filter(pa.array(keep)))
        else:
            self._insert(contract, staged, files=files)
        self._inserted.update(files)

    def _insert(
        self, contract: Contract, staged: bool = False, table: pa.Table | None = None, files: list[str] | None = None,
    ) -> None:
        """Insert the rows of an Arrow `table`, or else of Parquet `files`, of `contract` (under the staging key when
        `staged`), and count them."""
        columns = ", ".join('$staged AS "market"' if staged and name == "market" else f'"{name}"'
                            for name in contract.column_names)
        parameters: dict[str, object] = {"staged": self.staged["market"]} if staged else {}
        if table is not None:
            # as a stream: DuckDB holds a registered table until the transaction ends (the memory-mapped files of a
            # 1M-posting month stayed resident, 2.7 GB), and lets a stream's batches go once it has read them
            self.con.register("incoming_rows", pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
            source = "incoming_rows"
        else:
            source, parameters["files"] = "read_parquet($files)", files
        try:
            inserted = self.con.execute(
                f'INSERT INTO "{contract.name}" SELECT {columns} FROM {source}', parameters
            ).fetchall()[0][0]
        finally:
            if table is not None:
                self.con.unregister("incoming_rows")
        self.written[contract.name] = self.written.get(contract.name, 0) + int(inserted)

    def _insert_queued(self) -> None:
        """Insert the queued files until told to stop; keep the first error for `finish` to raise."""
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                if item == "seal":
                    self.con.execute("COMMIT")
                    self._open = False
                    continue
                contract, path, keep = item
                self._staged_tables.add(contract.name)
                self._insert_files(contract, [path], staged=True, keep=None if keep is None or keep.all() else keep)
            except BaseException as error:  # noqa: BLE001 - raised by finish, in the caller's thread
                self._error = error

    def _stop(self, raising: bool = True) -> None:
        """Wait for the queued inserts; raise the first error one of them met (when `raising`)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        if error is not None and raising:
            raise error


def partition_writer(
    con: duckdb.DuckDBPyConnection, market: str, period: str, contracts: Sequence[Contract],
) -> PartitionWriter:
    """Return a `PartitionWriter` replacing the (market, period) rows of `contracts` (use it as a context)."""
    con.execute(STAGE_RUNS_DDL)
    return PartitionWriter(con, contracts, "market = $market AND period = $period", {"market": market, "period": period})


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[Contract, Rows],
    where: str,
    parameters: dict[str, str],
    after: Callable[[dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """In one transaction delete each table's rows matching `where` and insert the frame (or the chunk files),
    each frame checked against its contract first; `after` runs inside the same transaction. Returns rows written
    per table."""
    with PartitionWriter(con, list(tables), where, parameters) as writer:
        return writer.finish(tables, after)


def _conformed(contract: Contract, rows: Rows) -> pa.Table | tuple[list[str], str | None, pa.Table | None]:
    """Return a frame checked against its contract as Arrow, or chunk files as (paths, key, checked updates)."""
    if isinstance(rows, pd.DataFrame):
        return contract.conform(rows)
    if not isinstance(rows, UpdatedFiles):
        return [str(f) for f in rows], None, None
    names = list(rows.updates.columns)
    unknown = [n for n in names if n not in contract.column_names]
    if rows.key not in names or unknown:
        raise ContractViolation(
            f"{contract.name}: updates must hold the key {rows.key!r} and contract columns (unknown {unknown})"
        )
    if rows.updates[rows.key].duplicated().any():
        raise ContractViolation(f"{contract.name}: updates name a {rows.key} more than once")
    fields = {c.name: c for c in contract.columns}
    schema = pa.schema([pa.field(n, fields[n].type, nullable=True) for n in names])
    try:
        updates = pa.Table.from_pandas(rows.updates, schema=schema, preserve_index=False, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise ContractViolation(f"{contract.name}: an update does not have its contract type: {exc}") from exc
    contract.check_allowed_values(updates)
    for name in names:
        if not fields[name].nullable and updates.column(name).null_count:
            raise ContractViolation(f"{contract.name}.{name}: an update sets a required column to null")
    return [str(f) for f in rows.files], rows.key, updates


def _update_rows(
    con: duckdb.DuckDBPyConnection, contract: Contract, key: str, updates: pa.Table, where: str,
    parameters: dict[str, str],
) -> None:
    """Set the update columns of the rows just inserted (those matching `where`) whose key is in `updates`; a key
    that matches no inserted row is an error, so the transaction rolls back."""
    con.register("incoming_updates", updates)
    try:
        assignments = ", ".join(f'"{n}" = incoming_updates."{n}"' for n in updates.column_names if n != key)
        # `where` names the table's own partition columns, which the updates frame does not have
        changed = con.execute(
            f'UPDATE "{contract.name}" SET {assignments} FROM incoming_updates '
            f'WHERE "{contract.name}"."{key}" = incoming_updates."{key}" AND {where}',
            parameters,
        ).fetchall()[0][0]
    finally:
        con.unregister("incoming_updates")
    if changed != updates.num_rows:
        raise ContractViolation(
            f"{contract.name}: {updates.num_rows} update(s) by {key}, but {changed} inserted row(s) matched"
        )


def replace_partitions(
    con: duckdb.DuckDBPyConnection,
    market: str,
    period: str,
    tables: Mapping[Contract, Rows],
    completes: tuple[str, str] | None = None,
    gate: Callable[[], None] | None = None,
    writer: PartitionWriter | None = None,
) -> dict[str, int]:
    """Replace the (market, period) rows of each table with the given frame or chunk files, in one transaction.

    Every frame is checked against its contract before it is written, and a violation rolls the transaction back,
    so it leaves the warehouse untouched. `gate` runs after the inserts and before the commit: an error it raises
    rolls the transaction back (a stage's quality checks can so run while its rows are inserted). `completes=(stage,
    fingerprint)` records the stage as done in the same transaction, so a run killed at any point either has the
    stage's rows and its record, or neither. `writer`: the `partition_writer` of this partition that is already
    open and has inserted some of the files (they are not inserted again). Returns rows written.
    """

    def record(written: dict[str, int]) -> None:
        if gate is not None:
            gate()
        if completes is not None:
            record_stage(con, market, period, completes[0], completes[1], sum(written.values()))

    # an open writer may still be inserting on its thread: the connection is used only once `finish` has waited
    if writer is not None:
        return writer.finish(tables, record)
    with partition_writer(con, market, period, list(tables)) as own:
        return own.finish(tables, record)


def replace_tables(con: duckdb.DuckDBPyConnection, tables: Mapping[Contract, pd.DataFrame]) -> dict[str, int]:
    """Replace whole tables (used for the taxonomy tables, which are not partitioned) in one transaction."""
    return _replace_rows(con, tables, "true", {})


def read_partition(con: duckdb.DuckDBPyConnection, contract: Contract, market: str, period: str) -> pd.DataFrame:
    """Return the (market, period) rows of a contract table (empty with the contract's columns if none)."""
    ensure_tables(con, [contract])
    return con.execute(
        f'SELECT * FROM "{contract.name}" WHERE market = $market AND period = $period',
        {"market": market, "period": period},
    ).df()


STAGE_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS stage_runs (
  market VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  stage VARCHAR NOT NULL,
  fingerprint VARCHAR NOT NULL,
  rows_written BIGINT,
  PRIMARY KEY (market, period, stage)
)
"""


def stage_fingerprint(con: duckdb.DuckDBPyConnection, market: str, period: str, stage: str) -> str | None:
    """Return the input fingerprint the stage last completed with for (market, period), if any."""
    con.execute(STAGE_RUNS_DDL)
    row = con.execute(
        "SELECT fingerprint FROM stage_runs WHERE market = $market AND period = $period AND stage = $stage",
        {"market": market, "period": period, "stage": stage},
    ).fetchone()
    return row[0] if row else None


def record_stage(
    con: duckdb.DuckDBPyConnection, market: str, period: str, stage: str, fingerprint: str, rows_written: int
) -> None:
    """Record that a stage completed for (market, period) with the given input fingerprint."""
    con.execute(STAGE_RUNS_DDL)
    con.execute(
        "INSERT OR REPLACE INTO stage_runs VALUES ($market, $period, $stage, $fingerprint, $rows)",
        {"market": market, "period": period, "stage": stage, "fingerprint": fingerprint, "rows": rows_written},
    )


def forget_stages(con: duckdb.DuckDBPyConnection, market: str, period: str, stages: Sequence[str]) -> None:
    """Forget completed stages so that they run again (used when an upstream stage re-ran)."""
    con.execute(STAGE_RUNS_DDL)
    for stage in stages:
        con.execute(
            "DELETE FROM stage_runs WHERE market = $market AND period = $period AND stage = $stage",
            {"market": market, "period": period, "stage": stage},
        )


def query_chunks(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: Mapping[str, object], folder: Path, chunk_rows: int
) -> list[Path]:
    """Write the rows of a query to Parquet files of `chunk_rows` rows each (`chunk-00000.parquet`, …) in
    `folder`, streaming (never the whole result in memory); return the files in row order."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    reader = con.sql(sql, params=dict(parameters)).to_arrow_reader(chunk_rows)
    pending: list[pa.RecordBatch] = []
    pending_rows = 0

    def flush() -> None:
        nonlocal pending, pending_rows
        files.append(write_chunk(pa.Table.from_batches(pending, schema=reader.schema), folder, len(files)))
        pending, pending_rows = [], 0

    for batch in reader:
        while batch.num_rows:
            take = min(batch.num_rows, chunk_rows - pending_rows)
            pending.append(batch.slice(0, take))
            pending_rows += take
            batch = batch.slice(take)
            if pending_rows == chunk_rows:
                flush()
    if pending_rows:
        flush()
    return files


def write_chunk(table: pa.Table, folder: Path, number: int, prefix: str = "chunk") -> Path:
    """Write `table` to `folder/<prefix>-NNNNN.parquet` atomically (see `write_parquet`)."""
    return write_parquet(table, folder / f"{prefix}-{number:05d}.parquet")


ARROW_SUFFIX = ".arrow"


def write_arrow(table: pa.Table, target: Path) -> Path:
    """Write `table` to the uncompressed Arrow IPC file `target` atomically (see `write_parquet`): for a stage's
    work files, written once and read back memory-mapped (`read_arrow`). A posting's rows file is written in
    0.8 µs where uncompressed Parquet took 2.8-3.1 µs (its dictionaries and page encoding), and DuckDB inserts
    the 2.3M rows of a 1M-posting month's postings and facts in 15.9 instead of 16.9 s of CPU."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    with pa.OSFile(str(partial), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(partial, target)
    return target


def read_arrow(path: Path | str) -> pa.Table:
    """Return the table of an Arrow IPC file, memory-mapped (its buffers are the file's pages, not copies)."""
    return pa.ipc.open_file(pa.memory_map(str(path))).read_all()


def write_parquet(table: pa.Table, target: Path, compression: str = "snappy") -> Path:
    """Write `table` to the Parquet file `target` atomically (a temporary file, then a rename), so a file that
    exists is complete; its folder is created when missing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.partial")
    pq.write_table(table, partial, compression=compression)
    os.replace(partial, target)
    return target
