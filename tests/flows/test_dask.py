"""The refresh on a 2-worker Dask LocalCluster publishes exactly what the local run publishes."""
from __future__ import annotations

from tests.flows.test_monthly_refresh import published_digests


def test_dask_run_equals_local_run(reference_run, run_paths):
    from pathlib import Path

    from flows.dask import dask_refresh

    _, local, _ = reference_run
    flow, chunks = dask_refresh(local_workers=2)
    assert chunks == 4
    result = flow("2026-04", **run_paths.flow_kwargs(), skill_chunks=chunks)

    normalised = [s for s in result.stages if s.stage == "normalise" and not s.skipped and s.figures["postings"]]
    assert normalised and all(s.figures["skill_chunks"] == 4 for s in normalised)
    assert published_digests(run_paths.output) == published_digests(Path(local["output"]))
