"""HTML pages: one self-contained page per role and month, and the index of roles and months."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import jinja2

from reports import formatting as fmt
from reports.charts import series_colour, trend_svg

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class IndexEntry:
    """One published page: role, market, period and its link relative to the index."""

    role_id: str
    role_name: str
    market: str
    period: str
    href: str


def plural(name: str) -> str:
    """Return 'Machine Learning Engineers', 'Software Engineers (Backend)' for a role name."""
    head, sep, tail = name.partition(" (")
    head = head + ("es" if head.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{head}{sep}{tail}"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Return the Jinja2 environment: autoescaping on everywhere (ad and CV text is untrusted), strict undefined."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({
        "salary": fmt.salary, "day_rate": fmt.day_rate, "pct": fmt.pct, "signed_pct": fmt.signed_pct,
        "signed_int": fmt.signed_int, "whole": fmt.whole_pct, "plural": plural, "article": fmt.article,
        "period_label": fmt.period_label, "colour": series_colour,
    })
    return env


def default_aliases(doc: dict) -> dict[str, list[str]]:
    """Return skill aliases from the installed taxonomy when its version is the document's; else none."""
    try:
        from normalise.taxonomy import load_taxonomy
        taxonomy = load_taxonomy()
    except Exception as exc:  # noqa: BLE001 - the page still works on names alone
        log.warning("no taxonomy aliases for the gap form (%s); names only", exc)
        return {}
    if taxonomy.version != doc["quality"]["taxonomy_version"]:
        log.warning("taxonomy %s is not the document's %s; gap form uses names only",
                    taxonomy.version, doc["quality"]["taxonomy_version"])
        return {}
    return {skill_id: list(skill.aliases) for skill_id, skill in taxonomy.skills.items()}


def gap_form_data(doc: dict, aliases: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Return what the page's offline gap form needs: listed units, combinations, surfaces of their skills."""
    skill_ids = sorted({
        s for unit in doc["skills"] for s in unit["member_skill_ids"]
    } | {s for c in doc["premium_combinations"] for m in c["members"] for s in m["member_skill_ids"]})
    return {
        "role": doc["role"]["name"],
        "units": [
            {"id": u["unit_id"], "name": u["name"], "tier": u["tier"], "demand": u["demand"]["pct"],
             "skills": u["member_skill_ids"]}
            for u in doc["skills"]
        ],
        "combos": [
            {"name": c["name"], "uplift": c["uplift_label"],
             "members": [{"name": m["name"], "skills": m["member_skill_ids"]} for m in c["members"]]}
            for c in doc["premium_combinations"]
        ],
        "surfaces": {s: sorted(set(aliases.get(s, ()))) for s in skill_ids},
    }


def render_role_page(doc: dict, aliases: Mapping[str, Sequence[str]] | None = None) -> str:
    """Return the self-contained HTML page of one spotlight document (aliases feed the offline gap form)."""
    if aliases is None:
        aliases = default_aliases(doc)
    template = environment().get_template("role.html.j2")
    return template.render(
        doc=doc, fmt=fmt,
        trend_chart=trend_svg(doc["trends"], css_class="trend-chart chart-wide"),
        trend_chart_narrow=trend_svg(doc["trends"], 360, 240, 4, "trend-chart chart-narrow"),
        gap_data=gap_form_data(doc, aliases),
        year=fmt.period_year(doc["period"]),
    )


def index_entry(item: IndexEntry | Mapping[str, Any]) -> IndexEntry:
    """Return an IndexEntry from an entry or a mapping with role (id, name), market, period and optional href."""
    if isinstance(item, IndexEntry):
        return item
    role = item["role"]
    href = item.get("href") or f"periods/{item['period']}/{item['market']}/{role['id']}.html"
    return IndexEntry(role["id"], role["name"], item["market"], item["period"], href)


def render_index(entries: Iterable[IndexEntry | Mapping[str, Any]]) -> str:
    """Return the index page: one table per market, a row per role, a column per month (newest first)."""
    items = sorted({index_entry(e) for e in entries}, key=lambda e: (e.market, e.role_name, e.role_id, e.period))
    markets = []
    for market in sorted({e.market for e in items}):
        mine = [e for e in items if e.market == market]
        periods = sorted({e.period for e in mine}, reverse=True)
        roles = []
        for role_id in sorted({e.role_id for e in mine}, key=lambda r: next(e.role_name for e in mine if e.role_id == r)):
            links = {e.period: e.href for e in mine if e.role_id == role_id}
            name = next(e.role_name for e in mine if e.role_id == role_id and e.period == max(links))
            roles.append({"id": role_id, "name": name, "links": links})
        markets.append({"id": market, "name": fmt.market_name(market), "periods": periods, "roles": roles})
    return environment().get_template("index.html.j2").render(markets=markets)
