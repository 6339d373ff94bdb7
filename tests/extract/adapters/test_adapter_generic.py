"""Generic adapter: analysts' CSV / JSON Lines / Parquet exports through a YAML column mapping."""
from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from extract.adapters.base import SourceReadError
from extract.contracts import POSTINGS, QUARANTINE

MAPPING = """\
columns:
  source_id: Ref
  title: Job Title
  description: Advert
  location_raw: Town
  salary_raw: Pay
  posted_at: Posted
  salary_currency_raw: {value: GBP}
date_format: "%d/%m/%Y"
"""


def _entry(options: str = "{}") -> str:
    return (
        "  - name: board\n    kind: postings\n    format: generic\n    path: 'export-{period}.*'\n"
        f"    mapping: mapping.yaml\n    options: {options}\n"
    )


def _landed(land_source, name: str, content: bytes, mapping: str = MAPPING, options: str = "{}"):
    return land_source(_entry(options), {"mapping.yaml": mapping, name: content})


@pytest.mark.parametrize(
    "content",
    [
        # Windows-1252 (Excel on a UK machine): £ is byte 0xA3
        'Ref,Job Title,Advert,Town,Pay,Posted\r\nB1,Data Analyst,Excel and SQL,York,"£32,000 per annum",04/03/2024\r\n'.encode("cp1252"),
        # UTF-8 with a byte-order mark in front of the first header
        "\ufeffRef,Job Title,Advert,Town,Pay,Posted\nB1,Data Analyst,Excel and SQL,York,\"£32,000 per annum\",04/03/2024\n".encode("utf-8"),
        # semicolon-delimited (European Excel), sniffed
        "Ref;Job Title;Advert;Town;Pay;Posted\nB1;Data Analyst;Excel and SQL;York;£32,000 per annum;04/03/2024\n".encode("utf-8"),
    ],
    ids=["cp1252", "utf8-bom", "semicolon"],
)
def test_csv_variants_read_the_same(land_source, content: bytes) -> None:
    landed = _landed(land_source, "export-2024-03.csv", content)
    POSTINGS.conform(landed.postings)
    row = landed.postings.iloc[0]
    assert (row["source_id"], row["title"], row["location_raw"]) == ("B1", "Data Analyst", "York")
    assert row["salary_raw"] == "£32,000 per annum"
    assert row["posted_at"] == dt.date(2024, 3, 4)
    assert row["salary_currency_raw"] == "GBP"


def test_cp1252_pound_sign_decodes() -> None:
    from extract.adapters.base import decoded_text, detected_encoding

    data = "Pay\n£45,000 – £55,000\n".encode("cp1252")
    assert detected_encoding(data) == "cp1252"
    assert decoded_text(data, "x.csv") == "Pay\n£45,000 – £55,000\n"


def test_unquoted_comma_row_is_quarantined_malformed(land_source) -> None:
    content = "Ref,Job Title,Advert,Town,Pay,Posted\nB1,Analyst,SQL,York,£32,000,04/03/2024\nB2,Analyst,SQL,York,,05/03/2024\n"
    landed = _landed(land_source, "export-2024-03.csv", content.encode("cp1252"))
    assert landed.postings["source_id"].tolist() == ["B2"]
    assert landed.quarantine[["source_row", "reason_code"]].values.tolist() == [[0, "malformed_row"]]
    assert json.loads(landed.quarantine["raw_record"][0])[4:6] == ["£32", "000"]


def test_gzipped_jsonl_with_nested_columns(land_source) -> None:
    mapping = 'columns:\n  source_id: ref\n  title: job.title\n  description: job.text\n  posted_at: posted\n'
    lines = [
        {"ref": "J1", "job": {"title": "ML Engineer", "text": "PyTorch"}, "posted": "2024-03-07"},
        {"ref": "J2", "job": {"title": "Data Engineer", "text": "dbt"}, "posted": "07/03/2024"},
    ]
    payload = ("\n".join(json.dumps(x) for x in lines) + "\n{broken\n").encode("utf-8")
    landed = _landed(land_source, "export-2024-03.jsonl.gz", gzip.compress(payload), mapping)
    assert landed.postings["title"].tolist() == ["ML Engineer", "Data Engineer"]
    assert landed.quarantine["reason_code"].tolist() == ["unparseable_json"]
    QUARANTINE.conform(landed.quarantine)


