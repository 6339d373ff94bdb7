"""Scale-out: run the per-chunk work of a refresh on a Dask cluster through prefect-dask's DaskTaskRunner."""
from __future__ import annotations

import os

from prefect import Flow

from flows.refresh import monthly_refresh

DASK_ADDRESS_ENV = "SPOTLIGHT_DASK_ADDRESS"
CHUNKS_PER_WORKER = 2


def dask_refresh(address: str | None = None, local_workers: int | None = None) -> tuple[Flow, int]:
    """Return (monthly_refresh on a DaskTaskRunner, skill chunks to use).

    `address` (or SPOTLIGHT_DASK_ADDRESS) names a running scheduler, e.g. `tcp://10.0.0.5:8786`, whose workers
    have this project installed; otherwise `local_workers` starts a LocalCluster of that many single-threaded
    worker processes for the run.
    """
    from prefect_dask import DaskTaskRunner

    address = address or os.environ.get(DASK_ADDRESS_ENV)
    if address:
        runner = DaskTaskRunner(address=address)
        workers = local_workers or 2
    else:
        workers = local_workers or 2
        runner = DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                            "dashboard_address": None},
        )
    return monthly_refresh.with_options(task_runner=runner), workers * CHUNKS_PER_WORKER
