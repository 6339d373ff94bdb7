"""The normalise stage's table builders: roles of postings, and normalised CV profiles with their skills and jobs."""
from __future__ import annotations

import calendar
import importlib
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

import numpy as np
import pandas as pd

from normalise.roles import RoleClassifier
from normalise.skills import SkillExtractor
from normalise.taxonomy import Match, Taxonomy
from normalise.text import surface_key

log = logging.getLogger(__name__)

_METHOD_RANK = {"exact": 0, "alias": 1, "fuzzy": 2, "text": 3}


@dataclass(frozen=True)
class ProfileTables:
    profiles_normalised: pd.DataFrame
    profile_skills: pd.DataFrame
    profile_jobs: pd.DataFrame
    skill_review: pd.DataFrame


def posting_roles(facts: pd.DataFrame, classifier: RoleClassifier) -> pd.DataFrame:
    """Return the `posting_roles` table for posting facts (posting_id, market, period, title_clean)."""
    _require(facts, ("posting_id", "market", "period", "title_clean"), "posting_roles")
    predicted = classifier.predict(facts["title_clean"].tolist())
    return pd.DataFrame({
        "posting_id": facts["posting_id"].to_numpy(),
        "market": facts["market"].to_numpy(),
        "period": facts["period"].to_numpy(),
        "role_id": predicted["role_id"].to_numpy(),
        "role_confidence": predicted["role_confidence"].to_numpy(dtype="float64"),
        "seniority": predicted["seniority"].to_numpy(),
    })


@dataclass(frozen=True)
class PostingTables:
    posting_roles: pd.DataFrame
    posting_skills: pd.DataFrame


def postings_normalised(
    texts: pd.DataFrame, classifier: RoleClassifier, extractor: SkillExtractor
) -> PostingTables:
    """Return the role and the cited skills of each posting of `texts` (posting_id, market, period, title_clean,
    description_clean); skills sorted by posting and skill, as every chunking of a period gives them."""
    skills = extractor.posting_skills(texts[["posting_id", "market", "period", "description_clean"]])
    return PostingTables(
        posting_roles=posting_roles(texts, classifier),
        posting_skills=skills.sort_values(["posting_id", "skill_id"], kind="stable", ignore_index=True),
    )


def profiles_normalised(
    profiles: pd.DataFrame,
    taxonomy: Taxonomy,
    classifier: RoleClassifier,
    extractor: SkillExtractor,
    period_end: date,
) -> ProfileTables:
    """Return the four profile tables: role and place, mapped skills, classified jobs, and unmatched skill strings."""
    _require(profiles, ("profile_id", "market", "period", "headline", "location_raw", "skills_raw", "summary",
                        "work_history"), "profiles_normalised")
    matches = skill_string_matches(profiles, taxonomy)
    return ProfileTables(
        profiles_normalised=profile_roles_and_places(profiles, classifier),
        profile_skills=profile_skills(profiles, matches, extractor),
        profile_jobs=profile_jobs(profiles, classifier, period_end),
        skill_review=skill_review(profiles, matches, taxonomy),
    )


def skill_string_matches(profiles: pd.DataFrame, taxonomy: Taxonomy) -> dict[str, Match | None]:
    """Return `Taxonomy.match` of every distinct listed skill string (CV skill lists repeat the same strings)."""
    distinct = dict.fromkeys(text for skills_raw in profiles["skills_raw"] for text in _strings(skills_raw))
    return {text: taxonomy.match(text) for text in distinct}


def profile_roles_and_places(profiles: pd.DataFrame, classifier: RoleClassifier) -> pd.DataFrame:
    """Return the `profiles_normalised` table: role and seniority of the headline, region of the location."""
    predicted = classifier.predict(profiles["headline"].tolist())
    parse = location_parser()
    places = [_place(parse, text) for text in profiles["location_raw"].tolist()]
    return pd.DataFrame({
        "profile_id": profiles["profile_id"].to_numpy(),
        "market": profiles["market"].to_numpy(),
        "period": profiles["period"].to_numpy(),
        "role_id": predicted["role_id"].to_numpy(),
        "role_confidence": predicted["role_confidence"].to_numpy(dtype="float64"),
        "seniority": predicted["seniority"].to_numpy(),
        "region": [p[0] for p in places],
        "is_london": np.array([p[1] for p in places], dtype=bool),
    })


