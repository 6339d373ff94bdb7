"""Partition replacement in the DuckDB warehouse: replace, never append; all or nothing."""
from pathlib import Path

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


def test_a_failing_gate_rolls_the_inserted_rows_back(tmp_path):
    seen = []

    def gate():
        # runs after the inserts, inside the transaction: the new rows are visible here, not committed yet
        seen.append(read_partition(con, COUNTS, "uk", "2026-04")[["k", "n"]].values.tolist())
        raise RuntimeError("landed-postings suite failed")

    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("a", 1))}, completes=("s", "f1"))
        with pytest.raises(RuntimeError, match="suite failed"):
            replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("z", 9))}, completes=("s", "f2"),
                               gate=gate)
        assert seen == [[["z", 9]]]
        assert read_partition(con, COUNTS, "uk", "2026-04")[["k", "n"]].values.tolist() == [["a", 1]]
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "f1"


def test_a_passing_gate_lets_the_rows_commit(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("z", 9))}, completes=("s", "f2"),
                           gate=lambda: None)
        assert read_partition(con, COUNTS, "uk", "2026-04")[["k", "n"]].values.tolist() == [["z", 9]]
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "f2"


def test_completes_records_the_stage_with_its_rows(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("a", 1), ("b", 2))}, completes=("s", "fp"))
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "fp"
        assert con.execute("SELECT rows_written FROM stage_runs").fetchone() == (2,)
        assert stage_fingerprint(con, "uk", "2026-05", "s") is None


def test_query_chunks_streams_rows_in_order_into_files_of_the_chunk_size(tmp_path):
    import pyarrow.parquet as pq

    from spotlight.warehouse import query_chunks

    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", *[(f"k{i}", i) for i in range(7)])})
        sql = "select k, n from counts where period = $period and n >= $low order by n"
        files = query_chunks(con, sql, {"period": "2026-04", "low": 1}, tmp_path / "chunks", 4)
    # rows n = 1..6 (six rows), chunks of four: [1, 2, 3, 4] then [5, 6]
    assert [f.name for f in files] == ["chunk-00000.parquet", "chunk-00001.parquet"]
    assert [pq.read_table(f).column("n").to_pylist() for f in files] == [[1, 2, 3, 4], [5, 6]]
    assert not list((tmp_path / "chunks").glob("*.partial"))


def test_chunk_files_replace_a_partition_with_the_other_tables_in_one_transaction(tmp_path):
    from spotlight.warehouse import write_chunk

    parts = [
        write_chunk(COUNTS.conform(frame("2026-04", ("a", 1), ("b", 2))), tmp_path / "counts", 0),
        write_chunk(COUNTS.conform(frame("2026-04", ("c", 3))), tmp_path / "counts", 1),
    ]
    other = pd.DataFrame({"market": ["uk"], "period": ["2026-04"], "n": [9]})
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("old", 0))})
        written = replace_partitions(con, "uk", "2026-04", {COUNTS: parts, OTHER: other}, completes=("s", "fp"))
        assert written == {"counts": 3, "other": 1}
        assert read_partition(con, COUNTS, "uk", "2026-04")[["k", "n"]].values.tolist() == [["a", 1], ["b", 2], ["c", 3]]
        assert con.execute("SELECT rows_written FROM stage_runs").fetchall() == [(4,)]


def test_a_missing_chunk_file_leaves_the_partition_untouched(tmp_path):
    import duckdb

    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {COUNTS: frame("2026-04", ("a", 1))}, completes=("s", "f1"))
        with pytest.raises(duckdb.IOException):
            replace_partitions(con, "uk", "2026-04", {COUNTS: [tmp_path / "gone.parquet"]}, completes=("s", "f2"))
        assert read_partition(con, COUNTS, "uk", "2026-04")[["k", "n"]].values.tolist() == [["a", 1]]
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "f1"


LINKED = Contract(
    name="linked",
    description="Test table with a column set after the insert.",
    columns=(col("market", STR, "", True), col("period", STR, "", True), col("k", STR, "", True),
             col("n", INT, ""), col("tag", STR, "")),
    allowed_values={"tag": ("near", "exact")},
)


