"""Ingest accounting: rows_in = accepted + duplicates + quarantined, per source, or a loud error."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from extract.accounting import AccountingError, ingest_accounting
from extract.contracts import INGEST_ACCOUNTING
from extract.ingest import land
from extract.sources import load_market_config

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(scope="module")
def landed():
    return land(load_market_config(FIXTURES / "sources.yaml"), "2024-03")


def test_accounting_per_source(landed) -> None:
    # adzuna: 6 read, 2 landed (1 of them a near-duplicate found later), 4 quarantined
    table = ingest_accounting(landed, {"adzuna": 1}, "uk", "2024-03")
    INGEST_ACCOUNTING.conform(table)
    assert table[["source", "kind", "rows_in", "accepted", "duplicates", "quarantined"]].values.tolist() == [
        ["adzuna", "postings", 6, 1, 1, 4],
        ["cv_documents", "profiles", 1, 1, 0, 0],
        ["cv_lines", "profiles", 4, 2, 0, 2],
        ["jobspy", "postings", 3, 2, 0, 1],
        ["reed", "postings", 3, 2, 0, 1],
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a row vanished between reading and landing: 6 read but only 5 accounted for
        (lambda landed: replace(landed, quarantine=landed.quarantine.iloc[1:]), "adzuna: rows_in 6 != accepted 2 + duplicates 0 + quarantined 3"),
        # a source read more rows than it accounts for
        (lambda landed: replace(landed, rows_in=MappingProxyType({**landed.rows_in, "reed": 4})), "reed: rows_in 4"),
        # rows counted for a source that was never read
        (lambda landed: replace(landed, rows_in=MappingProxyType({k: v for k, v in landed.rows_in.items() if k != "jobspy"})), "never read"),
    ],
)
def test_accounting_raises_when_it_does_not_add_up(landed, change, message: str) -> None:
    with pytest.raises(AccountingError) as info:
        ingest_accounting(change(landed), {}, "uk", "2024-03")
    assert message in str(info.value)


def test_more_duplicates_than_landed_rows_is_an_error(landed) -> None:
    with pytest.raises(AccountingError, match="reed: 3 duplicates but only 2 landed rows"):
        ingest_accounting(landed, {"reed": 3}, "uk", "2024-03")


def test_duplicates_for_an_unknown_source_is_an_error(landed) -> None:
    with pytest.raises(AccountingError, match="indeed"):
        ingest_accounting(landed, {"indeed": 1}, "uk", "2024-03")


def test_wrong_partition_is_an_error(landed) -> None:
    with pytest.raises(AccountingError, match="2024-04"):
        ingest_accounting(landed, {}, "uk", "2024-04")
