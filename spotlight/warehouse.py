"""The DuckDB warehouse: contract tables, partition replacement in one transaction, reads per period."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd

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


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[Contract, pd.DataFrame],
    where: str,
    parameters: dict[str, str],
    after: Callable[[dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """Check every frame against its contract, then in one transaction delete each table's rows matching
    `where` and insert the frame; `after` runs inside the same transaction. Returns rows written per table."""
    conformed = {contract: contract.conform(frame) for contract, frame in tables.items()}
    ensure_tables(con, list(conformed))
    written: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for contract, table in conformed.items():
            con.execute(f'DELETE FROM "{contract.name}" WHERE {where}', parameters)
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
    tables: Mapping[Contract, pd.DataFrame],
    completes: tuple[str, str] | None = None,
) -> dict[str, int]:
    """Replace the (market, period) rows of each table with the given frame, all in one transaction.

    Every frame is checked against its contract before anything is written, so a violation leaves the
    warehouse untouched. `completes=(stage, fingerprint)` records the stage as done in the same transaction,
    so a run killed at any point either has the stage's rows and its record, or neither. Returns rows written.
    """
    con.execute(STAGE_RUNS_DDL)

    def record(written: dict[str, int]) -> None:
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
