"""Normalised postings/profiles quality suites."""
import pandas as pd

from normalise.expectations import normalised_postings_report, with_skill_counts


def test_skill_counts_per_record_include_zero():
    frame = pd.DataFrame({"posting_id": ["a", "b"]})
    skills = pd.DataFrame({"posting_id": ["a", "a"], "skill_id": ["python", "sql"]})
    assert with_skill_counts(frame, skills, "posting_id")["skills_found"].tolist() == [2, 0]


def test_unknown_role_fails_and_other_share_warns():
    roles = pd.DataFrame({
        "posting_id": ["p1", "p2", "p3", "p4"],
        "role_id": ["data-analyst", "astronaut", "other", "other"],
        "role_confidence": [0.9, 0.8, 0.7, 0.6],
    })
    skills = pd.DataFrame({"posting_id": ["p1", "p2", "p3", "p4"], "skill_id": ["sql"] * 4})
    report = normalised_postings_report(roles, skills, ["data-analyst"])
    assert [o.name for o in report.failed] == ["role_known"]
    assert report.failed[0].examples[0]["posting_id"] == "p2"
    assert [o.name for o in report.warnings] == ["other_role_share"]  # 2 of 4 unclassified > 20%
