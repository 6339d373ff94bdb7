"""Quality suites of the metric tables: shares are percentages, gaps add up, pay percentiles are ordered,
and figures shown meet their minimum samples."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.settings import MetricSettings
from spotlight.quality import ExpectationSpec, QualityReport, quality_report

TOLERANCE = 1e-6


def _share_specs(prefix: str, pct: str) -> tuple[ExpectationSpec, ...]:
    return (
        ExpectationSpec(f"{prefix}_pct_in_0_100", "ExpectColumnValuesToBeBetween",
                        {"column": pct, "min_value": 0.0, "max_value": 100.0}, "fail", "a share is a percentage"),
        ExpectationSpec(f"{prefix}_inside_interval", "ExpectColumnValuesToBeBetween",
                        {"column": "inside_interval", "min_value": 1, "max_value": 1}, "fail",
                        "the Wilson interval contains its point estimate"),
    )


def shares_report(frame: pd.DataFrame, suite: str, pct: str) -> QualityReport:
    """Return the report for a share table (skill_demand or skill_supply)."""
    checked = frame.assign(
        inside_interval=((frame["ci_low_pct"] <= frame[pct] + TOLERANCE)
                         & (frame[pct] <= frame["ci_high_pct"] + TOLERANCE)).astype("int64")
    )
    return quality_report(checked, suite, _share_specs(suite, pct), ("role_id", "unit_id"))


def gaps_report(frame: pd.DataFrame) -> QualityReport:
    """Return the report for skill_gaps: gap_pts = demand_pct - supply_pct."""
    checked = frame.assign(gap_error=(frame["gap_pts"] - (frame["demand_pct"] - frame["supply_pct"])).abs())
    specs = (
        ExpectationSpec("gap_is_demand_minus_supply", "ExpectColumnValuesToBeBetween",
                        {"column": "gap_error", "min_value": 0.0, "max_value": TOLERANCE}, "fail",
                        "the page says 'X% demand vs Y% supply (Z-point gap)': Z must be X - Y"),
    )
    return quality_report(checked, "skill_gaps", specs, ("role_id", "unit_id"))


def pay_report(frame: pd.DataFrame, settings: MetricSettings) -> QualityReport:
    """Return the report for pay_stats: ordered percentiles and minimum n where figures are shown."""
    shown = frame[~frame["suppressed"].astype(bool)]
    checked = shown.assign(
        ordered=((shown["p10"] <= shown["median"]) & (shown["median"] <= shown["p90"])).astype("int64")
    )
    specs = (
        ExpectationSpec("p10_le_median_le_p90", "ExpectColumnValuesToBeBetween",
                        {"column": "ordered", "min_value": 1, "max_value": 1}, "fail",
                        "percentiles of one distribution are ordered"),
        ExpectationSpec("shown_pay_meets_minimum_n", "ExpectColumnValuesToBeBetween",
                        {"column": "n", "min_value": settings.min_pay_n}, "fail",
                        "a figure under the minimum sample must be suppressed, never shown as if solid"),
        ExpectationSpec("shown_median_positive", "ExpectColumnValuesToBeBetween",
                        {"column": "median", "min_value": 0.0, "strict_min": True}, "fail",
                        "pay is positive"),
    )
    return quality_report(checked, "pay_stats", specs, ("role_id", "pay_kind", "scope"))


def roles_report(frame: pd.DataFrame, settings: MetricSettings) -> QualityReport:
    """Return the report on each reported role's sample size (warn only)."""
    specs = (
        ExpectationSpec("role_has_minimum_postings", "ExpectColumnValuesToBeBetween",
                        {"column": "postings_in_role", "min_value": settings.min_demand_n}, "warn",
                        "a role with few postings gets suppressed figures; check its titles in roles.yaml"),
    )
    return quality_report(frame, "role_samples", specs, ("role_id",))


def metric_reports(
    con: duckdb.DuckDBPyConnection, market: str, period: str, settings: MetricSettings
) -> list[QualityReport]:
    """Return the metric-table quality reports for one (market, period), read from the warehouse."""
    params = {"market": market, "period": period}

    def rows(table: str) -> pd.DataFrame:
        return con.execute(f'SELECT * FROM "{table}" WHERE market = $market AND period = $period', params).df()

    demand = rows("skill_demand")
    role_sizes = demand.groupby("role_id", as_index=False)["postings_in_role"].max()
    return [
        shares_report(demand, "skill_demand", "demand_pct"),
        shares_report(rows("skill_supply"), "skill_supply", "supply_pct"),
        gaps_report(rows("skill_gaps")),
        pay_report(rows("pay_stats"), settings),
        roles_report(role_sizes, settings),
    ]
