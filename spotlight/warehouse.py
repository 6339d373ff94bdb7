"""The DuckDB warehouse: contract tables, partition replacement in one transaction, reads per period."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from spotlight.contract import Contract


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


# A table's new rows: a frame (checked against the contract here), or Parquet files written with the contract's
# schema by `write_chunk` (checked when they were written), inserted straight from disk.
Rows = pd.DataFrame | Sequence[Path]


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[Contract, Rows],
    where: str,
    parameters: dict[str, str],
    after: Callable[[dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """Check every frame against its contract, then in one transaction delete each table's rows matching
    `where` and insert the frame (or the chunk files); `after` runs inside the same transaction. Returns rows
    written per table."""
    conformed = {
        contract: contract.conform(rows) if isinstance(rows, pd.DataFrame) else [str(f) for f in rows]
        for contract, rows in tables.items()
    }
    ensure_tables(con, list(conformed))
    written: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for contract, table in conformed.items():
            con.execute(f'DELETE FROM "{contract.name}" WHERE {where}', parameters)
            if isinstance(table, list):
                columns = ", ".join(f'"{name}"' for name in contract.column_names)
                inserted = con.execute(
                    f'INSERT INTO "{contract.name}" SELECT {columns} FROM read_parquet($files)', {"files": table}
                ).fetchall()[0][0] if table else 0
                written[contract.name] = int(inserted)
                continue
            con.register("incoming_rows", table)
            con.execute(f'INSERT INTO "{contract.name}" SELECT * FROM incoming_rows')
            con.unregister("incoming_rows")
            written[contract.name] = table.num_rows
        if after is not None:
            after(written)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return written


def replace_partitions(
    con: duckdb.DuckDBPyConnection,
    market: str,
    period: str,
    tables: Mapping[Contract, Rows],
    completes: tuple[str, str] | None = None,
    gate: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Replace the (market, period) rows of each table with the given frame or chunk files, in one transaction.

    Every frame is checked against its contract before anything is written, so a violation leaves the
    warehouse untouched. `gate` runs after the inserts and before the commit: an error it raises rolls the
    transaction back (a stage's quality checks can so run while its rows are inserted). `completes=(stage,
    fingerprint)` records the stage as done in the same transaction, so a run killed at any point either has the
    stage's rows and its record, or neither. Returns rows written.
    """
    con.execute(STAGE_RUNS_DDL)

    def record(written: dict[str, int]) -> None:
        if gate is not None:
            gate()
        if completes is not None:
            record_stage(con, market, period, completes[0], completes[1], sum(written.values()))

    return _replace_rows(
        con, tables, "market = $market AND period = $period", {"market": market, "period": period}, record
    )


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


def write_parquet(table: pa.Table, target: Path) -> Path:
    """Write `table` to the Parquet file `target` atomically (a temporary file, then a rename), so a file that
    exists is complete; its folder is created when missing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.partial")
    pq.write_table(table, partial)
    os.replace(partial, target)
    return target
