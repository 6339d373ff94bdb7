"""Quality suites of the normalise stage: roles and skills per posting, and CV profiles."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from spotlight.quality import ExpectationSpec, QualityReport, quality_report

MAX_OTHER_ROLE_SHARE = 0.20
MIN_POSTINGS_WITH_SKILLS = 0.80
MIN_PROFILES_WITH_SKILLS = 0.90


def normalised_postings_specs(role_ids: Iterable[str]) -> tuple[ExpectationSpec, ...]:
    """Return the suite for postings with their role and skill count."""
    known = sorted(set(role_ids) | {"other"})
    return (
        ExpectationSpec("posting_id_unique", "ExpectColumnValuesToBeUnique", {"column": "posting_id"}, "fail",
                        "one role per posting: a repeated id would count a posting twice"),
        ExpectationSpec("role_known", "ExpectColumnValuesToBeInSet", {"column": "role_id", "value_set": known},
                        "fail", "every role must come from roles.yaml (or be `other`)"),
        ExpectationSpec("confidence_is_probability", "ExpectColumnValuesToBeBetween",
                        {"column": "role_confidence", "min_value": 0.0, "max_value": 1.0}, "fail",
                        "calibrated confidence is a probability"),
        ExpectationSpec("other_role_share", "ExpectColumnValuesToNotBeInSet",
                        {"column": "role_id", "value_set": ["other"], "mostly": 1 - MAX_OTHER_ROLE_SHARE}, "warn",
                        "more than 20% unclassified postings means the source is off-market or the roles file is short"),
        ExpectationSpec("postings_with_skills_share", "ExpectColumnValuesToBeBetween",
                        {"column": "skills_found", "min_value": 1, "mostly": MIN_POSTINGS_WITH_SKILLS}, "warn",
                        "most ads name skills; a drop means the ad text or the taxonomy changed"),
    )


def normalised_profiles_specs() -> tuple[ExpectationSpec, ...]:
    """Return the suite for CV profiles with their role and skill count."""
    return (
        ExpectationSpec("profile_id_unique", "ExpectColumnValuesToBeUnique", {"column": "profile_id"}, "fail",
                        "a repeated profile would count its skills twice in supply"),
        ExpectationSpec("profile_role_present", "ExpectColumnValuesToNotBeNull", {"column": "role_id"}, "fail",
                        "supply is per role: every profile needs one (or `other`)"),
        ExpectationSpec("profiles_with_skills_share", "ExpectColumnValuesToBeBetween",
                        {"column": "skills_found", "min_value": 1, "mostly": MIN_PROFILES_WITH_SKILLS}, "warn",
                        "CVs list skills; many without any means the skills field was not mapped"),
    )


def with_skill_counts(frame: pd.DataFrame, skills: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return `frame` with `skills_found`: how many distinct skills each record has in `skills`."""
    if not len(skills):
        return frame.assign(skills_found=pd.Series(0, index=frame.index, dtype="int64"))
    counts = skills.groupby(key).size().rename("skills_found")
    out = frame.merge(counts, how="left", left_on=key, right_index=True)
    out["skills_found"] = out["skills_found"].fillna(0).astype("int64")
    return out


def postings_quality_rows(posting_roles: pd.DataFrame, posting_skills: pd.DataFrame) -> pd.DataFrame:
    """Return what the normalised-postings suite checks: one row per posting with its role and `skills_found`."""
    frame = with_skill_counts(posting_roles, posting_skills, "posting_id")
    return frame[["posting_id", "role_id", "role_confidence", "skills_found"]]


def postings_quality_report(rows: pd.DataFrame, role_ids: Iterable[str]) -> QualityReport:
    """Return the normalised-postings quality report of `postings_quality_rows` (of one chunk or many)."""
    return quality_report(rows, "normalised_postings", normalised_postings_specs(role_ids), ("posting_id",))


def normalised_postings_report(
    posting_roles: pd.DataFrame, posting_skills: pd.DataFrame, role_ids: Iterable[str]
) -> QualityReport:
    """Return the normalised-postings quality report."""
    return postings_quality_report(postings_quality_rows(posting_roles, posting_skills), role_ids)


def normalised_profiles_report(profiles: pd.DataFrame, profile_skills: pd.DataFrame) -> QualityReport:
    """Return the normalised-profiles quality report."""
    frame = with_skill_counts(profiles, profile_skills, "profile_id")
    return quality_report(frame, "normalised_profiles", normalised_profiles_specs(), ("profile_id",))
