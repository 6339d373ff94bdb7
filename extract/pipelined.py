"""Landing and parsing in one pass: each source file is landed and parsed in a worker process while others land.

`landed_and_parsed(config, period)` returns exactly what `land(config, period)` and `posting_facts` of its postings
return, in far less wall time on several cores: the month's files (many Adzuna pages, a Reed file, ...) are landed
and parsed in a pool of `WORKERS` processes, largest file first, so the single big file does not finish last.
Source ids are then checked across files and duplicates linked over the whole month in this process.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from extract.facts import CHUNK_ROWS, WORKERS, linked_facts, parsed_chunk
from extract.ingest import Landed, LandedPart, config_parts, landed_from_parts, landed_part
from extract.sources import PERIOD_PATTERN, MarketConfig, SourceConfig, is_url, resolve_files

log = logging.getLogger(__name__)

ParsedChunk = tuple[pd.DataFrame, pd.DataFrame, np.ndarray]


def landed_and_parsed(config: MarketConfig, period: str, workers: int = WORKERS) -> tuple[Landed, pd.DataFrame]:
    """Return the landed sources of `period` and the `posting_facts` of their postings (as `land` + `posting_facts`)."""
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    sources = config_parts(config, period)
    if workers > 1 and len(sources) > 1:
        results = _in_pool(sources, period, config.market, workers)
    else:
        results = [landed_and_parsed_part(source, period, config.market) for source in sources]
    landed, kept_rows = landed_from_parts(config, period, [part for part, _ in results])
    parsed = [
        _kept_rows(chunk, kept_in_chunk)
        for (_, chunks), kept in zip(results, kept_rows, strict=True)
        for chunk, kept_in_chunk in _chunks_of_kept(chunks, kept)
    ]
    del results
    return landed, linked_facts([chunk for chunk in parsed if len(chunk[0])])


def landed_and_parsed_part(source: SourceConfig, period: str, market: str) -> tuple[LandedPart, list[ParsedChunk]]:
    """Return one landed source part and, for postings, `parsed_chunk` of its accepted rows in chunks."""
    part = landed_part(source, period, market)
    if source.kind != "postings":
        return part, []
    accepted = part.accepted
    return part, [parsed_chunk(accepted.iloc[start:start + CHUNK_ROWS]) for start in range(0, len(accepted), CHUNK_ROWS)]


def _in_pool(
    sources: list[SourceConfig], period: str, market: str, workers: int
) -> list[tuple[LandedPart, list[ParsedChunk]]]:
    """Return `landed_and_parsed_part` of every part, local files in a process pool (largest first), in order."""
    results: list = [None] * len(sources)
    local = [i for i, s in enumerate(sources) if s.path is not None and not is_url(s.path)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {
            i: pool.submit(landed_and_parsed_part, sources[i], period, market)
            for i in sorted(local, key=lambda i: -_size(sources[i], period))
        }
        for i, source in enumerate(sources):
            if i not in futures:
                results[i] = landed_and_parsed_part(source, period, market)
        for i, future in futures.items():
            results[i] = future.result()
    return results


def _size(source: SourceConfig, period: str) -> int:
    """Return the bytes of a source part's file (0 when it is not one existing file)."""
    files = resolve_files(source, period)
    try:
        return os.path.getsize(files[0]) if len(files) == 1 else 0
    except OSError:
        return 0


def _chunks_of_kept(chunks: list[ParsedChunk], kept: np.ndarray) -> list[tuple[ParsedChunk, np.ndarray]]:
    """Return each parsed chunk of a part with the slice of `kept` that covers its rows."""
    bounds = np.cumsum([0] + [len(chunk[0]) for chunk in chunks])
    return [(chunk, kept[bounds[i]:bounds[i + 1]]) for i, chunk in enumerate(chunks)]


def _kept_rows(chunk: ParsedChunk, kept: np.ndarray) -> ParsedChunk:
    """Return a parsed chunk without the rows `landed_from_parts` quarantined as repeated source ids."""
    facts, features, signatures = chunk
    if kept.all():
        return facts, features, signatures
    return facts[kept].reset_index(drop=True), features[kept].reset_index(drop=True), signatures[kept]
