"""Every metric SQL file against its folders of tiny hand-computed cases (tests/metrics/sql/<table>/<case>/)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.metrics.metric_fixtures import fresh_warehouse, load_folder, load_rows, read_ndjson
from metrics.contracts import CONTRACTS
from metrics.runner import compute_metrics
from metrics.settings import metric_settings_from_mapping

CASES_DIR = Path(__file__).resolve().parent / "sql"
TAXONOMY_DIR = CASES_DIR / "taxonomy"
CONTRACT_BY_NAME = {c.name: c for c in CONTRACTS}
TAXONOMY_TABLES = ("taxonomy_units", "unit_members", "roles", "role_adjacency")


def case_folders() -> list[Path]:
    """Return every case folder, table by table."""
    return sorted(p.parent for p in CASES_DIR.glob("*/*/params.yaml"))


def test_every_metric_table_has_cases():
    tables_with_cases = {p.parent.name for p in case_folders()}
    assert set(CONTRACT_BY_NAME) <= tables_with_cases


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        if expected is None or actual is None:
            return expected is None and actual is None
        return math.isclose(float(expected), float(actual), rel_tol=1e-4, abs_tol=1e-4)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            _same(e, a) for e, a in zip(expected, actual)
        )
    return expected == actual


def actual_rows(con, table: str, market: str, period: str, where: dict[str, list]) -> list[dict[str, Any]]:
    """Return the table's rows for (market, period), filtered by `where`, as plain Python values."""
    rows = con.sql(
        f'SELECT * FROM "{table}" WHERE market = $market AND period = $period', params={"market": market, "period": period}
    ).to_arrow_table().to_pylist()
    return [r for r in rows if all(r[col] in allowed for col, allowed in where.items())]


@pytest.mark.parametrize("folder", case_folders(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_metric_sql_case(folder: Path):
    table = folder.parent.name
    params = yaml.safe_load((folder / "params.yaml").read_text(encoding="utf-8"))
    assert params.get("description"), "each case says what it proves"
    market, period = params.get("market", "uk"), params["period"]
    settings = metric_settings_from_mapping({"report_roles": ["mle", "ds"], **params.get("settings", {})})

    con = fresh_warehouse()
    for name in TAXONOMY_TABLES:
        source = folder if (folder / f"{name}.ndjson").exists() else TAXONOMY_DIR
        load_folder_table(con, source, name)
    load_folder(con, folder, skip=TAXONOMY_TABLES)
    compute_metrics(con, market, period, settings)

    expected = read_ndjson(folder / "expect.ndjson") if (folder / "expect.ndjson").exists() else []
    if params.get("expect_empty"):
        assert expected == []
    else:
        assert expected, "a case without expected rows cannot fail"
    columns = list(expected[0]) if expected else []
    assert all(list(row) == columns for row in expected), "every expected row lists the same columns"
    actual = actual_rows(con, table, market, period, params.get("where", {}))
    key = [c for c in CONTRACT_BY_NAME[table].primary_key if c in columns] or columns

    def ordered(rows):
        return sorted(rows, key=lambda r: tuple(str(r.get(c)) for c in key))

    got = [{c: r[c] for c in columns} for r in ordered(actual)]
    want = ordered(expected)
    assert len(got) == len(want), f"{table}: expected {len(want)} rows, got {len(got)}:\n{got}"
    for g, w in zip(got, want):
        mismatched = [c for c in columns if not _same(w[c], g[c])]
        assert not mismatched, f"{table}: columns {mismatched} differ\nexpected {w}\nactual   {g}"


def load_folder_table(con, folder: Path, name: str) -> None:
    """Load one taxonomy table from `folder`."""
    load_rows(con, name, read_ndjson(folder / f"{name}.ndjson"))