def _linked_files(tmp_path):
    from spotlight.warehouse import write_chunk

    rows = pd.DataFrame({"market": "uk", "period": "2026-04", "k": ["a", "b", "c"], "n": [1, 2, 3], "tag": None})
    return [write_chunk(LINKED.conform(rows.iloc[:2]), tmp_path / "linked", 0),
            write_chunk(LINKED.conform(rows.iloc[2:].reset_index(drop=True)), tmp_path / "linked", 1)]


def _rows(con, period="2026-04"):
    return read_partition(con, LINKED, "uk", period)[["k", "n", "tag"]].astype(object).where(lambda f: f.notna(), None)


def test_updated_files_set_their_columns_on_the_inserted_rows_only(tmp_path):
    from spotlight.warehouse import UpdatedFiles

    other_month = pd.DataFrame({"market": ["uk"], "period": ["2026-03"], "k": ["c"], "n": [7], "tag": [None]})
    updates = pd.DataFrame({"k": ["c", "a"], "tag": ["near", "exact"]})
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-03", {LINKED: other_month})
        written = replace_partitions(con, "uk", "2026-04", {LINKED: UpdatedFiles(_linked_files(tmp_path), "k", updates)})
        assert written == {"linked": 3}
        # rows keep their file order; b has no update; the March row with key c is not touched
        assert _rows(con).values.tolist() == [["a", 1, "exact"], ["b", 2, None], ["c", 3, "near"]]
        assert _rows(con, "2026-03").values.tolist() == [["c", 7, None]]


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        (pd.DataFrame({"k": ["a", "zz"], "tag": ["near", "near"]}), "2 update.s. by k, but 1 inserted row.s. matched"),
        (pd.DataFrame({"k": ["a", "a"], "tag": ["near", "exact"]}), "more than once"),
        (pd.DataFrame({"k": ["a"], "tag": ["maybe"]}), "not among"),
        (pd.DataFrame({"k": ["a"], "colour": ["red"]}), "unknown \\['colour'\\]"),
        (pd.DataFrame({"k": ["a"], "n": ["two"]}), "contract type"),
    ],
)
def test_bad_updates_leave_the_partition_untouched(tmp_path, updates, message):
    from spotlight.warehouse import UpdatedFiles

    before = pd.DataFrame({"market": ["uk"], "period": ["2026-04"], "k": ["old"], "n": [0], "tag": [None]})
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {LINKED: before}, completes=("s", "f1"))
        with pytest.raises(ContractViolation, match=message):
            replace_partitions(con, "uk", "2026-04", {LINKED: UpdatedFiles(_linked_files(tmp_path), "k", updates)},
                               completes=("s", "f2"))
        assert _rows(con).values.tolist() == [["old", 0, None]]
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "f1"


def test_a_partition_writer_inserts_files_early_in_order_and_skips_them_at_finish(tmp_path):
    import numpy as np

    from spotlight.warehouse import partition_writer

    files = _linked_files(tmp_path)  # a b | c
    other = pd.DataFrame({"market": ["uk"], "period": ["2026-04"], "n": [9]})
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {LINKED: files[1:]})
        with partition_writer(con, "uk", "2026-04", [LINKED, OTHER]) as writer:
            writer.insert_file(LINKED, files[0], np.array([False, True]))  # a is left out, b taken
            writer.insert_file(LINKED, files[1])
            written = replace_partitions(con, "uk", "2026-04", {LINKED: files, OTHER: other}, completes=("s", "f"),
                                         writer=writer)
        assert written == {"linked": 2, "other": 1}
        # the earlier month's rows were replaced, b and c inserted once each, in the order they were handed
        assert _rows(con).values.tolist() == [["b", 2, None], ["c", 3, None]]
        assert con.execute("SELECT rows_written FROM stage_runs").fetchall() == [(3,)]


def test_leaving_a_partition_writer_unfinished_rolls_its_inserts_back(tmp_path):
    from spotlight.warehouse import partition_writer

    files = _linked_files(tmp_path)
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {LINKED: files[1:]})
        with pytest.raises(RuntimeError, match="parsing failed"), partition_writer(con, "uk", "2026-04", [LINKED]) as w:
            w.insert_file(LINKED, files[0])
            raise RuntimeError("parsing failed")
        assert _rows(con).values.tolist() == [["c", 3, None]]
        assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] > 1


