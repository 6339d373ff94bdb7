"""Work histories of sample CV profiles, built backwards from the current job."""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

import numpy as np

from spotlight.sample.params import Careers

MLE = "machine-learning-engineer"


@dataclass(frozen=True)
class HistoryJob:
    """One job of a work history; `end` is None for the current job."""

    role_id: str        # a role id, or `other`
    start: date
    end: date | None

    @property
    def months(self) -> int:
        """Whole months from start to end (dates are first-of-month)."""
        if self.end is None:
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


def months_before(day: date, months: int) -> date:
    """Return the first of the month `months` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def previous_role(rng: np.random.Generator, role_id: str, careers: Careers) -> str:
    """Return the role held before a job in `role_id` (`start` when that job was the first)."""
    if role_id == MLE:
        if rng.random() < careers.mle_first_job_share:
            return "start"
        options = careers.mle_entry
    else:
        options = careers.previous.get(role_id, {"start": 1.0})
    names = tuple(options)
    cumulative = tuple(accumulate(float(options[n]) for n in names))
    return names[min(bisect_right(cumulative, rng.random() * cumulative[-1]), len(names) - 1)]


def _uniform_int(rng: np.random.Generator, low: int, high: int) -> int:
    """Return a uniform integer in [low, high] (one scalar draw; faster than `rng.integers` for scalars)."""
    return min(high, low + int(rng.random() * (high - low + 1)))


def work_history(rng: np.random.Generator, current_role: str, careers: Careers, snapshot: date,
                 max_jobs: int = 5) -> tuple[HistoryJob, ...]:
    """Return a work history ending in a current job in `current_role`, oldest first; no role appears twice."""
    roles = [current_role]
    while len(roles) < max_jobs:
        prev = previous_role(rng, roles[-1], careers)
        if prev == "start" or (prev in roles and prev != "other"):
            break
        roles.append(prev)
        if prev == "other":
            break
    low, high = careers.current_tenure_months
    start = months_before(snapshot, _uniform_int(rng, low, high))
    jobs = [HistoryJob(current_role, start, None)]
    for role_id in roles[1:]:
        median = careers.mle_tenure_median_months if role_id == MLE else careers.tenure_median_months
        length = max(3, int(round(median * math.exp(careers.tenure_sigma * rng.standard_normal()))))
        end = months_before(jobs[-1].start, _uniform_int(rng, careers.gap_months[0], careers.gap_months[1]))
        jobs.append(HistoryJob(role_id, months_before(end, length), end))
    return tuple(reversed(jobs))
