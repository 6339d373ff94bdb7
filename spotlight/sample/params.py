"""Typed view of spotlight/sample/params.yaml: the generating parameters of the sample market."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

PARAMS_FILE = Path(__file__).with_name("params.yaml")


@dataclass(frozen=True)
class Quantiles:
    """A pay distribution summarised by its median and 10th / 90th percentiles."""

    median: float
    p10: float
    p90: float


@dataclass(frozen=True)
class PayTarget:
    """Target pay figures of a role: UK-wide and London."""

    uk: Quantiles
    london: Quantiles


@dataclass(frozen=True)
class Combo:
    """A planted premium combination: jobs citing every member earn `multiplier` x their salary."""

    members: tuple[str, ...]
    uplift_target: float
    force_share: float     # share of the role's jobs made to cite every member (raises co-occurrence)
    multiplier: float      # calibrated so that the median uplift on a large draw is `uplift_target`


@dataclass(frozen=True)
class RoleParams:
    """Generating parameters of one role."""

    role_id: str
    posting_share: float
    profile_share: float
    london_share: float
    contract_share: float
    demand: Mapping[str, float]          # unit -> demand in the latest month, 0-1
    emerging_first: Mapping[str, float]  # unit -> demand 12 months before the latest, 0-1
    supply: Mapping[str, float]          # unit -> share of the role's CV profiles listing it, 0-1
    salary_target: PayTarget
    day_rate_target: PayTarget
    salary_base: PayTarget               # calibrated split-lognormal bases (London / outside London)
    day_rate_base: PayTarget
    combos: tuple[Combo, ...]

    def demand_at(self, unit_id: str, months_before_latest: int) -> float:
        """Return the unit's demand probability `months_before_latest` months before the latest month."""
        latest = self.demand[unit_id]
        if unit_id not in self.emerging_first:
            return latest
        slope = (latest - self.emerging_first[unit_id]) / 12.0
        return min(1.0, max(0.0, latest - slope * months_before_latest))


@dataclass(frozen=True)
class MemberChoice:
    """How members of a cited group are chosen: one by weight, then a second with probability `second`."""

    members: tuple[str, ...]
    weights: tuple[float, ...]
    second: float


@dataclass(frozen=True)
class Careers:
    """Work-history generation parameters."""

    mle_entry: Mapping[str, float]
    mle_first_job_share: float
    previous: Mapping[str, Mapping[str, float]]
    mle_tenure_median_months: float
    tenure_median_months: float
    tenure_sigma: float
    current_tenure_months: tuple[int, int]
    gap_months: tuple[int, int]
    other_titles: tuple[str, ...]


@dataclass(frozen=True)
class SampleParams:
    """All generating parameters."""

    volume: Mapping[str, float]
    mess: Mapping[str, object]
    member_choice: Mapping[str, MemberChoice]
    roles: Mapping[str, RoleParams]
    careers: Careers
    surfaces: Mapping[str, tuple[str, ...]]
    cv_typos: Mapping[str, tuple[str, ...]]
    cv_junk: tuple[str, ...]


def _quantiles(raw: Mapping) -> Quantiles:
    return Quantiles(float(raw["median"]), float(raw["p10"]), float(raw["p90"]))


def _pay(raw: Mapping) -> PayTarget:
    return PayTarget(uk=_quantiles(raw["uk"]), london=_quantiles(raw["london"]))


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def _role(role_id: str, raw: Mapping) -> RoleParams:
    demand = {u: v / 100.0 for u, v in raw["demand"].items()}
    if "supply" in raw:
        supply = {u: v / 100.0 for u, v in raw["supply"].items()}
    else:
        factor = float(raw.get("supply_factor", 0.85))
        supply = {u: round(min(0.97, v * factor), 4) for u, v in demand.items()}
    salary_target, day_target = _pay(raw["salary_target"]), _pay(raw["day_rate_target"])
    return RoleParams(
        role_id=role_id,
        posting_share=float(raw["posting_share"]),
        profile_share=float(raw["profile_share"]),
        london_share=float(raw["london_share"]),
        contract_share=float(raw["contract_share"]),
        demand=_frozen(demand),
        emerging_first=_frozen({u: v / 100.0 for u, v in (raw.get("emerging_first") or {}).items()}),
        supply=_frozen(supply),
        salary_target=salary_target,
        day_rate_target=day_target,
        salary_base=_pay(raw["salary_base"]) if "salary_base" in raw else salary_target,
        day_rate_base=_pay(raw["day_rate_base"]) if "day_rate_base" in raw else day_target,
        combos=tuple(
            Combo(tuple(c["members"]), float(c["uplift_target"]), float(c.get("force_share", 0.0)),
                  float(c.get("multiplier", 1.0 + c["uplift_target"])))
            for c in raw.get("combos") or ()
        ),
    )


def sample_params(file: Path = PARAMS_FILE) -> SampleParams:
    """Return the generating parameters read from `file`."""
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    careers = raw["careers"]
    return SampleParams(
        volume=_frozen(raw["volume"]),
        mess=_frozen(raw["mess"]),
        member_choice=_frozen({
            g: MemberChoice(tuple(v["weights"]), tuple(float(w) for w in v["weights"].values()), float(v["second"]))
            for g, v in raw["member_weights"].items()
        }),
        roles=_frozen({rid: _role(rid, r) for rid, r in raw["roles"].items()}),
        careers=Careers(
            mle_entry=_frozen(careers["mle_entry"]),
            mle_first_job_share=float(careers["mle_first_job_share"]),
            previous=_frozen({k: _frozen(v) for k, v in careers["previous"].items()}),
            mle_tenure_median_months=float(careers["mle_tenure_median_months"]),
            tenure_median_months=float(careers["tenure_median_months"]),
            tenure_sigma=float(careers["tenure_sigma"]),
            current_tenure_months=tuple(careers["current_tenure_months"]),
            gap_months=tuple(careers["gap_months"]),
            other_titles=tuple(careers["other_titles"]),
        ),
        surfaces=_frozen({k: tuple(v) for k, v in raw["surfaces"].items()}),
        cv_typos=_frozen({k: tuple(v) for k, v in raw["cv_typos"].items()}),
        cv_junk=tuple(raw["cv_junk"]),
    )
