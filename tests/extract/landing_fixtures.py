"""Checks shared by the tests of the compiled landing modules (extract/_landing.pyx and extract/_profiles.pyx)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from extract import ingest


def assert_same_part(compiled_part: ingest.LandedPart, reference: ingest.LandedPart) -> None:
    """Fail unless the compiled path landed the part exactly as the reference: rows, dtypes, quarantine and order."""
    pd.testing.assert_frame_equal(compiled_part.accepted, reference.accepted, check_dtype=True)
    assert compiled_part.quarantined == reference.quarantined
    assert np.array_equal(compiled_part.order, reference.order) and compiled_part.order.dtype == np.int64
