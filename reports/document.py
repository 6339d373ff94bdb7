"""The spotlight document: one JSON-ready dict per reported role, built from the metric and taxonomy tables."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import duckdb
import jsonschema

from reports import formatting as fmt
from reports.overrides import RoleOverrides, combo_key, role_overrides
from spotlight.settings import period_window

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0.0"
SCHEMA_PATH = Path(__file__).parent / "schema" / "spotlight.schema.json"
SQL_DIR = Path(__file__).parent / "sql"

LISTED_TIERS = ("essential", "desirable", "emerging")
TOP_GAPS = 4
TOP_COMBINATIONS = 10
TOP_TREND_SKILLS = 5
TOP_FAQ_SKILLS = 5
TREND_MONTHS = 13
MAX_PROGRESSION_STEPS = 4


class DocumentError(ValueError):
    """A spotlight document cannot be built or does not meet the schema."""


@dataclass(frozen=True)
class RunInfo:
    """What produced a run: versions, run id, input fingerprints and run-level warnings."""

    taxonomy_version: str
    code_version: str
    run_id: str
    input_fingerprints: Mapping[str, str] = field(default_factory=dict)
    warnings: Sequence[str] = ()


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """Return the text of reports/sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_rows(con: duckdb.DuckDBPyConnection, name: str, **params: str) -> list[dict[str, Any]]:
    """Return the rows of reports/sql/<name>.sql run with bound `params`, as dicts."""
    cursor = con.execute(sql_text(name), params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


@lru_cache(maxsize=1)
def spotlight_schema() -> dict:
    """Return the spotlight document JSON Schema."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_document(doc: dict) -> None:
    """Raise DocumentError when `doc` does not meet the spotlight schema."""
    validator = jsonschema.Draft202012Validator(spotlight_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(document)"
        raise DocumentError(f"spotlight document fails the schema at {where}: {first.message} ({len(errors)} error(s))")


def document_json(doc: dict) -> str:
    """Return the canonical JSON text of a document (sorted keys, fixed indentation, trailing newline)."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def trailing_months(period: str, count: int = TREND_MONTHS) -> list[str]:
    """Return the `count` months ending at `period`, oldest first."""
    return period_window(period, count)


def _money(value: float | None) -> int | None:
    return None if value is None else int(fmt.half_up(value, 0))


def _r(value: float | None) -> float | None:
    return fmt.rounded(value, 1)


def role_name(names: Mapping[str, dict], role_id: str) -> str:
    """Return the display name of a role id ('other' reads as 'Other roles')."""
    if role_id in names and names[role_id].get("name"):
        return names[role_id]["name"]
    return "Other roles" if role_id == "other" else role_id


def skill_entries(rows: list[dict], units: Mapping[str, dict], warnings: list[str]) -> list[dict]:
    """Return the page's skill list: listed tiers, no gap clusters, no skills shown through a report group."""
    entries = []
    for row in rows:
        unit = units.get(row["unit_id"])
        if row["tier"] not in LISTED_TIERS:
            continue
        if unit is None:
            warnings.append(f"skill_tiers unit {row['unit_id']!r} is not in taxonomy_units; not listed")
            continue
        if unit["unit_kind"] == "gap_cluster" or unit["hidden_by_group"]:
            continue
        if not row["has_demand"]:
            warnings.append(f"unit {row['unit_id']!r} has a tier but no skill_demand row; not listed")
            continue
        supply = None
        if row["has_supply"]:
            supply = {
                "pct": _r(row["supply_pct"]),
                "ci_low_pct": _r(row["supply_ci_low_pct"]),
                "ci_high_pct": _r(row["supply_ci_high_pct"]),
                "n": row["profiles_listing"],
                "denominator": row["profiles_in_role"],
                "profiles_period": row["profiles_period"],
            }
        entries.append({
            "unit_id": row["unit_id"],
            "unit_kind": unit["unit_kind"],
            "name": unit["name"],
            "category": unit["category"],
            "tier": row["tier"],
            "member_skill_ids": list(unit["member_skill_ids"]),
            "demand": {
                "pct": _r(row["demand_pct"]),
                "ci_low_pct": _r(row["demand_ci_low_pct"]),
                "ci_high_pct": _r(row["demand_ci_high_pct"]),
                "n": row["postings_citing"],
                "denominator": row["postings_in_role"],
            },
            "supply": supply,
            "rank": row["demand_rank"],
            "rank_change_1m": row["rank_change_1m"],
            "rank_change_12m": row["rank_change_12m"],
            "change_pts_1m": _r(row["change_pts_1m"]),
            "change_pts_12m": _r(row["change_pts_12m"]),
            "growth_pts_per_month": _r(row["slope_pts_per_month"]),
        })
    return sorted(entries, key=lambda e: (e["rank"], -e["demand"]["pct"], e["name"], e["unit_id"]))


def gap_sentence(demand_pct: float, supply_pct: float) -> str:
    """Return '70% demand vs 28% supply (42-point gap)'; the gap is of the shown whole numbers so it adds up."""
    gap = fmt.whole_pct(demand_pct) - fmt.whole_pct(supply_pct)
    return f"{fmt.pct(demand_pct)} demand vs {fmt.pct(supply_pct)} supply ({gap}-point gap)"


def gap_entries(rows: list[dict], units: Mapping[str, dict], overrides: RoleOverrides) -> list[dict]:
    """Return the top skills-gap opportunities: gap clusters (groups when the role has none), largest gap first."""
    clusters = [r for r in rows if r["unit_kind"] == "gap_cluster"]
    candidates = clusters or [r for r in rows if r["unit_kind"] == "group"]
    candidates = [r for r in candidates if r["suppressed"] or r["gap_pts"] > 0]
    entries = []
    for row in candidates[:TOP_GAPS]:
        unit = units.get(row["unit_id"], {})
        entry = {
            "unit_id": row["unit_id"],
            "unit_kind": row["unit_kind"],
            "name": unit.get("name", row["unit_id"]),
            "rank": len(entries) + 1,
            "postings_in_role": row["postings_in_role"],
            "profiles_in_role": row["profiles_in_role"],
            "suppressed": bool(row["suppressed"]),
            "blurb": overrides.gaps.get(row["unit_id"]),
        }
        if row["suppressed"]:
            entry["suppression_reason"] = row["suppression_reason"] or "below the minimum sample"
        else:
            entry.update({
                "demand_pct": _r(row["demand_pct"]),
                "supply_pct": _r(row["supply_pct"]),
                "gap_pts": _r(row["gap_pts"]),
                "postings_citing": row["postings_citing"],
                "profiles_listing": row["profiles_listing"],
                "sentence": gap_sentence(row["demand_pct"], row["supply_pct"]),
            })
        entries.append(entry)
    return entries


def pay_figure(row: dict | None, pay_kind: str, scope: str) -> dict:
    """Return one pay figure with its n; a suppressed or missing figure carries the reason and no number."""
    if row is None:
        return {"n": 0, "suppressed": True, "suppression_reason": f"no postings with a stated {pay_kind.replace('_', ' ')}"}
    if row["suppressed"] or row["median"] is None:
        return {
            "n": row["n"], "suppressed": True,
            "suppression_reason": row["suppression_reason"] or f"too few postings (n = {row['n']})",
        }
    figure = {
        "n": row["n"], "suppressed": False,
        "median": _money(row["median"]), "p10": _money(row["p10"]), "p90": _money(row["p90"]),
        "median_ci_low": _money(row["median_ci_low"]), "median_ci_high": _money(row["median_ci_high"]),
    }
    if scope == "london" and row["london_premium_pct"] is not None:
        figure["premium_pct"] = _r(row["london_premium_pct"])
        figure["premium_label"] = fmt.signed_pct(row["london_premium_pct"])
    return figure


def pay_section(rows: list[dict], pay_kind: str) -> dict:
    """Return the UK, London and UK-excluding-London figures of one pay kind."""
    by_scope = {r["scope"]: r for r in rows if r["pay_kind"] == pay_kind}
    return {scope: pay_figure(by_scope.get(scope), pay_kind, scope) for scope in ("uk", "london", "uk_excl_london")}


def member_entries(unit_ids: Sequence[str], units: Mapping[str, dict]) -> list[dict]:
    """Return name and member skills of each unit id."""
    return [
        {
            "unit_id": u,
            "name": units.get(u, {}).get("name", u),
            "member_skill_ids": list(units.get(u, {}).get("member_skill_ids", [u])),
        }
        for u in unit_ids
    ]


def combination_entries(rows: list[dict], units: Mapping[str, dict], overrides: RoleOverrides) -> list[dict]:
    """Return the premium combinations, best first, each with its member names joined by ' + '."""
    entries = []
    for row in rows[:TOP_COMBINATIONS]:
        members = member_entries(list(row["unit_ids"]), units)
        entries.append({
            "combo_id": row["combo_id"],
            "members": members,
            "name": " + ".join(m["name"] for m in members),
            "size": row["size"],
            "n": row["n"],
            "median_salary": _money(row["median_salary"]),
            "uplift_pct": _r(row["uplift_pct"]),
            "uplift_label": fmt.signed_pct(row["uplift_pct"]),
            "uplift_ci_low_pct": _r(row["uplift_ci_low_pct"]),
            "uplift_ci_high_pct": _r(row["uplift_ci_high_pct"]),
            "best_member_uplift_pct": _r(row["best_member_uplift_pct"]),
            "rank": row["combo_rank"],
            "blurb": overrides.combinations.get(combo_key(row["combo_id"])),
        })
    return entries


def distinct_list(unit_ids: Sequence[str], pts: Sequence[float], units: Mapping[str, dict]) -> list[dict]:
    """Return distinguishing units with their demand difference in points."""
    return [
        {"unit_id": u, "name": units.get(u, {}).get("name", u), "pts": _r(p)}
        for u, p in zip(unit_ids, pts)
    ]


def contrast_sentence(role: str, adjacent: str, row: dict, role_distinct: list[dict], adjacent_distinct: list[dict]) -> str:
    """Return the generated comparison of a role with an adjacent one: distinguishing skills, then pay."""
    parts = []
    role_side = [f"{d['name']} (+{fmt.whole_pct(d['pts'])} pts)" for d in role_distinct if d["pts"] > 0]
    adjacent_side = [f"{d['name']} (+{fmt.whole_pct(d['pts'])} pts)" for d in adjacent_distinct if d["pts"] > 0]
    if role_side and adjacent_side:
        parts.append(
            f"{role} ads ask more often for {fmt.joined(role_side)}; "
            f"{adjacent} ads ask more often for {fmt.joined(adjacent_side)}."
        )
    elif role_side:
        parts.append(f"{role} ads ask more often for {fmt.joined(role_side)}.")
    elif adjacent_side:
        parts.append(f"{adjacent} ads ask more often for {fmt.joined(adjacent_side)}.")
    elif row["similarity"] is not None:
        parts.append(f"{role} and {adjacent} ads ask for much the same skills.")
    else:
        parts.append(f"There are too few {adjacent} postings to compare skills.")
    diff = row["pay_diff_pct"]
    role_pay, adjacent_pay = row["role_median_salary"], row["adjacent_median_salary"]
    if diff is None or role_pay is None or adjacent_pay is None:
        parts.append("There are too few salaried postings to compare pay.")
    elif fmt.whole_pct(diff) == 0:
        parts.append(f"Median pay is about the same ({fmt.salary(adjacent_pay)} vs {fmt.salary(role_pay)}).")
    else:
        direction = "higher" if diff > 0 else "lower"
        parts.append(
            f"The median {adjacent} salary is {abs(fmt.whole_pct(diff))}% {direction} "
            f"({fmt.salary(adjacent_pay)} vs {fmt.salary(role_pay)})."
        )
    return " ".join(parts)


def editorial(generated: str | None, override: str | None) -> dict:
    """Return an editorial text block: the generated wording, the analyst's override, and the one shown."""
    return {"generated": generated, "override": override, "text": override or generated}


def adjacent_entries(rows: list[dict], role: str, names: Mapping[str, dict], units: Mapping[str, dict],
                     overrides: RoleOverrides) -> list[dict]:
    """Return the comparison with each adjacent role, with a generated contrast (or the override)."""
    entries = []
    for row in rows:
        adjacent = role_name(names, row["adjacent_role_id"])
        role_distinct = distinct_list(row["role_distinct_units"], row["role_distinct_pts"], units)
        adjacent_distinct = distinct_list(row["adjacent_distinct_units"], row["adjacent_distinct_pts"], units)
        entries.append({
            "role_id": row["adjacent_role_id"],
            "name": adjacent,
            "position": row["position"],
            "similarity": fmt.rounded(row["similarity"], 3),
            "role_postings": row["role_postings"],
            "adjacent_postings": row["adjacent_postings"],
            "role_distinct": role_distinct,
            "adjacent_distinct": adjacent_distinct,
            "role_median_salary": _money(row["role_median_salary"]),
            "adjacent_median_salary": _money(row["adjacent_median_salary"]),
            "pay_diff_pct": _r(row["pay_diff_pct"]),
            "contrast": editorial(
                contrast_sentence(role, adjacent, row, role_distinct, adjacent_distinct),
                overrides.adjacent.get(row["adjacent_role_id"]),
            ),
        })
    return entries


def path_entries(rows: list[dict], kind: str, names: Mapping[str, dict]) -> list[dict]:
    """Return the career-path rows of one kind, most common first."""
    picked = [r for r in rows if r["path_kind"] == kind]
    picked.sort(key=lambda r: (-r["n"], r["other_role_id"]))
    return [
        {
            "role_id": r["other_role_id"], "name": role_name(names, r["other_role_id"]),
            "n": r["n"], "denominator": r["denominator"], "share_pct": _r(r["share_pct"]),
        }
        for r in picked
    ]


def progression_chain(con: duckdb.DuckDBPyConnection, market: str, period: str, role_id: str,
                      entries: list[dict], names: Mapping[str, dict]) -> list[str]:
    """Return the typical path: top entry routes, the role, then the most common next senior role, step by step."""
    steps = []
    if entries:
        steps.append(" or ".join(e["name"] for e in entries[:2]))
    steps.append(role_name(names, role_id))
    seen, current = {role_id}, role_id
    for _ in range(MAX_PROGRESSION_STEPS):
        rows = query_rows(con, "role_career", market=market, period=period, role_id=current)
        nexts = path_entries(rows, "progression", names)
        if not nexts or nexts[0]["role_id"] in seen or nexts[0]["role_id"] == "other":
            break
        current = nexts[0]["role_id"]
        seen.add(current)
        steps.append(nexts[0]["name"])
    return steps


def share_list(entries: list[dict], limit: int = 3) -> str:
    """Return 'Data Scientist (34%), Software Engineer (22%) and Research Engineer (15%)'."""
    return fmt.joined([f"{e['name']} ({fmt.pct(e['share_pct'])})" for e in entries[:limit]])


def career_section(con: duckdb.DuckDBPyConnection, market: str, period: str, role_id: str,
                   names: Mapping[str, dict], overrides: RoleOverrides) -> dict:
    """Return entry routes, progression, tenure and lateral moves with generated sentences and overrides."""
    rows = query_rows(con, "role_career", market=market, period=period, role_id=role_id)
    entry = path_entries(rows, "entry", names)
    progression = path_entries(rows, "progression", names)
    lateral = path_entries(rows, "lateral", names)
    tenure_rows = [r for r in rows if r["path_kind"] == "tenure"]
    tenure = None
    if tenure_rows and tenure_rows[0]["median_tenure_months"] is not None:
        tenure = {"n": tenure_rows[0]["n"], "median_months": _r(tenure_rows[0]["median_tenure_months"])}
    entry_text = None
    if entry:
        entry_text = (
            f"The most common previous roles are {share_list(entry)} "
            f"(n = {entry[0]['denominator']:,} CVs with a known previous role)."
        )
    chain = progression_chain(con, market, period, role_id, entry, names)
    return {
        "entry_routes": entry,
        "progression": progression,
        "lateral_moves": lateral,
        "tenure": tenure,
        "entry_text": editorial(entry_text, overrides.career.get("entry_routes")),
        "progression_steps": chain,
        "progression_text": editorial(" → ".join(chain) if len(chain) > 1 else None, overrides.career.get("progression")),
        "tenure_text": f"~{fmt.whole_pct(tenure['median_months'])} months" if tenure else None,
        "lateral_text": editorial(", ".join(e["name"] for e in lateral) or None, overrides.career.get("lateral_moves")),
    }


def trend_section(rows: list[dict], skills: list[dict], period: str) -> dict:
    """Return the 13-month demand series of the top skills."""
    months = trailing_months(period)
    by_unit: dict[str, list[dict]] = {}
    for r in rows:
        if r["month"] in months:
            by_unit.setdefault(r["unit_id"], []).append({
                "month": r["month"], "demand_pct": _r(r["demand_pct"]),
                "n": r["postings_citing"], "denominator": r["postings_in_role"],
            })
    series = [
        {"unit_id": s["unit_id"], "name": s["name"], "points": sorted(by_unit[s["unit_id"]], key=lambda p: p["month"])}
        for s in skills if s["unit_id"] in by_unit
    ][:TOP_TREND_SKILLS]
    return {"months": months, "series": series}


def faq_section(role: str, market: str, period: str, skills: list[dict], gaps: list[dict],
                salary: dict, day_rates: dict) -> list[dict]:
    """Return the five FAQ entries of the seed page, answered from the numbers."""
    place = fmt.market_name(market)
    a = fmt.article(role)
    year = fmt.period_year(period)
    faq = []

    essential = [s for s in skills if s["tier"] == "essential"][:TOP_FAQ_SKILLS]
    if essential:
        majority = all(s["demand"]["pct"] > 50 for s in essential)
        answer = (
            f"The most sought-after skills for {role} roles in the {place} include "
            f"{', '.join(s['name'] for s in essential)}. These are classified as essential "
            + ("by the majority of employers." if majority else "for the role.")
        )
    else:
        answer = f"No skill is cited often enough in {role} postings in the {place} this month to count as essential."
    faq.append({"question": f"What are the most in-demand skills for {a} {role}?", "answer": answer})

    uk, london = salary["uk"], salary["london"]
    if uk["suppressed"]:
        answer = f"There are too few {role} postings with a stated salary in the {place} to publish a median ({uk['suppression_reason']})."
    else:
        answer = (
            f"The median {role} salary in the {place} is {fmt.salary(uk['median'])}, with a typical range of "
            f"{fmt.salary(uk['p10'])} to {fmt.salary(uk['p90'])} depending on experience and location."
        )
        if not london["suppressed"]:
            if london["median"] > uk["median"]:
                answer += (
                    f" In London, the median rises to {fmt.salary(london['median'])} "
                    "reflecting the capital's cost-of-living weighting."
                )
            else:
                answer += f" In London, the median is {fmt.salary(london['median'])}."
    faq.append({"question": f"What is the average {role} salary in the {place}?", "answer": answer})

    uk_day, london_day = day_rates["uk"], day_rates["london"]
    if uk_day["suppressed"]:
        answer = f"There are too few {role} contract postings with a stated day rate in the {place} to publish a figure ({uk_day['suppression_reason']})."
    else:
        answer = (
            f"Freelance and contract {role} day rates in the {place} typically range from {fmt.day_rate(uk_day['p10'])} "
            f"to {fmt.day_rate(uk_day['p90'])} per day, with a median of {fmt.day_rate(uk_day['median'])}/day."
        )
        if not london_day["suppressed"]:
            answer += f" London-based contractors can expect around {fmt.day_rate(london_day['median'])}/day."
    faq.append({"question": f"What are typical {role} contract day rates?", "answer": answer})

    shown = [g for g in gaps if not g["suppressed"]]
    if shown:
        top = shown[0]
        answer = (
            f"The top skills gaps in the {role} market are {', '.join(g['name'] for g in shown)}. "
            f"The largest is {top['name']} with {fmt.pct(top['demand_pct'])} employer demand but only "
            f"{fmt.pct(top['supply_pct'])} of professionals listing it."
        )
        if top["blurb"]:
            answer += f" {top['blurb']}"
    elif gaps:
        answer = f"Skills gaps for {role} roles are not published this month ({gaps[0]['suppression_reason']})."
    else:
        answer = f"No skill is in clearly greater demand than supply for {role} roles this month."
    faq.append({"question": f"What are the biggest skills gaps for {role} roles?", "answer": answer})

    emerging = sorted(
        (s for s in skills if s["tier"] == "emerging"),
        key=lambda s: (-(s["growth_pts_per_month"] or 0.0), -s["demand"]["pct"], s["name"]),
    )
    if emerging:
        answer = (
            f"Emerging skills for {role} roles include {', '.join(s['name'] for s in emerging)}. "
            "These are increasingly appearing in job postings and represent future demand."
        )
    else:
        answer = f"No skill meets the emerging-skill growth rule for {role} roles this month."
    faq.append({"question": f"What new skills should {a} {role} learn in {year}?", "answer": answer})
    return faq


def override_warnings(overrides: RoleOverrides, gaps: list[dict], combos: list[dict], adjacent: list[dict]) -> list[str]:
    """Return warnings for override texts whose id is not on this month's page (they stay unused)."""
    warnings = []
    for label, texts, shown in (
        ("gaps", overrides.gaps, {g["unit_id"] for g in gaps}),
        ("combinations", overrides.combinations, {combo_key(c["combo_id"]) for c in combos}),
        ("adjacent", overrides.adjacent, {a["role_id"] for a in adjacent}),
    ):
        for key in texts:
            if key not in shown:
                warnings.append(f"override {label}.{key} is not on this month's page; not used")
    return warnings


def role_document(con: duckdb.DuckDBPyConnection, market: str, period: str, role: dict, run_info: RunInfo,
                  overrides: RoleOverrides, units: Mapping[str, dict], names: Mapping[str, dict]) -> dict:
    """Return the spotlight document of one role."""
    warnings: list[str] = []
    role_id = role["role_id"]
    name = role_name(names, role_id)
    if role_id not in names:
        warnings.append(f"role {role_id!r} is not in the roles table; its id is shown as its name")
    params = {"market": market, "period": period, "role_id": role_id}

    skill_rows = query_rows(con, "role_skills", **params)
    skills = skill_entries(skill_rows, units, warnings)
    gaps = gap_entries(query_rows(con, "role_gaps", **params), units, overrides)
    pay_rows = query_rows(con, "role_pay", **params)
    salary = pay_section(pay_rows, "salary")
    day_rates = pay_section(pay_rows, "day_rate")
    combos = combination_entries(query_rows(con, "role_combinations", **params), units, overrides)
    adjacent = adjacent_entries(query_rows(con, "role_comparison", **params), name, names, units, overrides)
    career = career_section(con, market, period, role_id, names, overrides)
    trends = trend_section(query_rows(con, "role_trends", **params), skills, period)

    postings = max((r["postings_in_role"] or 0 for r in skill_rows if r["has_demand"]), default=0)
    profiles = max((r["profiles_in_role"] or 0 for r in skill_rows if r["has_supply"]), default=None)
    if not skills:
        warnings.append("no skill reaches a listed tier this month")
    if not pay_rows:
        warnings.append("no pay_stats rows for the role")
    if not trends["series"]:
        warnings.append("no skill_trends rows for the top skills")
    warnings += override_warnings(overrides, gaps, combos, adjacent)

    uk_salary = salary["uk"]
    headline_salary = {k: uk_salary[k] for k in ("n", "suppressed", "suppression_reason", "median") if k in uk_salary}
    doc = {
        "schema_version": SCHEMA_VERSION,
        "role": {"id": role_id, "name": name, "seniority": names.get(role_id, {}).get("seniority") or "unknown"},
        "market": {"id": market, "name": fmt.market_name(market)},
        "period": period,
        "period_label": fmt.period_label(period),
        "headline": {
            "essential_count": sum(s["tier"] == "essential" for s in skills),
            "desirable_count": sum(s["tier"] == "desirable" for s in skills),
            "emerging_count": sum(s["tier"] == "emerging" for s in skills),
            "median_salary": headline_salary,
            "postings_in_role": postings,
            "profiles_in_role": profiles,
        },
        "about": overrides.about,
        "skills": skills,
        "gaps": gaps,
        "salary": salary,
        "day_rates": day_rates,
        "premium_combinations": combos,
        "adjacent_roles": adjacent,
        "career_path": career,
        "faq": faq_section(name, market, period, skills, gaps, salary, day_rates),
        "trends": trends,
        "quality": {
            "warnings": list(run_info.warnings) + warnings,
            "taxonomy_version": run_info.taxonomy_version,
            "code_version": run_info.code_version,
            "run_id": run_info.run_id,
            "input_fingerprints": dict(sorted(run_info.input_fingerprints.items())),
            "overrides_file": Path(overrides.source).name if overrides.source else None,
        },
    }
    return json.loads(document_json(doc))


def build_documents(con: duckdb.DuckDBPyConnection, market: str, period: str, run_info: RunInfo,
                    overrides_dir: Path | None) -> list[dict]:
    """Return one validated spotlight document per role with metrics for (market, period), by role id."""
    units = {u["unit_id"]: u for u in query_rows(con, "units")}
    names = {r["role_id"]: r for r in query_rows(con, "role_names")}
    documents = []
    for role in query_rows(con, "reported_roles", market=market, period=period):
        overrides = role_overrides(overrides_dir, role["role_id"])
        doc = role_document(con, market, period, role, run_info, overrides, units, names)
        validate_document(doc)
        documents.append(doc)
    if not documents:
        log.warning("no role has metrics for market %s, period %s", market, period)
    return documents
