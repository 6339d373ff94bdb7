"""The refresh on a 2-worker Dask LocalCluster publishes exactly what the local run publishes."""
from __future__ import annotations

from tests.flows.test_monthly_refresh import published_digests


def test_dask_run_equals_local_run(prefect_harness, run_paths, tmp_path):
    from flows.dask import dask_refresh
    from flows.refresh import monthly_refresh
    from tests.flows.conftest import RunPaths

    local = RunPaths(run_paths.sources, tmp_path / "local.duckdb", tmp_path / "local-published")
    monthly_refresh("2026-04", **local.flow_kwargs())

    flow, chunks = dask_refresh(local_workers=2)
    assert chunks == 4
    result = flow("2026-04", **run_paths.flow_kwargs(), skill_chunks=chunks)

    normalised = [s for s in result.stages if s.stage == "normalise" and not s.skipped and s.figures["postings"]]
    assert normalised and all(s.figures["skill_chunks"] == 4 for s in normalised)
    assert published_digests(run_paths.output) == published_digests(local.output)
