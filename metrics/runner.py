"""Run the metric SQL files for one (market, period) in one transaction, replacing that partition of each table."""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from metrics.contracts import (
    CAREER_PATHS, CONTRACTS, PAY_STATS, PREMIUM_COMBINATIONS, ROLE_COMPARISON, SKILL_DEMAND, SKILL_GAPS,
    SKILL_SUPPLY, SKILL_TIERS, SKILL_TRENDS,
)
from metrics.settings import MetricSettings, report_role_ids
from spotlight.contract import Contract
from spotlight.settings import shift_period

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent / "sql"
SHARED_SQL_DIR = SQL_DIR / "shared"
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
PARAMETER_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

# Dependency order: skill_gaps reads the skill_demand and skill_supply rows written before it.
TABLE_ORDER: tuple[Contract, ...] = (
    SKILL_DEMAND, SKILL_SUPPLY, SKILL_GAPS, SKILL_TIERS, SKILL_TRENDS,
    PAY_STATS, PREMIUM_COMBINATIONS, ROLE_COMPARISON, CAREER_PATHS,
)
# Tables whose SQL is run once per report role (rows partitioned by role, ordered by role first).
PER_ROLE_TABLES: tuple[Contract, ...] = (PREMIUM_COMBINATIONS,)
# Inputs the SQL reads: the producers' contracts name them; a missing one is a pipeline-order mistake.
INPUT_TABLES = (
    "posting_facts", "posting_roles", "posting_skills", "profiles_normalised", "profile_skills", "profile_jobs",
    "taxonomy_units", "unit_members", "roles", "role_adjacency",
)
TEMP_TABLES = ("metric_postings", "metric_unit_counts", "metric_demand_monthly")

assert {c.name for c in TABLE_ORDER} == {c.name for c in CONTRACTS}, "every metric contract needs its SQL file"


class MetricsError(ValueError):
    """The metrics stage cannot run for this input; the message says why."""


def shifted_period(period: str, months: int) -> str:
    """Return the `YYYY-MM` period `months` months after `period` (negative for before)."""
    if not PERIOD_RE.match(period):
        raise MetricsError(f"period must look like YYYY-MM (e.g. 2026-04), got {period!r}")
    return shift_period(period, months)


def metric_parameters(market: str, period: str, settings: MetricSettings) -> dict[str, Any]:
    """Return every value the SQL files bind, by parameter name."""
    return {
        "market": market,
        "period": period,
        "previous_period": shifted_period(period, -1),
        "year_ago_period": shifted_period(period, -12),
        "window_start": shifted_period(period, -(settings.trend_months - 1)),
        "trend_months": settings.trend_months,
        "report_roles": list(report_role_ids(settings)),
        "z": settings.confidence_z,
        "min_demand_n": settings.min_demand_n,
        "min_supply_n": settings.min_supply_n,
        "min_pay_n": settings.min_pay_n,
        "min_support": settings.min_combo_support,
        "min_size": settings.combo_min_size,
        "max_size": settings.combo_max_size,
        "max_candidates": settings.combo_max_candidates,
        "combo_z": settings.combo_selection_z,
        "combo_margin": settings.combo_min_margin_pts,
        "essential_min_pct": settings.essential_min_pct,
        "desirable_min_pct": settings.desirable_min_pct,
        "edge_months": settings.emerging_edge_months,
        "emerging_growth_ratio": settings.emerging_min_growth_ratio,
        "emerging_min_t": settings.emerging_min_slope_t,
        "emerging_min_pct": settings.emerging_min_current_pct,
        "emerging_min_months": settings.emerging_min_months_observed,
        "trend_min_pct": settings.trend_min_demand_pct,
    }


def metric_sql(name: str) -> str:
    """Return the text of the metric SQL file `name` (a path relative to metrics/sql/, without .sql)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def shared_sql_names() -> list[str]:
    """Return the shared helper SQL files, in the order they run (by file name)."""
    return [f"shared/{p.stem}" for p in sorted(SHARED_SQL_DIR.glob("*.sql"))]


def bound_parameters(sql: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Return the subset of `parameters` that `sql` uses (DuckDB rejects unused named parameters)."""
    names = set(PARAMETER_RE.findall(sql))
    missing = sorted(names - set(parameters))
    if missing:
        raise MetricsError(f"SQL uses parameter(s) {missing} that the runner does not bind")
    return {name: parameters[name] for name in names}


