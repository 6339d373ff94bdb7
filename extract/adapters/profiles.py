"""CV profile adapters: JSON Resume documents (`jsonresume`) and the shared profile-field conversions.

JSON Lines JSON Resume files land through the compiled twin in `extract/_profiles.pyx` when that extension is built
(`extract.ingest.PROFILES_COMPILED`); `profile_from_resume` and the conversions here are its specification and the
fallback for every line and file it leaves to them.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from operator import itemgetter
from typing import Any

import orjson

from extract.adapters.base import (
    Row,
    RowRejected,
    file_rows,
    json_or_lines_records,
    jsonl_records,
    partial_date,
    stem_format,
    text,
)
from extract.sources import SourceConfig

# File extensions (before any `.gz`) of JSON Resume files read as JSON Lines, one document per line.
LINES_EXTENSIONS = ("jsonl", "ndjson")


def content_hash(document: Any) -> str:
    """Return the first 16 hex of sha256 of `document` as canonical JSON (sorted keys): a stable stand-in id."""
    canonical = orjson.dumps(document, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(canonical).hexdigest()[:16]


def job_from_item(item: Any, index: int) -> dict[str, Any]:
    """Return one work-history entry from a JSON Resume `work[]` item or a flat {title, employer, ...} object."""
    if not isinstance(item, (dict, Mapping)):
        raise RowRejected("bad_work_history", f"work[{index}] is not an object")
    return {
        "title": text(item.get("position", item.get("title"))),
        "employer": text(item.get("name", item.get("employer", item.get("company")))),
        "start_date": partial_date(item.get("startDate", item.get("start_date")), f"work[{index}].startDate"),
        "end_date": partial_date(item.get("endDate", item.get("end_date")), f"work[{index}].endDate"),
    }


def work_history(items: Any) -> list[dict[str, Any]]:
    """Return work-history entries oldest first (undated entries last, in their given order)."""
    if items is None:
        return []
    if isinstance(items, str):
        if not items.strip():
            return []
        try:
            items = orjson.loads(items)
        except orjson.JSONDecodeError as exc:
            raise RowRejected("bad_work_history", f"work history is not valid JSON: {exc}") from None
    if not isinstance(items, list):
        raise RowRejected("bad_work_history", f"work history must be a list, got {type(items).__name__}")
    jobs = [job_from_item(item, i) for i, item in enumerate(items)]
    dated = sorted((j for j in jobs if j["start_date"] is not None), key=itemgetter("start_date"))
    return dated + [j for j in jobs if j["start_date"] is None]


def skill_strings(skills: Any, separator: str = ";") -> list[str]:
    """Return skill strings, de-duplicated in order, from a list (of strings or JSON Resume skill objects) or text."""
    if skills is None:
        return []
    if isinstance(skills, str):
        skills = skills.split(separator)
    if not isinstance(skills, list):
        raise RowRejected("bad_skills", f"skills must be a list or a {separator!r}-separated string")
    found: list[str] = []
    seen: set[str] = set()
    for skill in skills:
        if isinstance(skill, (dict, Mapping)):
            keywords = skill.get("keywords") or []
            candidates = [skill.get("name"), *(keywords if isinstance(keywords, list) else [keywords])]
        else:
            candidates = [skill]
        for candidate in candidates:
            value = (candidate if candidate.__class__ is str else text(candidate) or "").strip()
            if value and value not in seen:
                seen.add(value)
                found.append(value)
    return found


def profile_from_resume(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the canonical profile of one JSON Resume document; `meta.id`, else a content hash, is its id."""
    if not isinstance(document, (dict, Mapping)):
        raise RowRejected("not_an_object", f"expected a JSON Resume object, got {type(document).__name__}")
    basics = document.get("basics")
    basics = basics if isinstance(basics, (dict, Mapping)) else {}
    meta = document.get("meta")
    meta = meta if isinstance(meta, (dict, Mapping)) else {}
    location = basics.get("location")
    location = location if isinstance(location, (dict, Mapping)) else {}
    jobs = work_history(document.get("work"))
    headline = text(basics.get("label"))
    if headline is None:
        # No headline given: the current (latest-starting) job title stands in for it.
        current = [j for j in jobs if j["end_date"] is None and j["title"]]
        headline = (current or [j for j in jobs if j["title"]] or [{"title": None}])[-1]["title"]
    place = [text(location.get("city")), text(location.get("region"))]
    return {
        "source_id": text(meta.get("id")) or content_hash(document),
        "headline": headline,
        "location_raw": ", ".join(p for p in place if p) or None,
        "skills_raw": skill_strings(document.get("skills")),
        "summary": text(basics.get("summary")),
        "work_history": jobs,
    }


def resume_records(path: str) -> Iterator[tuple[int, Any]]:
    """Return (row, document) per JSON Resume in `path`: JSON Lines, a JSON array, or a single document."""
    if stem_format(path) in LINES_EXTENSIONS:
        return jsonl_records(path)
    return json_or_lines_records(path)


def jsonresume_rows(source: SourceConfig, period: str) -> Iterator[Row]:
    """Return the rows of a `jsonresume` source for `period`."""
    return file_rows(source, period, resume_records, profile_from_resume)
