"""Data-quality suites for every stage: Great Expectations 1.x run on a DataFrame, reported per expectation.

A suite is a list of `ExpectationSpec`s, each a GX expectation class name and its arguments, a severity (`fail`
stops the run, `warn` is reported) and a one-line reason. `quality_report` runs them in an ephemeral GX context and
returns a `QualityReport`; `raise_for_failures` turns fail-severity failures into `QualityFailure`.
"""
from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

SEVERITIES = ("fail", "warn")
EXAMPLE_LIMIT = 5
# Above this many rows failing rows are found from SUMMARY results (row labels) instead of COMPLETE ones.
COMPLETE_MAX_ROWS = 5_000
# GX's column map expectations check each row on its own ("ExpectColumnValuesToBeUnique", "…ToBeBetween", …).
ROW_EXPECTATION_PREFIX = "ExpectColumnValues"


class QualityFailure(RuntimeError):
    """A fail-severity expectation did not hold; the message carries the Markdown report of the failures."""

    def __init__(self, report: QualityReport) -> None:
        super().__init__(f"quality suite {report.suite!r} failed:\n{report.failure_message()}")
        self.report = report


@dataclass(frozen=True)
class ExpectationSpec:
    """One check of a suite: GX expectation class name and kwargs, severity `fail`/`warn`, and why it matters."""

    name: str
    expectation: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "fail"
    reason: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"expectation {self.name!r}: severity must be one of {SEVERITIES}, got {self.severity!r}")
        if not self.name:
            raise ValueError("an expectation needs a name")


@dataclass(frozen=True)
class ExpectationOutcome:
    """What one expectation found: success, how many rows broke it, and up to five of them."""

    name: str
    severity: str
    reason: str
    success: bool
    unexpected_count: int | None = None
    element_count: int | None = None
    observed_value: Any = None
    examples: tuple[Mapping[str, Any], ...] = ()
    error: str | None = None

    @property
    def unexpected_percent(self) -> float | None:
        """Return the share of rows that broke the expectation, in percent, when known."""
        if self.unexpected_count is None or not self.element_count:
            return None
        return 100.0 * self.unexpected_count / self.element_count


