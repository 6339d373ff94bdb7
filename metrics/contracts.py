"""Contracts of the metric tables: one per SQL file under metrics/sql/, per (market, period, role)."""
from __future__ import annotations

import pyarrow as pa

from spotlight.contract import BOOL, FLOAT, INT, STR, Contract, col

_KEY = (
    col("market", STR, "Market.", True),
    col("period", STR, "Period `YYYY-MM` the figures describe.", True),
    col("role_id", STR, "Role id.", True),
)

SKILL_DEMAND = Contract(
    name="skill_demand",
    stage="metrics",
    description=(
        "Share of the role's de-duplicated postings that cite each reporting unit (a skill, or any member of a group). "
        "Denominator: canonical postings classified to the role in the period."
    ),
    primary_key=("market", "period", "role_id", "unit_id"),
    columns=_KEY + (
        col("unit_id", STR, "Reporting unit (skill or group) id.", True),
        col("postings_in_role", INT, "Denominator: canonical postings in the role.", True),
        col("postings_citing", INT, "Numerator: those citing the unit (a posting counts once however often it cites it).", True),
        col("demand_pct", FLOAT, "100 * postings_citing / postings_in_role.", True),
        col("ci_low_pct", FLOAT, "Wilson 95% interval, lower bound, in percent.", True),
        col("ci_high_pct", FLOAT, "Wilson 95% interval, upper bound, in percent.", True),
        col("demand_rank", INT, "Rank by demand within the role (1 = highest; ties share the lowest rank).", True),
        col("rank_change_1m", INT, "Previous month's rank minus this rank (positive = rising); null without a previous month."),
        col("rank_change_12m", INT, "Rank 12 months earlier minus this rank; null without that month."),
        col("change_pts_1m", FLOAT, "demand_pct minus the previous month's, in points."),
        col("change_pts_12m", FLOAT, "demand_pct minus that of 12 months earlier, in points."),
    ),
)

SKILL_SUPPLY = Contract(
    name="skill_supply",
    stage="metrics",
    description=(
        "Share of the role's CV profiles that list each reporting unit. Denominator: profiles of the latest "
        "snapshot on or before the period whose current headline is classified to the role."
    ),
    primary_key=("market", "period", "role_id", "unit_id"),
    columns=_KEY + (
        col("unit_id", STR, "Reporting unit id.", True),
        col("profiles_period", STR, "Period of the profile snapshot used.", True),
        col("profiles_in_role", INT, "Denominator: profiles in the role.", True),
        col("profiles_listing", INT, "Numerator: profiles listing the unit.", True),
        col("supply_pct", FLOAT, "100 * profiles_listing / profiles_in_role.", True),
        col("ci_low_pct", FLOAT, "Wilson 95% interval, lower bound, percent.", True),
        col("ci_high_pct", FLOAT, "Wilson 95% interval, upper bound, percent.", True),
    ),
)

SKILL_GAPS = Contract(
    name="skill_gaps",
    stage="metrics",
    description="Demand minus supply for each reporting group and gap cluster of the role, largest gap first.",
    primary_key=("market", "period", "role_id", "unit_id"),
    columns=_KEY + (
        col("unit_id", STR, "Group or gap-cluster id.", True),
        col("unit_kind", STR, "group or gap_cluster.", True),
        col("demand_pct", FLOAT, "From skill_demand.", True),
        col("supply_pct", FLOAT, "From skill_supply.", True),
        col("gap_pts", FLOAT, "demand_pct - supply_pct, in points.", True),
        col("postings_in_role", INT, "Demand denominator.", True),
        col("profiles_in_role", INT, "Supply denominator.", True),
        col("gap_rank", INT, "1 = largest gap.", True),
        col("suppressed", BOOL, "True when either denominator is under its minimum sample.", True),
        col("suppression_reason", STR, "Why the gap is suppressed."),
    ),
)

TIERS = ("essential", "desirable", "emerging", "other")

SKILL_TIERS = Contract(
    name="skill_tiers",
    stage="metrics",
    description=(
        "Tier of each reporting unit shown for the role: emerging by the growth rule (docs/methodology.md), "
        "otherwise essential / desirable by demand cut-offs, otherwise other."
    ),
    primary_key=("market", "period", "role_id", "unit_id"),
    columns=_KEY + (
        col("unit_id", STR, "Reporting unit id.", True),
        col("tier", STR, "essential, desirable, emerging or other.", True),
        col("demand_pct", FLOAT, "This period's demand.", True),
        col("demand_12m_ago_pct", FLOAT, "Demand in the first month of the trailing window."),
        col("months_observed", INT, "Months of the trailing 13 with postings in the role.", True),
        col("slope_pts_per_month", FLOAT, "Least-squares slope of monthly demand_pct."),
        col("slope_t", FLOAT, "t statistic of that slope."),
        col("is_emerging", BOOL, "The emerging rule holds.", True),
    ),
    allowed_values={"tier": TIERS},
)

