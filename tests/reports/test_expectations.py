"""Spotlight-document quality suite."""
from reports.expectations import documents_report


def document(role_id, counts, tiers, median=70_000, gaps=1):
    essential, desirable, emerging = counts
    return {
        "role": {"id": role_id, "name": role_id, "seniority": "mid"},
        "headline": {
            "essential_count": essential, "desirable_count": desirable, "emerging_count": emerging,
            "median_salary": {"median": median, "n": 100, "suppressed": False},
        },
        "skills": [{"tier": tier} for tier in tiers],
        "gaps": [{}] * gaps,
    }


def test_headline_counts_must_match_the_listed_skills():
    good = document("a", (2, 2, 1), ["essential"] * 2 + ["desirable"] * 2 + ["emerging"])
    bad = document("b", (3, 2, 1), ["essential"] * 2 + ["desirable"] * 2 + ["emerging"])
    report = documents_report([good, bad])
    assert [o.name for o in report.failed] == ["headline_counts_match_skill_list"]
    assert report.failed[0].examples[0]["role_id"] == "b"
    assert [o.name for o in report.warnings] == []


def test_thin_documents_warn_only():
    report = documents_report([document("a", (1, 0, 0), ["essential"], gaps=0)])
    assert report.failed == ()
    assert {o.name for o in report.warnings} == {"skills_listed", "gaps_listed"}
