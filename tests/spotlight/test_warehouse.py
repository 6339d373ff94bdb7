"""Partition replacement in the DuckDB warehouse: replace, never append; all or nothing."""
import pandas as pd
import pytest

from spotlight.contract import INT, STR, Contract, ContractViolation, col
from spotlight.warehouse import connect, read_partition, replace_partitions, stage_fingerprint

COUNTS = Contract(
    name="counts",
    description="Test table.",
    primary_key=("market", "period", "k"),
    columns=(col("market", STR, "", True), col("period", STR, "", True), col("k", STR, "", True), col("n", INT, "")),
)
OTHER = Contract(
    name="other", description="", columns=(col("market", STR, "", True), col("period", STR, "", True), col("n", INT, ""))
)


def frame(period, *pairs):
    return pd.DataFrame([{"market": "uk", "period": period, "k": k, "n": n} for k, n in pairs])


def test_rerun_replaces_the_period_and_keeps_other_periods(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-03", {COUNTS: frame("2026-03", ("a", 1))})
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("a", 2), ("b", 3))})
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("a", 5))})
        assert read_partition(con, COUNTS, "uk", "2026-04")[["k", "n"]].values.tolist() == [["a", 5]]
        assert read_partition(con, COUNTS, "uk", "2026-03")[["k", "n"]].values.tolist() == [["a", 1]]


def test_a_bad_table_leaves_every_table_untouched(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("a", 1))}, completes=("s", "f1"))
        bad_other = pd.DataFrame({"market": ["uk"], "period": ["2026-04"], "n": [1], "oops": [1]})
        with pytest.raises(ContractViolation):
            replace_partitions(
                con, "uk", "2026-04", {COUNTS: frame("2026-04", ("z", 9)), OTHER: bad_other}, completes=("s", "f2")
            )
        assert read_partition(con, COUNTS, "uk", "2026-04")[["k", "n"]].values.tolist() == [["a", 1]]
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "f1"


def test_completes_records_the_stage_with_its_rows(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("a", 1), ("b", 2))}, completes=("s", "fp"))
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "fp"
        assert con.execute("SELECT rows_written FROM stage_runs").fetchone() == (2,)
        assert stage_fingerprint(con, "uk", "2026-05", "s") is None
