"""Deployments of the flows: the monthly schedule, served by `spotlight serve` against a Prefect server."""
from __future__ import annotations

from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.refresh import backfill, monthly_refresh

# 06:00 London time on the 2nd: the previous month is complete and boards have settled.
MONTHLY_CRON = "0 6 2 * *"
TIMEZONE = "Europe/London"


def run_parameters(sources: str | None, warehouse: str | None, output: str | None) -> dict[str, str]:
    """Return the deployment's fixed flow parameters (only the paths that were given)."""
    given = {"sources": sources, "warehouse": warehouse, "output": output}
    return {name: value for name, value in given.items() if value}


def monthly_deployment(
    sources: str | None = None, warehouse: str | None = None, output: str | None = None, scheduled: bool = True
) -> RunnerDeployment:
    """Return the `monthly_refresh/monthly` deployment: cron 06:00 Europe/London on the 2nd of each month."""
    return monthly_refresh.to_deployment(
        name="monthly",
        schedules=[Cron(MONTHLY_CRON, timezone=TIMEZONE)] if scheduled else None,
        parameters=run_parameters(sources, warehouse, output),
        description="Refresh the previous complete month and publish it.",
        tags=["spotlight"],
    )


def backfill_deployment(
    sources: str | None = None, warehouse: str | None = None, output: str | None = None
) -> RunnerDeployment:
    """Return the on-demand `backfill/backfill` deployment (parameters start, end)."""
    return backfill.to_deployment(
        name="backfill", parameters=run_parameters(sources, warehouse, output), tags=["spotlight"]
    )
