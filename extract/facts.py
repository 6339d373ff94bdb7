"""Posting facts: the parsed pay, place, contract type and duplicate link of every landed posting.

Rules (folded into docs/methodology.md; pay follows docs/architecture.md "Pay conventions"):

- Text: `title_clean` and `description_clean` are `extract.text.clean_text` of the landed fields.
- Pay source, first that gives a figure: the structured fields (`salary_min_raw`/`salary_max_raw`, with
  `salary_currency_raw`/`salary_period_raw`) unless `salary_is_predicted`; then `salary_raw`; then the
  description; then the title. Predicted structured pay is never used: it is flagged `predicted` and, when the
  text states no pay, `pay_kind` is `none`. For a contract posting whose structured pay is annual (Adzuna
  annualises day rates) a day or hour rate stated in the text wins.
- `pay_kind`: no pay → `none`; implausible (see `extract.salary`) or not in GBP → `rejected` with the reason;
  contract type `contract` → `day_rate` (day ×1, hour ×8; a contract figure stated per week, month or year
  becomes a day rate by week ÷5, month ×12 ÷225 and year ÷225, and must pass the day bounds);
  otherwise → `salary`, annualised (year ×1, month ×12, week ×52, day ×225, hour ×1,950).
  `pay_mid = (pay_min + pay_max) / 2`.
- Place: `extract.location.parse_location(location_raw)`; when the location does not state the work mode, explicit
  phrases in the ad ("fully remote", "hybrid working", …) decide it.
- Contract type: `extract.contract_type.contract_type(contract_raw, title + ad, pay)`.
- Duplicates: `extract.dedupe` over the whole frame.
- Speed: frames above `PARALLEL_MIN_ROWS` are parsed in chunks of `CHUNK_ROWS` by a process pool of `WORKERS`
  processes; only the columns the parsers read are sent, at most two chunks per worker are in flight, and workers
  return compact (Arrow) string columns, so memory stays bounded. Parsers cache repeated short strings (locations,
  salary fields, structured pay, company names) and run their cue regexes only near cue words
  (`extract.text.cue_search`). The flow's ingest stage does not hold a month in memory: `extract.staged` lands and
  parses it part by part into Parquet files with `parsed_chunk`, and links duplicates over the whole month.
  `_facts_columns`, `_string_column` and `_text_cells` are the compiled twins in `extract/_facts.pyx` when that
  extension is built (`COMPILED_FACTS`): one C loop over a chunk's cells, and Arrow text columns built from one copy
  of their bytes. Else they are the pure-Python `_facts_columns_reference` (`_row_facts` per posting),
  `_string_column_reference` and `_text_cells_reference`, which are the specification: both give the same columns.
"""
from __future__ import annotations

import logging
import math
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from extract.contract_type import contract_type
from extract.contracts import POSTING_FACTS
from extract.dedupe import duplicate_features, duplicates_from_features
from extract.location import parse_location, work_mode_from_text
from extract.salary import BOUNDS, Pay, lower_case, pay_from_fields, parse_salary
from extract.text import clean_text, clean_title

log = logging.getLogger(__name__)

PARALLEL_MIN_ROWS = 50_000
WORKERS = 2
CHUNK_ROWS = 25_000
DAYS_PER_YEAR = 225.0
DAYS_PER_WEEK = 5.0

_OPTIONAL_COLUMNS = (
    "company", "location_raw", "salary_raw", "salary_min_raw", "salary_max_raw", "salary_currency_raw",
    "salary_period_raw", "salary_is_predicted", "contract_raw",
)
_REQUIRED_COLUMNS = ("posting_id", "market", "period", "title", "description", "posted_at")
_PARSED_COLUMNS = ("contract_type", "pay_kind", "pay_min", "pay_max", "pay_mid", "pay_period_stated", "pay_currency",
                   "pay_flags", "pay_reject_reason", "region", "is_london", "work_mode")
_FLOAT_COLUMNS = ("pay_min", "pay_max", "pay_mid")


