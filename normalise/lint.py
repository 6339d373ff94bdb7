"""Taxonomy lint: the problems `spotlight taxonomy check` reports for data/taxonomy/."""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from normalise.taxonomy import CATEGORIES, GROUP_KINDS, SKILL_COLUMNS, TaxonomyError, context_rule
from normalise.text import surface_key


@dataclass(frozen=True)
class Problem:
    code: str
    where: str
    message: str


def check_taxonomy(path: Path) -> list[Problem]:
    """Return every problem found in the taxonomy folder `path` (empty when it is clean)."""
    folder = Path(path)
    problems: list[Problem] = []
    skills_file = folder / "skills.tsv"
    if not skills_file.is_file():
        return [Problem("missing_file", str(skills_file), "skills.tsv is missing")]
    skill_ids = _check_skills(skills_file, problems)
    groups = _yaml_list(folder / "groups.yaml", "groups", problems)
    roles = _yaml_list(folder / "roles.yaml", "roles", problems)
    _check_groups(groups, skill_ids, problems)
    role_ids = _check_roles(roles, problems)
    _check_accepted(folder / "aliases_accepted.tsv", skill_ids, problems)
    _check_titles(folder / "labelled_titles.tsv", role_ids, problems)
    return problems


def _check_skills(file: Path, problems: list[Problem]) -> set[str]:
    """Check skills.tsv rows; return the skill ids."""
    seen: dict[str, int] = {}
    owners: dict[str, set[str]] = defaultdict(set)
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in SKILL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(Problem("missing_columns", str(file), f"missing columns {missing}"))
            return set()
        for line, row in enumerate(reader, start=2):
            where = f"skills.tsv:{line}"
            skill_id, name = (row["skill_id"] or "").strip(), (row["name"] or "").strip()
            if not skill_id or not name:
                problems.append(Problem("missing_id_or_name", where, "skill_id and name are required"))
                continue
            if skill_id in seen:
                problems.append(Problem("duplicate_skill_id", where, f"{skill_id!r} already on line {seen[skill_id]}"))
            seen.setdefault(skill_id, line)
            if (row["category"] or "").strip() not in CATEGORIES:
                problems.append(Problem("bad_category", where, f"category {row['category']!r} not in {CATEGORIES}"))
            try:
                context_rule(row["context"], name)
            except TaxonomyError as exc:
                problems.append(Problem("bad_context_rule", where, str(exc)))
            for surface in (name, *(a for a in (row["aliases"] or "").split("|") if a.strip())):
                key = surface_key(surface)
                if key:
                    owners[key].add(skill_id)
    for key, ids in sorted(owners.items()):
        if len(ids) > 1:
            problems.append(Problem("alias_collision", "skills.tsv", f"{key!r} names several skills: {sorted(ids)}"))
    return set(seen)


def _yaml_list(file: Path, key: str, problems: list[Problem]) -> list[dict]:
    """Return the list under `key` of a YAML file, recording a problem when it cannot be read."""
    if not file.is_file():
        problems.append(Problem("missing_file", file.name, f"{file.name} is missing"))
        return []
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.append(Problem("bad_yaml", file.name, str(exc).splitlines()[0]))
        return []
    items = document.get(key) if isinstance(document, dict) else None
    if not isinstance(items, list):
        problems.append(Problem("bad_yaml", file.name, f"expected a list under {key!r}"))
        return []
    return [i for i in items if isinstance(i, dict)]


def _check_groups(groups: list[dict], skill_ids: set[str], problems: list[Problem]) -> None:
    """Check group ids, kinds and members."""
    seen: set[str] = set()
    for group in groups:
        group_id = str(group.get("id", ""))
        where = f"groups.yaml:{group_id or '?'}"
        if not group_id or group_id in seen:
            problems.append(Problem("duplicate_group_id" if group_id else "missing_group_id", where, "group ids must be unique"))
        if group_id in skill_ids:
            problems.append(Problem("group_id_is_skill_id", where, "a group id may not equal a skill id"))
        seen.add(group_id)
        if group.get("kind") not in GROUP_KINDS:
            problems.append(Problem("bad_group_kind", where, f"kind {group.get('kind')!r} not in {GROUP_KINDS}"))
        members = group.get("members") or []
        if not members:
            problems.append(Problem("empty_group", where, "group has no members"))
        for member in members:
            if member not in skill_ids:
                problems.append(Problem("dangling_member", where, f"member {member!r} is not a skill id"))


def _check_roles(roles: list[dict], problems: list[Problem]) -> set[str]:
    """Check role ids and adjacency; return the role ids."""
    ids = [str(r.get("id", "")) for r in roles]
    for role_id in {i for i in ids if ids.count(i) > 1}:
        problems.append(Problem("duplicate_role_id", f"roles.yaml:{role_id}", "role ids must be unique"))
    for role in roles:
        role_id = str(role.get("id", ""))
        for adjacent in role.get("adjacent") or []:
            if adjacent not in ids:
                problems.append(Problem("dangling_adjacent_role", f"roles.yaml:{role_id}", f"adjacent {adjacent!r} is not a role id"))
            if adjacent == role_id:
                problems.append(Problem("self_adjacent_role", f"roles.yaml:{role_id}", "a role is not adjacent to itself"))
        if not role.get("titles"):
            problems.append(Problem("role_without_titles", f"roles.yaml:{role_id}", "role has no title examples"))
    return set(ids)


def _check_accepted(file: Path, skill_ids: set[str], problems: list[Problem]) -> None:
    """Check that accepted review aliases name existing skills."""
    if not file.is_file():
        return
    with file.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
            if (row.get("skill_id") or "").strip() not in skill_ids:
                problems.append(Problem("dangling_accepted_alias", f"aliases_accepted.tsv:{line}",
                                        f"{row.get('alias')!r} names unknown skill {row.get('skill_id')!r}"))


def _check_titles(file: Path, role_ids: set[str], problems: list[Problem]) -> None:
    """Check that labelled titles name existing roles (or `other`)."""
    if not file.is_file():
        return
    with file.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
            if (row.get("role_id") or "").strip() not in role_ids | {"other"}:
                problems.append(Problem("unknown_title_role", f"labelled_titles.tsv:{line}",
                                        f"{row.get('title')!r} is labelled {row.get('role_id')!r}"))
