"""Every threshold of the metrics stage in one frozen, typed settings object, loadable from TOML or YAML."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROLES_FILE = PROJECT_ROOT / "data" / "taxonomy" / "roles.yaml"


class MetricSettingsError(ValueError):
    """A metrics setting is missing, mistyped or out of range; the message says which and why."""


@dataclass(frozen=True)
class MetricSettings:
    """Thresholds of every metric; docs/methodology.md explains each one."""

    # Tiers: demand cut-offs in percent of the role's postings (the seed page implies 60 / 30).
    essential_min_pct: float = 60.0
    desirable_min_pct: float = 30.0
    # Emerging rule, over the trailing window of `trend_months` months ending at the period.
    emerging_edge_months: int = 3
    emerging_min_growth_ratio: float = 2.0
    emerging_min_slope_t: float = 3.0
    emerging_min_current_pct: float = 10.0
    emerging_min_months_observed: int = 10
    # Trends: months shown, and the demand a unit needs this period to get a trend line.
    trend_months: int = 13
    trend_min_demand_pct: float = 5.0
    # Minimum samples: under these a figure is suppressed (with its reason) or not computed.
    min_demand_n: int = 30
    min_supply_n: int = 30
    min_pay_n: int = 20
    min_combo_support: int = 30
    # Premium combinations: itemset sizes and the number of candidate skills per role (by support).
    combo_min_size: int = 2
    combo_max_size: int = 3
    combo_max_candidates: int = 40
    # "Clearly above": thousands of itemsets are tested per role, so a combination is kept only when the lower
    # bound of a stricter interval (z = 3.29, 99.9%) beats the best member alone by at least this many points.
    combo_selection_z: float = 3.29
    combo_min_margin_pts: float = 5.0
    # Normal quantile of every 95% interval (Wilson intervals, median order statistics).
    confidence_z: float = 1.96
    # Roles that get metrics; empty = the `report: true` roles of `roles_file`.
    report_roles: tuple[str, ...] = ()
    roles_file: Path = DEFAULT_ROLES_FILE

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "report_roles":
                ok = isinstance(value, tuple) and all(isinstance(v, str) and v for v in value)
            elif f.name == "roles_file":
                ok = isinstance(value, Path)
            elif f.type == "int":
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok:
                raise MetricSettingsError(f"metric setting {f.name} has the wrong type: {value!r} (expected {f.type})")
        problems = []
        if not 0 < self.desirable_min_pct <= self.essential_min_pct <= 100:
            problems.append("need 0 < desirable_min_pct <= essential_min_pct <= 100")
        if not 2 <= self.combo_min_size <= self.combo_max_size <= 3:
            problems.append("combination sizes must satisfy 2 <= combo_min_size <= combo_max_size <= 3")
        if self.trend_months < 2 * self.emerging_edge_months or self.emerging_edge_months < 1:
            problems.append("trend_months must hold two edge windows of emerging_edge_months (>= 1) each")
        if not 3 <= self.emerging_min_months_observed <= self.trend_months:
            problems.append("emerging_min_months_observed must be between 3 and trend_months (a slope needs 3 points)")
        for name in ("min_demand_n", "min_supply_n", "min_pay_n", "min_combo_support", "combo_max_candidates"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1")
        if self.combo_max_candidates > 1023:
            problems.append("combo_max_candidates must be at most 1023 (an itemset's key packs three candidate ranks)")
        if self.confidence_z <= 0 or self.combo_selection_z <= 0:
            problems.append("confidence_z and combo_selection_z must be positive")
        if self.combo_min_margin_pts < 0:
            problems.append("combo_min_margin_pts must not be negative")
        if problems:
            raise MetricSettingsError("invalid metric settings: " + "; ".join(problems))


def metric_settings_from_mapping(values: dict[str, Any]) -> MetricSettings:
    """Return MetricSettings from a plain mapping (unknown keys are an error; missing keys take defaults)."""
    if not isinstance(values, dict):
        raise MetricSettingsError(f"metric settings must be a mapping of name to value, got {type(values).__name__}")
    known = {f.name for f in fields(MetricSettings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise MetricSettingsError(f"unknown metric setting(s) {unknown}; known: {sorted(known)}")
    converted = dict(values)
    if "report_roles" in converted:
        roles = converted["report_roles"]
        if not isinstance(roles, (list, tuple)):
            raise MetricSettingsError(f"report_roles must be a list of role ids, got {roles!r}")
        converted["report_roles"] = tuple(roles)
    if "roles_file" in converted:
        converted["roles_file"] = Path(converted["roles_file"])
    for name in ("essential_min_pct", "desirable_min_pct", "emerging_min_growth_ratio", "emerging_min_slope_t",
                 "emerging_min_current_pct", "trend_min_demand_pct", "confidence_z", "combo_selection_z",
                 "combo_min_margin_pts"):
        # a TOML/YAML author may write 60 for 60.0
        if isinstance(converted.get(name), int) and not isinstance(converted.get(name), bool):
            converted[name] = float(converted[name])
    return MetricSettings(**converted)


def load_metric_settings(path: Path | None = None) -> MetricSettings:
    """Return MetricSettings from a .toml / .yaml file (top level or a `metrics` section); defaults when None."""
    if path is None:
        return MetricSettings()
    path = Path(path)
    if not path.is_file():
        raise MetricSettingsError(f"metric settings file not found: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".toml":
            values = tomllib.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            values = yaml.safe_load(text) or {}
        else:
            raise MetricSettingsError(f"metric settings file must be .toml, .yaml or .yml: {path}")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise MetricSettingsError(f"cannot parse metric settings file {path}: {exc}") from exc
    if isinstance(values, dict) and isinstance(values.get("metrics"), dict) and len(values) == 1:
        values = values["metrics"]
    settings = metric_settings_from_mapping(values)
    if "roles_file" in values and not settings.roles_file.is_absolute():
        # a relative roles file is relative to the settings file, not to the working directory
        settings = metric_settings_from_mapping({**values, "roles_file": path.parent / settings.roles_file})
    return settings


def report_role_ids(settings: MetricSettings) -> tuple[str, ...]:
    """Return the roles that get metrics: `settings.report_roles`, else the `report: true` roles of the roles file."""
    if settings.report_roles:
        return settings.report_roles
    if not settings.roles_file.is_file():
        raise MetricSettingsError(f"roles file not found: {settings.roles_file}")
    try:
        document = yaml.safe_load(settings.roles_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise MetricSettingsError(f"cannot parse roles file {settings.roles_file}: {exc}") from exc
    roles = document.get("roles") if isinstance(document, dict) else None
    if not isinstance(roles, list):
        raise MetricSettingsError(f"roles file {settings.roles_file} has no `roles:` list")
    ids = tuple(r["id"] for r in roles if isinstance(r, dict) and r.get("report") is True and r.get("id"))
    if not ids:
        raise MetricSettingsError(f"roles file {settings.roles_file} marks no role `report: true`")
    return ids
