"""Landing and parsing in one pass: source files are landed and parsed by a process pool at the same time.

`landed_and_parsed(config, period)` returns exactly what `land(config, period)` and `posting_facts` of its postings
return, in less wall time on several cores: each local source file (the many Adzuna pages, the Reed file, ...) is
landed by a worker process, largest first, and the landed postings are parsed by the workers in chunks of
`CHUNK_ROWS` as soon as they arrive, ahead of the files still to land; at most two tasks per worker are in flight,
so memory stays bounded. Source ids are then checked across files and duplicates linked over the whole month in
this process.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

import numpy as np
import pandas as pd

from extract.facts import CHUNK_ROWS, WORKERS, linked_facts, parsed_chunk, parsed_columns
from extract.ingest import Landed, LandedPart, config_parts, landed_from_parts, landed_part
from extract.sources import PERIOD_PATTERN, MarketConfig, SourceConfig, is_url, resolve_files

log = logging.getLogger(__name__)

PARALLEL_MIN_BYTES = 64 * 1024 * 1024
"""About 40,000 postings of board JSON: below it a process pool costs more than it saves."""

ParsedChunk = tuple[pd.DataFrame, pd.DataFrame, np.ndarray]


def landed_and_parsed(
    config: MarketConfig, period: str, workers: int = WORKERS, parallel_min_bytes: int = PARALLEL_MIN_BYTES
) -> tuple[Landed, pd.DataFrame]:
    """Return the landed sources of `period` and the `posting_facts` of their postings (as `land` + `posting_facts`).

    Smaller months than `parallel_min_bytes` of local source files are landed and parsed in this process.
    """
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    sources = config_parts(config, period)
    if workers > 1 and len(sources) > 1 and sum(_size(s, period) for s in sources) >= parallel_min_bytes:
        parts, chunks = _in_pool(sources, period, config.market, workers)
    else:
        parts = [landed_part(source, period, config.market) for source in sources]
        chunks = [[parsed_chunk(rows) for rows in _row_chunks(part)] for part in parts]
    landed, kept_rows = landed_from_parts(config, period, parts)
    del parts
    parsed = [
        _kept_rows(chunk, kept_in_chunk)
        for part_chunks, kept in zip(chunks, kept_rows, strict=True)
        for chunk, kept_in_chunk in _chunks_of_kept(part_chunks, kept)
    ]
    del chunks
    return landed, linked_facts([chunk for chunk in parsed if len(chunk[0])])


def _in_pool(
    sources: list[SourceConfig], period: str, market: str, workers: int
) -> tuple[list[LandedPart], list[list[ParsedChunk]]]:
    """Return every landed part and its parsed chunks, in order; local files land and all chunks parse in a pool."""
    parts: list = [None] * len(sources)
    chunks: list[list] = [[] for _ in sources]
    local = [i for i, s in enumerate(sources) if s.path is not None and not is_url(s.path)]
    to_land = sorted(local, key=lambda i: -_size(sources[i], period))
    to_parse: list[tuple[int, int, pd.DataFrame]] = []
    pending: dict[Future, tuple[str, int, int]] = {}

    def landed(index: int, part: LandedPart) -> None:
        parts[index] = part
        if part.source.kind == "postings":
            rows = _row_chunks(part)
            chunks[index] = [None] * len(rows)
            to_parse.extend((index, number, chunk) for number, chunk in enumerate(rows))

    with ProcessPoolExecutor(max_workers=workers) as pool:
        for i, source in enumerate(sources):
            if i not in local:  # URLs and APIs land here (network clients and credentials stay in this process)
                landed(i, landed_part(source, period, market))
        while to_land or to_parse or pending:
            while len(pending) < 2 * workers and (to_parse or to_land):
                if to_parse:
                    index, number, rows = to_parse.pop(0)
                    pending[pool.submit(parsed_chunk, rows)] = ("parse", index, number)
                else:
                    index = to_land.pop(0)
                    pending[pool.submit(landed_part, sources[index], period, market)] = ("land", index, 0)
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task, index, number = pending.pop(future)
                if task == "land":
                    landed(index, future.result())
                else:
                    chunks[index][number] = future.result()
    return parts, chunks


def _row_chunks(part: LandedPart) -> list[pd.DataFrame]:
    """Return the accepted postings of a part in chunks of `CHUNK_ROWS`, with only the columns the parsers read."""
    if part.source.kind != "postings":
        return []
    rows = part.accepted[parsed_columns(part.accepted)]
    return [rows.iloc[start:start + CHUNK_ROWS] for start in range(0, len(rows), CHUNK_ROWS)]


def _size(source: SourceConfig, period: str) -> int:
    """Return the bytes of a source part's file (0 when it is not one existing local file)."""
    if source.path is None or is_url(source.path):
        return 0
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
