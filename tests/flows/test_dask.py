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
    # the source files were landed and parsed as tasks of the cluster, not by the local process pool
    # one part per source file: Adzuna and Reed for each of the sample's three months, CVs for the latest
    assert _completed_task_runs("ingest-part") == 3 * 2 + 1
    assert _completed_task_runs("parse-postings-file") == 3 * 2  # each file under 25,000 postings: one file each


def _completed_task_runs(name: str) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_=name)), limit=200)
    return sum(1 for run in runs if run.state is not None and run.state.is_completed())
