"""compute_metrics: replaces its partition, leaves it untouched on failure, and rejects bad input clearly."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import metrics.runner as runner
from tests.metrics.metric_fixtures import fresh_warehouse, load_folder, load_rows, posting_rows
from metrics.contracts import CONTRACTS
from metrics.runner import MetricsError, compute_metrics
from metrics.settings import MetricSettings
from spotlight.contract import ContractViolation

TAXONOMY = Path(__file__).resolve().parent / "sql" / "taxonomy"
SETTINGS = MetricSettings(report_roles=("mle", "ds"), min_pay_n=1)


def warehouse() -> duckdb.DuckDBPyConnection:
    con = fresh_warehouse()
    load_folder(con, TAXONOMY)
    postings = [
        {"posting_id": "p1", "period": "2026-04", "role_id": "mle", "skills": ["python", "sql"], "pay_mid": 60000},
        {"posting_id": "p2", "period": "2026-04", "role_id": "mle", "skills": ["python"], "pay_mid": 70000},
        {"posting_id": "p3", "period": "2026-03", "role_id": "mle", "skills": ["python"], "pay_mid": 50000},
    ]
    for table, rows in posting_rows(postings).items():
        load_rows(con, table, rows)
    return con


def snapshot(con) -> dict[str, list[tuple]]:
    return {c.name: sorted(con.execute(f'select * from "{c.name}"').fetchall(), key=repr) for c in CONTRACTS}


def test_rerun_replaces_rows_instead_of_appending():
    con = warehouse()
    first_counts = compute_metrics(con, "uk", "2026-04", SETTINGS)
    first = snapshot(con)
    second_counts = compute_metrics(con, "uk", "2026-04", SETTINGS)
    assert second_counts == first_counts
    assert snapshot(con) == first
    assert first_counts["skill_demand"] == 7  # 7 units of the one role with postings


def test_other_periods_are_kept():
    con = warehouse()
    compute_metrics(con, "uk", "2026-03", SETTINGS)
    march = con.execute("select count(*) from skill_demand where period = '2026-03'").fetchone()[0]
    compute_metrics(con, "uk", "2026-04", SETTINGS)
    assert con.execute("select count(*) from skill_demand where period = '2026-03'").fetchone()[0] == march == 7
    assert con.execute("select count(*) from skill_demand where period = '2026-04'").fetchone()[0] == 7


@pytest.mark.parametrize(
    "broken_table, broken_sql, error",
    [
        # the last file fails to run: every table written before it must roll back
        ("career_paths", "select * from no_such_table", duckdb.Error),
        # a file returns a column the contract does not have: the contract check stops the run
        ("role_comparison", "select 1 as unexpected_column", ContractViolation),
    ],
)
def test_failure_leaves_previous_rows_untouched(monkeypatch, broken_table, broken_sql, error):
    con = warehouse()
    compute_metrics(con, "uk", "2026-04", SETTINGS)
    before = snapshot(con)
    load_rows(con, "posting_facts", [{"posting_id": "p9", "period": "2026-04"}])
    load_rows(con, "posting_roles", [{"posting_id": "p9", "period": "2026-04", "role_id": "mle"}])

    real_sql = runner.metric_sql
    monkeypatch.setattr(runner, "metric_sql", lambda name: broken_sql if name == broken_table else real_sql(name))
    with pytest.raises(error):
        compute_metrics(con, "uk", "2026-04", SETTINGS)
    assert snapshot(con) == before  # p9 would have changed skill_demand had anything been committed
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0] == 0


@pytest.mark.parametrize(
    "market, period, message",
    [
        ("uk", "2026-4", "YYYY-MM"),   # month without its leading zero
        ("uk", "2026-13", "YYYY-MM"),  # no 13th month
        ("", "2026-04", "market"),     # empty market
    ],
)
def test_bad_arguments_raise_clear_errors(market, period, message):
    with pytest.raises(MetricsError, match=message):
        compute_metrics(warehouse(), market, period, SETTINGS)


def test_missing_input_table_is_named():
    con = duckdb.connect(":memory:")
    with pytest.raises(MetricsError, match="posting_facts"):
        compute_metrics(con, "uk", "2026-04", SETTINGS)


def test_empty_warehouse_gives_suppressed_rows_not_errors():
    con = fresh_warehouse()
    load_folder(con, TAXONOMY)
    counts = compute_metrics(con, "uk", "2026-04", SETTINGS)
    assert counts["skill_demand"] == 0
    assert counts["pay_stats"] == 12  # 2 roles x 2 pay kinds x 3 scopes, all suppressed
    assert con.execute("select bool_and(suppressed) from pay_stats").fetchone()[0] is True


@pytest.mark.parametrize(
    "period, months, expected",
    [
        ("2026-04", -1, "2026-03"),   # previous month
        ("2026-01", -1, "2025-12"),   # across a year boundary
        ("2026-04", -12, "2025-04"),  # a year earlier
        ("2025-12", 1, "2026-01"),    # forwards
    ],
)
def test_shifted_period(period, months, expected):
    assert runner.shifted_period(period, months) == expected


def test_bound_parameters_refuses_unknown_parameters():
    with pytest.raises(MetricsError, match="nope"):
        runner.bound_parameters("select $nope", {"market": "uk"})
    assert runner.bound_parameters("select $market", {"market": "uk", "period": "x"}) == {"market": "uk"}
