"""The interval macros of metrics/sql/shared/00_macros.sql against textbook values."""
from __future__ import annotations

import duckdb
import pytest

from metrics.runner import metric_sql


@pytest.fixture()
def con():
    connection = duckdb.connect(":memory:")
    connection.execute(metric_sql("shared/00_macros"))
    return connection


@pytest.mark.parametrize(
    "n, low_rank, high_rank",
    [
        (20, 6, 15),    # the tabulated 95% ranks for n = 20 (binomial coverage 95.9%)
        (100, 40, 61),  # Conover's example: 50 -/+ 9.8, +1 on the upper rank
        (7, 1, 7),      # small n: the interval is the whole sample
        (1, 1, 1),      # clamped into 1..n
    ],
)
def test_median_ci_ranks(con, n, low_rank, high_rank):
    got = con.execute("select median_ci_low_rank($n, 1.96), median_ci_high_rank($n, 1.96)", {"n": n}).fetchone()
    assert got == (low_rank, high_rank)


@pytest.mark.parametrize(
    "x, n, low, high",
    [
        (3, 4, 0.300636, 0.954414),  # hand-computed Wilson bounds, z = 1.96
        (0, 10, 0.0, 0.277540),       # zero successes: lower bound exactly 0
        (10, 10, 0.722460, 1.0),      # all successes: upper bound exactly 1
        (50, 100, 0.403830, 0.596170),  # symmetric around one half
    ],
)
def test_wilson_bounds(con, x, n, low, high):
    got = con.execute("select wilson_low($x, $n, 1.96), wilson_high($x, $n, 1.96)", {"x": x, "n": n}).fetchone()
    assert got == pytest.approx((low, high), abs=1e-6)
