"""Calibration of the pay bases and premium multipliers stored in params.yaml, and large-draw pay truth.

`calibrated_role_pay` is run once (by a developer) and its figures pasted into params.yaml as `salary_base`,
`day_rate_base` and combo `multiplier`; test_calibration.py checks the stored figures still hit the targets.
"""
from __future__ import annotations

import re
from dataclasses import replace
from statistics import NormalDist

import numpy as np

from spotlight.sample.draws import (
    combo_hits, combo_multipliers, day_rate_figures, pay_mids, planted_skills, salary_figures, stream,
)
from spotlight.sample.params import PayTarget, Quantiles, RoleParams, SampleParams
from spotlight.sample.taxonomy import SampleTaxonomy

_NORMAL = NormalDist()


def split_lognormal_cdf(x: float, q: Quantiles) -> float:
    """Return P(X <= x) for the split-lognormal with quantiles `q`."""
    z = np.log(x / q.median)
    sigma = np.log(q.median / q.p10) / 1.2815515655446004 if z < 0 else np.log(q.p90 / q.median) / 1.2815515655446004
    return _NORMAL.cdf(z / sigma)


def outside_london(uk: Quantiles, london: Quantiles, london_share: float) -> Quantiles:
    """Return the split-lognormal outside London that, mixed with `london` at `london_share`, has quantiles `uk`."""
    points = ((uk.p10, 0.1), (uk.median, 0.5), (uk.p90, 0.9))
    z = [_NORMAL.inv_cdf(min(0.999, max(0.001, (t - london_share * split_lognormal_cdf(x, london)) / (1 - london_share))))
         for x, t in points]
    (x1, x2, x3), (z1, z2, z3) = (p[0] for p in points), z
    if z2 >= 0:
        sigma_high = np.log(x3 / x2) / (z3 - z2)
        median = x2 * np.exp(-sigma_high * z2)
        sigma_low = np.log(median / x1) / -z1
    else:
        sigma_low = np.log(x2 / x1) / (z2 - z1)
        median = x2 * np.exp(-sigma_low * z2)
        sigma_high = np.log(x3 / median) / z3
    k = 1.2815515655446004
    return Quantiles(float(median), float(median * np.exp(-k * sigma_low)), float(median * np.exp(k * sigma_high)))


def _quantiles(x: np.ndarray) -> Quantiles:
    p10, median, p90 = np.quantile(x, [0.1, 0.5, 0.9])
    return Quantiles(float(median), float(p10), float(p90))


def _scaled(q: Quantiles, target: Quantiles, measured: Quantiles) -> Quantiles:
    return Quantiles(q.median * target.median / measured.median, q.p10 * target.p10 / measured.p10,
                     q.p90 * target.p90 / measured.p90)


def calibrated_pay_base(target: PayTarget, london_share: float, multipliers: np.ndarray | None, z: np.ndarray,
                        is_london: np.ndarray, iterations: int = 25) -> PayTarget:
    """Return bases (london, uk = outside London) whose mixture times `multipliers` hits `target` on the draw."""
    goal_london, goal_uk = target.london, target.uk
    base = PayTarget(uk=outside_london(goal_uk, goal_london, london_share), london=goal_london)
    for _ in range(iterations):
        pay = pay_mids(z, base, is_london) * (1.0 if multipliers is None else multipliers)
        goal_london = _scaled(goal_london, target.london, _quantiles(pay[is_london]))
        goal_uk = _scaled(goal_uk, target.uk, _quantiles(pay))
        base = PayTarget(uk=outside_london(goal_uk, goal_london, london_share), london=goal_london)
    return base


def calibrated_role_pay(role: RoleParams, params: SampleParams, taxonomy: SampleTaxonomy, n: int = 400_000,
                        seed: int = 7) -> RoleParams:
    """Return `role` with calibrated salary/day-rate bases and combo multipliers (continuous pay, before rounding)."""
    rng = stream(seed, "calibrate", role.role_id)
    z = rng.standard_normal(n)
    is_london = rng.random(n) < role.london_share
    day_base = calibrated_pay_base(role.day_rate_target, role.london_share, None, z, is_london)
    if not role.combos:
        salary_base = calibrated_pay_base(role.salary_target, role.london_share, None, z, is_london)
        return replace(role, salary_base=salary_base, day_rate_base=day_base)
    hits = combo_hits(planted_skills(rng, n, role, 0, taxonomy, params).skills, role, taxonomy)
    combos = role.combos
    for _ in range(6):
        current = replace(role, combos=combos)
        mult = combo_multipliers(hits, current)
        salary_base = calibrated_pay_base(role.salary_target, role.london_share, mult, z, is_london)
        pay = pay_mids(z, salary_base, is_london) * mult
        median = np.median(pay)
        combos = tuple(
            replace(c, multiplier=c.multiplier * (1 + c.uplift_target) / (np.median(pay[hits[:, i]]) / median))
            for i, c in enumerate(combos)
        )
    return replace(role, salary_base=salary_base, day_rate_base=day_base, combos=combos)


