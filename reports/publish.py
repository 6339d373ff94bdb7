"""Publishing one (market, period): Parquet tables, spotlight documents and pages, manifest, published.duckdb, latest."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any, Iterator, Mapping

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from extract.contracts import INGEST_ACCOUNTING
from metrics.contracts import CONTRACTS as METRIC_CONTRACTS
from reports.document import SCHEMA_VERSION, DocumentError, document_json, validate_document
from reports.html import IndexEntry, render_index
from spotlight.contract import Contract, ContractViolation

log = logging.getLogger(__name__)

PUBLISHED_CONTRACTS: tuple[Contract, ...] = (*METRIC_CONTRACTS, INGEST_ACCOUNTING)
PUBLISHED_DB = "published.duckdb"
LATEST = "latest"
MANIFEST = "manifest.json"
# Fixed writer options so the same rows always give the same Parquet bytes.
PARQUET_OPTIONS: Mapping[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "row_group_size": 1_000_000,
}


class PublishError(RuntimeError):
    """A period cannot be published; nothing already published was changed."""


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def partition_dir(root: Path, table: str, market: str, period: str) -> Path:
    """Return the Hive partition folder of one table's (market, period)."""
    return root / "tables" / table / f"market={market}" / f"period={period}"


def period_dir(root: Path, market: str, period: str) -> Path:
    """Return the folder of one (period, market)'s documents, pages and manifest."""
    return root / "periods" / period / market


def partition_table(con: duckdb.DuckDBPyConnection, contract: Contract, market: str, period: str) -> pa.Table:
    """Return one (market, period) of a warehouse table as an Arrow table of its contract, sorted by its key."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = $name", {"name": contract.name}
    ).fetchall()[0][0]
    if not exists:
        raise PublishError(f"table {contract.name} is not in the warehouse; run the stages before publishing")
    # Identifiers come from the contract (constants of this code base); the values are bound.
    columns = ", ".join(f'"{c}"' for c in contract.column_names)
    order = ", ".join(f'"{c}"' for c in (contract.primary_key or contract.column_names))
    query = f'select {columns} from "{contract.name}" where market = $market and period = $period order by {order}'
    table = con.sql(query, params={"market": market, "period": period}).to_arrow_table()
    try:
        conformed = contract.conform(table.to_pandas())
    except ContractViolation as exc:
        raise PublishError(f"{contract.name} ({market}, {period}) does not meet its contract: {exc}") from exc
    return conformed.replace_schema_metadata(None)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write `table` to `path` with the fixed writer options."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, str(path), **PARQUET_OPTIONS)


def accounting_problems(table: pa.Table) -> list[str]:
    """Return the ingest_accounting rows whose buckets do not add up to rows_in."""
    problems = []
    for row in table.to_pylist():
        if row["rows_in"] != row["accepted"] + row["duplicates"] + row["quarantined"]:
            problems.append(
                f"ingest_accounting {row['source']}: rows_in {row['rows_in']} != accepted {row['accepted']} + "
                f"duplicates {row['duplicates']} + quarantined {row['quarantined']}"
            )
    return problems


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and os.replace (readers see the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def publish_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `out_dir` so two publishers never interleave."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / ".publish.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def warehouse_connection(warehouse: Path | None, con: duckdb.DuckDBPyConnection | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield the flow's warehouse connection, or open the warehouse file read-only for this publish."""
    if con is not None:
        yield con
        return
    if warehouse is None or not Path(warehouse).exists():
        raise PublishError(f"warehouse {warehouse} does not exist")
    own = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield own
    finally:
        own.close()


def check_documents(documents: list[dict], pages: Mapping[str, str], market: str, period: str) -> None:
    """Raise PublishError unless every document is valid, of this (market, period), unique, and has a page."""
    seen = set()
    for doc in documents:
        try:
            validate_document(doc)
        except DocumentError as exc:
            raise PublishError(str(exc)) from exc
        role_id = doc["role"]["id"]
        if doc["market"]["id"] != market or doc["period"] != period:
            raise PublishError(f"document {role_id} is for {doc['market']['id']} {doc['period']}, not {market} {period}")
        if role_id in seen:
            raise PublishError(f"two documents for role {role_id}")
        seen.add(role_id)
    missing, extra = sorted(seen - set(pages)), sorted(set(pages) - seen)
    if missing or extra:
        raise PublishError(f"pages do not match documents (no page for {missing}, page without document {extra})")