def test_a_failed_early_insert_fails_the_finish_and_rolls_back(tmp_path):
    import duckdb

    from spotlight.warehouse import partition_writer

    files = _linked_files(tmp_path)
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {LINKED: files[1:]}, completes=("s", "f1"))
        with pytest.raises(duckdb.IOException), partition_writer(con, "uk", "2026-04", [LINKED]) as writer:
            writer.insert_file(LINKED, tmp_path / "gone.parquet")
            writer.insert_file(LINKED, files[0])
            replace_partitions(con, "uk", "2026-04", {LINKED: files}, completes=("s", "f2"), writer=writer)
        assert _rows(con).values.tolist() == [["c", 3, None]]
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "f1"


def _staged_rows(con):
    return con.execute("SELECT market, k FROM linked WHERE market <> 'uk' ORDER BY k").fetchall()


def test_early_inserts_update_the_month_in_the_last_transaction_with_their_links(tmp_path):
    from spotlight.warehouse import UpdatedFiles, partition_writer

    files = _linked_files(tmp_path)  # a b | c
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {LINKED: files[1:]})
        with partition_writer(con, "uk", "2026-04", [LINKED]) as writer:
            writer.insert_file(LINKED, files[0])
            writer.insert_file(LINKED, files[1])
            writer.seal()
            with pytest.raises(RuntimeError, match="sealed"):
                writer.insert_file(LINKED, files[1])
            seen = []
            written = replace_partitions(
                con, "uk", "2026-04", {LINKED: UpdatedFiles(files, "k", pd.DataFrame({"k": ["b"], "tag": ["near"]}))},
                gate=lambda: seen.append(_staged_rows(con)), writer=writer,
            )
        assert written == {"linked": 3}
        assert seen == [[]]  # by the gate the staged rows were the month's already
        assert _rows(con).values.tolist() == [["a", 1, None], ["b", 2, "near"], ["c", 3, None]]
        assert _staged_rows(con) == []


def test_a_gate_refusing_sealed_early_inserts_deletes_them_and_keeps_the_month(tmp_path):
    from spotlight.warehouse import partition_writer

    files = _linked_files(tmp_path)

    def refuse():
        raise ValueError("suite failed")

    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, "uk", "2026-04", {LINKED: files[1:]}, completes=("s", "f1"))
        with pytest.raises(ValueError, match="suite failed"), partition_writer(con, "uk", "2026-04", [LINKED]) as w:
            w.insert_file(LINKED, files[0])
            w.seal()
            replace_partitions(con, "uk", "2026-04", {LINKED: files}, completes=("s", "f2"), gate=refuse, writer=w)
        assert _rows(con).values.tolist() == [["c", 3, None]]
        assert _staged_rows(con) == []
        assert stage_fingerprint(con, "uk", "2026-04", "s") == "f1"


KILLED_AFTER_SEAL = """
import os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.spotlight.test_warehouse import LINKED
from spotlight.warehouse import connect, partition_writer

with connect(Path({db!r})) as con:
    writer = partition_writer(con, "uk", "2026-04", [LINKED]).__enter__()
    writer.insert_file(LINKED, {file!r})
    writer.seal()
    writer._stop()  # the staged rows are committed: the process dies before the month is replaced
    os._exit(9)
"""


def test_a_stage_killed_after_its_early_inserts_committed_leaves_the_month_and_the_next_run_clears_them(tmp_path):
    import subprocess
    import sys

    from spotlight.warehouse import partition_writer

    files = _linked_files(tmp_path)
    db = tmp_path / "w.duckdb"
    root = str(Path(__file__).resolve().parents[2])
    with connect(db) as con:
        replace_partitions(con, "uk", "2026-04", {LINKED: files[1:]})
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_SEAL.format(root=root, db=str(db), file=str(files[0]))],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr
    with connect(db) as con:
        assert _rows(con).values.tolist() == [["c", 3, None]]  # readers of the market see the month as it was
        assert _staged_rows(con) == [("~staging~uk", "a"), ("~staging~uk", "b")]
        with partition_writer(con, "uk", "2026-04", [LINKED]) as writer:
            writer.insert_file(LINKED, files[1])
            replace_partitions(con, "uk", "2026-04", {LINKED: files[1:]}, writer=writer)
        assert _rows(con).values.tolist() == [["c", 3, None]]
        assert _staged_rows(con) == []
