"""Metric-table quality suites: each `fail` expectation catches its broken row."""
import pandas as pd

from metrics.expectations import gaps_report, pay_report, shares_report
from metrics.settings import MetricSettings


def test_gap_must_equal_demand_minus_supply():
    frame = pd.DataFrame({
        "role_id": ["mle", "mle"], "unit_id": ["ok", "broken"],
        "demand_pct": [70.0, 65.0], "supply_pct": [28.0, 35.0], "gap_pts": [42.0, 31.0],  # 65 - 35 = 30, not 31
    })
    report = gaps_report(frame)
    assert [o.name for o in report.failed] == ["gap_is_demand_minus_supply"]
    assert report.failed[0].unexpected_count == 1
    assert report.failed[0].examples[0]["unit_id"] == "broken"


def test_share_outside_0_100_or_outside_its_interval_fails():
    frame = pd.DataFrame({
        "role_id": ["r"] * 3, "unit_id": ["ok", "over", "outside"],
        "demand_pct": [50.0, 101.0, 40.0], "ci_low_pct": [45.0, 99.0, 41.0], "ci_high_pct": [55.0, 102.0, 60.0],
    })
    report = shares_report(frame, "skill_demand", "demand_pct")
    failed = {o.name: o for o in report.failed}
    assert failed["skill_demand_pct_in_0_100"].examples[0]["unit_id"] == "over"
    assert failed["skill_demand_inside_interval"].examples[0]["unit_id"] == "outside"


def test_pay_percentiles_ordered_and_minimum_n_only_where_shown():
    frame = pd.DataFrame({
        "role_id": ["r"] * 3, "pay_kind": ["salary"] * 3, "scope": ["uk", "london", "uk_excl_london"],
        "n": [100, 25, 5], "median": [70_000.0, 50_000.0, None], "p10": [50_000.0, 60_000.0, None],
        "p90": [105_000.0, 90_000.0, None], "suppressed": [False, False, True],
    })
    report = pay_report(frame, MetricSettings())
    assert [o.name for o in report.failed] == ["p10_le_median_le_p90"]  # the suppressed n=5 row is not checked
    assert report.failed[0].examples[0]["scope"] == "london"
