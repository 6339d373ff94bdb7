"""Fixtures for flow tests: a small generated sample and per-test run paths."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

SMALL = dict(postings_latest=1_500, profiles=400, months=3, end_period="2026-04", seed=7)


@dataclass(frozen=True)
class RunPaths:
    sources: Path
    warehouse: Path
    output: Path

    def flow_kwargs(self) -> dict[str, str]:
        return {"sources": str(self.sources), "warehouse": str(self.warehouse), "output": str(self.output)}


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory) -> Path:
    """A 3-month sample with 1,500 postings in 2026-04 (generated once per session)."""
    from spotlight.sample import SampleSettings, generate_sample

    out = tmp_path_factory.mktemp("small-sample")
    generate_sample(out, SampleSettings(**SMALL))
    return out


@pytest.fixture()
def run_paths(small_sample: Path, tmp_path: Path) -> RunPaths:
    """Fresh warehouse and output folders for one test, reading the small sample."""
    return RunPaths(small_sample / "sources.yaml", tmp_path / "warehouse.duckdb", tmp_path / "published")


@pytest.fixture(scope="session")
def reference_run(prefect_harness, small_sample, tmp_path_factory):
    """One uninterrupted in-process refresh of the small sample for 2026-04: (result, flow kwargs, root).

    Tests that re-run it must leave its published files byte-identical (they assert exactly that), so other
    tests can use its output as the reference an uninterrupted run produces.
    """
    from flows.refresh import monthly_refresh

    root = tmp_path_factory.mktemp("reference")
    kwargs = {
        "sources": str(small_sample / "sources.yaml"),
        "warehouse": str(root / "warehouse.duckdb"),
        "output": str(root / "published"),
    }
    return monthly_refresh("2026-04", **kwargs), kwargs, root