def _rounded_quantiles(x: np.ndarray) -> dict[str, float]:
    p10, median, p90 = np.quantile(x, [0.1, 0.5, 0.9])
    return {"median": float(median), "p10": float(p10), "p90": float(p90)}


def pay_truth(role: RoleParams, params: SampleParams, taxonomy: SampleTaxonomy, n: int = 100_000, seed: int = 11
              ) -> dict:
    """Return the role's pay figures measured on a large draw of stated pay as ads state it (range mid-points).

    Keys: salary and day_rate, each {uk, london, uk_excl_london: {median, p10, p90}}, london_premium_pct, and for
    combos the expected uplift (median of jobs citing all members / role median - 1) and the largest uplift of any
    2-member subset (which inherits part of the premium).
    """
    rng = stream(seed, "pay-truth", role.role_id)
    n = 2 * n if role.combos else n
    draw = planted_skills(rng, n if role.combos else 1, role, 0, taxonomy, params)
    hits = combo_hits(draw.skills, role, taxonomy) if role.combos else np.zeros((n, 0), dtype=bool)
    is_london = rng.random(n) < role.london_share
    salary = pay_mids(rng.standard_normal(n), role.salary_base, is_london) * combo_multipliers(hits, role)
    lo, hi = salary_figures(rng, salary, float(params.mess["salary_grid_5k_share"]))
    salary_mid = (lo + hi) / 2
    dlo, dhi, _ = day_rate_figures(rng, pay_mids(rng.standard_normal(n), role.day_rate_base, is_london),
                                   float(params.mess["day_rate_grid_50_share"]), float(params.mess["hourly_share"]))
    day_mid = (dlo + dhi) / 2
    out: dict = {}
    for kind, mid in (("salary", salary_mid), ("day_rate", day_mid)):
        out[kind] = {"uk": _rounded_quantiles(mid), "london": _rounded_quantiles(mid[is_london]),
                     "uk_excl_london": _rounded_quantiles(mid[~is_london])}
        out[kind]["london_premium_pct"] = round(100 * (out[kind]["london"]["median"] / out[kind]["uk"]["median"] - 1), 2)
    role_median = float(np.median(salary_mid))
    index = {sid: i for i, sid in enumerate(taxonomy.skill_ids)}
    combos = []
    for c, combo in enumerate(role.combos):
        subsets = []
        for a in range(len(combo.members)):
            for b in range(a + 1, len(combo.members)):
                both = draw.skills[:, index[combo.members[a]]] & draw.skills[:, index[combo.members[b]]]
                subsets.append(100 * (float(np.median(salary_mid[both])) / role_median - 1))
        combos.append({
            "members": list(combo.members),
            "multiplier": round(combo.multiplier, 4),
            "expected_uplift_pct": round(100 * (float(np.median(salary_mid[hits[:, c]])) / role_median - 1), 2),
            "expected_uplift_continuous_pct": round(
                100 * (float(np.median(salary[hits[:, c]])) / float(np.median(salary)) - 1), 2),
            "share_of_jobs": round(float(hits[:, c].mean()), 4),
            "max_pair_subset_uplift_pct": round(max(subsets), 2),
        })
    out["combos"] = combos
    return out


def calibrated_params_text(yaml_text: str, params: SampleParams, taxonomy: SampleTaxonomy) -> str:
    """Return params.yaml text with each role's salary_base, day_rate_base and combo multipliers recalibrated."""
    lines = [ln for ln in yaml_text.splitlines() if not re.match(r"^    (salary_base|day_rate_base): ", ln)]
    text = "\n".join(lines) + "\n"
    for role in params.roles.values():
        cal = calibrated_role_pay(role, params, taxonomy)

        def fmt(q: Quantiles, digits: int) -> str:
            return f"{{median: {round(q.median, digits)}, p10: {round(q.p10, digits)}, p90: {round(q.p90, digits)}}}"

        block = (f"    salary_base: {{uk: {fmt(cal.salary_base.uk, 1)}, london: {fmt(cal.salary_base.london, 1)}}}\n"
                 f"    day_rate_base: {{uk: {fmt(cal.day_rate_base.uk, 2)}, london: {fmt(cal.day_rate_base.london, 2)}}}\n")
        text = text.replace(f"\n  {role.role_id}:\n", f"\n  {role.role_id}:\n{block}", 1)
        for combo in cal.combos:
            pattern = re.compile(r"(\{members: \[" + re.escape(", ".join(combo.members)) + r"\][^}]*?)(, multiplier: [0-9.]+)?\}")
            text = pattern.sub(lambda m: f"{m.group(1)}, multiplier: {combo.multiplier:.4f}}}", text, count=1)
    return text


if __name__ == "__main__":  # developer tool: python -m spotlight.sample.calibrate rewrites params.yaml
    from spotlight.sample.params import PARAMS_FILE, sample_params
    from spotlight.sample.taxonomy import sample_taxonomy

    PARAMS_FILE.write_text(calibrated_params_text(PARAMS_FILE.read_text(encoding="utf-8"), sample_params(),
                                                  sample_taxonomy()), encoding="utf-8")