def file_entry(root: Path, path: Path) -> dict:
    """Return the manifest entry of a staged file: path relative to the published root, bytes, sha256."""
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def stage_period(stage: Path, con: duckdb.DuckDBPyConnection, market: str, period: str, documents: list[dict],
                 pages: Mapping[str, str]) -> dict:
    """Write the period's tables, documents and pages under `stage`; return the manifest's file sections."""
    tables = {}
    for contract in PUBLISHED_CONTRACTS:
        table = partition_table(con, contract, market, period)
        if contract is INGEST_ACCOUNTING:
            problems = accounting_problems(table)
            if problems:
                raise PublishError("; ".join(problems))
        path = partition_dir(stage, contract.name, market, period) / "data.parquet"
        write_parquet(table, path)
        if pq.read_metadata(str(path)).num_rows != table.num_rows:
            raise PublishError(f"{path}: row count changed on write")
        tables[contract.name] = {**file_entry(stage, path), "rows": table.num_rows}
    folder = period_dir(stage, market, period)
    folder.mkdir(parents=True, exist_ok=True)
    docs = {}
    for doc in sorted(documents, key=lambda d: d["role"]["id"]):
        role_id = doc["role"]["id"]
        (folder / f"{role_id}.json").write_text(document_json(doc), encoding="utf-8")
        (folder / f"{role_id}.html").write_text(pages[role_id], encoding="utf-8")
        docs[role_id] = {
            "json": file_entry(stage, folder / f"{role_id}.json"),
            "html": file_entry(stage, folder / f"{role_id}.html"),
        }
    period_index = render_index([
        IndexEntry(d["role"]["id"], d["role"]["name"], market, period, f"{d['role']['id']}.html") for d in documents
    ])
    (folder / "index.html").write_text(period_index, encoding="utf-8")
    return {"tables": tables, "documents": docs, "index": file_entry(stage, folder / "index.html")}


def run_facts(documents: list[dict], manifest_extra: Mapping[str, Any]) -> dict:
    """Return run id, versions and input fingerprints from the documents' quality section (else manifest_extra)."""
    quality = documents[0]["quality"] if documents else {}
    return {
        key: quality.get(key, manifest_extra.get(key))
        for key in ("run_id", "taxonomy_version", "code_version", "input_fingerprints")
    }


def swap_into_place(stage: Path, out_dir: Path, relative: Path, trash: Path) -> None:
    """Move a staged folder to its published place; the previous folder goes to `trash` first."""
    source, target = stage / relative, out_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        holder = trash / relative
        holder.parent.mkdir(parents=True, exist_ok=True)
        os.replace(target, holder)
    os.replace(source, target)


def published_files(out_dir: Path, table: str) -> list[str]:
    """Return every published Parquet file of a table, sorted."""
    return sorted(str(p) for p in (out_dir / "tables" / table).glob("market=*/period=*/data.parquet"))


def document_files(out_dir: Path) -> list[Path]:
    """Return every published spotlight document, sorted."""
    return sorted(p for p in (out_dir / "periods").glob("*/*/*.json") if p.name != MANIFEST)


def rebuild_published_db(out_dir: Path) -> Path:
    """Rebuild published.duckdb from all published Parquet and documents in a temp file, then swap it in."""
    tmp = out_dir / f".{PUBLISHED_DB}.{uuid.uuid4().hex}.tmp"
    con = duckdb.connect(str(tmp))
    try:
        for contract in PUBLISHED_CONTRACTS:
            files = published_files(out_dir, contract.name)
            con.execute(contract.duckdb_ddl())
            if files:
                columns = ", ".join(f'"{c}"' for c in contract.column_names)
                order = ", ".join(f'"{c}"' for c in contract.primary_key or contract.column_names)
                # Identifiers are the contract's; the file list is bound.
                con.execute(
                    f'insert into "{contract.name}" select {columns} from read_parquet($files) order by {order}',
                    {"files": files},
                )
        con.execute(
            "create table spotlight_documents (market varchar not null, period varchar not null, "
            "role_id varchar not null, role_name varchar not null, schema_version varchar not null, document json not null)"
        )
        for path in document_files(out_dir):
            doc = json.loads(path.read_text(encoding="utf-8"))
            con.execute(
                "insert into spotlight_documents values ($market, $period, $role_id, $role_name, $version, $document)",
                {"market": doc["market"]["id"], "period": doc["period"], "role_id": doc["role"]["id"],
                 "role_name": doc["role"]["name"], "version": doc["schema_version"], "document": json.dumps(doc, sort_keys=True)},
            )
        con.execute("checkpoint")
    finally:
        con.close()
    wal = Path(f"{tmp}.wal")
    if wal.exists():
        raise PublishError(f"{wal}: the new published database was not fully checkpointed")
    target = out_dir / PUBLISHED_DB
    os.replace(tmp, target)
    return target


