"""The frame columns posting_skills is built from: key columns taken by position, skill ids converted in Arrow."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from normalise.skills import column_at, string_column

STRINGS = pd.Series(["text"]).dtype  # what a frame infers for Python strings


@pytest.mark.parametrize(
    "column, positions, values, dtype",
    [
        # strings taken by position, repeats included; the dtype stays the inferred string dtype
        (pd.Series(["p1", "p2", "p3"]), [2, 0, 0], ["p3", "p1", "p1"], STRINGS),
        # a missing string stays missing
        (pd.Series(["p1", None]), [1, 0], [np.nan, "p1"], STRINGS),
        # nothing but missing strings: objects, as a frame infers from all-missing values
        (pd.Series(["p1", None]), [1, 1], [np.nan, np.nan], np.dtype(object)),
        # numbers keep their dtype
        (pd.Series([7, 8, 9]), [1, 2], [8, 9], np.dtype("int64")),
        # every value, in order
        (pd.Series(["p1", "p2"]), None, ["p1", "p2"], STRINGS),
    ],
)
def test_column_at(column, positions, values, dtype):
    at = None if positions is None else np.asarray(positions, dtype=np.intp)
    frame = pd.DataFrame({"c": column_at(column, at)})
    assert frame["c"].dtype == dtype
    assert _missing_as_none(frame["c"].tolist()) == _missing_as_none(values)


def _missing_as_none(values: list) -> list:
    return [None if isinstance(v, float) and np.isnan(v) else v for v in values]


def test_column_at_ignores_the_index():
    column = pd.Series(["a", "b"], index=[5, 3])
    assert pd.DataFrame({"c": column_at(column, np.asarray([1, 0]))})["c"].tolist() == ["b", "a"]


def test_string_column():
    column = string_column(["python", "sql", "python"])
    assert pd.DataFrame({"skill_id": column})["skill_id"].dtype == STRINGS
    assert list(column) == ["python", "sql", "python"]
    assert string_column([]) == []
