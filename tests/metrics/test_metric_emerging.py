"""The emerging rule on planted monthly series: growth is flagged, flat and noisy series are not."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.metrics.metric_fixtures import fresh_warehouse, load_folder, load_rows, posting_rows
from metrics.runner import compute_metrics, shifted_period
from metrics.settings import MetricSettings

TAXONOMY = Path(__file__).resolve().parent / "sql" / "taxonomy"
PERIOD = "2026-04"
POSTINGS_PER_MONTH = 100


def warehouse_with_series(series: dict[str, list[int | None]]):
    """Return a warehouse where mle cites each skill in `count` of 100 postings per month (None: no postings)."""
    con = fresh_warehouse()
    load_folder(con, TAXONOMY)
    months = [shifted_period(PERIOD, k - 12) for k in range(13)]
    postings = []
    for index, month in enumerate(months):
        counts = {skill: values[index] for skill, values in series.items()}
        if any(c is None for c in counts.values()):
            continue
        for i in range(POSTINGS_PER_MONTH):
            skills = [skill for skill, count in counts.items() if i < count]
            postings.append({"posting_id": f"{month}-{i}", "period": month, "role_id": "mle", "skills": skills})
    for table, rows in posting_rows(postings).items():
        load_rows(con, table, rows)
    return con


def tiers(con) -> dict[str, dict]:
    compute_metrics(con, "uk", PERIOD, MetricSettings(report_roles=("mle",)))
    frame = con.execute("select * from skill_tiers where role_id = 'mle'").df()
    return {row["unit_id"]: row for row in frame.to_dict("records")}


def test_planted_growth_is_the_only_emerging_unit():
    con = warehouse_with_series({
        # aws grows 10% -> 30% (rounded to whole postings): first-3 mean 11.7, last-3 mean 28.3, t about 79
        "aws": [10, 12, 13, 15, 17, 18, 20, 22, 23, 25, 27, 28, 30],
        # python is flat around 50%
        "python": [50, 51, 49, 50, 52, 50, 48, 50, 51, 49, 50, 50, 50],
        # sql jumps between 5% and 30%: edges double (10 -> 21.7) and it ends at 30%, but the slope's t is about 1.0
        "sql": [5, 20, 5, 30, 5, 30, 5, 30, 5, 30, 30, 5, 30],
    })
    result = tiers(con)
    emerging = sorted(unit for unit, row in result.items() if row["is_emerging"])
    assert emerging == ["aws", "gap_ml"]  # gap_ml = {pytorch, aws} carries aws's growth
    assert result["aws"]["tier"] == "emerging"
    assert result["aws"]["demand_12m_ago_pct"] == pytest.approx(10.0)
    assert result["aws"]["slope_pts_per_month"] == pytest.approx(1.6593407, rel=1e-6)
    assert result["aws"]["slope_t"] == pytest.approx(79.185068, rel=1e-6)
    assert result["python"]["tier"] == "desirable"
    assert result["sql"]["slope_t"] == pytest.approx(1.0396410, rel=1e-6)
    assert result["sql"]["tier"] == "desirable"


@pytest.mark.parametrize(
    "series, expected_tier",
    [
        # exactly linear 6% -> 30%: no residual, so no t; a positive exact slope counts as significant
        ([6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30], "emerging"),
        # doubles with a strong trend but ends at 7%, under the 10% floor
        ([2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 6, 7], "other"),
        # grows 25% -> 70%: reaches essential, which is never emerging
        ([25, 29, 32, 36, 40, 44, 47, 51, 55, 59, 62, 66, 70], "essential"),
        # strong growth but the role had postings in only 9 of the 13 months
        ([10, None, None, None, None, 18, 20, 22, 23, 25, 27, 28, 30], "desirable"),
        # steady but slow growth 20% -> 30%: edges grow by 1.4x, not 2x
        ([20, 21, 22, 22, 23, 24, 25, 26, 27, 27, 28, 29, 30], "desirable"),
    ],
)
def test_emerging_rule_conditions(series, expected_tier):
    con = warehouse_with_series({"aws": series})
    assert tiers(con)["aws"]["tier"] == expected_tier
