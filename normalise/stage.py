"""The normalise stage's table builders: roles of postings, and normalised CV profiles with their skills and jobs."""
from __future__ import annotations

import calendar
import importlib
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from normalise.roles import RoleClassifier
from normalise.skills import SkillExtractor, column_at, skill_count_rows, string_column
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
        "posting_id": column_at(facts["posting_id"]),
        "market": column_at(facts["market"]),
        "period": column_at(facts["period"]),
        "role_id": column_at(predicted["role_id"]),
        "role_confidence": predicted["role_confidence"].to_numpy(dtype="float64"),
        "seniority": column_at(predicted["seniority"]),
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
        posting_skills=by_posting_and_skill(skills),
    )


def by_posting_and_skill(skills: pd.DataFrame) -> pd.DataFrame:
    """Return `skills` (posting_id, skill_id, ...) stably sorted by posting and skill, with a fresh index."""
    posting_ids, skill_ids = skills["posting_id"], skills["skill_id"]
    arrow = pd.StringDtype("pyarrow", na_value=np.nan)
    if len(skills) < 2 or posting_ids.dtype != arrow or skill_ids.dtype != arrow or posting_ids.hasnans \
            or skill_ids.hasnans:
        return skills.sort_values(["posting_id", "skill_id"], kind="stable", ignore_index=True)
    # Texts come in posting_id order, so rows are usually by posting already and only each posting's skills need
    # ordering. Arrow compares strings by UTF-8 bytes, which is code point order, the order pandas sorts them in.
    postings = pa.array(posting_ids.array)
    earlier, later = postings[:-1], postings[1:]
    if not pc.all(pc.less_equal(earlier, later)).as_py():
        return skills.sort_values(["posting_id", "skill_id"], kind="stable", ignore_index=True)
    posting_rank = np.concatenate(([0], np.cumsum(pc.not_equal(earlier, later).to_numpy(zero_copy_only=False))))
    codes, distinct = pd.factorize(skill_ids)
    skill_rank = np.empty(len(distinct), dtype=np.int64)
    skill_rank[distinct.argsort()] = np.arange(len(distinct))
    order = np.argsort(posting_rank * len(distinct) + skill_rank[codes], kind="stable")
    return skills.take(order).reset_index(drop=True)


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
    listed = dict.fromkeys(chain.from_iterable(map(_listed, profiles["skills_raw"].tolist())))
    return {text: taxonomy.match(text) for text in listed if isinstance(text, str) and text.strip()}


def profile_roles_and_places(profiles: pd.DataFrame, classifier: RoleClassifier) -> pd.DataFrame:
    """Return the `profiles_normalised` table: role and seniority of the headline, region of the location."""
    predicted = classifier.predict(profiles["headline"].tolist())
    parse = location_parser()
    locations = profiles["location_raw"].tolist()
    place_of = {text: _place(parse, text) for text in dict.fromkeys(locations)}  # locations repeat a lot
    places = [place_of[text] for text in locations]
    return pd.DataFrame({
        "profile_id": column_at(profiles["profile_id"]),
        "market": column_at(profiles["market"]),
        "period": column_at(profiles["period"]),
        "role_id": column_at(predicted["role_id"]),
        "role_confidence": predicted["role_confidence"].to_numpy(dtype="float64"),
        "seniority": column_at(predicted["seniority"]),
        "region": [p[0] for p in places],
        "is_london": np.array([p[1] for p in places], dtype=bool),
    })


def profile_skills(
    profiles: pd.DataFrame, matches: Mapping[str, Match | None], extractor: SkillExtractor
) -> pd.DataFrame:
    """Return the `profile_skills` table: listed skill strings matched to skills (`matches`, from
    `skill_string_matches`), plus skills found in the summary."""
    columns = ["profile_id", "market", "period", "skill_id", "match_method"]
    # Summary skills in one batch: rows ascend, each row's skills in order of first mention (as skill_counts).
    summary_rows, summary_skill_ids, _ = skill_count_rows(extractor, profiles["summary"].tolist())
    next_summary, summaries_found = 0, len(summary_rows)
    positions: list[int] = []
    skill_ids: list[str] = []
    methods: list[str] = []
    matched = {text: (found.skill_id, found.method) for text, found in matches.items()
               if found is not None and isinstance(text, str) and text.strip()}
    for position, skills_raw in enumerate(profiles["skills_raw"].tolist()):
        best: dict[str, str] = {}
        for text in _listed(skills_raw):
            found = matched.get(text)
            if found is None:
                continue
            skill_id, method = found
            current = best.get(skill_id)
            if current is None or _METHOD_RANK[method] < _METHOD_RANK[current]:
                best[skill_id] = method
        while next_summary < summaries_found and summary_rows[next_summary] == position:
            best.setdefault(summary_skill_ids[next_summary], "text")
            next_summary += 1
        if best:
            positions += [position] * len(best)
            skill_ids += best
            methods += best.values()
    if not positions:
        return pd.DataFrame([], columns=columns)
    at = np.asarray(positions, dtype=np.intp)
    return pd.DataFrame({
        "profile_id": column_at(profiles["profile_id"], at),
        "market": column_at(profiles["market"], at),
        "period": column_at(profiles["period"], at),
        "skill_id": string_column(skill_ids),
        "match_method": string_column(methods),
    })


