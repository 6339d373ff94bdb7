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
        (date(2023, 1, 29), date(2023, 2, 28), 1),  # start on the 29th completes at a 28-day February's end
        (date(2023, 1, 28), date(2023, 2, 27), 0),  # start on the 28th: a day short
        (date(2024, 1, 30), date(2024, 3, 29), 1),  # March has a 30th: one day short of two months
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


# Summaries are counted in one batch and matched back to their profiles by position.
SUMMARY_PROFILES = pd.DataFrame({
    "profile_id": ["c", "d", "e", "f"],
    "market": ["uk"] * 4,
    "period": ["2026-04"] * 4,
    "headline": ["Data Engineer", None, "Chef", "Data Engineer"],
    "location_raw": ["Leeds", "London", "Leeds", None],
    "skills_raw": [["Python", "  ", "Dcoker"], [], None, ["k8s"]],
    "summary": ["Python and Docker, then Kubernetes.", None, "", "SQL every day"],
    "work_history": [
        [{"title": "Data Engineer", "employer": None, "start_date": date(2024, 1, 29), "end_date": date(2025, 2, 28)},
         {"title": " ", "employer": "Acme", "start_date": date(2025, 3, 1), "end_date": None},
         {"title": "Data Scientist", "employer": None, "start_date": None, "end_date": None},
         {"title": "Data Scientist", "employer": None, "start_date": "2025-03-01", "end_date": None}],
        None, [], [],
    ],
})


@pytest.fixture(scope="module")
def summary_tables(taxonomy, classifier, extractor):
    return profiles_normalised(SUMMARY_PROFILES, taxonomy, classifier, extractor, period_end=date(2026, 4, 30))


def test_summary_skills_follow_listed_ones(summary_tables):
    PROFILE_SKILLS.conform(summary_tables.profile_skills)
    assert summary_tables.profile_skills[["profile_id", "skill_id", "match_method"]].to_numpy().tolist() == [
        ["c", "python", "exact"],  # listed and in the summary: the listed match wins
        ["c", "docker", "fuzzy"],
        ["c", "kubernetes", "text"],  # only in the summary
        ["f", "kubernetes", "alias"],  # d and e list nothing and their summaries cite nothing
        ["f", "sql", "text"],
    ]
    assert summary_tables.profile_skills.index.equals(pd.RangeIndex(5))


def test_profile_places_and_roles(summary_tables):
    table = summary_tables.profiles_normalised
    PROFILES_NORMALISED.conform(table)
    assert table[["profile_id", "role_id", "region", "is_london"]].to_numpy().tolist() == [
        ["c", "data-engineer", "Yorkshire and The Humber", False],
        ["d", "other", "London", True],
        ["e", "other", "Yorkshire and The Humber", False],  # a repeated location, parsed once
        ["f", "data-engineer", "unknown", False],  # no location
    ]
    assert table["role_confidence"].iloc[1] == 1.0  # no headline


def test_jobs_without_a_title_or_start_are_left_out(summary_tables):
    jobs = summary_tables.profile_jobs
    PROFILE_JOBS.conform(jobs)
    assert jobs[["profile_id", "seq", "title", "start_date", "tenure_months"]].to_numpy().tolist() == [
        ["c", 0, "Data Engineer", date(2024, 1, 29), 13],  # Feb 28 2025 completes the 13th month, begun on a 29th
        ["c", 1, "Data Scientist", date(2025, 3, 1), 13],  # an ISO start date; current to 2026-04-30
    ]
    assert jobs["employer"].isna().all()


def test_profiles_without_jobs_or_skills_give_empty_tables_meeting_contracts(taxonomy, classifier, extractor):
    empty = SUMMARY_PROFILES.iloc[1:3].reset_index(drop=True)
    tables = profiles_normalised(empty, taxonomy, classifier, extractor, period_end=date(2026, 4, 30))
    assert len(tables.profile_jobs) == 0 and len(tables.profile_skills) == 0
    PROFILE_JOBS.conform(tables.profile_jobs)
    PROFILE_SKILLS.conform(tables.profile_skills)
