"""Quality suite of landed postings: `fail` checks stop the run, `warn` checks are reported."""
from __future__ import annotations

import pandas as pd

from spotlight.quality import ExpectationSpec, QualityReport, quality_report

SUITE_NAME = "landed_postings"
REQUIRED_COLUMNS = ("posting_id", "title", "description", "posted_at", "period")
INDEX_COLUMNS = ("source", "source_row", "posting_id")
MIN_PAY_STATED_SHARE = 0.30
MAX_EMPTY_LOCATION_SHARE = 0.20


def landed_postings_specs(period: str) -> tuple[ExpectationSpec, ...]:
    """Return the landed-postings suite for run `period`."""
    required = tuple(
        ExpectationSpec(
            name=f"{column}_present",
            expectation="ExpectColumnValuesToNotBeNull",
            kwargs={"column": column},
            severity="fail",
            reason=f"every landed posting needs `{column}`; the adapter should have quarantined it",
        )
        for column in REQUIRED_COLUMNS
    )
    return required + (
        ExpectationSpec(
            name="posting_id_unique",
            expectation="ExpectColumnValuesToBeUnique",
            kwargs={"column": "posting_id"},
            severity="fail",
            reason="a repeated posting_id double-counts demand and breaks the table key",
        ),
        ExpectationSpec(
            name="period_matches_run",
            expectation="ExpectColumnValuesToBeInSet",
            kwargs={"column": "period", "value_set": [period]},
            severity="fail",
            reason=f"a run for {period} must land only that month's postings (others are quarantined out_of_period)",
        ),
        ExpectationSpec(
            name="pay_stated_share",
            expectation="ExpectColumnValuesToBeInSet",
            kwargs={"column": "pay_stated", "value_set": [True], "mostly": MIN_PAY_STATED_SHARE},
            severity="warn",
            reason="fewer than 30% of postings stating pay makes the pay figures thin or the salary mapping wrong",
        ),
        ExpectationSpec(
            name="location_known_share",
            expectation="ExpectColumnValuesToNotBeNull",
            kwargs={"column": "location_text", "mostly": 1.0 - MAX_EMPTY_LOCATION_SHARE},
            severity="warn",
            reason="more than 20% of postings without a location weakens the regional split (check the mapping)",
        ),
    )


def _blank_to_none(values: pd.Series) -> pd.Series:
    """Return `values` with blank strings as missing."""
    as_text = values.astype("string")
    return as_text.where(as_text.str.strip().str.len() > 0)


def postings_checked(postings: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `postings` with blank text as null and the derived `pay_stated` / `location_text` columns."""
    checked = postings.copy()
    for column in ("posting_id", "title", "description", "period"):
        if column in checked:
            checked[column] = _blank_to_none(checked[column])
    predicted = checked["salary_is_predicted"].astype("boolean").fillna(False)
    structured = (checked["salary_min_raw"].notna() | checked["salary_max_raw"].notna()) & ~predicted
    pound_in_text = (
        checked["description"].astype("string").str.contains("£", regex=False).fillna(False)
        | checked["salary_raw"].astype("string").str.contains("£", regex=False).fillna(False)
    )
    # Stated pay: a structured salary the source did not predict, or a £ figure in the ad / salary text.
    checked["pay_stated"] = (structured | pound_in_text).astype(bool)
    checked["location_text"] = _blank_to_none(checked["location_raw"])
    return checked


def landed_postings_report(postings: pd.DataFrame, period: str) -> QualityReport:
    """Return the quality report of landed `postings` for run `period`."""
    return checked_postings_report(postings_checked(postings), period)


def checked_postings_report(checked: pd.DataFrame, period: str) -> QualityReport:
    """Return the quality report of landed postings already passed through `postings_checked` (for example in
    chunks by `extract.staged`, keeping only the columns the suite reads)."""
    return quality_report(checked, SUITE_NAME, landed_postings_specs(period), INDEX_COLUMNS)
