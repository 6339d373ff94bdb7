"""The reusable Great Expectations mechanism: specs in, a per-expectation report out."""
from __future__ import annotations

import pandas as pd
import pytest

from spotlight.quality import ExpectationSpec, QualityFailure, quality_report

FRAME = pd.DataFrame({
    "id": ["a", "b", "b", "c"],
    "row": [0, 1, 2, 3],
    "score": [1.0, None, 3.0, 4.0],
})
SPECS = (
    ExpectationSpec("id_unique", "ExpectColumnValuesToBeUnique", {"column": "id"}, "fail", "ids key the table"),
    ExpectationSpec("score_present", "ExpectColumnValuesToNotBeNull", {"column": "score"}, "warn", "scores feed the mean"),
    ExpectationSpec("score_mostly_present", "ExpectColumnValuesToNotBeNull", {"column": "score", "mostly": 0.7}, "fail",
                    "three in four scores is enough"),
    ExpectationSpec("row_count", "ExpectTableRowCountToBeBetween", {"min_value": 1, "max_value": 3}, "warn",
                    "a small table"),
)


@pytest.fixture(scope="module")
def report():
    return quality_report(FRAME, "toy", SPECS, index_columns=["row"])


def test_outcomes_follow_the_spec_order(report) -> None:
    assert [o.name for o in report.outcomes] == ["id_unique", "score_present", "score_mostly_present", "row_count"]
    assert [o.success for o in report.outcomes] == [False, False, True, False]


def test_failed_holds_only_fail_severity(report) -> None:
    assert [o.name for o in report.failed] == ["id_unique"]
    assert [o.name for o in report.warnings] == ["score_present", "row_count"]
    assert not report.success


def test_failing_rows_are_reported(report) -> None:
    unique = report.outcome("id_unique")
    assert (unique.unexpected_count, unique.element_count) == (2, 4)
    assert [e["row"] for e in unique.examples] == [1, 2]
    assert [e["row"] for e in report.outcome("score_present").examples] == [1]
    assert report.outcome("row_count").observed_value == 4


def test_examples_are_capped_at_five() -> None:
    frame = pd.DataFrame({"id": ["x"] * 8, "row": range(8)})
    spec = ExpectationSpec("id_unique", "ExpectColumnValuesToBeUnique", {"column": "id"})
    outcome = quality_report(frame, "cap", [spec], ["row"]).outcome("id_unique")
    assert (outcome.unexpected_count, len(outcome.examples)) == (8, 5)


def test_markdown_lists_results_and_example_rows(report) -> None:
    text = report.to_markdown()
    assert "### Quality suite `toy`: FAILED" in text
    assert "| `id_unique` | fail | FAIL | 2 (50.0%) |  | ids key the table |" in text
    assert "| `score_mostly_present` | fail | pass | 1 (25.0%) |" in text
    assert "- row=1, id='b'" in text or "- id='b', row=1" in text


def test_raise_for_failures(report) -> None:
    with pytest.raises(QualityFailure, match="id_unique"):
        report.raise_for_failures()
    passing = quality_report(FRAME, "ok", [SPECS[2]])
    assert passing.raise_for_failures() is passing


def test_missing_column_is_a_failure_with_the_error() -> None:
    spec = ExpectationSpec("ghost", "ExpectColumnValuesToNotBeNull", {"column": "ghost"}, "fail", "r")
    outcome = quality_report(FRAME, "ghost", [spec]).outcome("ghost")
    assert not outcome.success and "ghost" in outcome.error


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([ExpectationSpec("a", "ExpectNothingAtAll", {})], "no expectation 'ExpectNothingAtAll'"),  # typo in the GX name
        ([SPECS[0], SPECS[0]], "must be unique"),  # two checks with one name
    ],
)
def test_bad_suite_is_refused(specs, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        quality_report(FRAME, "bad", specs)


def test_bad_severity_is_refused() -> None:
    with pytest.raises(ValueError, match="severity"):
        ExpectationSpec("a", "ExpectColumnValuesToBeUnique", {"column": "id"}, "error")


def test_unknown_index_column_is_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        quality_report(FRAME, "idx", SPECS, index_columns=["nope"])


def test_large_frame_path_reports_the_same_rows(report) -> None:
    # complete_max_rows=0 forces the SUMMARY path used above 5,000 rows: row labels looked up in the frame
    summary = quality_report(FRAME, "toy", SPECS, index_columns=["row"], complete_max_rows=0)
    assert [o.success for o in summary.outcomes] == [o.success for o in report.outcomes]
    assert summary.outcome("id_unique").examples == report.outcome("id_unique").examples
    assert summary.outcome("id_unique").examples == ({"id": "b", "row": 1}, {"id": "b", "row": 2})
    assert summary.outcome("id_unique").unexpected_count == 2


def test_frame_with_a_non_default_index() -> None:
    frame = FRAME.set_index(pd.Index([10, 20, 30, 40]))
    spec = ExpectationSpec("id_unique", "ExpectColumnValuesToBeUnique", {"column": "id"})
    for limit in (0, 5_000):  # both result paths
        outcome = quality_report(frame, "idx", [spec], ["row"], complete_max_rows=limit).outcome("id_unique")
        assert outcome.examples == ({"id": "b", "row": 1}, {"id": "b", "row": 2})


def test_failure_message_lists_only_failures(report) -> None:
    message = report.failure_message()
    assert "`id_unique`" in message and "`score_mostly_present`" not in message
    assert quality_report(FRAME, "ok", [SPECS[2]]).failure_message() == ""


@pytest.mark.parametrize(
    ("specs", "passed"),
    [
        (SPECS[:3], [True, True, True]),  # row-by-row checks hold on zero rows (answered without GX)
        (SPECS, [True, True, True, False]),  # a row-count check needs GX: zero rows is below its minimum
        ([ExpectationSpec("ghost", "ExpectColumnValuesToNotBeNull", {"column": "ghost"}, "fail", "r")], [False]),
        # a column the frame lacks is an error even with no rows
    ],
)
def test_an_empty_frame_passes_row_checks_but_not_table_checks(specs, passed) -> None:
    report = quality_report(FRAME.iloc[0:0], "empty", specs, index_columns=["row"])
    assert [o.success for o in report.outcomes] == passed
    assert report.rows == 0
