"""posting_roles and the profile tables: contracts, skill mapping methods, jobs and tenure, review queue."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from normalise.contracts import (
    POSTING_ROLES, PROFILE_JOBS, PROFILE_SKILLS, PROFILES_NORMALISED, SKILL_REVIEW,
)
from normalise.stage import posting_roles, profiles_normalised, whole_months

PROFILES = pd.DataFrame({
    "profile_id": ["a", "b"],
    "market": ["uk", "uk"],
    "period": ["2026-04", "2026-04"],
    "source": ["cv", "cv"],
    "source_id": ["1", "2"],
    "headline": ["Senior ML Engineer", "Registered Nurse"],
    "location_raw": ["London", None],
    "skills_raw": [["Python", "k8s", "Pytroch", "Underwater basket weaving", "python"], ["Underwater Basket Weaving"]],
    "summary": ["I deploy models with Docker.", None],
    "work_history": [
        [
            {"title": "Data Scientist", "employer": "Acme", "start_date": date(2020, 1, 15), "end_date": date(2022, 3, 14)},
            {"title": "Machine Learning Engineer", "employer": None, "start_date": date(2022, 3, 15), "end_date": None},
        ],
        [],
    ],
    "source_row": [0, 1],
})


@pytest.fixture(scope="module")
def tables(taxonomy, classifier, extractor):
    return profiles_normalised(PROFILES, taxonomy, classifier, extractor, period_end=date(2026, 4, 30))


def test_tables_meet_contracts(tables):
    PROFILES_NORMALISED.conform(tables.profiles_normalised)
    PROFILE_SKILLS.conform(tables.profile_skills)
    PROFILE_JOBS.conform(tables.profile_jobs)
    SKILL_REVIEW.conform(tables.skill_review)


def test_profile_roles(tables):
    assert tables.profiles_normalised[["profile_id", "role_id", "seniority"]].to_numpy().tolist() == [
        ["a", "senior-machine-learning-engineer", "senior"], ["b", "other", "unknown"]]


def test_profile_skills_with_methods(tables):
    got = tables.profile_skills[["profile_id", "skill_id", "match_method"]].to_numpy().tolist()
    assert got == [
        ["a", "python", "exact"],  # listed twice, kept once
        ["a", "kubernetes", "alias"],
        ["a", "pytorch", "fuzzy"],
        ["a", "docker", "text"],  # from the summary
    ]


def test_review_counts_profiles_listing_the_string(tables):
    review = tables.skill_review
    assert review[["text", "occurrences"]].to_numpy().tolist() == [["underwater basket weaving", 2]]
    assert review["suggestions"].iloc[0].count(":") == 3  # three skill_id:score suggestions


def test_profile_jobs_tenure_and_roles(tables):
    jobs = tables.profile_jobs
    assert jobs[["seq", "role_id", "tenure_months"]].to_numpy().tolist() == [
        [0, "data-scientist", 25],  # 2020-01-15 .. 2022-03-14: one day short of 26 months
        [1, "machine-learning-engineer", 49],  # 2022-03-15 .. 2026-04-30 (current)
    ]


@pytest.mark.parametrize(
    "start, end, months",
    [
        (date(2024, 1, 1), date(2024, 1, 31), 0),  # less than a month
        (date(2024, 1, 1), date(2024, 2, 1), 1),  # exactly one month
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # start on the 31st completes at February's end
        (date(2024, 5, 1), date(2024, 4, 1), 0),  # end before start
    ],
)
def test_whole_months(start, end, months):
    assert whole_months(start, end) == months


def test_posting_roles_contract(classifier):
    facts = pd.DataFrame({"posting_id": ["x", "y"], "market": ["uk", "uk"], "period": ["2026-04"] * 2,
                          "title_clean": ["Lead Data Scientist", "Chef"]})
    table = posting_roles(facts, classifier)
    POSTING_ROLES.conform(table)
    assert table[["role_id", "seniority"]].to_numpy().tolist() == [["data-scientist", "lead"], ["other", "unknown"]]


def test_posting_roles_missing_column_is_a_clear_error(classifier):
    with pytest.raises(ValueError, match="title_clean"):
        posting_roles(pd.DataFrame({"posting_id": ["x"]}), classifier)
