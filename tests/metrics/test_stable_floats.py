"""Float noise from parallel aggregation never reaches published bytes."""
import math

import numpy as np
import pandas as pd

from metrics.runner import rounded_significant, stable_floats


def test_rounding_to_nine_significant_digits_and_zero_noise():
    got = rounded_significant(np.array([-150.790306123456, -150.790306123401, 1.5399e-15, 0.0, math.nan, 70000.0]))
    assert got[0] == got[1] == -150.790306
    assert got[2] == 0.0 and got[3] == 0.0
    assert math.isnan(got[4])
    assert got[5] == 70000.0


def test_stable_floats_rounds_float_lists_and_leaves_others():
    frame = pd.DataFrame({"pts": [[12.3456789012345, 1e-17]], "ids": [["a", "b"]], "n": [3]})
    out = stable_floats(frame)
    assert out.loc[0, "pts"] == [12.3456789, 0.0]
    assert out.loc[0, "ids"] == ["a", "b"]
    assert out.loc[0, "n"] == 3
    assert frame.loc[0, "pts"] == [12.3456789012345, 1e-17]  # input untouched
