"""The skills/roles taxonomy: loading data/taxonomy/, free-text skill matching, and the warehouse taxonomy tables."""
from __future__ import annotations

import csv
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from normalise.text import compact_key, stripped_key, surface_key

log = logging.getLogger(__name__)

TAXONOMY_RELEASE = "2026.11"
TAXONOMY_ENV = "SPOTLIGHT_TAXONOMY"
SKILL_COLUMNS = ("skill_id", "name", "category", "aliases", "esco_uri", "onet", "context")
CATEGORIES = ("technical", "soft", "domain")
GROUP_KINDS = ("group", "gap_cluster")
# Files whose bytes define the taxonomy version, in this order; optional ones count only when present.
VERSIONED_FILES = ("skills.tsv", "groups.yaml", "roles.yaml", "aliases_accepted.tsv", "labelled_titles.tsv")


class TaxonomyError(ValueError):
    """The taxonomy files cannot be loaded; the message says which file and row."""


@dataclass(frozen=True)
class ContextRule:
    """When an ambiguous surface of a skill counts as a mention.

    A mention with one of `surfaces` counts only if its original spelling is among `case` (when given), the word
    before is not in `deny_prev`, the word after is not in `deny_next`, and (when `near` or `near_skills` is set)
    a `near` term or another unambiguous skill mention lies within `window` characters.
    """

    surfaces: tuple[str, ...]
    case: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    near_skills: bool = False
    deny_prev: tuple[str, ...] = ()
    deny_next: tuple[str, ...] = ()
    window: int = 60


@dataclass(frozen=True)
class Skill:
    skill_id: str
    name: str
    category: str
    aliases: tuple[str, ...]
    esco_uri: str | None
    onet: str | None
    context: ContextRule | None


@dataclass(frozen=True)
class Group:
    group_id: str
    name: str
    kind: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    role_id: str
    name: str
    seniority: str
    report: bool
    titles: tuple[str, ...]
    adjacent: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    skill_id: str
    score: float
    method: Literal["exact", "alias", "fuzzy"]


@dataclass(frozen=True)
class MatchSettings:
    """Fuzzy-matching settings for free-text skill strings (tuned on CV-style typos, see tests/normalise)."""

    score_cutoff: float = 85.0  # token_sort_ratio for strings of at least `long_length` characters
    long_length: int = 8
    min_length: int = 5  # shorter strings are never matched fuzzily ("Jav" is too little to go on)
    max_edits_short: int = 1  # optimal-string-alignment edits (a transposition is one) under `long_length`
    max_edits_long: int = 2


