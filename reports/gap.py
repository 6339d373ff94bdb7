"""Personal skills-gap analysis: a person's free-text skills against a role's spotlight document."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import typer

TIERS = ("essential", "desirable", "emerging")


class Matcher(Protocol):
    """What the gap analysis needs of a taxonomy: free text to a canonical skill (normalise.taxonomy.Taxonomy)."""

    def match(self, text: str) -> Any: ...


class GapError(ValueError):
    """The gap analysis cannot run (no published document for the role, bad input)."""


@dataclass(frozen=True)
class MatchedSkill:
    text: str
    skill_id: str
    method: str
    score: float


@dataclass(frozen=True)
class NearCombination:
    """A premium combination the person lacks exactly one member of."""

    name: str
    missing: str
    uplift_label: str
    uplift_pct: float


@dataclass(frozen=True)
class GapResult:
    role_id: str
    role_name: str
    period: str
    matched: tuple[MatchedSkill, ...]
    unmatched: tuple[str, ...]
    have: dict[str, tuple[str, ...]]
    lack: dict[str, tuple[str, ...]]
    coverage_pct: float
    near_combinations: tuple[NearCombination, ...]


def skill_texts(skills_text: str) -> list[str]:
    """Return the distinct skills in a comma-, semicolon- or newline-separated list, in order."""
    seen, out = set(), []
    for part in re.split(r"[,;\n]+", skills_text):
        text = " ".join(part.split())
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out


def matched_skills(taxonomy: Matcher, texts: list[str]) -> tuple[tuple[MatchedSkill, ...], tuple[str, ...]]:
    """Return the texts the taxonomy maps to a canonical skill, and those it does not."""
    matched, unmatched = [], []
    for text in texts:
        found = taxonomy.match(text)
        if found is None:
            unmatched.append(text)
        else:
            matched.append(MatchedSkill(text, found.skill_id, found.method, float(found.score)))
    return tuple(matched), tuple(unmatched)


def gap_analysis(doc: dict, taxonomy: Matcher, skills_text: str) -> GapResult:
    """Return which listed skills of the role the person has and lacks, demand-weighted coverage, near combinations.

    A listed unit (a skill or a report group) is covered when the person has any of its member skills. Coverage =
    100 * sum of demand of covered units / sum of demand of all listed units.
    """
    matched, unmatched = matched_skills(taxonomy, skill_texts(skills_text))
    has = {m.skill_id for m in matched}
    have: dict[str, list[str]] = {t: [] for t in TIERS}
    lack: dict[str, list[str]] = {t: [] for t in TIERS}
    covered = total = 0.0
    for unit in doc["skills"]:
        hit = bool(has & set(unit["member_skill_ids"]))
        total += unit["demand"]["pct"]
        covered += unit["demand"]["pct"] if hit else 0.0
        (have if hit else lack)[unit["tier"]].append(unit["name"])
    near = []
    for combo in doc["premium_combinations"]:
        missing = [m for m in combo["members"] if not has & set(m["member_skill_ids"])]
        if len(missing) == 1:
            near.append(NearCombination(combo["name"], missing[0]["name"], combo["uplift_label"], combo["uplift_pct"]))
    return GapResult(
        role_id=doc["role"]["id"],
        role_name=doc["role"]["name"],
        period=doc["period"],
        matched=matched,
        unmatched=unmatched,
        have={t: tuple(v) for t, v in have.items()},
        lack={t: tuple(v) for t, v in lack.items()},
        coverage_pct=round(100 * covered / total, 1) if total else 0.0,
        near_combinations=tuple(near),
    )


def published_document(published: Path, role_id: str, market: str = "uk", period: str | None = None) -> dict:
    """Return a role's published spotlight document: of `period`, or of the market's latest period."""
    published = Path(published)
    if period is None:
        pointer = published / "latest"
        if not pointer.is_file():
            raise GapError(f"nothing published under {published} (no `latest` pointer); run `spotlight refresh` first")
        latest = json.loads(pointer.read_text(encoding="utf-8")).get("markets", {}).get(market)
        if latest is None:
            raise GapError(f"nothing published for market {market!r} under {published}")
        period = latest["period"]
    path = published / "periods" / period / market / f"{role_id}.json"
    if not path.is_file():
        available = sorted(p.stem for p in path.parent.glob("*.json") if p.name != "manifest.json")
        raise GapError(f"no spotlight for role {role_id!r} in {market} {period}; published roles: {', '.join(available) or 'none'}")
    return json.loads(path.read_text(encoding="utf-8"))


def gap_command(
    role: str = typer.Option(..., "--role", help="Role id, e.g. machine-learning-engineer."),
    skills: str = typer.Option(..., "--skills", help='Your skills, comma-separated: "python, pytorch, k8s, sql".'),
    published: Path = typer.Option(Path("data/published"), "--published", help="Published output folder."),
    market: str = typer.Option("uk", "--market", help="Market id."),
    period: str | None = typer.Option(None, "--period", help="Period YYYY-MM (default: the latest published)."),
) -> None:
    """Show which of a role's essential, desirable and emerging skills you have and lack."""
    from rich.console import Console
    from rich.table import Table

    from normalise.taxonomy import load_taxonomy

    console = Console()
    try:
        doc = published_document(published, role, market, period)
    except GapError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    result = gap_analysis(doc, load_taxonomy(), skills)
    console.print(f"[bold]{result.role_name}[/bold] — {doc['market']['name']} {doc['period_label']}")
    if result.matched:
        console.print("Recognised: " + ", ".join(f"{m.text} → {m.skill_id} ({m.method})" for m in result.matched))
    if result.unmatched:
        console.print("[yellow]Not recognised:[/yellow] " + ", ".join(result.unmatched))
    table = Table(show_lines=True)
    table.add_column("Tier")
    table.add_column("You have", style="green")
    table.add_column("To learn", style="red")
    for tier in TIERS:
        table.add_row(tier.capitalize(), "\n".join(result.have[tier]) or "—", "\n".join(result.lack[tier]) or "—")
    console.print(table)
    console.print(f"Demand-weighted coverage: [bold]{result.coverage_pct:.0f}%[/bold]")
    for near in result.near_combinations:
        console.print(f"One skill away: add [bold]{near.missing}[/bold] for {near.name} ({near.uplift_label})")


app = typer.Typer(help="Personal skills-gap analysis against a published spotlight.")
app.command("gap")(gap_command)