def missing_input_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the input tables the metrics SQL needs that the connection does not have."""
    present = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    present |= {row[0] for row in con.execute("select view_name from duckdb_views()").fetchall()}
    return [name for name in INPUT_TABLES if name not in present]


def compute_metrics(
    con: duckdb.DuckDBPyConnection, market: str, period: str, settings: MetricSettings
) -> dict[str, int]:
    """Return rows written per metric table after replacing its (market, period) rows, all in one transaction."""
    if not isinstance(market, str) or not market.strip():
        raise MetricsError(f"market must be a non-empty string, got {market!r}")
    parameters = metric_parameters(market, period, settings)
    missing = missing_input_tables(con)
    if missing:
        raise MetricsError(f"input table(s) {missing} are missing: run the extract and normalise stages first")
    for contract in CONTRACTS:
        con.execute(contract.duckdb_ddl())
    counts: dict[str, int] = {}
    started = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    try:
        for name in shared_sql_names():
            step = time.perf_counter()
            sql = metric_sql(name)
            con.execute(sql, bound_parameters(sql, parameters))
            log.debug("metrics %s: %.2fs", name, time.perf_counter() - step)
        for contract in TABLE_ORDER:
            step = time.perf_counter()
            counts[contract.name] = replaced_partition(con, contract, parameters)
            log.debug("metrics %s: %.2fs", contract.name, time.perf_counter() - step)
        for name in TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    log.info("metrics %s %s: %s in %.1fs", market, period, counts, time.perf_counter() - started)
    return counts


SIGNIFICANT_DIGITS = 9


def rounded_significant(values: np.ndarray) -> np.ndarray:
    """Return floats rounded to 9 significant digits, with |x| < 1e-9 (float noise around zero) set to 0."""
    values = np.asarray(values, dtype=float)
    values = np.where(np.abs(values) < 1e-9, 0.0, values)
    finite = np.isfinite(values) & (values != 0)
    magnitude = np.zeros_like(values)
    np.floor(np.log10(np.abs(values), where=finite, out=magnitude), where=finite, out=magnitude)
    scale = 10.0 ** (SIGNIFICANT_DIGITS - 1 - magnitude)
    return np.where(finite, np.round(values * scale) / scale, values)


def stable_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with floats (and lists of floats) rounded to 9 significant digits.

    DuckDB's parallel aggregation may add the same numbers in a different order from run to run, which changes
    the last bits of sums, slopes and t statistics; rounding far below any published precision makes re-runs
    byte-identical.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            out[column] = rounded_significant(values.to_numpy(dtype=float, na_value=np.nan))
        elif values.dtype == object and any(isinstance(v, (list, np.ndarray)) for v in values.head(5)):
            out[column] = [
                (rounded_significant(np.asarray(v, dtype=float)).tolist()
                 if len(v) and all(isinstance(x, float) for x in v) else list(v))
                if v is not None else v
                for v in values
            ]
    return out


def replaced_partition(con: duckdb.DuckDBPyConnection, contract: Contract, parameters: dict[str, Any]) -> int:
    """Return the row count of `contract`'s table after replacing its partition with its SQL file's result."""
    sql = metric_sql(contract.name)
    roles = parameters["report_roles"]
    # One role at a time: the same rows (each role's figures depend on that role's postings only), but the
    # itemset search holds one role's pair and triple rows in memory (49.6M for the largest role of a 1M-posting
    # month: 2.6 GB at peak).
    role_sets = [[role] for role in sorted(roles)] if contract in PER_ROLE_TABLES and roles else [roles]
    parts = [
        con.execute(sql, bound_parameters(sql, {**parameters, "report_roles": role_set})).df() for role_set in role_sets
    ]
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    table = contract.conform(stable_floats(frame))
    partition = {"market": parameters["market"], "period": parameters["period"]}
    con.execute(f'DELETE FROM "{contract.name}" WHERE market = $market AND period = $period', partition)
    con.register("metric_rows", table)
    try:
        con.execute(f'INSERT INTO "{contract.name}" SELECT * FROM metric_rows')
    finally:
        con.unregister("metric_rows")
    return table.num_rows
