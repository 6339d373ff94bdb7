"""Market source config: which sources feed a market, in which format, from where (docs/architecture.md)."""
from __future__ import annotations

import glob
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

log = logging.getLogger(__name__)

KINDS = ("postings", "profiles")
FORMAT_KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "adzuna_json": ("postings",),
    "adzuna_csv": ("postings",),
    "adzuna_api": ("postings",),
    "reed_json": ("postings",),
    "jobspy_csv": ("postings",),
    "generic": ("postings", "profiles"),
    "jsonresume": ("profiles",),
    "profiles_flat": ("profiles",),
})
FILE_FORMATS = ("csv", "jsonl", "parquet")
PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# Canonical columns an analyst may map in a `generic` mapping, and which of them must be mapped.
POSTING_FIELDS = (
    "source_id", "title", "description", "company", "location_raw", "salary_raw", "salary_min_raw",
    "salary_max_raw", "salary_currency_raw", "salary_period_raw", "salary_is_predicted", "contract_raw",
    "posted_at", "url",
)
POSTING_REQUIRED = ("title", "description", "posted_at")
PROFILE_FIELDS = ("source_id", "headline", "location_raw", "skills_raw", "summary", "work_history")
PROFILE_REQUIRED = ("headline",)


class SourceConfigError(ValueError):
    """The market source config (or a column mapping it names) is invalid."""


@dataclass(frozen=True)
class ColumnMapping:
    """An analyst's mapping of their export onto the canonical columns (`generic` format)."""

    path: str
    columns: Mapping[str, str]
    constants: Mapping[str, Any] = field(default_factory=dict)
    date_format: str | None = None
    file_format: str | None = None
    skills_separator: str = ";"


@dataclass(frozen=True)
class SourceConfig:
    """One source of a market: its unique name, row kind, adapter format, file glob, mapping file and options.

    `path` and `mapping` are resolved (absolute, or a URL); `column_mapping` is the parsed `mapping` file.
    """

    name: str
    kind: str
    format: str
    path: str | None
    mapping: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    column_mapping: ColumnMapping | None = None


@dataclass(frozen=True)
class MarketConfig:
    """All sources of one market, with the directory relative paths were resolved against."""

    market: str
    sources: tuple[SourceConfig, ...]
    base_dir: str

    def source(self, name: str) -> SourceConfig:
        """Return the source called `name`."""
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(f"market {self.market!r} has no source {name!r}")


def is_url(path: str) -> bool:
    """Return True when `path` is an fsspec-style URL (`scheme://...`) rather than a local path."""
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", path) is not None and not path.startswith("file://")


def resolved_path(path: str, base_dir: str) -> str:
    """Return `path` made absolute against `base_dir` unless it is already absolute or a URL."""
    if is_url(path):
        return path
    if path.startswith("file://"):
        path = path[len("file://"):]
    expanded = os.path.expanduser(path)
    return expanded if os.path.isabs(expanded) else os.path.normpath(os.path.join(base_dir, expanded))