@dataclass(frozen=True)
class Taxonomy:
    skills: dict[str, Skill]
    groups: dict[str, Group]
    roles: dict[str, Role]
    version: str
    path: Path
    labelled_titles: tuple[tuple[str, str], ...] = ()
    match_settings: MatchSettings = MatchSettings()
    _exact: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _alias: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _compact: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _fuzzy_keys: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _fuzzy_ids: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def match(self, text: str) -> Match | None:
        """Return the canonical skill a free-text skill string names (exact, alias, then fuzzy), or None."""
        key = surface_key(text or "")
        if len(key) < 1:
            return None
        for candidate in (key, stripped_key(text)):
            if candidate in self._exact:
                return Match(self._exact[candidate], 100.0, "exact")
            if candidate in self._alias:
                return Match(self._alias[candidate], 100.0, "alias")
        compact = compact_key(text)
        if compact in self._compact:
            return Match(self._compact[compact], 100.0, "alias")
        settings = self.match_settings
        key = stripped_key(text) or key
        if len(key) < settings.min_length:
            return None
        edits = settings.max_edits_short if len(key) < settings.long_length else settings.max_edits_long
        typo = process.extractOne(key, self._fuzzy_keys, scorer=OSA.distance, score_cutoff=edits)
        if typo is not None:
            similarity = 100.0 * (1 - typo[1] / max(len(key), len(typo[0])))
            return Match(self._fuzzy_ids[typo[2]], round(similarity, 1), "fuzzy")
        if len(key) < settings.long_length:
            return None
        best = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.token_sort_ratio, score_cutoff=settings.score_cutoff)
        if best is None:
            return None
        return Match(self._fuzzy_ids[best[2]], round(float(best[1]), 1), "fuzzy")

    def suggestions(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """Return up to `limit` (skill_id, score) candidates for a string, best first, one per skill."""
        key = stripped_key(text) or surface_key(text)
        found: dict[str, float] = {}
        for _, score, index in process.extract(key, self._fuzzy_keys, scorer=fuzz.WRatio, limit=limit * 6):
            skill_id = self._fuzzy_ids[index]
            if len(self._fuzzy_keys[index]) < 3:
                continue
            if skill_id not in found:
                found[skill_id] = round(float(score), 1)
            if len(found) == limit:
                break
        return list(found.items())

    def surfaces(self, skill_id: str) -> tuple[str, ...]:
        """Return the name and aliases of a skill."""
        skill = self.skills[skill_id]
        return (skill.name, *skill.aliases)


def default_taxonomy_path() -> Path:
    """Return the taxonomy folder: $SPOTLIGHT_TAXONOMY, else data/taxonomy/ of the repository."""
    override = os.environ.get(TAXONOMY_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "data" / "taxonomy"


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Return the taxonomy read from `path` (default: default_taxonomy_path()), with accepted review aliases."""
    folder = Path(path) if path is not None else default_taxonomy_path()
    if not (folder / "skills.tsv").is_file():
        raise TaxonomyError(f"no taxonomy at {folder}: skills.tsv is missing")
    skills = skills_from_tsv(folder / "skills.tsv")
    accepted = accepted_aliases(folder / "aliases_accepted.tsv")
    skills = skills_with_accepted_aliases(skills, accepted)
    groups = groups_from_yaml(folder / "groups.yaml")
    roles = roles_from_yaml(folder / "roles.yaml")
    titles = labelled_titles(folder / "labelled_titles.tsv")
    exact, alias, compact = lookup_tables(skills)
    fuzzy_keys = tuple(sorted({**exact, **alias}.items()))
    return Taxonomy(
        skills=skills,
        groups=groups,
        roles=roles,
        version=taxonomy_version(folder),
        path=folder,
        labelled_titles=titles,
        _exact=exact,
        _alias=alias,
        _compact=compact,
        _fuzzy_keys=tuple(k for k, _ in fuzzy_keys),
        _fuzzy_ids=tuple(v for _, v in fuzzy_keys),
    )


def taxonomy_version(folder: Path) -> str:
    """Return "<release>-<first 8 hex of sha256 over the taxonomy files' bytes>"."""
    digest = hashlib.sha256()
    for name in VERSIONED_FILES:
        file = folder / name
        if file.is_file():
            digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return f"{TAXONOMY_RELEASE}-{digest.hexdigest()[:8]}"


def split_list(value: str | None) -> tuple[str, ...]:
    """Return the non-empty items of a `|`-separated cell."""
    return tuple(item.strip() for item in (value or "").split("|") if item.strip())


def context_rule(text: str | None, name: str) -> ContextRule | None:
    """Return the ContextRule a skills.tsv `context` cell describes (`key=value; ...`), or None when empty."""
    if not text or not text.strip():
        return None
    values: dict[str, str] = {}
    for clause in text.split(";"):
        if not clause.strip():
            continue
        key, sep, value = clause.partition("=")
        if not sep:
            raise TaxonomyError(f"context rule clause {clause!r} is not key=value")
        values[key.strip()] = value.strip()
    unknown = set(values) - {"surfaces", "case", "near", "near_skills", "deny_prev", "deny_next", "window"}
    if unknown:
        raise TaxonomyError(f"context rule has unknown keys {sorted(unknown)}")
    surfaces = tuple(surface_key(s) for s in split_list(values.get("surfaces"))) or (surface_key(name),)
    try:
        window = int(values.get("window", "60"))
    except ValueError as exc:
        raise TaxonomyError(f"context rule window {values['window']!r} is not a whole number") from exc
    return ContextRule(
        surfaces=surfaces,
        case=split_list(values.get("case")),
        near=tuple(surface_key(s) for s in split_list(values.get("near"))),
        near_skills=values.get("near_skills", "no").lower() in {"yes", "true", "1"},
        deny_prev=tuple(surface_key(s) for s in split_list(values.get("deny_prev"))),
        deny_next=tuple(surface_key(s) for s in split_list(values.get("deny_next"))),
        window=window,
    )


def skills_from_tsv(file: Path) -> dict[str, Skill]:
    """Return the skills of a skills.tsv file keyed by id, raising TaxonomyError on a malformed row."""
    skills: dict[str, Skill] = {}
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in SKILL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise TaxonomyError(f"{file}: missing columns {missing}")
        for line, row in enumerate(reader, start=2):
            skill_id = (row["skill_id"] or "").strip()
            name = (row["name"] or "").strip()
            if not skill_id or not name:
                raise TaxonomyError(f"{file}:{line}: skill_id and name are required")
            if skill_id in skills:
                raise TaxonomyError(f"{file}:{line}: duplicate skill_id {skill_id!r}")
            category = (row["category"] or "").strip()
            if category not in CATEGORIES:
                raise TaxonomyError(f"{file}:{line}: category {category!r} is not one of {CATEGORIES}")
            try:
                rule = context_rule(row["context"], name)
            except TaxonomyError as exc:
                raise TaxonomyError(f"{file}:{line}: {exc}") from exc
            skills[skill_id] = Skill(
                skill_id=skill_id,
                name=name,
                category=category,
                aliases=split_list(row["aliases"]),
                esco_uri=(row["esco_uri"] or "").strip() or None,
                onet=(row["onet"] or "").strip() or None,
                context=rule,
            )
    return skills


def accepted_aliases(file: Path) -> tuple[tuple[str, str], ...]:
    """Return (alias, skill_id) pairs analysts accepted in the review loop; empty when the file is absent."""
    if not file.is_file():
        return ()
    pairs = []
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            alias, skill_id = (row.get("alias") or "").strip(), (row.get("skill_id") or "").strip()
            if alias and skill_id:
                pairs.append((alias, skill_id))
    return tuple(pairs)


def skills_with_accepted_aliases(skills: dict[str, Skill], pairs: tuple[tuple[str, str], ...]) -> dict[str, Skill]:
    """Return `skills` with accepted aliases appended; pairs naming an unknown skill are logged and left out."""
    extra: dict[str, list[str]] = {}
    for alias, skill_id in pairs:
        if skill_id not in skills:
            log.warning("aliases_accepted.tsv: alias %r names unknown skill %r; ignored", alias, skill_id)
            continue
        extra.setdefault(skill_id, []).append(alias)
    out = dict(skills)
    for skill_id, aliases in extra.items():
        skill = skills[skill_id]
        new = tuple(a for a in aliases if a not in skill.aliases)
        out[skill_id] = Skill(**{**skill.__dict__, "aliases": skill.aliases + new})
    return out


def groups_from_yaml(file: Path) -> dict[str, Group]:
    """Return the reporting groups of groups.yaml keyed by id."""
    document = _yaml(file)
    groups: dict[str, Group] = {}
    for index, item in enumerate(document.get("groups") or []):
        try:
            group = Group(str(item["id"]), str(item["name"]), str(item["kind"]), tuple(item.get("members") or ()))
        except (KeyError, TypeError) as exc:
            raise TaxonomyError(f"{file}: group #{index} lacks id, name or kind") from exc
        if group.kind not in GROUP_KINDS:
            raise TaxonomyError(f"{file}: group {group.group_id!r} has kind {group.kind!r}, not one of {GROUP_KINDS}")
        if group.group_id in groups:
            raise TaxonomyError(f"{file}: duplicate group id {group.group_id!r}")
        groups[group.group_id] = group
    return groups


def roles_from_yaml(file: Path) -> dict[str, Role]:
    """Return the roles of roles.yaml keyed by id."""
    document = _yaml(file)
    roles: dict[str, Role] = {}
    for index, item in enumerate(document.get("roles") or []):
        try:
            role = Role(
                role_id=str(item["id"]),
                name=str(item["name"]),
                seniority=str(item.get("seniority", "mid")),
                report=bool(item.get("report", False)),
                titles=tuple(str(t) for t in item.get("titles") or ()),
                adjacent=tuple(str(a) for a in item.get("adjacent") or ()),
            )
        except (KeyError, TypeError) as exc:
            raise TaxonomyError(f"{file}: role #{index} lacks id or name") from exc
        if role.role_id in roles:
            raise TaxonomyError(f"{file}: duplicate role id {role.role_id!r}")
        roles[role.role_id] = role
    return roles


def labelled_titles(file: Path) -> tuple[tuple[str, str], ...]:
    """Return (title, role_id) training pairs from labelled_titles.tsv; empty when absent."""
    if not file.is_file():
        return ()
    with file.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple(
            (r["title"].strip(), r["role_id"].strip()) for r in rows if (r.get("title") or "").strip() and r.get("role_id")
        )


def lookup_tables(skills: dict[str, Skill]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Return (name key -> id, alias key -> id, compact key -> id); names win over aliases, first skill wins."""
    exact: dict[str, str] = {}
    alias: dict[str, str] = {}
    compact: dict[str, str] = {}
    for skill in skills.values():
        exact.setdefault(surface_key(skill.name), skill.skill_id)
    for skill in skills.values():
        for surface in skill.aliases:
            key = surface_key(surface)
            if key not in exact:
                alias.setdefault(key, skill.skill_id)
    for key, skill_id in (*exact.items(), *alias.items()):
        compact.setdefault(key.replace(" ", ""), skill_id)
    return exact, alias, compact


def taxonomy_units(taxonomy: Taxonomy) -> pd.DataFrame:
    """Return the `taxonomy_units` table: every skill, report group and gap cluster."""
    hidden: dict[str, str] = {}
    for group in taxonomy.groups.values():
        if group.kind == "group":
            for member in group.members:
                hidden.setdefault(member, group.group_id)
    rows = [
        (s.skill_id, "skill", s.name, s.category, hidden.get(s.skill_id), taxonomy.version)
        for s in taxonomy.skills.values()
    ]
    for group in taxonomy.groups.values():
        categories = {taxonomy.skills[m].category for m in group.members if m in taxonomy.skills}
        category = categories.pop() if len(categories) == 1 else "technical"
        rows.append((group.group_id, group.kind, group.name, category, None, taxonomy.version))
    return pd.DataFrame(rows, columns=["unit_id", "unit_kind", "name", "category", "hidden_by_group", "taxonomy_version"])


def unit_members(taxonomy: Taxonomy) -> pd.DataFrame:
    """Return the `unit_members` table: each skill is its own member; groups list theirs."""
    rows = [(s, s) for s in taxonomy.skills]
    for group in taxonomy.groups.values():
        rows.extend((group.group_id, m) for m in dict.fromkeys(group.members))
    return pd.DataFrame(rows, columns=["unit_id", "skill_id"])


def roles_table(taxonomy: Taxonomy) -> pd.DataFrame:
    """Return the `roles` table."""
    rows = [(r.role_id, r.name, r.seniority) for r in taxonomy.roles.values()]
    return pd.DataFrame(rows, columns=["role_id", "name", "seniority"])


def role_adjacency(taxonomy: Taxonomy) -> pd.DataFrame:
    """Return the `role_adjacency` table in display order."""
    rows = [(r.role_id, a, i) for r in taxonomy.roles.values() for i, a in enumerate(dict.fromkeys(r.adjacent))]
    return pd.DataFrame(rows, columns=["role_id", "adjacent_role_id", "position"]).astype({"position": "int64"})


def taxonomy_tables(taxonomy: Taxonomy) -> dict[str, pd.DataFrame]:
    """Return the four taxonomy tables keyed by contract name."""
    return {
        "taxonomy_units": taxonomy_units(taxonomy),
        "unit_members": unit_members(taxonomy),
        "roles": roles_table(taxonomy),
        "role_adjacency": role_adjacency(taxonomy),
    }


def _yaml(file: Path) -> dict:
    """Return a YAML mapping, raising TaxonomyError when the file is absent or not a mapping."""
    if not file.is_file():
        raise TaxonomyError(f"{file} is missing")
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{file}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise TaxonomyError(f"{file}: expected a mapping at the top level")
    return document
