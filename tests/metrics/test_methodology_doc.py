"""docs/methodology.md stays true: it names every metric table, column and threshold."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from metrics.contracts import CONTRACTS
from metrics.settings import MetricSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


def backticked_names() -> set[str]:
    return set(re.findall(r"`([^`]+)`", DOC.read_text(encoding="utf-8")))


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.name)
def test_every_column_is_described(contract):
    text = DOC.read_text(encoding="utf-8")
    assert re.search(rf"^## {contract.name}\b", text, re.MULTILINE), f"no section for {contract.name}"
    missing = [c for c in contract.column_names if c not in backticked_names()]
    assert not missing, f"docs/methodology.md does not describe {contract.name} column(s) {missing}"


def test_every_threshold_is_described():
    missing = [f.name for f in fields(MetricSettings) if f.name not in backticked_names()]
    assert not missing, f"docs/methodology.md does not describe setting(s) {missing}"