def _read_yaml(path: Path, what: str) -> Any:
    """Return the parsed YAML of `path`, or raise SourceConfigError naming `what`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{what} {path} is not valid YAML: {exc}") from exc


def load_column_mapping(path: str, kind: str) -> ColumnMapping:
    """Return the column mapping in YAML file `path` for rows of `kind`, checked against the contract."""
    data = _read_yaml(Path(path), "column mapping")
    where = f"column mapping {path}"
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict) or not data["columns"]:
        raise SourceConfigError(f"{where}: needs a `columns:` section (canonical column: source column)")
    allowed = POSTING_FIELDS if kind == "postings" else PROFILE_FIELDS
    required = POSTING_REQUIRED if kind == "postings" else PROFILE_REQUIRED
    columns: dict[str, str] = {}
    constants: dict[str, Any] = {}
    for canonical, source_col in data["columns"].items():
        if canonical not in allowed:
            raise SourceConfigError(
                f"{where}: {canonical!r} is not a canonical {kind} column (allowed: {', '.join(allowed)})"
            )
        if isinstance(source_col, dict) and set(source_col) == {"value"}:
            constants[canonical] = source_col["value"]
        elif isinstance(source_col, str) and source_col.strip():
            columns[canonical] = source_col
        else:
            raise SourceConfigError(
                f"{where}: {canonical!r} must name a source column or be {{value: CONSTANT}}, got {source_col!r}"
            )
    missing = [c for c in required if c not in columns and c not in constants]
    if missing:
        raise SourceConfigError(f"{where}: required canonical column(s) not mapped: {', '.join(missing)}")
    file_format = data.get("file_format")
    if file_format is not None and file_format not in FILE_FORMATS:
        raise SourceConfigError(f"{where}: file_format {file_format!r} is not one of {', '.join(FILE_FORMATS)}")
    unknown = sorted(set(data) - {"columns", "date_format", "file_format", "skills_separator", "kind"})
    if unknown:
        raise SourceConfigError(f"{where}: unknown key(s) {unknown}")
    return ColumnMapping(
        path=path,
        columns=columns,
        constants=constants,
        date_format=data.get("date_format"),
        file_format=file_format,
        skills_separator=str(data.get("skills_separator", ";")),
    )


def _source_config(entry: Any, index: int, base_dir: str, config_path: str) -> SourceConfig:
    """Return one validated SourceConfig from the `index`th entry of `sources:`."""
    if not isinstance(entry, dict):
        raise SourceConfigError(f"{config_path}: sources[{index}] must be a mapping, got {type(entry).__name__}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourceConfigError(f"{config_path}: sources[{index}] needs a non-empty `name`")
    where = f"{config_path}: source {name!r}"
    unknown = sorted(set(entry) - {"name", "kind", "format", "path", "mapping", "options"})
    if unknown:
        raise SourceConfigError(f"{where}: unknown key(s) {unknown}")
    fmt = entry.get("format")
    if fmt not in FORMAT_KINDS:
        raise SourceConfigError(f"{where}: unknown format {fmt!r} (known: {', '.join(FORMAT_KINDS)})")
    kind = entry.get("kind", FORMAT_KINDS[fmt][0] if len(FORMAT_KINDS[fmt]) == 1 else None)
    if kind is None:
        raise SourceConfigError(f"{where}: format {fmt!r} needs `kind: postings` or `kind: profiles`")
    if kind not in KINDS:
        raise SourceConfigError(f"{where}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    if kind not in FORMAT_KINDS[fmt]:
        raise SourceConfigError(f"{where}: format {fmt!r} reads {FORMAT_KINDS[fmt][0]}, not {kind}")
    path = entry.get("path")
    if fmt == "adzuna_api":
        path = None if path is None else str(path)
    elif not isinstance(path, str) or not path.strip():
        raise SourceConfigError(f"{where}: needs a `path` (file glob, may contain {{period}})")
    else:
        path = resolved_path(path, base_dir)
    options = entry.get("options") or {}
    if not isinstance(options, dict):
        raise SourceConfigError(f"{where}: `options` must be a mapping")
    mapping_path = entry.get("mapping")
    mapping = column_mapping = None
    if fmt == "generic":
        if not mapping_path:
            raise SourceConfigError(f"{where}: format 'generic' needs a `mapping` (YAML column-mapping file)")
        mapping = resolved_path(str(mapping_path), base_dir)
        column_mapping = load_column_mapping(mapping, kind)
    elif mapping_path:
        raise SourceConfigError(f"{where}: `mapping` is only used by format 'generic', not {fmt!r}")
    return SourceConfig(
        name=name, kind=kind, format=fmt, path=path, mapping=mapping, options=dict(options),
        column_mapping=column_mapping,
    )


def load_market_config(path: str | os.PathLike[str]) -> MarketConfig:
    """Return the validated market source config in YAML file `path`; relative paths resolve against its folder."""
    config_path = Path(path)
    data = _read_yaml(config_path, "source config")
    if not isinstance(data, dict):
        raise SourceConfigError(f"{config_path}: expected a mapping with `market` and `sources`")
    market = data.get("market")
    if not isinstance(market, str) or not market.strip():
        raise SourceConfigError(f"{config_path}: needs a non-empty `market`")
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourceConfigError(f"{config_path}: needs a non-empty `sources` list")
    base_dir = str(config_path.resolve().parent)
    sources = tuple(_source_config(e, i, base_dir, str(config_path)) for i, e in enumerate(entries))
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SourceConfigError(f"{config_path}: duplicate source name(s) {duplicates}")
    return MarketConfig(market=market, sources=sources, base_dir=base_dir)


def resolve_files(source: SourceConfig, period: str) -> list[str]:
    """Return the sorted files (or URLs) matching the source's glob with `{period}` substituted."""
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    if source.path is None:
        return []
    pattern = source.path.replace("{period}", period)
    if is_url(pattern):
        return _remote_files(pattern)
    if glob.has_magic(pattern):
        return sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
    return [pattern] if os.path.isfile(pattern) else []


def _remote_files(pattern: str) -> list[str]:
    """Return the sorted URLs matching an fsspec URL glob (needs fsspec)."""
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec ships with the environment
        raise SourceConfigError(f"reading {pattern} needs the `fsspec` package") from exc
    fs, _, paths = fsspec.get_fs_token_paths(pattern)
    return sorted(fs.unstrip_protocol(p) for p in paths)
