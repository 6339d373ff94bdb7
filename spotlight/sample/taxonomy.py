"""The slice of data/taxonomy/ the sample generator needs: skill surfaces, report units and role titles."""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

TAXONOMY_DIR = Path(__file__).resolve().parents[2] / "data" / "taxonomy"


@dataclass(frozen=True)
class SampleTaxonomy:
    """Skill ids with their surfaces, report units with members, and roles with their titles."""

    skill_ids: tuple[str, ...]
    skill_names: dict[str, str]
    skill_surfaces: dict[str, tuple[str, ...]]      # name + aliases, as written in skills.tsv
    restricted_surfaces: dict[str, tuple[str, ...]]  # surfaces a context rule restricts
    unit_members: dict[str, tuple[str, ...]]          # group and gap-cluster ids -> member skill ids
    unit_kinds: dict[str, str]
    role_ids: tuple[str, ...]
    role_titles: dict[str, tuple[str, ...]]
    reported_roles: tuple[str, ...]
    version: str

    def members(self, unit_id: str) -> tuple[str, ...]:
        """Return the member skills of a unit (a skill is its own only member)."""
        return self.unit_members.get(unit_id, (unit_id,))

    def all_role_titles(self) -> tuple[str, ...]:
        """Return every role-title phrase of roles.yaml, longest first."""
        titles = {t for ts in self.role_titles.values() for t in ts}
        return tuple(sorted(titles, key=lambda t: (-len(t), t)))


def restricted_from_context(context: str, skill_id: str, surfaces: tuple[str, ...]) -> tuple[str, ...]:
    """Return the surfaces a skills.tsv `context` cell restricts (`surfaces=a|b; ...`, or a legacy `name: rule`)."""
    context = (context or "").strip()
    if not context:
        return ()
    for clause in context.split(";"):
        key, _, value = clause.partition("=")
        if key.strip() == "surfaces":
            return tuple(v.strip().lower() for v in value.split("|") if v.strip())
    head = context.split(":", 1)[0].strip().lower()
    return tuple(s.lower() for s in surfaces if s.lower() == head) or (head,)


def sample_taxonomy(folder: Path = TAXONOMY_DIR) -> SampleTaxonomy:
    """Return the taxonomy slice read from `folder` (skills.tsv, groups.yaml, roles.yaml)."""
    skill_ids: list[str] = []
    names: dict[str, str] = {}
    surfaces: dict[str, tuple[str, ...]] = {}
    restricted: dict[str, tuple[str, ...]] = {}
    with open(folder / "skills.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            sid = row["skill_id"].strip()
            if not sid:
                continue
            skill_ids.append(sid)
            names[sid] = row["name"].strip()
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            surfaces[sid] = (names[sid],) + aliases
            restricted[sid] = restricted_from_context(row.get("context") or "", sid, surfaces[sid])
    groups = yaml.safe_load((folder / "groups.yaml").read_text(encoding="utf-8"))["groups"]
    roles = yaml.safe_load((folder / "roles.yaml").read_text(encoding="utf-8"))["roles"]
    digest = hashlib.sha256()
    for name in ("skills.tsv", "groups.yaml", "roles.yaml"):
        digest.update((folder / name).read_bytes())
    return SampleTaxonomy(
        skill_ids=tuple(skill_ids),
        skill_names=names,
        skill_surfaces=surfaces,
        restricted_surfaces=restricted,
        unit_members={g["id"]: tuple(g["members"]) for g in groups},
        unit_kinds={g["id"]: g["kind"] for g in groups},
        role_ids=tuple(r["id"] for r in roles),
        role_titles={r["id"]: tuple(r["titles"]) for r in roles},
        reported_roles=tuple(r["id"] for r in roles if r.get("report")),
        version=digest.hexdigest()[:12],
    )
