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