PAY_STATS = Contract(
    name="pay_stats",
    stage="metrics",
    description=(
        "Pay of the role's canonical postings with stated pay: permanent salary (annual GBP, range mid-point) and "
        "contract day rate (GBP/day), for UK, London and UK excluding London."
    ),
    primary_key=("market", "period", "role_id", "pay_kind", "scope"),
    columns=_KEY + (
        col("pay_kind", STR, "salary or day_rate.", True),
        col("scope", STR, "uk, london or uk_excl_london.", True),
        col("n", INT, "Postings with stated pay of this kind in the scope.", True),
        col("median", FLOAT, "Median pay; null when suppressed."),
        col("p10", FLOAT, "10th percentile; null when suppressed."),
        col("p90", FLOAT, "90th percentile; null when suppressed."),
        col("median_ci_low", FLOAT, "Distribution-free 95% interval for the median (order statistics), lower."),
        col("median_ci_high", FLOAT, "Same, upper."),
        col("london_premium_pct", FLOAT, "Scope london only: 100 * (london median / uk median - 1), as the page shows it."),
        col("suppressed", BOOL, "n under the minimum sample.", True),
        col("suppression_reason", STR, "Why suppressed."),
    ),
    allowed_values={"pay_kind": ("salary", "day_rate"), "scope": ("uk", "london", "uk_excl_london")},
)

PREMIUM_COMBINATIONS = Contract(
    name="premium_combinations",
    stage="metrics",
    description=(
        "Sets of 2-3 skills whose salaried postings pay clearly more than the role median and than each member "
        "skill alone. uplift = median salary of postings citing all members / role median - 1."
    ),
    primary_key=("market", "period", "role_id", "combo_id"),
    columns=_KEY + (
        col("combo_id", STR, "Member unit ids joined by '+', sorted.", True),
        col("unit_ids", pa.list_(pa.string()), "Member unit ids.", True),
        col("size", INT, "2 or 3.", True),
        col("n", INT, "Salaried postings citing every member.", True),
        col("median_salary", FLOAT, "Their median annual salary.", True),
        col("uplift_pct", FLOAT, "100 * (median_salary / role median - 1).", True),
        col("uplift_ci_low_pct", FLOAT, "Uplift at the lower bound of the median's 95% interval.", True),
        col("uplift_ci_high_pct", FLOAT, "Uplift at the upper bound.", True),
        col("best_member_uplift_pct", FLOAT, "Largest uplift of any single member alone.", True),
        col("combo_rank", INT, "1 = largest uplift.", True),
    ),
)

ROLE_COMPARISON = Contract(
    name="role_comparison",
    stage="metrics",
    description="The role against each adjacent role: demand-profile similarity, the most distinguishing skills, pay.",
    primary_key=("market", "period", "role_id", "adjacent_role_id"),
    columns=_KEY + (
        col("adjacent_role_id", STR, "Adjacent role.", True),
        col("position", INT, "Display order from roles.yaml.", True),
        col("role_postings", INT, "Canonical postings of the role.", True),
        col("adjacent_postings", INT, "Canonical postings of the adjacent role.", True),
        col("similarity", FLOAT, "Cosine similarity of the two demand_pct vectors over all units (0-1)."),
        col("role_distinct_units", pa.list_(pa.string()), "Up to 3 units most in demand for the role relative to the adjacent one.", True),
        col("role_distinct_pts", pa.list_(pa.float64()), "Their demand differences, points.", True),
        col("adjacent_distinct_units", pa.list_(pa.string()), "Up to 3 units most in demand for the adjacent role relative to this one.", True),
        col("adjacent_distinct_pts", pa.list_(pa.float64()), "Their demand differences, points.", True),
        col("role_median_salary", FLOAT, "Role's UK median salary (null if suppressed)."),
        col("adjacent_median_salary", FLOAT, "Adjacent role's UK median salary (null if suppressed)."),
        col("pay_diff_pct", FLOAT, "100 * (adjacent / role - 1)."),
    ),
)

CAREER_PATHS = Contract(
    name="career_paths",
    stage="metrics",
    description=(
        "From CV work histories of the profile snapshot: entry routes into the role (role held immediately before the "
        "first stint), next roles (progression when more senior, lateral otherwise), and median tenure."
    ),
    primary_key=("market", "period", "role_id", "path_kind", "other_role_id"),
    columns=_KEY + (
        col("path_kind", STR, "entry, progression, lateral or tenure.", True),
        col("other_role_id", STR, "The role before (entry) or after (progression, lateral); `-` on the tenure row.", True),
        col("n", INT, "Profiles taking this path (tenure row: completed stints measured).", True),
        col("denominator", INT, "Profiles with a known previous (entry) or next (progression, lateral) role; stints (tenure).", True),
        col("share_pct", FLOAT, "100 * n / denominator (null on the tenure row)."),
        col("median_tenure_months", FLOAT, "Tenure row: median months of completed stints in the role."),
    ),
    allowed_values={"path_kind": ("entry", "progression", "lateral", "tenure")},
)

SKILL_TRENDS = Contract(
    name="skill_trends",
    stage="metrics",
    description="Monthly demand share per role and unit over the trailing 13 months up to the period, for charts.",
    primary_key=("market", "period", "role_id", "unit_id", "month"),
    columns=_KEY + (
        col("unit_id", STR, "Reporting unit id.", True),
        col("month", STR, "Month `YYYY-MM` of the point.", True),
        col("postings_in_role", INT, "Canonical postings in the role that month.", True),
        col("postings_citing", INT, "Those citing the unit.", True),
        col("demand_pct", FLOAT, "Share, percent.", True),
    ),
)

CONTRACTS = (
    SKILL_DEMAND, SKILL_SUPPLY, SKILL_GAPS, SKILL_TIERS, PAY_STATS,
    PREMIUM_COMBINATIONS, ROLE_COMPARISON, CAREER_PATHS, SKILL_TRENDS,
)