def index_entries(out_dir: Path) -> list[IndexEntry]:
    """Return one index entry per published spotlight document."""
    entries = []
    for path in document_files(out_dir):
        doc = json.loads(path.read_text(encoding="utf-8"))
        entries.append(IndexEntry(
            doc["role"]["id"], doc["role"]["name"], doc["market"]["id"], doc["period"],
            path.with_suffix(".html").relative_to(out_dir).as_posix(),
        ))
    return entries


def latest_pointer(out_dir: Path, market: str, period: str, manifest_path: Path, run_id: str | None) -> dict | None:
    """Return the new `latest` pointer content, or None when a newer period is already the market's latest."""
    path = out_dir / LATEST
    current: dict = {"schema_version": SCHEMA_VERSION, "markets": {}}
    if path.exists():
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            log.warning("%s is unreadable; rewriting it", path)
    markets = dict(current.get("markets", {}))
    if market in markets and markets[market].get("period", "") > period:
        return None
    markets[market] = {
        "period": period,
        "run_id": run_id,
        "manifest": manifest_path.relative_to(out_dir).as_posix(),
        "manifest_sha256": sha256_file(manifest_path),
        "documents": period_dir(Path("."), market, period).as_posix(),
    }
    return {"schema_version": SCHEMA_VERSION, "markets": dict(sorted(markets.items()))}


def publish_period(warehouse: Path | None, out_dir: Path, market: str, period: str, documents: list[dict],
                   pages: dict[str, str], index_html: str | None, manifest_extra: dict,
                   con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Publish one (market, period) atomically and return its manifest path.

    Staged in a temporary folder, validated, then each partition folder is swapped in; published.duckdb is rebuilt
    from all Parquet and swapped in; the index is rewritten; `latest` moves last. Metric tables are read from `con`
    (the flow's warehouse connection) or, without one, from the warehouse file opened read-only. `index_html` is
    not written: both indexes (the period's and `out_dir/index.html`) are rendered here from what is published,
    since an index of one period alone would drop the earlier months.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    check_documents(documents, pages, market, period)
    with publish_lock(out_dir):
        # Under the lock, anything left in .staging or .trash is from a publisher that crashed.
        for leftover in (".staging", ".trash"):
            shutil.rmtree(out_dir / leftover, ignore_errors=True)
        token = uuid.uuid4().hex[:12]
        stage = out_dir / ".staging" / f"{market}-{period}-{token}"
        trash = out_dir / ".trash" / f"{market}-{period}-{token}"
        try:
            with warehouse_connection(warehouse, con) as source:
                sections = stage_period(stage, source, market, period, documents, pages)
            facts = run_facts(documents, manifest_extra)
            manifest = {
                "schema_version": SCHEMA_VERSION,
                "market": market,
                "period": period,
                **facts,
                "published_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                "stage_seconds": manifest_extra.get("stage_seconds", manifest_extra.get("stage_timings", {})),
                **sections,
                "extra": {k: v for k, v in sorted(manifest_extra.items())},
            }
            manifest["stage_seconds"] = {**manifest["stage_seconds"], "publish:staging": round(time.perf_counter() - started, 3)}
            manifest_path = period_dir(stage, market, period) / MANIFEST
            manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        moved = [Path("tables") / c.name / f"market={market}" / f"period={period}" for c in PUBLISHED_CONTRACTS]
        moved.append(Path("periods") / period / market)
        for relative in moved:
            swap_into_place(stage, out_dir, relative, trash)
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)
        rebuild_published_db(out_dir)
        write_text_atomic(out_dir / "index.html", render_index(index_entries(out_dir)))
        published_manifest = period_dir(out_dir, market, period) / MANIFEST
        pointer = latest_pointer(out_dir, market, period, published_manifest, facts["run_id"])
        if pointer is not None:
            write_text_atomic(out_dir / LATEST, json.dumps(pointer, indent=2, sort_keys=True) + "\n")
        else:
            log.info("latest stays on a newer period than %s for %s", period, market)
    log.info("published %s %s: %d documents in %.2fs", market, period, len(documents), time.perf_counter() - started)
    return published_manifest
