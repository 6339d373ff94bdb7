"""Periods and run settings."""
import pytest

from spotlight.settings import SettingsError, check_period, period_window, shift_period


@pytest.mark.parametrize(
    "period, months, expected",
    [
        ("2026-04", -1, "2026-03"),  # previous month
        ("2026-01", -1, "2025-12"),  # across a year boundary
        ("2026-04", -12, "2025-04"),  # a year earlier
        ("2025-12", 1, "2026-01"),  # forwards across a year
    ],
)
def test_shift_period(period, months, expected):
    assert shift_period(period, months) == expected


def test_window_is_oldest_first_and_ends_at_the_period():
    assert period_window("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize("bad", ["2026-4", "2026-13", "April", "", "2026-00"])
def test_bad_period_is_a_clear_error(bad):
    with pytest.raises(SettingsError, match="YYYY-MM"):
        check_period(bad)