def profile_skills(
    profiles: pd.DataFrame, matches: Mapping[str, Match | None], extractor: SkillExtractor
) -> pd.DataFrame:
    """Return the `profile_skills` table: listed skill strings matched to skills (`matches`, from
    `skill_string_matches`), plus skills found in the summary."""
    rows = []
    for profile_id, market, period, skills_raw, summary in zip(
        profiles["profile_id"], profiles["market"], profiles["period"], profiles["skills_raw"], profiles["summary"]
    ):
        best: dict[str, str] = {}
        for text in _strings(skills_raw):
            found = matches[text]
            if found is None:
                continue
            current = best.get(found.skill_id)
            if current is None or _METHOD_RANK[found.method] < _METHOD_RANK[current]:
                best[found.skill_id] = found.method
        if isinstance(summary, str):
            for skill_id in extractor.skill_counts(summary):
                best.setdefault(skill_id, "text")
        rows.extend((profile_id, market, period, skill_id, method) for skill_id, method in best.items())
    return pd.DataFrame(rows, columns=["profile_id", "market", "period", "skill_id", "match_method"])


def skill_review(profiles: pd.DataFrame, matches: Mapping[str, Match | None], taxonomy: Taxonomy) -> pd.DataFrame:
    """Return the `skill_review` table: listed skill strings no skill matched (`matches`, from
    `skill_string_matches`), with counts and top-3 suggestions."""
    counts: Counter = Counter()
    for market, period, skills_raw in zip(profiles["market"], profiles["period"], profiles["skills_raw"]):
        unmatched = {surface_key(t) for t in _strings(skills_raw) if matches[t] is None}
        counts.update((market, period, key) for key in unmatched if key)
    rows = []
    for (market, period, text), occurrences in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        suggestions = "; ".join(f"{skill_id}:{score:.0f}" for skill_id, score in taxonomy.suggestions(text))
        rows.append((market, period, text, occurrences, suggestions or None))
    frame = pd.DataFrame(rows, columns=["market", "period", "text", "occurrences", "suggestions"])
    return frame.astype({"occurrences": "int64"})


def profile_jobs(profiles: pd.DataFrame, classifier: RoleClassifier, period_end: date) -> pd.DataFrame:
    """Return the `profile_jobs` table: each job of each work history with its role and tenure, oldest first."""
    jobs = []
    skipped = 0
    for profile_id, market, period, history in zip(
        profiles["profile_id"], profiles["market"], profiles["period"], profiles["work_history"]
    ):
        seq = 0
        for item in _items(history):
            start, end = _as_date(item.get("start_date")), _as_date(item.get("end_date"))
            title = item.get("title")
            if start is None or not isinstance(title, str) or not title.strip():
                skipped += 1
                continue
            tenure = whole_months(start, end or period_end)
            jobs.append((profile_id, market, period, seq, title, item.get("employer"), start, end, tenure))
            seq += 1
    if skipped:
        log.warning("profile_jobs: %d work-history item(s) without a title or start date were left out", skipped)
    frame = pd.DataFrame(jobs, columns=["profile_id", "market", "period", "seq", "title", "employer", "start_date",
                                        "end_date", "tenure_months"])
    frame.insert(5, "role_id", classifier.predict(frame["title"].tolist())["role_id"].to_numpy() if len(frame) else [])
    return frame.astype({"seq": "int64", "tenure_months": "int64"})


def whole_months(start: date, end: date) -> int:
    """Return the whole months from `start` to `end` (0 when end precedes start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    # A month counts once the day of the month is reached; a start on the 31st completes at the month's last day.
    start_day = min(start.day, calendar.monthrange(end.year, end.month)[1])
    if end.day < start_day:
        months -= 1
    return max(months, 0)


def location_parser() -> Callable[[str | None], Any] | None:
    """Return extract.location.parse_location when that module exists, else None."""
    try:
        module = importlib.import_module("extract.location")
    except ImportError:
        return None
    return getattr(module, "parse_location", None)


def _place(parse: Callable[[str | None], Any] | None, text: Any) -> tuple[str, bool]:
    """Return (region, is_london) for a location text; ("unknown", False) without a parser or a result."""
    if parse is None or not isinstance(text, str):
        return "unknown", False
    location = parse(text)
    region = getattr(location, "region", None) or "unknown"
    return str(region), bool(getattr(location, "is_london", False))


def _strings(value: Any) -> list[str]:
    """Return the non-empty strings of a list-like cell."""
    if value is None or isinstance(value, float):
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if isinstance(v, str) and v.strip()]


def _items(value: Any) -> list[dict]:
    """Return the dict items of a work-history cell."""
    if value is None or isinstance(value, float):
        return []
    return [v for v in value if isinstance(v, dict)]


def _as_date(value: Any) -> date | None:
    """Return a date from a date, datetime, Timestamp or ISO string; None when absent or unparseable."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    """Raise ValueError naming the missing input columns."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: input lacks columns {missing}")