@dataclass(frozen=True)
class QualityReport:
    """Outcome of one suite run on one DataFrame."""

    suite: str
    rows: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        """Return the fail-severity expectations that did not hold."""
        return tuple(o for o in self.outcomes if o.severity == "fail" and not o.success)

    @property
    def warnings(self) -> tuple[ExpectationOutcome, ...]:
        """Return the warn-severity expectations that did not hold."""
        return tuple(o for o in self.outcomes if o.severity == "warn" and not o.success)

    @property
    def success(self) -> bool:
        """Return True when no fail-severity expectation failed."""
        return not self.failed

    def outcome(self, name: str) -> ExpectationOutcome:
        """Return the outcome of the expectation called `name`."""
        for outcome in self.outcomes:
            if outcome.name == name:
                return outcome
        raise KeyError(f"suite {self.suite!r} has no expectation {name!r}")

    def failure_message(self) -> str:
        """Return a Markdown account of the fail-severity failures and their example rows ("" when none)."""
        return self.to_markdown(only_failures=True) if self.failed else ""

    def raise_for_failures(self) -> QualityReport:
        """Return this report, or raise QualityFailure when a fail-severity expectation failed."""
        if self.failed:
            raise QualityFailure(self)
        return self

    def to_markdown(self, only_failures: bool = False) -> str:
        """Return the report as Markdown: a table of expectations, then example rows of each failure."""
        shown = [o for o in self.outcomes if not (only_failures and o.success)]
        status = "passed" if self.success else "FAILED"
        lines = [
            f"### Quality suite `{self.suite}`: {status}",
            "",
            f"{self.rows} rows; {len(self.failed)} failure(s), {len(self.warnings)} warning(s).",
            "",
            "| expectation | severity | result | unexpected | observed | reason |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for o in shown:
            result = "pass" if o.success else ("FAIL" if o.severity == "fail" else "warn")
            unexpected = "" if o.unexpected_count is None else f"{o.unexpected_count}"
            if o.unexpected_percent is not None:
                unexpected += f" ({o.unexpected_percent:.1f}%)"
            observed = "" if o.observed_value is None else _cell(o.observed_value)
            lines.append(f"| `{o.name}` | {o.severity} | {result} | {unexpected} | {observed} | {_cell(o.reason)} |")
        for o in shown:
            if o.success or not (o.examples or o.error):
                continue
            lines += ["", f"**`{o.name}`** — {o.reason}"]
            if o.error:
                lines.append(f"- error: {_cell(o.error)}")
            lines += [f"- {_cell(', '.join(f'{k}={v!r}' for k, v in ex.items()))}" for ex in o.examples]
        return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    """Return `value` as text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")[:200]


def _plain(value: Any) -> Any:
    """Return `value` with numpy scalars turned into Python values and NaN into None."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, TypeError):
            return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _spec_columns(spec: ExpectationSpec) -> list[str]:
    """Return the columns an expectation's kwargs name (`column`, `column_list`, `column_A`, ...)."""
    named: list[str] = []
    for key, value in spec.kwargs.items():
        if key.startswith("column") and key != "column_index":
            named += list(value) if isinstance(value, (list, tuple)) else [value]
    return named


def _examples(
    details: Mapping[str, Any], frame: pd.DataFrame, columns: Sequence[str], index_columns: Sequence[str]
) -> tuple[dict, ...]:
    """Return up to five failing rows: GX's index-column dicts, or row labels looked up in `frame`."""
    rows = (details.get("unexpected_index_list") or details.get("partial_unexpected_index_list") or [])[:EXAMPLE_LIMIT]
    if rows and not isinstance(rows[0], dict) and index_columns:
        # SUMMARY results carry row labels only; the checked and index columns are looked up here, five rows at most.
        shown = [c for c in dict.fromkeys([*columns, *index_columns]) if c in frame.columns]
        rows = frame.loc[list(rows), shown].to_dict("records")
    examples = tuple(
        {k: _plain(v) for k, v in (row.items() if isinstance(row, dict) else {"row": row}.items())} for row in rows
    )
    if not examples and details.get("partial_unexpected_list"):
        examples = tuple({"value": _plain(v)} for v in details["partial_unexpected_list"][:EXAMPLE_LIMIT])
    return examples


def _outcome(
    spec: ExpectationSpec, result: Any, frame: pd.DataFrame, index_columns: Sequence[str]
) -> ExpectationOutcome:
    """Return the ExpectationOutcome of one GX ExpectationValidationResult."""
    info = result.exception_info or {}
    errors = [info] if "raised_exception" in info else list(info.values())
    raised = [e for e in errors if isinstance(e, dict) and e.get("raised_exception")]
    error = raised[0].get("exception_message") if raised else None
    details = dict(result.result or {})
    unexpected = details.get("unexpected_count")
    return ExpectationOutcome(
        name=spec.name,
        severity=spec.severity,
        reason=spec.reason,
        success=bool(result.success) and error is None,
        unexpected_count=None if unexpected is None else int(unexpected),
        element_count=None if details.get("element_count") is None else int(details["element_count"]),
        observed_value=_plain(details.get("observed_value")),
        examples=_examples(details, frame, _spec_columns(spec), index_columns),
        error=error,
    )


def _checked_columns(
    frame: pd.DataFrame, specs: Sequence[ExpectationSpec], index_columns: Sequence[str]
) -> pd.DataFrame:
    """Return the columns the suite reads (all of them when a table-level expectation is present), re-indexed 0..n-1."""
    named: list[str] = list(index_columns)
    for spec in specs:
        columns = _spec_columns(spec)
        if not columns:
            return frame.reset_index(drop=True)
        named += columns
    present = [c for c in dict.fromkeys(named) if c in frame.columns]
    return frame[present].reset_index(drop=True)


def quality_report(
    frame: pd.DataFrame,
    suite_name: str,
    specs: Sequence[ExpectationSpec],
    index_columns: Sequence[str] = (),
    complete_max_rows: int = COMPLETE_MAX_ROWS,
) -> QualityReport:
    """Return the QualityReport of running `specs` on `frame`; failing rows are identified by `index_columns`."""
    names = [s.name for s in specs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"suite {suite_name!r}: expectation names must be unique, repeated: {repeated}")
    missing = [c for c in index_columns if c not in frame.columns]
    if missing:
        raise ValueError(f"suite {suite_name!r}: index column(s) {missing} are not in the frame")
    if not specs:
        return QualityReport(suite=suite_name, rows=len(frame), outcomes=())
    if frame.empty and all(
        s.expectation.startswith(ROW_EXPECTATION_PREFIX) and set(_spec_columns(s)) <= set(frame.columns) for s in specs
    ):
        # Row-by-row expectations hold on zero rows (as GX reports them); an empty month skips GX's ~0.3 s set-up.
        outcomes = tuple(
            ExpectationOutcome(s.name, s.severity, s.reason, True, unexpected_count=0, element_count=0) for s in specs
        )
        return QualityReport(suite=suite_name, rows=0, outcomes=outcomes)

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX announces every ephemeral context at INFO (that module pins its logger to INFO at import); the suite's
    # own outcome is what the run log needs.
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    asset = context.data_sources.add_pandas(name=f"{suite_name}_source").add_dataframe_asset(name=suite_name)
    batch_definition = asset.add_batch_definition_whole_dataframe(f"{suite_name}_whole")
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    for spec in specs:
        expectation_class = getattr(gx.expectations, spec.expectation, None)
        if expectation_class is None:
            raise ValueError(f"expectation {spec.name!r}: GX has no expectation {spec.expectation!r}")
        meta = {"spotlight_name": spec.name, "severity": spec.severity, "reason": spec.reason}
        suite.add_expectation(expectation_class(**dict(spec.kwargs), meta=meta))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{suite_name}_validation", data=batch_definition, suite=suite)
    )
    checked = _checked_columns(frame, specs, index_columns)
    result_format: dict[str, Any]
    if len(checked) <= complete_max_rows:
        result_format = {"result_format": "COMPLETE"}
        if index_columns:
            result_format["unexpected_index_column_names"] = list(index_columns)
    else:
        # GX builds COMPLETE index lists row by row (minutes for a million rows); SUMMARY returns five row labels.
        result_format = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLE_LIMIT}
    # GX reorders results; the name carried in `meta` matches each back to its spec.
    run = validation.run(batch_parameters={"dataframe": checked}, result_format=result_format)
    by_name = {r.expectation_config.meta.get("spotlight_name"): r for r in run.results}
    outcomes = tuple(_outcome(spec, by_name[spec.name], checked, index_columns) for spec in specs)
    report = QualityReport(suite=suite_name, rows=len(frame), outcomes=outcomes)
    for o in report.failed + report.warnings:
        log.warning("quality %s: %s (%s) failed: %s unexpected", suite_name, o.name, o.severity, o.unexpected_count)
    return report
