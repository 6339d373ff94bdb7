"""Run settings: where inputs, the warehouse and published outputs live, for one market and period."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class SettingsError(ValueError):
    """A run setting is invalid; the message says which and why."""


def check_period(period: str) -> str:
    """Return `period` if it is a valid `YYYY-MM` month, else raise SettingsError."""
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise SettingsError(f"period must look like YYYY-MM (e.g. 2026-04), got {period!r}")
    return period


def shift_period(period: str, months: int) -> str:
    """Return the period `months` months after `period` (negative for before)."""
    year, month = (int(x) for x in check_period(period).split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_window(period: str, months: int) -> list[str]:
    """Return the `months` periods ending at `period`, oldest first."""
    return [shift_period(period, -k) for k in range(months - 1, -1, -1)]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


@dataclass(frozen=True)
class RunSettings:
    """Everything a refresh needs to know, typed; build with `RunSettings.default()` and `replace`."""

    market: str
    sources: Path
    warehouse: Path
    output: Path
    taxonomy: Path
    overrides: Path
    work_dir: Path
    trend_months: int = 13

    @classmethod
    def default(cls) -> "RunSettings":
        """Return settings from SPOTLIGHT_* environment variables, defaulting to the bundled sample layout."""
        data = PROJECT_ROOT / "data"
        return cls(
            market=os.environ.get("SPOTLIGHT_MARKET", "uk"),
            sources=_env_path("SPOTLIGHT_SOURCES", data / "sample" / "sources.yaml"),
            warehouse=_env_path("SPOTLIGHT_WAREHOUSE", data / "warehouse" / "spotlight.duckdb"),
            output=_env_path("SPOTLIGHT_OUTPUT", data / "published"),
            taxonomy=_env_path("SPOTLIGHT_TAXONOMY", data / "taxonomy"),
            overrides=_env_path("SPOTLIGHT_OVERRIDES", data / "overrides"),
            work_dir=_env_path("SPOTLIGHT_WORK", data / "work"),
        )

    def with_paths(self, **changes: object) -> "RunSettings":
        """Return a copy with the given fields replaced (paths given as str are converted)."""
        converted = {k: Path(v) if isinstance(v, str) and k != "market" else v for k, v in changes.items() if v is not None}
        return replace(self, **converted)
