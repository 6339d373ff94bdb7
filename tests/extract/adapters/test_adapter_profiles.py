"""CV profile adapters: JSON Resume documents and the documented flat CSV / JSON Lines form."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from extract.adapters.base import RowRejected
from extract.adapters.profiles import (
    content_hash,
    profile_from_resume,
    skill_strings,
    work_history,
)
from extract.contracts import PROFILES

RESUME = {
    "basics": {
        "name": "C. Person", "label": "Machine Learning Engineer", "summary": "Ships ranking models.",
        "location": {"city": "Manchester", "region": "North West", "countryCode": "GB"},
    },
    "work": [
        {"name": "Heron Bank", "position": "ML Engineer", "startDate": "2022-02-01"},
        {"name": "Vole Labs", "position": "Data Analyst", "startDate": "2019-06", "endDate": "2022-01"},
    ],
    "skills": [{"name": "Python", "keywords": ["pandas", "PyTorch"]}, {"name": "MLOps", "keywords": ["pandas"]}],
    "meta": {"id": "cv-42"},
}


def test_resume_maps_to_profile() -> None:
    assert profile_from_resume(RESUME) == {
        "source_id": "cv-42",
        "headline": "Machine Learning Engineer",
        "location_raw": "Manchester, North West",
        "skills_raw": ["Python", "pandas", "PyTorch", "MLOps"],
        "summary": "Ships ranking models.",
        "work_history": [  # oldest first, whatever the document order
            {"title": "Data Analyst", "employer": "Vole Labs", "start_date": dt.date(2019, 6, 1), "end_date": dt.date(2022, 1, 1)},
            {"title": "ML Engineer", "employer": "Heron Bank", "start_date": dt.date(2022, 2, 1), "end_date": None},
        ],
    }


def test_missing_meta_id_uses_a_stable_content_hash() -> None:
    document = {**RESUME, "meta": {}}
    first = profile_from_resume(document)["source_id"]
    reordered = dict(reversed(list(document.items())))
    assert first == profile_from_resume(reordered)["source_id"] == content_hash(document)
    assert len(first) == 16


@pytest.mark.parametrize(
    ("basics", "expected"),
    [
        # no label: the current job's title stands in
        ({}, "ML Engineer"),
        # an explicit label wins
        ({"label": "Lead MLE"}, "Lead MLE"),
    ],
)
def test_headline_fallback(basics: dict, expected: str) -> None:
    assert profile_from_resume({**RESUME, "basics": basics})["headline"] == expected


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{"position": "x", "startDate": "Spring 2020"}], "bad_date"),  # not an ISO (partial) date
        ('[{"title": "x"', "bad_work_history"),  # flat form: JSON text that does not parse
        ([["not", "an", "object"]], "bad_work_history"),
    ],
)
def test_bad_work_history_rejects(items: object, code: str) -> None:
    with pytest.raises(RowRejected) as info:
        work_history(items)
    assert info.value.code == code


def test_skill_strings_from_text_and_lists() -> None:
    assert skill_strings("Python; SQL ;;python;SQL") == ["Python", "SQL", "python"]
    assert skill_strings([{"name": "Go", "keywords": "gRPC"}, "Rust"]) == ["Go", "gRPC", "Rust"]


def test_jsonresume_sources_land(land_source) -> None:
    lines = json.dumps(RESUME) + "\n" + json.dumps({**RESUME, "meta": {"id": "cv-43"}, "basics": {}, "work": []}) + "\n"
    entry = (
        "  - {name: cv_lines, kind: profiles, format: jsonresume, path: 'cv/{period}/*.jsonl'}\n"
        "  - {name: cv_array, kind: profiles, format: jsonresume, path: 'cv/{period}/array.json'}\n"
    )
    landed = land_source(entry, {
        "cv/2024-03/a.jsonl": lines,
        "cv/2024-03/array.json": json.dumps([RESUME, 7]),
    })
    PROFILES.conform(landed.profiles)
    assert landed.profiles[["source", "source_id"]].values.tolist() == [["cv_lines", "cv-42"], ["cv_array", "cv-42"]]
    assert landed.quarantine[["source", "source_row", "reason_code"]].values.tolist() == [
        ["cv_lines", 1, "missing_headline"],  # no label and no jobs: nothing to stand in
        ["cv_array", 1, "not_an_object"],
    ]
    assert landed.profiles["period"].tolist() == ["2024-03", "2024-03"]


def test_profiles_flat_csv_and_jsonl(land_source) -> None:
    csv_text = (
        "id,headline,location,skills,summary,work_history\n"
        'f1,Data Engineer,Leeds,"Python; dbt; Airflow",Pipelines,"[{""title"": ""Data Engineer"", ""employer"": '
        '""Tern"", ""start_date"": ""2021-04-01"", ""end_date"": null}]"\n'
        "f2,Data Analyst,York,SQL,,not json\n"
    )
    jsonl = json.dumps({"id": "f3", "headline": "AI Engineer", "skills": ["LangChain", "RAG"], "work_history": []})
    entry = "  - {name: flat, kind: profiles, format: profiles_flat, path: 'flat/{period}/*'}\n"
    landed = land_source(entry, {"flat/2024-03/a.csv": csv_text, "flat/2024-03/b.jsonl": jsonl})
    PROFILES.conform(landed.profiles)
    rows = landed.profiles.to_dict("records")
    assert [r["source_id"] for r in rows] == ["f1", "f3"]
    assert list(rows[0]["skills_raw"]) == ["Python", "dbt", "Airflow"]
    assert rows[0]["work_history"][0]["start_date"] == dt.date(2021, 4, 1)
    assert list(rows[1]["skills_raw"]) == ["LangChain", "RAG"]
    assert landed.quarantine[["source_row", "reason_code"]].values.tolist() == [[1, "bad_work_history"]]


def test_broken_single_resume_document_is_an_unreadable_file(land_source) -> None:
    from extract.adapters.base import SourceReadError

    entry = "  - {name: cv, kind: profiles, format: jsonresume, path: 'cv.json'}\n"
    with pytest.raises(SourceReadError, match="cv.json"):
        land_source(entry, {"cv.json": '{\n  "basics": {"label": "x"},\n'})


def test_skill_strings_drop_repeats_after_stripping_in_first_seen_order() -> None:
    skills = [" Python", {"name": "SQL ", "keywords": ["Python ", "dbt", " "]}, "SQL", 3, None, {"keywords": None}]
    assert skill_strings(skills) == ["Python", "SQL", "dbt", "3"]
