"""The monthly_refresh flow under Prefect's test harness, end to end on a small generated sample."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

REPORTED_ROLES = {
    "machine-learning-engineer", "senior-machine-learning-engineer", "data-scientist", "mlops-engineer",
    "ai-engineer", "backend-software-engineer", "data-engineer", "data-analyst",
}


def published_digests(output: Path) -> dict[str, str]:
    """sha256 of every published file except the run records (manifest, latest pointer, run reports: timestamps
    and run ids live there) and the DuckDB file (its bytes hold page layout, not data; its tables are the Parquet)."""
    return {
        str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.name not in {"manifest.json", "latest", "published.duckdb", ".publish.lock"}
        and "runs" not in p.relative_to(output).parts
    }


@pytest.fixture()
def first_run(reference_run):
    """The session's reference refresh of the small sample (see conftest)."""
    return reference_run


def test_refresh_publishes_every_reported_role(first_run):
    result, kwargs, root = first_run
    assert set(result.roles) == REPORTED_ROLES
    folder = Path(kwargs["output"]) / "periods" / "2026-04" / "uk"
    for role in REPORTED_ROLES:
        document = json.loads((folder / f"{role}.json").read_text())
        assert document["period"] == "2026-04"
        assert (folder / f"{role}.html").read_text().lstrip().lower().startswith("<!doctype html>")


def test_every_input_row_is_accounted_for(first_run, small_sample):
    _, kwargs, _ = first_run
    truth = json.loads((small_sample / "truth.json").read_text())
    with duckdb.connect(kwargs["warehouse"], read_only=True) as con:
        rows = con.execute(
            "SELECT sum(rows_in), sum(accepted + duplicates + quarantined) FROM ingest_accounting "
            "WHERE period = '2026-04'"
        ).fetchone()
    assert rows[0] == rows[1]
    assert rows[0] == sum(by_period.get("2026-04", 0) for by_period in truth["counts"].values())


def test_rerun_gives_identical_published_files_and_skips_unchanged_months(first_run):
    from flows.refresh import monthly_refresh

    result, kwargs, _ = first_run
    before = published_digests(Path(kwargs["output"]))
    again = monthly_refresh("2026-04", **kwargs)
    assert published_digests(Path(kwargs["output"])) == before
    ingest = [s for s in again.stages if s.stage == "ingest"]
    assert ingest and all(s.skipped for s in ingest)


def test_a_failed_run_leaves_the_published_month_untouched(first_run, tmp_path):
    import shutil

    from flows.refresh import monthly_refresh
    from normalise.taxonomy import TaxonomyError

    _, kwargs, _ = first_run
    before = published_digests(Path(kwargs["output"]))
    broken = tmp_path / "taxonomy"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data" / "taxonomy", broken)
    (broken / "roles.yaml").unlink()
    with pytest.raises(TaxonomyError, match="roles.yaml"):
        monthly_refresh("2026-04", taxonomy=str(broken), **kwargs)
    assert published_digests(Path(kwargs["output"])) == before
