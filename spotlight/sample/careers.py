"""Work histories of sample CV profiles, built backwards from the current job."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    names = list(options)
    weights = np.array([options[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]


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
    start = months_before(snapshot, int(rng.integers(low, high + 1)))
    jobs = [HistoryJob(current_role, start, None)]
    for role_id in roles[1:]:
        median = careers.mle_tenure_median_months if role_id == MLE else careers.tenure_median_months
        length = max(3, int(round(median * np.exp(careers.tenure_sigma * rng.standard_normal()))))
        end = months_before(jobs[-1].start, int(rng.integers(careers.gap_months[0], careers.gap_months[1] + 1)))
        jobs.append(HistoryJob(role_id, months_before(end, length), end))
    return tuple(reversed(jobs))
