"""The analyst review loop: show/export unmatched skill strings, and accept an alias into the taxonomy."""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd

from normalise.taxonomy import load_taxonomy
from normalise.text import surface_key

QUEUE_COLUMNS = ["text", "occurrences", "suggestions"]
_SQL = Path(__file__).resolve().parent / "sql" / "skill_review_queue.sql"


class ReviewError(ValueError):
    """An analyst action cannot be applied; the message says why."""


def review_queue_from_csv(file: Path) -> pd.DataFrame:
    """Return a review queue read from a CSV (a `skill_review` export), most frequent first."""
    if not Path(file).is_file():
        raise ReviewError(f"{file}: no such review-queue file")
    frame = pd.read_csv(file, dtype={"text": "string", "suggestions": "string"}, keep_default_na=False)
    missing = [c for c in QUEUE_COLUMNS if c not in frame.columns]
    if missing:
        raise ReviewError(f"{file}: not a review queue (missing columns {missing})")
    return frame[QUEUE_COLUMNS].sort_values(["occurrences", "text"], ascending=[False, True], ignore_index=True)


def review_queue_from_warehouse(warehouse: Path, period: str, market: str = "uk") -> pd.DataFrame:
    """Return the review queue of one (market, period) from the warehouse's `skill_review` table."""
    if not Path(warehouse).is_file():
        raise ReviewError(f"{warehouse}: no such warehouse file")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            return con.execute(_SQL.read_text(), {"market": market, "period": period}).df()
        except duckdb.CatalogException as exc:
            raise ReviewError(f"{warehouse}: has no skill_review table yet (run the normalise stage)") from exc


def export_review_queue(queue: pd.DataFrame, file: Path) -> Path:
    """Write the review queue as CSV (written to a temporary name, then renamed) and return its path."""
    target = Path(file)
    partial = target.with_name(target.name + ".partial")
    queue[QUEUE_COLUMNS].to_csv(partial, index=False)
    partial.replace(target)
    return target


def parse_acceptance(text: str) -> tuple[str, str]:
    """Return (alias, skill_id) from an analyst's "text=skill_id"."""
    alias, sep, skill_id = text.rpartition("=")
    if not sep or not alias.strip() or not skill_id.strip():
        raise ReviewError(f"{text!r}: expected TEXT=SKILL_ID, e.g. 'pytorch lightning=pytorch'")
    return alias.strip(), skill_id.strip()


def accept_alias(taxonomy_path: Path, alias: str, skill_id: str) -> bool:
    """Append (alias, skill_id) to aliases_accepted.tsv; return False when it was already known to that skill."""
    taxonomy = load_taxonomy(taxonomy_path)
    if skill_id not in taxonomy.skills:
        raise ReviewError(f"unknown skill id {skill_id!r}")
    if "\t" in alias or "\n" in alias or not surface_key(alias):
        raise ReviewError(f"{alias!r} is not a usable alias")
    current = taxonomy.match(alias)
    if current is not None and current.method in ("exact", "alias"):
        if current.skill_id == skill_id:
            return False
        raise ReviewError(f"{alias!r} already names skill {current.skill_id!r}")
    file = Path(taxonomy_path) / "aliases_accepted.tsv"
    new_file = not file.is_file()
    with file.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        if new_file:
            writer.writerow(["alias", "skill_id"])
        writer.writerow([alias, skill_id])
    return True
