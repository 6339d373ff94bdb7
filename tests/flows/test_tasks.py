"""Task helpers: the quality gate and period arithmetic."""
import datetime as dt

import pandas as pd
import pytest

from flows.refresh import default_period_for
from flows.tasks import QualityGateFailed, checked, period_end
from metrics.expectations import gaps_report


def test_gate_names_the_expectation_and_shows_the_rows():
    broken = gaps_report(pd.DataFrame({
        "role_id": ["mle"], "unit_id": ["gap_x"], "demand_pct": [65.0], "supply_pct": [35.0], "gap_pts": [31.0],
    }))
    with pytest.raises(QualityGateFailed, match="gap_is_demand_minus_supply") as raised:
        checked([broken])
    assert "gap_x" in str(raised.value)


def test_gate_passes_reports_through_as_markdown():
    ok = gaps_report(pd.DataFrame({
        "role_id": ["mle"], "unit_id": ["gap_x"], "demand_pct": [65.0], "supply_pct": [35.0], "gap_pts": [30.0],
    }))
    (markdown,) = checked([ok])
    assert "`gap_is_demand_minus_supply` | fail | pass" in markdown


@pytest.mark.parametrize(
    "today, expected",
    [
        (dt.date(2026, 5, 2), "2026-04"),  # the scheduled run on the 2nd refreshes the previous month
        (dt.date(2026, 1, 2), "2025-12"),  # across a year boundary
    ],
)
def test_scheduled_runs_refresh_the_previous_complete_month(today, expected):
    assert default_period_for(today) == expected


def test_period_end_handles_leap_years():
    assert period_end("2024-02") == dt.date(2024, 2, 29)
    assert period_end("2026-04") == dt.date(2026, 4, 30)


def _texts_chunk(tmp_path):
    import pyarrow as pa

    from spotlight.warehouse import write_chunk

    texts = pa.table({
        "posting_id": ["p1", "p2"], "market": ["uk", "uk"], "period": ["2026-04", "2026-04"],
        "title_clean": ["Data Engineer", "Machine Learning Engineer"],
        "description_clean": ["You will write Python and SQL every day.", "We ship models with Docker."],
    })
    return write_chunk(texts, tmp_path / "texts", 3)


def test_a_postings_chunk_is_normalised_into_its_three_files(tmp_path):
    import pyarrow.parquet as pq

    from flows.tasks import normalise_postings_chunk
    from spotlight.settings import PROJECT_ROOT

    chunk = _texts_chunk(tmp_path)
    result = normalise_postings_chunk.fn(str(PROJECT_ROOT / "data" / "taxonomy"), str(chunk), str(tmp_path))
    assert result.rows == 2
    assert result.skills.endswith("skills/chunk-00003.parquet")
    skills = pq.read_table(result.skills).to_pandas()
    assert skills[["posting_id", "skill_id"]].values.tolist() == [["p1", "python"], ["p1", "sql"], ["p2", "docker"]]
    roles = pq.read_table(result.roles).to_pandas()
    assert roles["role_id"].tolist() == ["data-engineer", "machine-learning-engineer"]
    checks = pq.read_table(result.checks).to_pandas()
    assert checks["skills_found"].tolist() == [2, 1]


def test_a_chunk_done_before_a_crash_is_not_redone(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from flows.tasks import normalise_postings_chunk
    from spotlight.settings import PROJECT_ROOT

    taxonomy_dir = str(PROJECT_ROOT / "data" / "taxonomy")
    chunk = _texts_chunk(tmp_path)
    first = normalise_postings_chunk.fn(taxonomy_dir, str(chunk), str(tmp_path))
    # Mark the finished skills file so a recomputation would be visible.
    pq.write_table(pa.table({"marker": [1]}), first.skills)
    again = normalise_postings_chunk.fn(taxonomy_dir, str(chunk), str(tmp_path))
    assert again == first
    assert pq.read_table(first.skills).column_names == ["marker"]
