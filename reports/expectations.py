"""Quality suite of the spotlight documents, one row per document."""
from __future__ import annotations

import pandas as pd

from spotlight.quality import ExpectationSpec, QualityReport, quality_report


def documents_frame(documents: list[dict]) -> pd.DataFrame:
    """Return one row per document with the figures the suite checks."""
    rows = []
    for doc in documents:
        headline = doc["headline"]
        tiers = [skill["tier"] for skill in doc["skills"]]
        median = headline.get("median_salary") or {}
        rows.append({
            "role_id": doc["role"]["id"],
            "counts_match_skills": int(
                (headline["essential_count"], headline["desirable_count"], headline["emerging_count"])
                == (tiers.count("essential"), tiers.count("desirable"), tiers.count("emerging"))
            ),
            "median_salary": None if median.get("suppressed") else median.get("median"),
            "skills_listed": len(tiers),
            "gaps_listed": len(doc.get("gaps", [])),
        })
    return pd.DataFrame(rows)


def documents_report(documents: list[dict]) -> QualityReport:
    """Return the spotlight-documents quality report."""
    specs = (
        ExpectationSpec("one_document_per_role", "ExpectColumnValuesToBeUnique", {"column": "role_id"}, "fail",
                        "a role published twice would make the page ambiguous"),
        ExpectationSpec("headline_counts_match_skill_list", "ExpectColumnValuesToBeBetween",
                        {"column": "counts_match_skills", "min_value": 1, "max_value": 1}, "fail",
                        "the headline's essential/desirable/emerging counts must be the list the page shows"),
        ExpectationSpec("median_salary_positive_when_shown", "ExpectColumnValuesToBeBetween",
                        {"column": "median_salary", "min_value": 0, "strict_min": True}, "fail",
                        "a shown median salary is a positive number"),
        ExpectationSpec("skills_listed", "ExpectColumnValuesToBeBetween",
                        {"column": "skills_listed", "min_value": 5}, "warn",
                        "a spotlight with fewer than 5 skills is too thin to publish without a look"),
        ExpectationSpec("gaps_listed", "ExpectColumnValuesToBeBetween", {"column": "gaps_listed", "min_value": 1},
                        "warn", "every role should show at least one skills-gap opportunity"),
    )
    return quality_report(documents_frame(documents), "spotlight_documents", specs, ("role_id",))