@dataclass(frozen=True)
class PayFacts:
    """The pay columns of one posting."""

    kind: str
    low: float | None = None
    high: float | None = None
    period: str | None = None
    currency: str | None = None
    flags: str | None = None
    reject_reason: str | None = None

    @property
    def mid(self) -> float | None:
        """Return the mid-point of the range, the figure pay statistics use."""
        if self.low is None or self.high is None:
            return None
        return (self.low + self.high) / 2


def posting_facts(
    postings: pd.DataFrame,
    workers: int = WORKERS,
    parallel_min_rows: int = PARALLEL_MIN_ROWS,
    chunk_rows: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """Return the `posting_facts` table of landed postings (exactly the contract's columns)."""
    missing = [c for c in _REQUIRED_COLUMNS if c not in postings.columns]
    if missing:
        raise ValueError(f"posting_facts: postings lack required column(s) {missing}")
    if postings.empty:
        return POSTING_FACTS.empty()
    started = time.perf_counter()
    frame = postings.reset_index(drop=True)
    if len(frame) >= parallel_min_rows and workers > 1:
        parts = _parsed_in_parallel(frame, workers, max(1, chunk_rows))
    else:
        parts = [parsed_chunk(frame)]
    return linked_facts(parts, started)


def linked_facts(
    parts: list[tuple[pd.DataFrame, pd.DataFrame, np.ndarray]], started: float | None = None
) -> pd.DataFrame:
    """Return the `posting_facts` table of consecutive `parsed_chunk` results, with duplicates linked across all."""
    started = time.perf_counter() if started is None else started
    if not parts:
        return POSTING_FACTS.empty()
    facts = pd.concat([p[0] for p in parts], ignore_index=True)
    features = pd.concat([p[1] for p in parts], ignore_index=True)
    signatures = np.concatenate([p[2] for p in parts])
    del parts
    parsed = time.perf_counter()
    duplicates = duplicates_from_features(features, signatures)
    links = duplicates.set_index("posting_id")
    facts["duplicate_of"] = facts["posting_id"].map(links["duplicate_of"]).astype("str")
    facts["duplicate_method"] = facts["posting_id"].map(links["method"]).astype("str")
    log.info(
        "posting_facts: %d postings, %d exact and %d near duplicates, %d with unknown region "
        "(parsed in %.1f s, duplicates linked in %.1f s)",
        len(facts), int((duplicates["method"] == "exact").sum()), int((duplicates["method"] == "near").sum()),
        int((facts["region"] == "unknown").sum()), parsed - started, time.perf_counter() - parsed,
    )
    return facts[POSTING_FACTS.column_names]


def _parsed_in_parallel(
    frame: pd.DataFrame, workers: int, chunk_rows: int
) -> list[tuple[pd.DataFrame, pd.DataFrame, np.ndarray]]:
    """Return `parsed_chunk` of consecutive chunks of `frame`, parsed by a process pool, in order.

    Only the columns the parsers read are sent, and at most two chunks per worker are in flight at a time, so
    memory stays bounded by a few chunks rather than the whole month (each worker returns compact arrow strings).
    """
    slim = frame[parsed_columns(frame)]
    bounds = [(i, min(i + chunk_rows, len(slim))) for i in range(0, len(slim), chunk_rows)]
    parts: list = [None] * len(bounds)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: dict = {}
        for number, (start, stop) in enumerate(bounds):
            if len(pending) >= 2 * workers:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    parts[pending.pop(future)] = future.result()
            pending[pool.submit(parsed_chunk, slim.iloc[start:stop])] = number
        for future in pending:
            parts[pending[future]] = future.result()
    return parts


def parsed_columns(postings: pd.DataFrame) -> list[str]:
    """Return the columns of landed postings that `parsed_chunk` reads (what is sent to a worker process)."""
    return [c for c in (*_REQUIRED_COLUMNS, *_OPTIONAL_COLUMNS) if c in postings.columns]


def parsed_chunk(postings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Return the parsed facts (without duplicate links), the de-duplication features and signatures of a chunk."""
    size = len(postings)
    raw = [_cells(postings[c]) if c in postings else [None] * size for c in _OPTIONAL_COLUMNS]
    titles = [clean_title(t) for t in _cells(postings["title"])]
    descriptions = [clean_text(d) for d in _cells(postings["description"])]
    parsed = dict(zip(_PARSED_COLUMNS, _facts_columns(titles, descriptions, raw)))
    # one dtype per column whatever the chunking: pandas strings (missing = NaN), floats, booleans
    facts = pd.DataFrame(
        {
            "posting_id": _str_array(postings["posting_id"].astype(str)),
            "market": _str_array(postings["market"]),
            "period": _str_array(postings["period"]),
            "title_clean": _string_column(titles),
            "description_clean": _string_column(descriptions),
            **{
                name: np.array(values, dtype=np.float64) if name in _FLOAT_COLUMNS
                else np.array(values, dtype=bool) if name == "is_london" else _string_column(values)
                for name, values in parsed.items()
            },
        }
    )
    features, signatures = duplicate_features(postings, titles, descriptions)
    return facts, features, signatures


def _is_str(column: pd.Series) -> bool:
    """Return True for a column of the pandas `str` dtype (Arrow strings, missing = NaN)."""
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" and dtype.na_value is np.nan


def _str_array(column: pd.Series) -> pd.api.extensions.ExtensionArray:
    """Return a column's values as a pandas `str` array (missing = NaN); a `str` column's own array is shared."""
    return column.array if _is_str(column) else pd.array(column.to_numpy(), dtype="str")


def _cells(column: pd.Series) -> list:
    """Return the cells of a column as Python objects (missing text is NaN, as `Series.tolist` gives it)."""
    return _text_cells(column) if _is_str(column) else column.tolist()


def _text_cells_reference(column: pd.Series) -> list:
    """Return the cells of a `str` column (str, NaN for missing)."""
    return column.to_numpy().tolist()


def _facts_columns_reference(titles: list[str], descriptions: list[str], raw: list[list]) -> list[list]:
    """Return the parsed columns (`_PARSED_COLUMNS`) of a chunk's postings, one list per column.

    `raw` holds one list of cells per `_OPTIONAL_COLUMNS`.
    """
    rows = [_row_facts(title, description, *cells) for title, description, *cells in zip(titles, descriptions, *raw)]
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in _PARSED_COLUMNS]


def _string_column_reference(values: list[str | None]) -> pd.api.extensions.ExtensionArray:
    """Return text values (str or None) as a pandas `str` array (missing = NaN)."""
    return pd.array(values, dtype="str")


def _row_facts(
    title: str, description: str, company: object, location_raw: object, salary_raw: object, salary_min_raw: object,
    salary_max_raw: object, salary_currency_raw: object, salary_period_raw: object, salary_is_predicted: object,
    contract_raw: object,
) -> tuple:
    """Return the parsed columns of one posting (contract type, pay, place); arguments follow _OPTIONAL_COLUMNS."""
    text = f"{title}\n{description}"
    lowered = lower_case(text)
    predicted = _truthy(salary_is_predicted)
    salary_text = _text(salary_raw)
    pay = None if predicted else _pay_of_fields(
        salary_min_raw, salary_max_raw, _text(salary_currency_raw), _text(salary_period_raw)
    )
    from_text = None
    if pay is None:
        from_text = _stated_pay(salary_text, description, title)
        pay = from_text
    kind_of_contract = contract_type(_text(contract_raw), text, pay, lowered)
    if kind_of_contract == "contract" and pay is not None and pay.period not in ("day", "hour") and from_text is None:
        stated = _stated_pay(salary_text, description, title)
        if stated is not None and stated.period in ("day", "hour"):
            pay = stated
    pay_facts = pay_facts_of(pay, kind_of_contract, predicted)
    location = parse_location(_text(location_raw))
    work_mode = location.work_mode
    if work_mode == "unknown":
        work_mode = work_mode_from_text(text, lowered)
    return (
        kind_of_contract, pay_facts.kind, pay_facts.low, pay_facts.high, pay_facts.mid, pay_facts.period,
        pay_facts.currency, pay_facts.flags, pay_facts.reject_reason, location.region, location.is_london, work_mode,
    )


def _pay_of_fields(low: object, high: object, currency: str | None, period: str | None) -> Pay | None:
    """Return `pay_from_fields` of a posting's structured pay (cached: boards repeat the same figures)."""
    if _missing(low) and _missing(high):
        return None
    try:
        return _cached_pay_of_fields(low, high, currency, period)
    except TypeError:  # an unhashable cell
        return pay_from_fields(low, high, currency, period)


_cached_pay_of_fields = lru_cache(maxsize=100_000)(pay_from_fields)


def _missing(value: object) -> bool:
    """Return True for a missing structured value (None or NaN)."""
    return value is None or (value.__class__ is float and value != value)


def _stated_pay(salary_raw: str | None, description: str, title: str) -> Pay | None:
    """Return the pay stated in the salary text, else the description, else the title."""
    for text in (salary_raw, description, title):
        if text:
            pay = parse_salary(text)
            if pay is not None:
                return pay
    return None


def pay_facts_of(pay: Pay | None, kind_of_contract: str, predicted: bool = False) -> PayFacts:
    """Return the pay columns of a posting from its Pay and contract type (see the module rules)."""
    flags = pay.flags if pay is not None else ""
    if predicted and "predicted" not in flags.split(","):
        flags = ",".join(f for f in (flags, "predicted") if f)
    flags_or_none = flags or None
    if pay is None:
        return PayFacts("none", flags=flags_or_none)
    stated = {"period": pay.period, "currency": pay.currency, "flags": flags_or_none}
    if pay.reject_reason:
        return PayFacts("rejected", pay.min, pay.max, reject_reason=pay.reject_reason, **stated)
    if pay.currency != "GBP":
        return PayFacts("rejected", pay.min, pay.max, reject_reason=f"currency_not_gbp: {pay.currency}", **stated)
    if kind_of_contract == "contract":
        low, high = _day_rate(pay)
        day_low, day_high = BOUNDS["day"]
        if not (day_low <= low <= high <= day_high):
            reason = f"day_rate_out_of_bounds: {low:.0f}-{high:.0f} per day from {pay.period} pay"
            return PayFacts("rejected", pay.min, pay.max, reject_reason=reason, **stated)
        return PayFacts("day_rate", low, high, **stated)
    return PayFacts("salary", pay.annual_min, pay.annual_max, **stated)


def _day_rate(pay: Pay) -> tuple[float, float]:
    """Return a contract pay statement as a day rate (day ×1, hour ×8, week ÷5, month ×12 ÷225, year ÷225)."""
    if pay.day_min is not None and pay.day_max is not None:
        return pay.day_min, pay.day_max
    if pay.period == "week":
        return pay.min / DAYS_PER_WEEK, pay.max / DAYS_PER_WEEK
    return (pay.annual_min or 0.0) / DAYS_PER_YEAR, (pay.annual_max or 0.0) / DAYS_PER_YEAR


def _truthy(value: object) -> bool:
    """Return True for a true-ish flag value (True, 1, "1", "true"); missing is False."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "t")
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return bool(value)


def _text(value: object) -> str | None:
    """Return a cell as text, or None when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    text = str(value).strip()
    return text or None


try:
    from extract._facts import facts_columns as _facts_columns
    from extract._facts import string_column as _string_column
    from extract._facts import text_cells as _text_cells
except ImportError:  # the extension is not built: the pure-Python references give the same columns, only slower
    _facts_columns, _string_column = _facts_columns_reference, _string_column_reference
    _text_cells = _text_cells_reference
    COMPILED_FACTS = False
else:
    COMPILED_FACTS = True
