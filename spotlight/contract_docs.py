"""Render docs/data-contract.md from the stage contracts, so the document cannot drift from the code."""
from __future__ import annotations

from spotlight.settings import PROJECT_ROOT

DATA_CONTRACT_PATH = PROJECT_ROOT / "docs" / "data-contract.md"

INTRO = """# Data contract

Generated from the stage contracts by `spotlight docs` — do not edit by hand; `tests/spotlight/test_contract_docs.py`
fails when this file and the code disagree.

Every table carries `market` and `period` (`YYYY-MM`) and a stage replaces its own (market, period) partition in one
transaction. Contracts are checked when a stage writes (`spotlight.contract.Contract.conform`): missing or unexpected
columns, wrong types, nulls in required columns, values outside a column's allowed set and duplicate keys all stop
the write with a `ContractViolation` naming the table and column.

Published tables (Parquet under `tables/<table>/market=…/period=…/`, and views in `published.duckdb`) are the metric
tables and `ingest_accounting`, with the columns below.
"""

SECTIONS = (
    ("Ingest stage (`extract/contracts.py`)", "extract.contracts"),
    ("Normalise stage (`normalise/contracts.py`)", "normalise.contracts"),
    ("Metric tables (`metrics/contracts.py`) — published", "metrics.contracts"),
)


def render_data_contract() -> str:
    """Return the Markdown text of docs/data-contract.md."""
    import importlib

    parts = [INTRO]
    for title, module_name in SECTIONS:
        module = importlib.import_module(module_name)
        parts.append(f"\n## {title}\n")
        parts += [contract.markdown() for contract in module.CONTRACTS]
    return "\n".join(parts)
