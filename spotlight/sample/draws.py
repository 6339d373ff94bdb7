"""Vectorised random draws of the sample market: planted skills per job or profile, pay figures."""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from spotlight.sample.params import PayTarget, Quantiles, RoleParams, SampleParams
from spotlight.sample.taxonomy import SampleTaxonomy

Z90 = 1.2815515655446004  # standard-normal 90th percentile


def stream(seed: int, *names: object) -> np.random.Generator:
    """Return an independent random stream for (seed, names), stable across runs and unaffected by other streams."""
    keys = [zlib.crc32(str(n).encode("utf-8")) for n in names]
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))


def split_lognormal(z: np.ndarray, q: Quantiles) -> np.ndarray:
    """Return draws of the split-lognormal with median and p10/p90 `q` for standard-normal draws `z`."""
    sigma_low = np.log(q.median / q.p10) / Z90
    sigma_high = np.log(q.p90 / q.median) / Z90
    return q.median * np.exp(np.where(z < 0, z * sigma_low, z * sigma_high))


@dataclass(frozen=True)
class SkillDraw:
    """Planted units and skills of n jobs (or profiles) of one role."""

    units: tuple[str, ...]
    cited: np.ndarray   # bool (n, len(units)): the unit was planted
    skills: np.ndarray  # bool (n, len(taxonomy.skill_ids)): the skill is mentioned


def unit_probabilities(role: RoleParams, months_before_latest: int, units: tuple[str, ...],
                       taxonomy: SampleTaxonomy) -> np.ndarray:
    """Return per-unit citing probabilities before forced combos, so that the final demand is the planted one."""
    probs = np.array([role.demand_at(u, months_before_latest) for u in units])
    for combo in role.combos:
        if combo.force_share <= 0:
            continue
        touched = np.array([bool(set(taxonomy.members(u)) & set(combo.members)) for u in units])
        # cited = natural OR forced, independent: P = 1 - (1 - p)(1 - q)  =>  p = 1 - (1 - P) / (1 - q)
        probs = np.where(touched, 1.0 - (1.0 - probs) / (1.0 - combo.force_share), probs)
    return np.clip(probs, 0.0, 1.0)


def planted_skills(rng: np.random.Generator, n: int, role: RoleParams, months_before_latest: int,
                   taxonomy: SampleTaxonomy, params: SampleParams, supply: bool = False) -> SkillDraw:
    """Return the units and skills planted in n jobs of `role` (or n CV profiles when `supply`)."""
    index = {sid: i for i, sid in enumerate(taxonomy.skill_ids)}
    if supply:
        units = tuple(role.supply)
        probs = np.array([role.supply[u] for u in units])
    else:
        units = tuple(role.demand)
        probs = unit_probabilities(role, months_before_latest, units, taxonomy)
    cited = rng.random((n, len(units))) < probs
    skills = np.zeros((n, len(taxonomy.skill_ids)), dtype=bool)
    for j, unit in enumerate(units):
        members = taxonomy.members(unit)
        rows = np.flatnonzero(cited[:, j])
        if len(members) == 1:
            skills[rows, index[members[0]]] = True
            continue
        choice = params.member_choice[unit]
        weights = np.array(choice.weights) / sum(choice.weights)
        first = rng.choice(len(members), size=len(rows), p=weights)
        skills[rows, np.array([index[m] for m in choice.members])[first]] = True
        second_rows = rng.random(len(rows)) < choice.second
        for f in range(len(members)):
            pick = np.flatnonzero(second_rows & (first == f))
            rest = weights.copy()
            rest[f] = 0.0
            if not len(pick) or rest.sum() <= 0:
                continue
            second = rng.choice(len(members), size=len(pick), p=rest / rest.sum())
            skills[rows[pick], np.array([index[m] for m in choice.members])[second]] = True
    if not supply:
        for combo in role.combos:
            if combo.force_share <= 0:
                continue
            forced = rng.random(n) < combo.force_share
            for member in combo.members:
                skills[forced, index[member]] = True
            for j, unit in enumerate(units):
                if set(taxonomy.members(unit)) & set(combo.members):
                    cited[forced, j] = True
    return SkillDraw(units, cited, skills)


def combo_hits(skills: np.ndarray, role: RoleParams, taxonomy: SampleTaxonomy) -> np.ndarray:
    """Return bool (n, combos): the job mentions every member of the combination."""
    index = {sid: i for i, sid in enumerate(taxonomy.skill_ids)}
    hits = np.ones((skills.shape[0], len(role.combos)), dtype=bool)
    for c, combo in enumerate(role.combos):
        for member in combo.members:
            hits[:, c] &= skills[:, index[member]]
    return hits


def combo_multipliers(hits: np.ndarray, role: RoleParams) -> np.ndarray:
    """Return each job's salary multiplier: the product of the multipliers of the combinations it cites."""
    mult = np.ones(hits.shape[0])
    for c, combo in enumerate(role.combos):
        mult = np.where(hits[:, c], mult * combo.multiplier, mult)
    return mult


def pay_mids(z: np.ndarray, base: PayTarget, is_london: np.ndarray) -> np.ndarray:
    """Return continuous pay for standard-normal `z`: London rows from the London base, others from the UK base.

    In a calibrated base, `uk` is the distribution outside London (the mixture hits the UK targets).
    """
    return np.where(is_london, split_lognormal(z, base.london), split_lognormal(z, base.uk))


def salary_figures(rng: np.random.Generator, mids: np.ndarray, grid_5k_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Return stated salary (min, max) in whole GBP, rounded like real ads (to GBP 5k or 1k), centred on `mids`."""
    n = len(mids)
    coarse = rng.random(n) < grid_5k_share
    grid = np.where(coarse, 5000, 1000)
    mid = np.maximum(np.rint(mids / grid) * grid, grid)
    half = np.where(coarse, rng.choice([0, 5000, 10000], size=n, p=[0.3, 0.45, 0.25]),
                    rng.choice([0, 2000, 3000, 5000], size=n, p=[0.3, 0.25, 0.25, 0.2]))
    half = np.minimum(half, mid // 4 // 1000 * 1000)
    return (mid - half).astype(np.int64), (mid + half).astype(np.int64)


def day_rate_figures(rng: np.random.Generator, mids: np.ndarray, grid_50_share: float, hourly_share: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return stated day rates (min, max) in GBP and the hourly figure (0 unless stated per hour; day = 8 h)."""
    n = len(mids)
    coarse = rng.random(n) < grid_50_share
    grid = np.where(coarse, 50, 25)
    mid = np.maximum(np.rint(mids / grid) * grid, grid)
    half = np.where(coarse, rng.choice([0, 50, 100], size=n, p=[0.35, 0.45, 0.2]),
                    rng.choice([0, 25, 50, 75], size=n, p=[0.35, 0.3, 0.2, 0.15]))
    hourly = np.where(rng.random(n) < hourly_share, np.rint(mid / 8), 0).astype(np.int64)
    lo = np.where(hourly > 0, hourly * 8, mid - half).astype(np.int64)
    hi = np.where(hourly > 0, hourly * 8, mid + half).astype(np.int64)
    return lo, hi, hourly
