"""Publishing a period: layout, manifest, determinism, the atomic latest pointer, and readers during a publish."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from reports.document import RunInfo, build_documents
from reports.html import render_role_page
from reports.publish import PUBLISHED_CONTRACTS, PublishError, publish_period
from tests.reports.conftest import DS, MARKET, MLE, OVERRIDES_DIR, PERIOD, RUN_INFO_ARGS

NEXT = "2026-05"


def period_documents(con: duckdb.DuckDBPyConnection, period: str) -> tuple[list[dict], dict[str, str]]:
    """Return the documents and pages of one period of the test warehouse."""
    docs = build_documents(con, MARKET, period, RunInfo(**RUN_INFO_ARGS), OVERRIDES_DIR)
    return docs, {d["role"]["id"]: render_role_page(d, aliases={}) for d in docs}


def publish(con: duckdb.DuckDBPyConnection, out: Path, period: str = PERIOD) -> Path:
    """Publish one period of the test warehouse into `out`."""
    docs, pages = period_documents(con, period)
    return publish_period(None, out, MARKET, period, docs, pages, None, {"stage_seconds": {"ingest": 1.25}}, con=con)


def copy_period(con: duckdb.DuckDBPyConnection, period: str) -> None:
    """Copy every PERIOD row of the published tables to `period` (a second month with the same figures)."""
    for contract in PUBLISHED_CONTRACTS:
        con.execute(
            f'insert into "{contract.name}" select * replace ($period as period) from "{contract.name}" where period = $source',
            {"period": period, "source": PERIOD},
        )


def test_layout_and_manifest(warehouse, tmp_path):
    manifest_path = publish(warehouse, tmp_path)
    assert manifest_path == tmp_path / "periods" / PERIOD / MARKET / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for contract in PUBLISHED_CONTRACTS:
        path = tmp_path / "tables" / contract.name / f"market={MARKET}" / f"period={PERIOD}" / "data.parquet"
        assert manifest["tables"][contract.name]["path"] == path.relative_to(tmp_path).as_posix()
        assert manifest["tables"][contract.name]["rows"] == pq.read_metadata(str(path)).num_rows
        assert pq.read_schema(str(path)).names == contract.column_names
    assert manifest["tables"]["skill_demand"]["rows"] == 12 and manifest["tables"]["ingest_accounting"]["rows"] == 2
    files = [e for e in manifest["tables"].values()] + [f for d in manifest["documents"].values() for f in d.values()]
    files.append(manifest["index"])
    for entry in files:
        data = (tmp_path / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    assert sorted(manifest["documents"]) == [DS, MLE]
    assert (manifest["schema_version"], manifest["run_id"], manifest["taxonomy_version"], manifest["code_version"]) == (
        "1.0.0", "run-1", "t-1", "c-1")
    assert manifest["input_fingerprints"] == {"ingest:2026-04": "abc123"}
    assert manifest["stage_seconds"]["ingest"] == 1.25 and "publish:staging" in manifest["stage_seconds"]
    assert "published_at" in manifest
    assert (tmp_path / "index.html").read_text().count(".html\">2026-04</a>") == 2
    assert not list((tmp_path / ".staging").glob("*")) and not list((tmp_path / ".trash").glob("*"))


def test_same_inputs_give_the_same_bytes(warehouse, tmp_path):
    publish(warehouse, tmp_path / "a")
    publish(warehouse, tmp_path / "b")
    a_files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    compared = [p for p in a_files if p.suffix in (".parquet", ".json", ".html") and p.name != "manifest.json"]
    assert len(compared) == len(PUBLISHED_CONTRACTS) + 2 * 2 + 2  # tables, 2 roles x (json, html), 2 indexes
    for rel in compared:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_published_db_holds_every_period_once(warehouse, tmp_path):
    copy_period(warehouse, NEXT)
    publish(warehouse, tmp_path, PERIOD)
    publish(warehouse, tmp_path, NEXT)
    publish(warehouse, tmp_path, NEXT)  # a re-run replaces its period, never appends
    con = duckdb.connect(str(tmp_path / "published.duckdb"), read_only=True)
    try:
        assert con.execute("select period, count(*) from skill_demand group by period order by period").fetchall() == [
            (PERIOD, 12), (NEXT, 12)]
        assert con.execute("select count(*) from spotlight_documents").fetchall() == [(4,)]
        doc = con.execute("select document from spotlight_documents where period = $p and role_id = $r",
                          {"p": NEXT, "r": MLE}).fetchall()[0][0]
        assert json.loads(doc)["period"] == NEXT
    finally:
        con.close()
    assert json.loads((tmp_path / "latest").read_text())["markets"][MARKET]["period"] == NEXT
    index = (tmp_path / "index.html").read_text()
    assert index.index("May 2026") < index.index("April 2026")


def test_latest_does_not_move_back_for_an_older_period(warehouse, tmp_path):
    copy_period(warehouse, NEXT)
    publish(warehouse, tmp_path, NEXT)
    before = (tmp_path / "latest").read_bytes()
    publish(warehouse, tmp_path, PERIOD)  # a backfill
    assert (tmp_path / "latest").read_bytes() == before


def test_a_failed_publish_changes_nothing(warehouse, tmp_path):
    publish(warehouse, tmp_path)
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    warehouse.execute("update ingest_accounting set rows_in = rows_in + 1 where source = 'adzuna'")
    with pytest.raises(PublishError, match="rows_in 261 != accepted 250"):
        publish(warehouse, tmp_path)
    docs, pages = period_documents(warehouse, PERIOD)
    with pytest.raises(PublishError, match="no page for"):
        publish_period(None, tmp_path, MARKET, PERIOD, docs, {}, None, {}, con=warehouse)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == snapshot


def test_missing_table_is_a_clear_error(warehouse, tmp_path):
    warehouse.execute("drop table career_paths")
    with pytest.raises(PublishError, match="table career_paths is not in the warehouse"):
        publish_period(None, tmp_path, MARKET, PERIOD, [], {}, None, {}, con=warehouse)


def test_publishes_from_a_warehouse_file_opened_read_only(tmp_path):
    from tests.reports.conftest import build_warehouse

    path = tmp_path / "warehouse.duckdb"
    con = build_warehouse(duckdb.connect(str(path)))
    docs, pages = period_documents(con, PERIOD)
    con.close()
    manifest = publish_period(path, tmp_path / "out", MARKET, PERIOD, docs, pages, None, {})
    assert json.loads(manifest.read_text())["tables"]["pay_stats"]["rows"] == 6


READER = textwrap.dedent("""
    import sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    held = duckdb.connect(path, read_only=True)   # a reader that keeps its connection through the publishes
    reads, errors = 0, []
    print("ready", flush=True)
    import os
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            reads += con.execute("select count(*) from skill_demand").fetchall()[0][0] > 0
            con.close()
            held.execute("select count(*) from pay_stats").fetchall()
        except Exception as exc:
            errors.append(repr(exc))
        time.sleep(0.005)
    print(reads, len(errors), errors[:3], flush=True)
""")


def test_readers_never_meet_the_writer(warehouse, tmp_path):
    copy_period(warehouse, NEXT)
    out = tmp_path / "out"
    publish(warehouse, out, PERIOD)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(out / "published.duckdb"), str(stop)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        for period in (NEXT, PERIOD, NEXT):
            publish(warehouse, out, period)
        time.sleep(0.2)
    finally:
        stop.write_text("stop")
        stdout, stderr = reader.communicate(timeout=60)
    reads, errors, sample = stdout.split(" ", 2)
    assert int(errors) == 0, sample + stderr
    assert int(reads) > 0
