"""Ingest accounting: every input row of a source ends accepted, duplicate-of or quarantined, and the sums add up."""
from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from extract.contracts import INGEST_ACCOUNTING
from extract.ingest import Landed, typed_frame

log = logging.getLogger(__name__)


class AccountingError(RuntimeError):
    """A source's rows do not add up: rows_in != accepted + duplicates + quarantined."""


def _count_by_source(frame: pd.DataFrame) -> Mapping[str, int]:
    """Return the number of rows of `frame` per `source`."""
    if frame.empty:
        return {}
    return {str(k): int(v) for k, v in frame["source"].value_counts().items()}


def ingest_accounting(
    landed: Landed, duplicate_counts: Mapping[str, int], market: str, period: str
) -> pd.DataFrame:
    """Return one `ingest_accounting` row per source, or raise AccountingError naming a source that does not add up."""
    if (landed.market, landed.period) != (market, period):
        raise AccountingError(
            f"landed rows are for {landed.market} {landed.period}, accounting was asked for {market} {period}"
        )
    kinds = dict(landed.source_kinds)
    for source in landed.rows_in:
        kinds.setdefault(source, "postings")
    landed_counts = {
        "postings": _count_by_source(landed.postings),
        "profiles": _count_by_source(landed.profiles),
    }
    quarantined_counts = _count_by_source(landed.quarantine)
    counted = set(duplicate_counts) | set(quarantined_counts) | set(landed_counts["postings"])
    unknown = sorted((counted | set(landed_counts["profiles"])) - set(landed.rows_in))
    if unknown:
        raise AccountingError(f"rows counted for source(s) {unknown} that were never read (no rows_in)")
    rows: dict[str, list[object]] = {name: [] for name in INGEST_ACCOUNTING.column_names}
    problems: list[str] = []
    for source in sorted(landed.rows_in):
        kind = kinds[source]
        rows_in = int(landed.rows_in[source])
        landed_n = landed_counts[kind].get(source, 0)
        duplicates = int(duplicate_counts.get(source, 0))
        quarantined = quarantined_counts.get(source, 0)
        accepted = landed_n - duplicates
        if duplicates < 0 or duplicates > landed_n:
            problems.append(f"{source}: {duplicates} duplicates but only {landed_n} landed rows")
        elif rows_in != accepted + duplicates + quarantined:
            problems.append(
                f"{source}: rows_in {rows_in} != accepted {accepted} + duplicates {duplicates} "
                f"+ quarantined {quarantined} (= {accepted + duplicates + quarantined})"
            )
        rows["market"].append(market)
        rows["period"].append(period)
        rows["source"].append(source)
        rows["kind"].append(kind)
        rows["rows_in"].append(rows_in)
        rows["accepted"].append(accepted)
        rows["duplicates"].append(duplicates)
        rows["quarantined"].append(quarantined)
        log.info(
            "accounting %s %s %s: in %d = accepted %d + duplicates %d + quarantined %d",
            market, period, source, rows_in, accepted, duplicates, quarantined,
        )
    if problems:
        raise AccountingError("ingest accounting does not add up — " + "; ".join(problems))
    return typed_frame(rows, INGEST_ACCOUNTING)
