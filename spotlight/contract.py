"""Typed table contracts checked when a stage writes, and rendered into docs/data-contract.md."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


class ContractViolation(ValueError):
    """A stage tried to write a table that does not meet its contract."""


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    # DuckDB compression forced for the column ("zstd" for long free text: see `long_text`), or its default choice
    compression: str | None = None


@dataclass(frozen=True)
class Contract:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    stage: str = ""
    allowed_values: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    def empty(self) -> pd.DataFrame:
        """Return an empty frame with this contract's columns and dtypes."""
        return self.schema.empty_table().to_pandas()

    def conform(self, frame: pd.DataFrame) -> pa.Table:
        """Return `frame` as an Arrow table of this contract, or raise ContractViolation saying why."""
        missing = [c for c in self.column_names if c not in frame.columns]
        extra = [c for c in frame.columns if c not in self.column_names]
        if missing or extra:
            raise ContractViolation(
                f"{self.name}: columns differ from the contract (missing {missing}, unexpected {extra})"
            )
        ordered = frame[self.column_names]
        try:
            relaxed = pa.schema([pa.field(c.name, c.type, nullable=True) for c in self.columns])
            # one thread: a pool per call cost more than it saved (waits were a quarter of a 5,000-row chunk's)
            table = pa.Table.from_pandas(ordered, schema=relaxed, preserve_index=False, safe=True, nthreads=1)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            raise ContractViolation(f"{self.name}: a column does not have its contract type: {exc}") from exc
        for col in self.columns:
            if not col.nullable and table.column(col.name).null_count:
                n = table.column(col.name).null_count
                raise ContractViolation(f"{self.name}.{col.name}: {n} null value(s) in a required column")
        # distinct values and keys counted by Arrow: on a 5,000-posting chunk of facts, pandas' `duplicated` over the
        # key columns and the allowed values as Python lists were a third of the checks' cost
        self.check_allowed_values(table)
        if self.primary_key and len(ordered):
            key = list(self.primary_key)
            dup = table.num_rows - table.select(key).group_by(key, use_threads=False).aggregate([]).num_rows
            if dup:
                raise ContractViolation(f"{self.name}: {dup} duplicate key(s) on {list(self.primary_key)}")
        return table

    def duckdb_ddl(self) -> str:
        """Return CREATE TABLE IF NOT EXISTS for this contract (DuckDB types)."""
        cols = ",\n  ".join(
            f'"{c.name}" {duckdb_type(c.type)}{"" if c.nullable else " NOT NULL"}'
            f'{f" USING COMPRESSION {c.compression}" if c.compression else ""}'
            for c in self.columns
        )
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" (\n  {cols}\n)'

    def check_allowed_values(self, table: pa.Table) -> None:
        """Raise ContractViolation if a column of `table` that has allowed values holds another (nulls pass)."""
        for name, allowed in self.allowed_values.items():
            if name not in table.column_names:
                continue
            values = set(v for v in pc.unique(table.column(name)).to_pylist() if v is not None)
            bad = sorted(values - set(allowed))
            if bad:
                raise ContractViolation(f"{self.name}.{name}: values {bad[:5]} are not among {list(allowed)}")

    def markdown(self) -> str:
        """Return this contract as a Markdown section."""
        lines = [f"### `{self.name}`", "", self.description, ""]
        if self.primary_key:
            lines += [f"Key: `{', '.join(self.primary_key)}`", ""]
        lines += ["| column | type | required | meaning |", "| --- | --- | --- | --- |"]
        for c in self.columns:
            meaning = c.description
            if c.name in self.allowed_values:
                meaning += " One of: " + ", ".join(f"`{v}`" for v in self.allowed_values[c.name]) + "."
            lines.append(f"| `{c.name}` | {duckdb_type(c.type)} | {'no' if c.nullable else 'yes'} | {meaning} |")
        return "\n".join(lines) + "\n"


def duckdb_type(t: pa.DataType) -> str:
    """Return the DuckDB spelling of an Arrow type."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "VARCHAR"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_int32(t):
        return "INTEGER"
    if pa.types.is_float64(t):
        return "DOUBLE"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_date32(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    if pa.types.is_list(t):
        return duckdb_type(t.value_type) + "[]"
    if pa.types.is_struct(t):
        inner = ", ".join(f'"{f.name}" {duckdb_type(f.type)}' for f in t)
        return f"STRUCT({inner})"
    raise TypeError(f"no DuckDB type for {t}")


def col(name: str, type_: pa.DataType, description: str, required: bool = False) -> Column:
    """Return a Column; `required` columns may not hold nulls."""
    return Column(name, type_, description, nullable=not required)


def long_text(name: str, description: str, required: bool = False) -> Column:
    """Return a text Column of long free text (ad texts, raw records), stored zstd-compressed.

    DuckDB's default string compression (dictionary / FSST) is chosen at commit on one thread: writing the
    `postings` and `posting_facts` of a 100,000-posting month took 4.7 s and 120 MB; with their ad texts zstd
    2.6 s and 30.5 MB, and the normalise stage's scan of them is no slower.
    """
    return Column(name, pa.string(), description, nullable=not required, compression="zstd")


def key_text(name: str, description: str, required: bool = False, compression: str = "uncompressed") -> Column:
    """Return a text Column of values that are nearly all distinct (ids, links), stored without DuckDB's
    dictionary / FSST analysis, which finds nothing to share in them and costs commit time.

    The ingest stage's commit of a 1M-posting month compresses its rows on one thread; with the posting ids
    (16 hex characters) and source ids uncompressed and the links zstd it took 5.5 instead of 7.5 µs per posting
    row and 5.7 instead of 6.0 per facts row, for ~33 MiB more per million postings.
    """
    return Column(name, pa.string(), description, nullable=not required, compression=compression)


STR = pa.string()
INT = pa.int64()
FLOAT = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()
TIMESTAMP = pa.timestamp("us")
