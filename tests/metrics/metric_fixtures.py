"""Build a fresh in-memory warehouse from the input contracts' DDL and load tiny literal rows into it."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from extract.contracts import POSTING_FACTS
from normalise.contracts import (
    POSTING_ROLES, POSTING_SKILLS, PROFILE_JOBS, PROFILE_SKILLS, PROFILES_NORMALISED, ROLE_ADJACENCY, ROLES,
    TAXONOMY_UNITS, UNIT_MEMBERS,
)
from spotlight.contract import Contract

INPUT_CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (
        POSTING_FACTS, POSTING_ROLES, POSTING_SKILLS, PROFILES_NORMALISED, PROFILE_SKILLS, PROFILE_JOBS,
        TAXONOMY_UNITS, UNIT_MEMBERS, ROLES, ROLE_ADJACENCY,
    )
}

# Values of required columns a fixture does not care about.
DEFAULTS: dict[str, dict[str, Any]] = {
    "posting_facts": {
        "market": "uk", "title_clean": "t", "description_clean": "d", "contract_type": "permanent",
        "pay_kind": "none", "region": "unknown", "is_london": False, "work_mode": "unknown",
    },
    "posting_roles": {"market": "uk", "role_confidence": 0.9, "seniority": "unknown"},
    "posting_skills": {"market": "uk", "mentions": 1},
    "profiles_normalised": {
        "market": "uk", "role_confidence": 0.9, "seniority": "unknown", "region": "unknown", "is_london": False,
    },
    "profile_skills": {"market": "uk", "match_method": "exact"},
    "profile_jobs": {"market": "uk", "title": "t", "start_date": "2020-01-01", "tenure_months": 12},
    "taxonomy_units": {"category": "technical", "taxonomy_version": "test"},
    "unit_members": {},
    "roles": {},
    "role_adjacency": {},
}


def fresh_warehouse() -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB holding every (empty) input table of the metrics stage."""
    con = duckdb.connect(":memory:")
    for contract in INPUT_CONTRACTS.values():
        con.execute(contract.duckdb_ddl())
    return con


def _typed(value: Any, type_: pa.DataType) -> Any:
    if value is not None and pa.types.is_date32(type_) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def load_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (missing columns take DEFAULTS, else null) into the input `table`, checked by its contract."""
    contract = INPUT_CONTRACTS[table]
    filled = []
    for row in rows:
        full = {**DEFAULTS[table], **row}
        if table == "taxonomy_units":
            full.setdefault("name", full["unit_id"])
        if table == "roles":
            full.setdefault("name", full["role_id"])
        unknown = set(full) - set(contract.column_names)
        assert not unknown, f"fixture row for {table} has unknown columns {unknown}"
        filled.append({c.name: _typed(full.get(c.name), c.type) for c in contract.columns})
    frame = pd.DataFrame(filled, columns=contract.column_names)
    arrow = contract.conform(frame) if len(frame) else contract.schema.empty_table()
    con.register("fixture_rows", arrow)
    con.execute(f'INSERT INTO "{table}" SELECT * FROM fixture_rows')
    con.unregister("fixture_rows")


def posting_rows(postings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return posting_facts, posting_roles and posting_skills rows from shorthand posting records.

    A record: posting_id, period, role_id, optional skills (list), pay_kind, pay_mid, is_london, duplicate_of.
    """
    tables: dict[str, list[dict[str, Any]]] = {"posting_facts": [], "posting_roles": [], "posting_skills": []}
    for p in postings:
        key = {"posting_id": p["posting_id"], "period": p["period"], "market": p.get("market", "uk")}
        facts = {k: p[k] for k in ("pay_kind", "pay_mid", "is_london", "duplicate_of") if k in p}
        if p.get("pay_mid") is not None:
            facts.setdefault("pay_kind", "salary")
            facts["pay_min"] = facts["pay_max"] = p["pay_mid"]
        if facts.get("is_london"):
            facts["region"] = "London"
        if facts.get("duplicate_of"):
            facts["duplicate_method"] = "exact"
        tables["posting_facts"].append({**key, **facts})
        tables["posting_roles"].append({**key, "role_id": p["role_id"]})
        tables["posting_skills"] += [{**key, "skill_id": s} for s in p.get("skills", [])]
    return tables


def profile_rows(profiles: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return profiles_normalised, profile_skills and profile_jobs rows from shorthand profile records.

    A record: profile_id, period, role_id, optional skills (list) and jobs (list of {role_id, end_date,
    tenure_months}, oldest first; end_date null = current).
    """
    tables: dict[str, list[dict[str, Any]]] = {"profiles_normalised": [], "profile_skills": [], "profile_jobs": []}
    for p in profiles:
        key = {"profile_id": p["profile_id"], "period": p["period"], "market": p.get("market", "uk")}
        tables["profiles_normalised"].append({**key, "role_id": p["role_id"]})
        tables["profile_skills"] += [{**key, "skill_id": s} for s in p.get("skills", [])]
        tables["profile_jobs"] += [{**key, "seq": i, **job} for i, job in enumerate(p.get("jobs", []))]
    return tables


def read_ndjson(path: Path) -> list[dict[str, Any]]:
    """Return the JSON objects of an .ndjson file (blank lines and lines starting with # ignored)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def load_folder(con: duckdb.DuckDBPyConnection, folder: Path, skip: tuple[str, ...] = ()) -> None:
    """Load every `<table>.ndjson` of `folder` (plus the `postings` / `profiles` shorthands) into `con`."""
    for path in sorted(folder.glob("*.ndjson")):
        name = path.stem
        if name == "expect" or name in skip:
            continue
        rows = read_ndjson(path)
        if name == "postings":
            for table, table_rows in posting_rows(rows).items():
                load_rows(con, table, table_rows)
        elif name == "profiles":
            for table, table_rows in profile_rows(rows).items():
                load_rows(con, table, table_rows)
        else:
            load_rows(con, name, rows)
