"""Stage progress events: tasks report here; the CLI shows them, Prefect logs them."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

STAGE_LOGGER = logging.getLogger("spotlight.stage")


def stage_event(stage: str, period: str, message: str, **figures: object) -> None:
    """Log one progress line for a stage, with its figures as structured extras."""
    STAGE_LOGGER.info(
        "%s %s: %s", stage, period, message, extra={"stage": stage, "period": period, "figures": figures}
    )


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    """Yield a dict that holds the elapsed seconds under `seconds` once the block ends."""
    box: dict[str, float] = {}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = round(time.perf_counter() - start, 3)
