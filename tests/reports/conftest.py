"""A tiny hand-written warehouse for the reports tests: one reported role in full, one nearly empty."""
from __future__ import annotations

import duckdb
import pytest

from extract.contracts import INGEST_ACCOUNTING
from metrics.contracts import CONTRACTS as METRIC_CONTRACTS
from normalise.contracts import ROLE_ADJACENCY, ROLES, TAXONOMY_UNITS, UNIT_MEMBERS

MARKET, PERIOD = "uk", "2026-04"
MLE = "machine-learning-engineer"
DS = "data-scientist"
KEY = {"market": MARKET, "period": PERIOD}

# unit_id, kind, name, category, hidden_by_group
UNITS = [
    ("python", "skill", "Python", "technical", None),
    ("sql", "skill", "SQL", "technical", None),
    ("stakeholder_communication", "skill", "Communication with Non-Technical Stakeholders", "soft", None),
    ("tensorflow", "skill", "TensorFlow", "technical", "tf_or_pytorch"),
    ("pytorch", "skill", "PyTorch", "technical", "tf_or_pytorch"),
    ("tf_or_pytorch", "group", "TensorFlow or PyTorch", "technical", None),
    ("feature_engineering", "skill", "Feature Engineering", "technical", None),
    ("llm_fine_tuning_rag", "skill", "LLM Fine-tuning & RAG", "technical", None),
    ("airflow", "skill", "Airflow", "technical", None),
    ("aws", "skill", "AWS", "technical", None),
    ("statistics", "skill", "Statistics & Probability", "technical", None),
    ("r_language", "skill", "R", "technical", None),
    ("mlops", "skill", "MLOps", "technical", None),
    ("gap_production_mlops", "gap_cluster", "Production MLOps (Kubernetes, model monitoring, CI/CD for ML)", "technical", None),
    ("gap_llm_fine_tuning_rag", "gap_cluster", "LLM Fine-tuning & RAG", "technical", None),
    ("gap_distributed_training", "gap_cluster", "Distributed Training (Spark MLlib, Ray, Horovod)", "technical", None),
]
GROUP_MEMBERS = {
    "tf_or_pytorch": ["pytorch", "tensorflow"],
    "gap_production_mlops": ["mlops"],
    "gap_llm_fine_tuning_rag": ["llm_fine_tuning_rag"],
    "gap_distributed_training": ["statistics"],
}
ROLE_ROWS = [
    (MLE, "Machine Learning Engineer", "mid"),
    (DS, "Data Scientist", "mid"),
    ("senior-machine-learning-engineer", "Senior Machine Learning Engineer", "senior"),
    ("staff-machine-learning-engineer", "Staff / Principal ML Engineer", "lead"),
    ("mlops-engineer", "MLOps Engineer", "mid"),
    ("ai-engineer", "AI Engineer / GenAI Engineer", "mid"),
    ("backend-software-engineer", "Software Engineer (Backend)", "mid"),
    ("research-engineer", "Research Engineer", "mid"),
]
# unit_id, postings_citing (of 200), tier, profiles_listing (of 100) or None, rank, rank_change_1m
MLE_SKILLS = [
    ("python", 184, "essential", 90, 1, 0),
    ("tf_or_pytorch", 156, "essential", 50, 2, 1),
    ("sql", 144, "essential", 60, 3, -1),
    ("gap_production_mlops", 140, "essential", 28, 4, None),
    ("stakeholder_communication", 124, "essential", None, 5, 2),
    ("pytorch", 120, "desirable", 45, 6, None),
    ("feature_engineering", 104, "desirable", 30, 7, 0),
    ("llm_fine_tuning_rag", 76, "emerging", 12, 8, 3),
    ("gap_llm_fine_tuning_rag", 76, "emerging", 12, 8, 3),
    ("airflow", 70, "desirable", 20, 10, -2),
    ("r_language", 20, "other", 15, 11, None),
]


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert literal rows (dicts) into `table`."""
    for row in rows:
        names = ", ".join(f'"{k}"' for k in row)
        marks = ", ".join(f"${k}" for k in row)
        con.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', row)


def wilson(k: int, n: int) -> tuple[float, float]:
    """Return a Wilson 95% interval in percent (only to fill plausible columns)."""
    z, p = 1.96, k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def months_back(count: int) -> list[str]:
    """Return 2025-04 .. 2026-04 style months, `count` of them ending at PERIOD."""
    out = []
    year, month = 2026, 4
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return sorted(out)


def build_warehouse(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Create every table the reports read and fill it with the hand-written figures."""
    for contract in (*METRIC_CONTRACTS, TAXONOMY_UNITS, UNIT_MEMBERS, ROLES, ROLE_ADJACENCY, INGEST_ACCOUNTING):
        con.execute(contract.duckdb_ddl())
    insert(con, "taxonomy_units", [
        {"unit_id": u, "unit_kind": k, "name": n, "category": c, "hidden_by_group": h, "taxonomy_version": "t-1"}
        for u, k, n, c, h in UNITS
    ])
    members = [{"unit_id": g, "skill_id": s} for g, ss in GROUP_MEMBERS.items() for s in ss]
    members += [{"unit_id": u, "skill_id": u} for u, k, *_ in UNITS if k == "skill"]
    insert(con, "unit_members", members)
    insert(con, "roles", [{"role_id": r, "name": n, "seniority": s} for r, n, s in ROLE_ROWS])
    insert(con, "role_adjacency", [
        {"role_id": MLE, "adjacent_role_id": DS, "position": 1},
        {"role_id": MLE, "adjacent_role_id": "mlops-engineer", "position": 2},
    ])
    for unit, citing, tier, listing, rank, change in MLE_SKILLS:
        low, high = wilson(citing, 200)
        insert(con, "skill_demand", [{
            **KEY, "role_id": MLE, "unit_id": unit, "postings_in_role": 200, "postings_citing": citing,
            "demand_pct": 100 * citing / 200, "ci_low_pct": low, "ci_high_pct": high, "demand_rank": rank,
            "rank_change_1m": change, "rank_change_12m": None, "change_pts_1m": 1.5 if change else None,
            "change_pts_12m": None,
        }])
        insert(con, "skill_tiers", [{
            **KEY, "role_id": MLE, "unit_id": unit, "tier": tier, "demand_pct": 100 * citing / 200,
            "demand_12m_ago_pct": None, "months_observed": 13, "is_emerging": tier == "emerging",
            "slope_pts_per_month": 1.8 if tier == "emerging" else 0.1, "slope_t": 4.0,
        }])
        if listing is not None:
            low, high = wilson(listing, 100)
            insert(con, "skill_supply", [{
                **KEY, "role_id": MLE, "unit_id": unit, "profiles_period": PERIOD, "profiles_in_role": 100,
                "profiles_listing": listing, "supply_pct": float(listing), "ci_low_pct": low, "ci_high_pct": high,
            }])
    # The second role: one skill, no pay, no supply, no paths.
    insert(con, "skill_demand", [{
        **KEY, "role_id": DS, "unit_id": "python", "postings_in_role": 50, "postings_citing": 30,
        "demand_pct": 60.0, "ci_low_pct": 46.2, "ci_high_pct": 72.4, "demand_rank": 1,
    }])
    insert(con, "skill_tiers", [{
        **KEY, "role_id": DS, "unit_id": "python", "tier": "essential", "demand_pct": 60.0,
        "months_observed": 1, "is_emerging": False,
    }])
    gap = {**KEY, "role_id": MLE, "postings_in_role": 200, "profiles_in_role": 100, "suppressed": False}
    insert(con, "skill_gaps", [
        {**gap, "unit_id": "gap_production_mlops", "unit_kind": "gap_cluster", "demand_pct": 70.0, "supply_pct": 28.0, "gap_pts": 42.0, "gap_rank": 1},
        {**gap, "unit_id": "tf_or_pytorch", "unit_kind": "group", "demand_pct": 78.0, "supply_pct": 50.0, "gap_pts": 28.0, "gap_rank": 2},
        {**gap, "unit_id": "gap_llm_fine_tuning_rag", "unit_kind": "gap_cluster", "demand_pct": 38.0, "supply_pct": 12.0, "gap_pts": 26.0, "gap_rank": 3},
        {**gap, "unit_id": "gap_distributed_training", "unit_kind": "gap_cluster", "demand_pct": 10.0, "supply_pct": 15.0, "gap_pts": -5.0, "gap_rank": 4},
    ])
    pay = {**KEY, "role_id": MLE, "london_premium_pct": None, "suppressed": False, "suppression_reason": None}
    insert(con, "pay_stats", [
        {**pay, "pay_kind": "salary", "scope": "uk", "n": 120, "median": 70000.0, "p10": 50000.0, "p90": 105000.0, "median_ci_low": 68000.0, "median_ci_high": 72500.0},
        {**pay, "pay_kind": "salary", "scope": "london", "n": 40, "median": 85000.0, "p10": 60000.0, "p90": 130000.0, "median_ci_low": 80000.0, "median_ci_high": 90000.0, "london_premium_pct": 100 * (85000 / 70000 - 1)},
        {**pay, "pay_kind": "salary", "scope": "uk_excl_london", "n": 15, "suppressed": True, "suppression_reason": "n = 15 is under the minimum of 20"},
        {**pay, "pay_kind": "day_rate", "scope": "uk", "n": 25, "median": 650.0, "p10": 500.0, "p90": 900.0, "median_ci_low": 600.0, "median_ci_high": 700.0},
        {**pay, "pay_kind": "day_rate", "scope": "london", "n": 8, "suppressed": True, "suppression_reason": "n = 8 is under the minimum of 20"},
        {**pay, "pay_kind": "day_rate", "scope": "uk_excl_london", "n": 17, "suppressed": True, "suppression_reason": "n = 17 is under the minimum of 20"},
    ])
    insert(con, "premium_combinations", [
        {**KEY, "role_id": MLE, "combo_id": "aws+llm_fine_tuning_rag+pytorch", "unit_ids": ["llm_fine_tuning_rag", "pytorch", "aws"],
         "size": 3, "n": 35, "median_salary": 85400.0, "uplift_pct": 22.0, "uplift_ci_low_pct": 12.0,
         "uplift_ci_high_pct": 30.0, "best_member_uplift_pct": 8.0, "combo_rank": 1},
        {**KEY, "role_id": MLE, "combo_id": "python+sql", "unit_ids": ["python", "sql"],
         "size": 2, "n": 90, "median_salary": 76720.0, "uplift_pct": 9.6, "uplift_ci_low_pct": 4.0,
         "uplift_ci_high_pct": 14.0, "best_member_uplift_pct": 2.0, "combo_rank": 2},
    ])
    insert(con, "role_comparison", [
        {**KEY, "role_id": MLE, "adjacent_role_id": DS, "position": 1, "role_postings": 200, "adjacent_postings": 50,
         "similarity": 0.8123, "role_distinct_units": ["tf_or_pytorch", "airflow"], "role_distinct_pts": [30.0, 12.5],
         "adjacent_distinct_units": ["statistics"], "adjacent_distinct_pts": [22.0],
         "role_median_salary": 70000.0, "adjacent_median_salary": 64000.0, "pay_diff_pct": 100 * (64000 / 70000 - 1)},
        {**KEY, "role_id": MLE, "adjacent_role_id": "mlops-engineer", "position": 2, "role_postings": 200, "adjacent_postings": 10,
         "similarity": None, "role_distinct_units": [], "role_distinct_pts": [],
         "adjacent_distinct_units": ["mlops"], "adjacent_distinct_pts": [40.0],
         "role_median_salary": 70000.0, "adjacent_median_salary": None, "pay_diff_pct": None},
    ])
    path = {**KEY, "share_pct": None, "median_tenure_months": None}
    insert(con, "career_paths", [
        {**path, "role_id": MLE, "path_kind": "entry", "other_role_id": DS, "n": 34, "denominator": 100, "share_pct": 34.0},
        {**path, "role_id": MLE, "path_kind": "entry", "other_role_id": "backend-software-engineer", "n": 22, "denominator": 100, "share_pct": 22.0},
        {**path, "role_id": MLE, "path_kind": "entry", "other_role_id": "research-engineer", "n": 15, "denominator": 100, "share_pct": 15.0},
        {**path, "role_id": MLE, "path_kind": "progression", "other_role_id": "senior-machine-learning-engineer", "n": 30, "denominator": 60, "share_pct": 50.0},
        {**path, "role_id": MLE, "path_kind": "lateral", "other_role_id": "mlops-engineer", "n": 18, "denominator": 60, "share_pct": 30.0},
        {**path, "role_id": MLE, "path_kind": "lateral", "other_role_id": "ai-engineer", "n": 12, "denominator": 60, "share_pct": 20.0},
        {**path, "role_id": MLE, "path_kind": "tenure", "other_role_id": "-", "n": 80, "denominator": 80, "median_tenure_months": 24.4},
        {**path, "role_id": "senior-machine-learning-engineer", "path_kind": "progression", "other_role_id": "staff-machine-learning-engineer", "n": 10, "denominator": 20, "share_pct": 50.0},
    ])
    trend = {**KEY, "role_id": MLE}
    rows = []
    for i, month in enumerate(months_back(13)):
        rows.append({**trend, "unit_id": "python", "month": month, "postings_in_role": 200, "postings_citing": 170 + i, "demand_pct": (170 + i) / 2})
        rows.append({**trend, "unit_id": "llm_fine_tuning_rag", "month": month, "postings_in_role": 200, "postings_citing": 20 + 4 * i, "demand_pct": (20 + 4 * i) / 2})
    rows.append({**trend, "unit_id": "tf_or_pytorch", "month": "2026-03", "postings_in_role": 200, "postings_citing": 150, "demand_pct": 75.0})
    rows.append({**trend, "unit_id": "tf_or_pytorch", "month": PERIOD, "postings_in_role": 200, "postings_citing": 156, "demand_pct": 78.0})
    insert(con, "skill_trends", rows)
    insert(con, "ingest_accounting", [
        {**KEY, "source": "adzuna", "kind": "postings", "rows_in": 260, "accepted": 250, "duplicates": 6, "quarantined": 4},
        {**KEY, "source": "cv", "kind": "profiles", "rows_in": 100, "accepted": 100, "duplicates": 0, "quarantined": 0},
    ])
    return con


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    """Return an in-memory warehouse holding the hand-written figures."""
    con = duckdb.connect()
    yield build_warehouse(con)
    con.close()


RUN_INFO_ARGS = {"taxonomy_version": "t-1", "code_version": "c-1", "run_id": "run-1",
                 "input_fingerprints": {"ingest:2026-04": "abc123"}, "warnings": ["run-level note"]}
OVERRIDES_DIR = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "overrides"


@pytest.fixture
def documents(warehouse: duckdb.DuckDBPyConnection) -> list[dict]:
    """Return the spotlight documents of the hand-written warehouse, with the project's overrides."""
    from reports.document import RunInfo, build_documents

    return build_documents(warehouse, MARKET, PERIOD, RunInfo(**RUN_INFO_ARGS), OVERRIDES_DIR)


@pytest.fixture
def mle(documents: list[dict]) -> dict:
    """Return the Machine Learning Engineer document."""
    return next(d for d in documents if d["role"]["id"] == MLE)
