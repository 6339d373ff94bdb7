"""Editorial overrides per role: reviewed YAML text that replaces or adds to the generated wording."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

TOP_LEVEL_KEYS = ("role_id", "about", "gaps", "combinations", "adjacent", "career")
CAREER_KEYS = ("entry_routes", "progression", "lateral_moves")


class OverridesError(ValueError):
    """An overrides file cannot be used; the message names the file and the key."""


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class RoleOverrides:
    """Editorial text for one role; every mapping is keyed by the id the text belongs to."""

    role_id: str
    source: str | None = None
    about: str | None = None
    gaps: Mapping[str, str] = field(default_factory=_empty)
    combinations: Mapping[str, str] = field(default_factory=_empty)
    adjacent: Mapping[str, str] = field(default_factory=_empty)
    career: Mapping[str, str] = field(default_factory=_empty)


def combo_key(combo_id: str) -> str:
    """Return a combination key with its member ids sorted, so 'b+a' and 'a+b' name the same combination."""
    return "+".join(sorted(part.strip() for part in combo_id.split("+") if part.strip()))


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OverridesError(f"{where}: expected non-empty text, got {type(value).__name__}")
    return " ".join(value.split())


def _texts(value: Any, where: str, allowed: tuple[str, ...] | None = None) -> Mapping[str, str]:
    if value is None:
        return _empty()
    if not isinstance(value, dict):
        raise OverridesError(f"{where}: expected a mapping of id to text, got {type(value).__name__}")
    out = {}
    for key, text in value.items():
        if allowed is not None and key not in allowed:
            raise OverridesError(f"{where}: unknown key {key!r} (allowed: {', '.join(allowed)})")
        out[str(key)] = _text(text, f"{where}.{key}")
    return MappingProxyType(dict(sorted(out.items())))


def role_overrides(overrides_dir: Path | None, role_id: str) -> RoleOverrides:
    """Return the overrides of `role_id` from `<overrides_dir>/<role_id>.yaml` (empty when absent)."""
    if overrides_dir is None:
        return RoleOverrides(role_id)
    path = Path(overrides_dir) / f"{role_id}.yaml"
    if not path.is_file():
        return RoleOverrides(role_id)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise OverridesError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise OverridesError(f"{path}: not UTF-8 text: {exc}") from exc
    if data is None:
        return RoleOverrides(role_id, source=str(path))
    if not isinstance(data, dict):
        raise OverridesError(f"{path}: expected a mapping at the top level")
    unknown = sorted(set(data) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise OverridesError(f"{path}: unknown key(s) {unknown} (allowed: {', '.join(TOP_LEVEL_KEYS)})")
    if data.get("role_id", role_id) != role_id:
        raise OverridesError(f"{path}: role_id {data['role_id']!r} does not match the file name ({role_id!r})")
    combinations = _texts(data.get("combinations"), f"{path}: combinations")
    return RoleOverrides(
        role_id=role_id,
        source=str(path),
        about=_text(data["about"], f"{path}: about") if data.get("about") is not None else None,
        gaps=_texts(data.get("gaps"), f"{path}: gaps"),
        combinations=MappingProxyType({combo_key(k): v for k, v in sorted(combinations.items())}),
        adjacent=_texts(data.get("adjacent"), f"{path}: adjacent"),
        career=_texts(data.get("career"), f"{path}: career", CAREER_KEYS),
    )
