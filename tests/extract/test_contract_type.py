"""Tests of extract.contract_type: structured field first, then text cues, then the pay period."""
from __future__ import annotations

import pytest

from extract.contract_type import contract_type, contract_type_from_field
from extract.salary import Pay

DAY = Pay(min=500.0, max=500.0, period="day")
YEAR = Pay(min=50_000.0, max=50_000.0, period="year")


@pytest.mark.parametrize(
    ("contract_raw", "text", "pay", "expected"),
    [
        # Adzuna contract_type field
        ("permanent", "", None, "permanent"),
        ("contract", "", None, "contract"),
        # JobSpy job_type values
        ("fulltime", "", None, "unknown"),
        ("internship", "", None, "temporary"),
        ("temporary", "", None, "temporary"),
        # combined Adzuna type|time field
        ("permanent|full_time", "", None, "permanent"),
        # the field wins over text cues
        ("permanent", "Outside IR35", None, "permanent"),
        # full_time alone says nothing; the IR35 cue decides
        ("full_time", "Role is Outside IR35", None, "contract"),
        ("", "£500 Inside IR35, 3 months", None, "contract"),
        ("", "Competitive day rate", None, "contract"),
        ("", "An initial 6-month contract", None, "contract"),
        ("", "12 month FTC covering maternity leave", None, "temporary"),
        ("", "Fixed-term contract for 9 months", None, "temporary"),
        ("", "This is a temporary opportunity", None, "temporary"),
        ("", "A permanent role in Leeds", None, "permanent"),
        # cue words at the very start and end of the text; a match that begins before its cue ("£" of "pd")
        ("", "IR35", None, "contract"),
        ("", "Data Engineer\nRate: £450pd", None, "contract"),
        # "interim" counts, "interim manager" does not (the lookahead reads past the cue's window)
        ("", "Interim data lead", None, "temporary"),
        ("", "Interim Manager, Leeds", None, "unknown"),
        # strongest cue first: a day rate beats "temporary"; "temp" beats "permanent" in "temp to perm"
        ("", "Temporary role, day rate £400", None, "contract"),
        ("", "Temp to perm", None, "temporary"),
        # a day rate with no words about the type
        (None, "Data Engineer", DAY, "contract"),
        # an annual salary says nothing about the type
        (None, "Data Engineer", YEAR, "unknown"),
        # nothing at all
        (None, "", None, "unknown"),
    ],
)
def test_contract_type(contract_raw, text, pay, expected):
    assert contract_type(contract_raw, text, pay) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Permanent", "permanent"),  # case does not matter
        ("fixed-term", "temporary"),  # hyphenated fixed term
        ("part_time", "unknown"),  # time, not type
        (None, "unknown"),  # missing
        (float("nan"), "unknown"),  # pandas missing value
    ],
)
def test_contract_type_from_field(raw, expected):
    assert contract_type_from_field(raw) == expected
