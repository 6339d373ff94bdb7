"""Helpers for adapter tests: write tiny source files and a `sources.yaml`, then land them."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extract.ingest import Landed, land
from extract.sources import load_market_config

LandSource = Callable[..., Landed]


@pytest.fixture
def land_source(tmp_path: Path) -> LandSource:
    """Return a function that writes `files` (name -> bytes/str) and a one-source config, and lands period 2024-03."""

    def _land(entry: str, files: dict[str, bytes | str], period: str = "2024-03") -> Landed:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_bytes(content)
        (tmp_path / "sources.yaml").write_text(f"market: uk\nsources:\n{entry}", encoding="utf-8")
        return land(load_market_config(tmp_path / "sources.yaml"), period)

    return _land