def test_parquet_made_in_test(land_source, tmp_path: Path) -> None:
    mapping = (
        "columns:\n  source_id: ref\n  title: title\n  description: text\n  posted_at: posted\n"
        "  salary_min_raw: pay_from\n  salary_max_raw: pay_to\n"
    )
    frame = pd.DataFrame({
        "ref": ["P1", "P2"], "title": ["AI Engineer", "AI Engineer"], "text": ["RAG", "LLMs"],
        "posted": [dt.date(2024, 3, 1), dt.date(2024, 4, 1)], "pay_from": [60000.0, None], "pay_to": [70000.0, None],
    })
    path = tmp_path / "export-2024-03.parquet"
    frame.to_parquet(path)
    landed = land_source(_entry(), {"mapping.yaml": mapping})
    assert landed.postings[["source_id", "salary_min_raw"]].values.tolist() == [["P1", 60000.0]]
    assert landed.quarantine["reason_code"].tolist() == ["out_of_period"]


def test_mapped_column_missing_from_file_is_a_clear_error(land_source) -> None:
    content = b"Ref,Title,Advert,Town,Pay,Posted\nB1,Analyst,SQL,York,,04/03/2024\n"
    with pytest.raises(SourceReadError, match="Job Title"):
        _landed(land_source, "export-2024-03.csv", content)


def test_date_not_in_mapped_format_is_bad_date(land_source) -> None:
    content = b"Ref,Job Title,Advert,Town,Pay,Posted\nB1,Analyst,SQL,York,,2024-03-04\n"
    landed = _landed(land_source, "export-2024-03.csv", content)
    assert landed.quarantine["reason_code"].tolist() == ["bad_date"]
    assert "%d/%m/%Y" in landed.quarantine["reason_detail"][0]


def test_explicit_encoding_and_delimiter_options(land_source) -> None:
    content = "Ref|Job Title|Advert|Town|Pay|Posted\nB1|Analyst|SQL|Cardiff|£30k|04/03/2024\n".encode("latin-1")
    landed = _landed(land_source, "export-2024-03.csv", content, options="{encoding: latin-1, delimiter: '|'}")
    assert landed.postings["salary_raw"].tolist() == ["£30k"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # a .json file holding an array of records
        ("export-2024-03.json", json.dumps([{"ref": "A", "t": "Analyst", "d": "£1", "p": "2024-03-02"}]).encode()),
        # JSON Lines written by a Windows tool in cp1252
        ("export-2024-03.jsonl", '{"ref": "A", "t": "Analyst", "d": "£1", "p": "2024-03-02"}\n'.encode("cp1252")),
    ],
)
def test_json_variants(land_source, name: str, content: bytes) -> None:
    mapping = "columns:\n  source_id: ref\n  title: t\n  description: d\n  posted_at: p\n"
    landed = _landed(land_source, name, content, mapping)
    assert landed.postings[["source_id", "description"]].values.tolist() == [["A", "£1"]]


def test_generic_profiles_through_a_mapping(land_source) -> None:
    mapping = (
        "columns:\n  source_id: cand\n  headline: role\n  skills_raw: tags\n  work_history: jobs\n"
        "skills_separator: '|'\n"
    )
    content = 'cand,role,tags,jobs\nc1,Data Scientist,R|SQL|Stan,"[{""title"": ""Analyst"", ""start_date"": ""2020-01""}]"\n'
    entry = "  - {name: crm, kind: profiles, format: generic, path: 'people.csv', mapping: mapping.yaml}\n"
    landed = land_source(entry, {"mapping.yaml": mapping, "people.csv": content})
    profile = landed.profiles.iloc[0]
    assert (profile["source_id"], profile["headline"], list(profile["skills_raw"])) == ("c1", "Data Scientist", ["R", "SQL", "Stan"])
    assert profile["work_history"][0]["start_date"] == dt.date(2020, 1, 1)
