"""The compiled posting facts (extract/_facts.pyx) give the same columns as the pure-Python reference."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from extract import facts
from extract.adapters.adzuna import posting_from_result
from extract.salary import Pay

compiled = pytest.importorskip("extract._facts", reason="the compiled module is not built")

_EMPTY = {
    "company": None, "location_raw": None, "salary_raw": None, "salary_min_raw": None, "salary_max_raw": None,
    "salary_currency_raw": None, "salary_period_raw": None, "salary_is_predicted": None, "contract_raw": None,
}
# (title, description, cells that differ from _EMPTY, expected parsed columns or None to compare with the reference only)
_ROWS = [
    # structured annual pay, a field type, a plain place: 45,000-55,000 a year, mid 50,000
    ("Data Scientist", "Python and SQL.", {"salary_min_raw": 45_000.0, "salary_max_raw": 55_000.0,
                                           "salary_currency_raw": "GBP", "contract_raw": "permanent",
                                           "location_raw": "Leeds"},
     ("permanent", "salary", 45_000.0, 55_000.0, 50_000.0, "year", "GBP", None, None, "Yorkshire and The Humber",
      False, "unknown")),
    # predicted pay is never stated pay: only the flag is kept
    ("Analyst", "Excel.", {"salary_min_raw": 29_363.08, "salary_max_raw": 29_363.08, "salary_is_predicted": True},
     ("unknown", "none", None, None, None, None, None, "predicted", None, "unknown", False, "unknown")),
    # upper-case Latin-1 text is lower-cased for the cues: "CONTRACTOR" is a contract, "FULLY REMOTE" remote;
    # a weekly contract rate becomes a day rate (2,500 / 5 = 500)
    ("CONTRACTOR", "ÀÉ FULLY REMOTE. £2,500 per week", {},
     ("contract", "day_rate", 500.0, 500.0, 500.0, "week", "GBP", None, None, "unknown", False, "remote")),
    # text beyond Latin-1 ("–", "İ") takes the general lower-casing; the title states the hourly temporary rate
    ("Temp Analyst – İstanbul desk £20 per hour", "Hybrid working – 3 days a week in the office", {},
     ("temporary", "salary", 39_000.0, 39_000.0, 39_000.0, "hour", "GBP", None, None, "unknown", False, "hybrid")),
    # "home\nbased" matches the remote pattern but none of its phrases: not remote; the office-based role is onsite
    ("Engineer", "Home\nbased, or an office based role", {},
     ("unknown", "none", None, None, None, None, None, None, None, "unknown", False, "onsite")),
    ("Engineer", "Home\nbased", {},
     ("unknown", "none", None, None, None, None, None, None, None, "unknown", False, "unknown")),
    # a day rate out of bounds and pay not in GBP are rejected by the reference with its reason
    ("Contractor", "£5,000 per day", {}, None),
    ("Engineer", "€70,000 - €80,000", {"location_raw": " Dublin "}, None),
    # cells of other types go to the reference row by row: a numpy flag, text flags, a number as contract field
    ("Analyst", "Salary £40k", {"salary_is_predicted": np.True_}, None),
    ("Analyst", "Salary £40k", {"salary_is_predicted": "yes", "contract_raw": 4, "location_raw": 7}, None),
    ("Analyst", "Salary £40k", {"salary_raw": 3, "salary_currency_raw": 5, "salary_period_raw": float("inf")}, None),
    # missing cells as NaN, blank text, a structured figure given as text, an unhashable cell
    ("Analyst", "Role", {"salary_raw": float("nan"), "location_raw": "  ", "contract_raw": " ",
                         "salary_min_raw": "45000", "salary_period_raw": "yearly"}, None),
    ("Analyst", "Role", {"salary_min_raw": [45_000], "salary_max_raw": 50_000.0}, None),
    # pd.NA flag; an annualised contract figure gives way to the day rate in the text
    ("Data Engineer", "6 month contract, £430 per day", {"salary_is_predicted": pd.NA, "salary_min_raw": 103_200.0,
                                                         "salary_max_raw": 103_200.0, "contract_raw": "contract"},
     ("contract", "day_rate", 430.0, 430.0, 430.0, "day", "GBP", None, None, "unknown", False, "unknown")),
]


def _raw(rows) -> tuple[list, list, list[list]]:
    cells = [{**_EMPTY, **row[2]} for row in rows]
    return [r[0] for r in rows], [r[1] for r in rows], [[c[name] for c in cells] for name in facts._OPTIONAL_COLUMNS]


def _same(left: list, right: list) -> bool:
    """Return True for equal cells, NaN equal to NaN."""
    return len(left) == len(right) and all(
        a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
        for a, b in zip(left, right)
    )


def test_compiled_facts_is_built():
    # CI has gcc: a failed build must fail here rather than leave parsing on the slow path
    assert facts.COMPILED_FACTS
    assert facts._facts_columns is compiled.facts_columns and facts._string_column is compiled.string_column


@pytest.mark.parametrize("row", _ROWS, ids=[f"{r[0]}|{r[1]}"[:40] for r in _ROWS])
def test_row_equals_reference(row):
    titles, descriptions, raw = _raw([row])
    columns = compiled.facts_columns(titles, descriptions, raw)
    assert columns == facts._facts_columns_reference(titles, descriptions, raw)
    if row[3] is not None:
        assert tuple(column[0] for column in columns) == row[3]


def test_chunk_equals_reference():
    # all rows in one chunk (caches warm), and columns of unequal length handed to the reference
    titles, descriptions, raw = _raw(_ROWS * 3)
    assert compiled.facts_columns(titles, descriptions, raw) == facts._facts_columns_reference(titles, descriptions, raw)
    assert compiled.facts_columns(titles[:-1], descriptions, raw) == facts._facts_columns_reference(
        titles[:-1], descriptions, raw)
    assert compiled.facts_columns([], [], [[] for _ in facts._OPTIONAL_COLUMNS]) == [[] for _ in range(12)]


def test_pay_of_another_type_goes_to_the_reference(monkeypatch):
    # a Pay subclass is not read from its fields: pay_facts_of decides (contract pay of 90,000 a year / 225 = 400)
    class OtherPay(Pay):
        pass

    pay = OtherPay(90_000.0, 90_000.0, "year", annual_min=90_000.0, annual_max=90_000.0)
    monkeypatch.setattr(compiled, "parse_salary", lambda text: pay)
    monkeypatch.setattr(facts, "parse_salary", lambda text: pay)
    titles, descriptions, raw = _raw([("Contractor", "Role", {})])
    columns = compiled.facts_columns(titles, descriptions, raw)
    assert columns == facts._facts_columns_reference(titles, descriptions, raw)
    assert [column[0] for column in columns[:5]] == ["contract", "day_rate", 400.0, 400.0, 400.0]


@pytest.mark.parametrize(
    "values",
    [
        ["a", None, "", "café £50k", "😀 x", None],  # missing, empty, Latin-1, beyond the BMP
        [None, None],  # all missing
        [],
        ["plain", "ascii"],
        ["bad \ud800 surrogate"],  # handed to the reference, which fails as it does
        ["text", 5],  # a value other than text: handed to the reference (which gives "5")
    ],
)
def test_string_column_equals_reference(values):
    try:
        expected = facts._string_column_reference(values)
    except Exception as error:  # noqa: BLE001 - the compiled path must fail the same way
        with pytest.raises(type(error)):
            compiled.string_column(values)
        return
    result = compiled.string_column(values)
    assert result.dtype == pd.StringDtype("pyarrow", na_value=np.nan)
    pd.testing.assert_extension_array_equal(result, expected)


def test_text_cells_equal_reference():
    chunked = pa.chunked_array([pa.array(["a", None, "é–😀", ""], pa.large_string()),
                                pa.array(["x", "y", None], pa.large_string()).slice(1)])
    column = pd.Series(pd.array(chunked, dtype="str"))
    cells = compiled.text_cells(column)
    assert _same(cells, facts._text_cells_reference(column))
    assert cells[:4] == ["a", cells[1], "é–😀", ""] and math.isnan(cells[1]) and cells[4] == "y"


def test_real_adzuna_rows_equal_reference(shared_data: Path):
    path = shared_data / "postings" / "adzuna_uk_datascience_2016.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        results = [{k: (None if v == "NA" else v) for k, v in row.items()} for row in csv.DictReader(handle)]
    postings = [posting_from_result(result) for result in results]
    assert len(postings) > 1000
    titles = [facts.clean_title(p["title"]) for p in postings]
    descriptions = [facts.clean_text(p["description"]) for p in postings]
    raw = [[p.get(name) for p in postings] for name in facts._OPTIONAL_COLUMNS]
    assert compiled.facts_columns(titles, descriptions, raw) == facts._facts_columns_reference(titles, descriptions, raw)
