"""The compiled landing of JSON Resume lines (extract/_profiles.pyx) gives what the reference path gives."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import ingest
from extract.contracts import PROFILES
from extract.sources import SourceConfig
from tests.extract.landing_fixtures import assert_same_part

compiled = pytest.importorskip("extract._profiles", reason="the compiled module is not built")

PERIOD = "2024-03"
_DROP = object()


def _resume(**fields: object) -> dict[str, object]:
    """Return a JSON Resume document the reference accepts, with `fields` replacing or adding top-level keys."""
    document: dict[str, object] = {
        "basics": {
            "name": "A. Person", "label": "Data Engineer", "summary": "Builds pipelines.",
            "location": {"city": "Leeds", "region": "Yorkshire", "countryCode": "GB"},
        },
        "work": [
            {"name": "Heron Bank", "position": "Data Engineer", "startDate": "2022-02-01"},
            {"name": "Vole Labs", "position": "Analyst", "startDate": "2019-06-01", "endDate": "2022-01-01"},
        ],
        "skills": [{"name": "Python", "keywords": ["SQL"]}],
        "meta": {"id": "cv-1"},
    }
    document.update(fields)
    return {key: value for key, value in document.items() if value is not _DROP}


def _source(directory: Path, text: str | bytes, name: str = "cv.jsonl") -> SourceConfig:
    path = directory / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return SourceConfig(name="cv", kind="profiles", format="jsonresume", path=str(path))


def _lines(*documents: object) -> str:
    return "".join((d if isinstance(d, str) else json.dumps(d)) + "\n" for d in documents)


def _both(source: SourceConfig) -> tuple[ingest.LandedPart, ingest.LandedPart]:
    return ingest._landed_part_resumes(source, PERIOD, "uk"), ingest._landed_part_reference(source, PERIOD, "uk")


def test_compiled_profiles_landing_is_built():
    # CI has gcc: a failed build must fail here rather than leave profile landing on the slow path
    assert ingest.PROFILES_COMPILED and ingest._profiles is compiled


def test_compiled_fields_are_the_collectors():
    # the scanner fills these record fields: a new profiles column must be added to it too
    assert compiled.PROFILE_FIELDS == ingest._Collector("profiles", "uk", PERIOD, PROFILES, "profile_id").fields


def test_gzipped_lines_land_compiled_as_the_reference(tmp_path: Path) -> None:
    source = _source(tmp_path, gzip.compress(_lines(_resume(), "[]").encode()), "cv.ndjson.gz")
    part, reference = _both(source)
    assert_same_part(part, reference)
    assert part.accepted["source_id"].tolist() == ["cv-1"] and [q[2] for q in part.quarantined] == ["not_an_object"]


def test_compiled_profile_values(tmp_path: Path) -> None:
    unusual = _resume(
        basics={"label": "\u2003", "summary": "Line\nbreak \u00a3 \U0001F600", "location": {"region": "Wales"}},
        work=[
            {"company": "Tern", "title": "Lead", "startDate": "2021"},  # flat keys; partial year
            {"name": "Kite", "position": "Engineer", "startDate": "2019-05", "endDate": "present"},
            {"name": "Owl", "position": None, "title": "ignored: position is given"},  # undated: last
            {"name": "Wren", "position": "Intern", "startDate": " 2018-07-03T09:00:00 ", "endDate": "2019-04"},
        ],
        skills=[" Python ", {"name": "SQL", "keywords": ["python", "Python", "\u00a0dbt\u00a0"]},
                {"keywords": "Airflow"}, None, {"name": "SQL", "keywords": None}],
        meta={"id": "cv-2"},
    )
    source = _source(tmp_path, _lines(_resume(), unusual))
    part, reference = _both(source)
    assert_same_part(part, reference)
    rows = part.accepted
    assert rows["profile_id"].tolist() == [
        hashlib.sha256(b"cv|cv-1").hexdigest()[:16], hashlib.sha256(b"cv|cv-2").hexdigest()[:16]
    ]
    # a Unicode-blank label: the latest-starting current job (Lead, 2021, no end date) stands in
    assert rows["headline"].tolist() == ["Data Engineer", "Lead"]
    assert rows["location_raw"].tolist() == ["Leeds, Yorkshire", "Wales"]
    assert rows["summary"].tolist() == ["Builds pipelines.", "Line\nbreak £ 😀"]
    assert [list(s) for s in rows["skills_raw"]] == [["Python", "SQL"], ["Python", "SQL", "python", "dbt", "Airflow"]]
    assert rows["work_history"].iloc[1] == [
        {"title": "Intern", "employer": "Wren", "start_date": dt.date(2018, 7, 3), "end_date": dt.date(2019, 4, 1)},
        {"title": "Engineer", "employer": "Kite", "start_date": dt.date(2019, 5, 1), "end_date": None},
        {"title": "Lead", "employer": "Tern", "start_date": dt.date(2021, 1, 1), "end_date": None},
        {"title": None, "employer": "Owl", "start_date": None, "end_date": None},
    ]
    assert rows["source_row"].tolist() == [0, 1]


@pytest.mark.parametrize(
    "line",
    [
        # rejected by the reference: each goes to it with its reason and raw record
        _resume(work=[{"position": "x", "startDate": "Spring 2020"}]),  # bad_date
        _resume(work=[{"position": "x", "startDate": "2020-13"}]),  # month 13: bad_date
        _resume(work=[{"position": "x", "startDate": "0000"}]),  # year 0: bad_date
        _resume(work=["Analyst"]),  # bad_work_history
        _resume(work={"position": "x"}),  # bad_work_history: not a list
        _resume(skills=7),  # bad_skills
        _resume(basics={}, work=[]),  # missing_headline: no label and no jobs
        _resume(meta={"id": "cv-1"}),  # duplicate_source_id of the first line
        "[1, 2]",  # not_an_object
        '{"basics": {"label": "x"}, "meta": {"id": "cv-9"}',  # unparseable_json: truncated
        json.dumps(_resume(meta={"id": "cv-9"})) + " {}",  # unparseable_json: data after the object
        json.dumps(_resume(meta={"id": "cv-9"})).replace('"Leeds"', '"Le\\ud800eds"'),  # a lone surrogate
        json.dumps(_resume(meta={"id": "cv-9"})).replace('"Leeds"', '"Le\x01eds"'),  # a raw control character
        json.dumps(_resume(meta={"id": "cv-9"}))[:-1] + ",}",  # a trailing comma
        "\x0c" + json.dumps(_resume(meta={"id": "cv-9"})),  # form feed is not JSON whitespace
        # accepted by the reference through values the scanner leaves to it
        _resume(meta={}),  # no id: a content hash
        _resume(meta={"id": 42}),  # a numeric id becomes its text
        _resume(basics={"label": 3.5}),  # a numeric label becomes its text
        _resume(work='[{"title": "Flat", "startDate": "2020-01-01"}]'),  # work history as JSON text
        _resume(skills="Python; SQL"),  # skills as text
        _resume(skills=[{"name": "Go", "keywords": [1, True]}]),  # keywords that are not text
        _resume(skills=[["nested"]]),  # a list as a skill
        _resume(work=[{"position": "x", "startDate": "20200105"}]),  # a basic ISO date
        _resume(work=[{"position": "x", "startDate": "2020/05"}]),  # seven characters, any separator
        _resume(work=[{"position": "x", "startDate": "2020-05-01\u00a0"}]),  # non-ASCII around a date
        _resume(work=[{"position": "x", "startDate": 2020}]),  # a numeric year
        _resume(work=[{"position": "x", "startDate": "2020-02-30"}]),  # not a calendar date: bad_date
        json.dumps(_resume(meta={"id": "cv-9"}))[:-1] + ', "meta": {"id": "cv-10"}}',  # a repeated key: last wins
        json.dumps(_resume(meta={"id": "cv-9"})).replace('"label"', '"l\\u0061bel"'),  # an escaped key
        json.dumps(_resume(meta={"id": "cv-9"})).replace('"2022-02-01"', '"2022-02-01", "startDate": "2010"'),
        json.dumps(_resume(meta={"id": "cv-9"})).replace("[", "[" * 70, 1).replace("]", "]" * 70, 1),  # deep
        json.dumps(_resume(meta={"id": "cv-9"}, extra=[1e5, 12345678901234567890])),  # exponent, long integer
    ],
)
def test_lines_the_scanner_leaves_to_the_reference_land_the_same(tmp_path: Path, line: object) -> None:
    source = _source(tmp_path, _lines(_resume(), line, _resume(meta={"id": "cv-3"})))
    part, reference = _both(source)
    assert_same_part(part, reference)
    assert len(part.order) == 3


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('"position": "Data Engineer"', '"position": "Intern", "position": "Data Engineer"'),  # repeated in a job
        ('"position": "Data Engineer"', '"p\\u006fsition": "Data Engineer"'),  # escaped in a job
        ('{"name": "Python"', '{"name": "Perl", "name": "Python"'),  # repeated in a skill
        ('"city": "Leeds"', '"city": "Hull", "city": "Leeds"'),  # repeated in basics.location
    ],
)
def test_nested_repeated_or_escaped_keys_go_to_the_reference(tmp_path: Path, before: str, after: str) -> None:
    nested = json.dumps(_resume(meta={"id": "cv-2"})).replace(before, after)
    text = _lines(_resume(), nested)
    slow: list[int] = []
    assert compiled.ResumeColumns("cv", set()).land_lines(text.encode(), lambda row, start, stop: slow.append(row)) == 2
    assert slow == [1]
    part, reference = _both(_source(tmp_path, text))
    assert_same_part(part, reference)
    # the last of a repeated key wins, and the escaped key reads as the key it spells
    assert [entry["title"] for entry in part.accepted["work_history"].iloc[1]] == ["Analyst", "Data Engineer"]
    assert list(part.accepted["skills_raw"].iloc[1]) == ["Python", "SQL"]
    assert part.accepted["location_raw"].tolist() == ["Leeds, Yorkshire"] * 2


def test_line_breaks_and_blank_lines_number_rows_as_the_reference(tmp_path: Path) -> None:
    text = (
        "\n \t\x0b\x0c\n" + json.dumps(_resume()) + "\r\n\r\n" + json.dumps(_resume(meta={"id": "cv-2"}))
        + "\r" + json.dumps(_resume(meta={"id": "cv-3"})) + "\x1c\n" + json.dumps(_resume(meta={"id": "cv-4"}))
    )
    part, reference = _both(_source(tmp_path, text))
    assert_same_part(part, reference)
    # \x1c is no line break for bytes.splitlines and no JSON whitespace: the third line does not parse
    assert part.accepted["source_row"].tolist() == [0, 1, 3]
    assert [q[1:3] for q in part.quarantined] == [(2, "unparseable_json")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (b"\xef\xbb\xbf" + _lines(_resume()).encode(), "cv.jsonl"),  # a BOM: the reference decodes it
        # cp1252 'é' (0xE9) is not UTF-8: the reference decodes the file with the detected encoding
        (json.dumps(_resume(basics={"label": "Café owner"}), ensure_ascii=False).encode("cp1252"), "cv.jsonl"),
        (json.dumps([_resume()]), "cv.json"),  # a JSON array: the reference's reader
    ],
)
def test_files_the_scanner_does_not_handle_land_through_the_reference(tmp_path: Path, text: object, name: str) -> None:
    source = _source(tmp_path, text, name)
    with pytest.raises(compiled.Unsupported):
        ingest._landed_part_resumes(source, PERIOD, "uk")
    assert_same_part(ingest.landed_part(source, PERIOD, "uk"), ingest._landed_part_reference(source, PERIOD, "uk"))
    assert len(ingest.landed_part(source, PERIOD, "uk").accepted) == 1


def test_no_accepted_profiles_give_the_reference_empty_frame(tmp_path: Path) -> None:
    part, reference = _both(_source(tmp_path, _lines("{}", "null")))
    assert_same_part(part, reference)
    assert len(part.accepted) == 0 and len(part.quarantined) == 2


def _mostly(plain: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """Return `plain` nine times in ten, else `odd`."""
    return st.integers(0, 9).flatmap(lambda i: odd if i == 0 else plain)


# Most values are ones the scanner lands itself; now and then one it leaves to the reference (`_ODD`, bad dates).
_TEXTS = st.sampled_from([None, "", " ", "x", " Python ", "SQL", "python", "\u00a0dbt", "\x1c", "\u2003", "é",
                          "a\"b\\c", "\U0001F600", "Lead\tEngineer"])
_DAYS = st.sampled_from([None, "", "2020", "2020-05", "2019-12", "2020-02-29", " 2019-01-31T00:00 ", "2018-07-03",
                         "Present", "NOW"])
_ODD = st.sampled_from([0, 7, 1.5, True, False, [], {}, "2021-02-29", "2020-1", "0000", "Spring 2020"])
_VALUES = _mostly(_TEXTS, _ODD)
_DATES = _mostly(_DAYS, _ODD)
_LABELS = _mostly(st.sampled_from(["Data Engineer", " Lead ", "é"]), _VALUES)
_FIELDS = st.one_of(st.just(_DROP), _VALUES)
_JOBS = st.lists(st.fixed_dictionaries({}, optional={
    **{key: _VALUES for key in ("position", "title", "name", "employer", "company")},
    **{key: _DATES for key in ("startDate", "start_date", "endDate", "end_date")},
}), max_size=4)
_SKILLS = st.lists(st.one_of(_VALUES, st.fixed_dictionaries({}, optional={
    "name": _VALUES, "keywords": st.one_of(_VALUES, st.lists(_VALUES, max_size=3)),
})), max_size=5)
_DOCUMENTS = st.builds(
    lambda label, summary, city, region, work, skills, ident: _resume(
        basics={k: v for k, v in (("label", label), ("summary", summary)) if v is not _DROP}
        | {"location": {k: v for k, v in (("city", city), ("region", region)) if v is not _DROP}},
        work=work, skills=skills, meta={"id": ident},
    ),
    _LABELS, _FIELDS, _FIELDS, _FIELDS, st.one_of(st.just(_DROP), st.none(), _JOBS), st.one_of(st.none(), _SKILLS),
    _mostly(st.sampled_from(["cv-1", "cv-2", "cv-3", "cv-4", "cv-5", "cv-6"]), st.sampled_from([" ", None, 7])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents=st.lists(_DOCUMENTS, min_size=1, max_size=4), ascii_only=st.booleans())
def test_generated_resumes_land_as_the_reference(documents: list[dict[str, object]], ascii_only: bool) -> None:
    text = "".join(json.dumps(d, ensure_ascii=ascii_only) + "\n" for d in documents)
    with tempfile.TemporaryDirectory() as directory:
        assert_same_part(*_both(_source(Path(directory), text)))