def skill_review(profiles: pd.DataFrame, matches: Mapping[str, Match | None], taxonomy: Taxonomy) -> pd.DataFrame:
    """Return the `skill_review` table: listed skill strings no skill matched (`matches`, from
    `skill_string_matches`), with counts and top-3 suggestions."""
    counts: Counter = Counter()
    unmatched_key = {text: surface_key(text) for text, found in matches.items()
                     if found is None and isinstance(text, str) and text.strip()}
    for market, period, skills_raw in zip(
        profiles["market"].tolist(), profiles["period"].tolist(), profiles["skills_raw"].tolist()
    ):
        unmatched = {key for text in _listed(skills_raw) if (key := unmatched_key.get(text))}
        if unmatched:
            counts.update((market, period, key) for key in unmatched)
    rows = []
    for (market, period, text), occurrences in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        suggestions = "; ".join(f"{skill_id}:{score:.0f}" for skill_id, score in taxonomy.suggestions(text))
        rows.append((market, period, text, occurrences, suggestions or None))
    frame = pd.DataFrame(rows, columns=["market", "period", "text", "occurrences", "suggestions"])
    return frame.astype({"occurrences": "int64"})


def profile_jobs(profiles: pd.DataFrame, classifier: RoleClassifier, period_end: date) -> pd.DataFrame:
    """Return the `profile_jobs` table: each job of each work history with its role and tenure, oldest first."""
    columns = ["profile_id", "market", "period", "seq", "title", "employer", "start_date", "end_date",
               "tenure_months"]
    # Lists per column, not a tuple per job: the garbage collector walks every live tuple (~350k jobs a month).
    positions: list[int] = []
    seqs: list[int] = []
    titles: list[str] = []
    employers: list[Any] = []
    starts: list[date] = []
    ends: list[date | None] = []
    tenures: list[int] = []
    skipped = 0
    for position, history in enumerate(profiles["work_history"].tolist()):
        seq = 0
        for item in _items(history):
            start, end = _as_date(item.get("start_date")), _as_date(item.get("end_date"))
            title = item.get("title")
            if start is None or not isinstance(title, str) or not title.strip():
                skipped += 1
                continue
            positions.append(position)
            seqs.append(seq)
            titles.append(title)
            employers.append(item.get("employer"))
            starts.append(start)
            ends.append(end)
            tenures.append(whole_months(start, end or period_end))
            seq += 1
    if skipped:
        log.warning("profile_jobs: %d work-history item(s) without a title or start date were left out", skipped)
    if not titles:
        frame = pd.DataFrame([], columns=columns)
        frame.insert(5, "role_id", [])
        return frame.astype({"seq": "int64", "tenure_months": "int64"})
    at = np.asarray(positions, dtype=np.intp)
    return pd.DataFrame({
        "profile_id": column_at(profiles["profile_id"], at),
        "market": column_at(profiles["market"], at),
        "period": column_at(profiles["period"], at),
        "seq": np.asarray(seqs, dtype="int64"),
        "title": titles,
        "role_id": column_at(classifier.predict(titles)["role_id"]),
        "employer": employers,
        "start_date": starts,
        "end_date": ends,
        "tenure_months": np.asarray(tenures, dtype="int64"),
    })


def whole_months(start: date, end: date) -> int:
    """Return the whole months from `start` to `end` (0 when end precedes start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    # A month counts once the day of the month is reached; a start on the 31st completes at the month's last day.
    start_day = start.day
    if start_day > 28:  # every month has at least 28 days
        start_day = min(start_day, calendar.monthrange(end.year, end.month)[1])
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


def _listed(value: Any) -> list:
    """Return the items of a list-like skills cell to look strings up by: a list as it is, else its `_strings`."""
    return value if type(value) is list else _strings(value)


def _items(value: Any) -> list[dict]:
    """Return the dict items of a work-history cell."""
    if value is None or isinstance(value, float):
        return []
    return [v for v in value if isinstance(v, dict)]


def _as_date(value: Any) -> date | None:
    """Return a date from a date, datetime, Timestamp or ISO string; None when absent or unparseable."""
    if type(value) is date:
        return value
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
