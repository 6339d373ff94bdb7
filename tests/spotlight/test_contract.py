"""Contract.conform: the checks every stage's write goes through."""
import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from spotlight.contract import BOOL, STR, Contract, ContractViolation, col

TINY = Contract(
    name="tiny",
    description="A test table.",
    primary_key=("id",),
    columns=(col("id", STR, "Key.", True), col("flag", BOOL, "A flag."), col("kind", STR, "Kind.")),
    allowed_values={"kind": ("a", "b")},
)


def test_conform_returns_arrow_table_in_contract_order():
    frame = pd.DataFrame({"kind": ["a", None], "flag": [True, False], "id": ["x", "y"]})
    table = TINY.conform(frame)
    assert table.column_names == ["id", "flag", "kind"]
    assert table.schema.field("flag").type == pa.bool_()
    assert table.num_rows == 2


@pytest.mark.parametrize(
    "frame, message",
    [
        # a required column is absent
        (pd.DataFrame({"flag": [True], "kind": ["a"]}), "missing ['id']"),
        # an extra column nobody declared
        (pd.DataFrame({"id": ["x"], "flag": [True], "kind": ["a"], "extra": [1]}), "unexpected ['extra']"),
        # a null in a required column
        (pd.DataFrame({"id": [None], "flag": [True], "kind": ["a"]}), "tiny.id: 1 null"),
        # a value outside the allowed set
        (pd.DataFrame({"id": ["x"], "flag": [True], "kind": ["z"]}), "values ['z']"),
        # a duplicated key
        (pd.DataFrame({"id": ["x", "x"], "flag": [True, True], "kind": ["a", "b"]}), "1 duplicate key"),
        # the wrong type
        (pd.DataFrame({"id": ["x"], "flag": ["not a bool"], "kind": ["a"]}), "contract type"),
    ],
)
def test_conform_rejects_with_a_reason(frame, message):
    with pytest.raises(ContractViolation, match=message.replace("[", r"\[").replace("]", r"\]")):
        TINY.conform(frame)


def test_ddl_and_markdown_name_every_column():
    from extract.contracts import PROFILES

    ddl = PROFILES.duckdb_ddl()
    assert '"work_history" STRUCT("title" VARCHAR, "employer" VARCHAR, "start_date" DATE, "end_date" DATE)[]' in ddl
    assert '"skills_raw" VARCHAR[] NOT NULL' in ddl
    assert "| `profile_id` | VARCHAR | yes |" in PROFILES.markdown()


def test_empty_frame_has_contract_columns():
    from extract.contracts import POSTINGS

    assert list(POSTINGS.empty().columns) == POSTINGS.column_names
    assert POSTINGS.conform(POSTINGS.empty()).num_rows == 0


def test_dates_round_trip():
    from extract.contracts import PROFILES

    frame = pd.DataFrame([{
        "profile_id": "p", "market": "uk", "period": "2026-04", "source": "cv", "source_id": "1", "headline": "DS",
        "location_raw": None, "skills_raw": ["python"], "summary": None,
        "work_history": [{"title": "DS", "employer": None, "start_date": dt.date(2020, 1, 1), "end_date": None}],
        "source_row": 0,
    }])
    table = PROFILES.conform(frame)
    assert table.column("work_history").to_pylist()[0][0]["start_date"] == dt.date(2020, 1, 1)


def test_long_text_columns_are_stored_zstd_compressed(tmp_path):
    from spotlight.contract import long_text
    from spotlight.warehouse import connect, replace_tables

    texts = Contract(
        name="texts", description="Long texts.",
        columns=(col("id", STR, "Key.", True), long_text("body", "Ad text.", True)),
    )
    assert '"body" VARCHAR NOT NULL USING COMPRESSION zstd' in texts.duckdb_ddl()
    assert '"id" VARCHAR NOT NULL,' in texts.duckdb_ddl()
    frame = pd.DataFrame({"id": [str(i) for i in range(3000)], "body": [f"<p>ad {i} " * 40 for i in range(3000)]})
    with connect(tmp_path / "w.duckdb") as con:
        replace_tables(con, {texts: frame})
        con.execute("CHECKPOINT")
        methods = dict(con.execute(
            "SELECT DISTINCT column_name, compression FROM pragma_storage_info('texts') WHERE segment_type = 'VARCHAR'"
        ).fetchall())
        assert con.execute("SELECT body FROM texts WHERE id = '2999'").fetchall()[0][0] == "<p>ad 2999 " * 40
    assert methods["body"].lower() == "zstd"
    assert methods["id"].lower() != "zstd"
