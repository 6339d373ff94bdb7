"""The sample market: Adzuna and Reed job ads per month, a CV snapshot, and the truth behind them.

Output (docs/architecture.md "Sample layout"): `sources.yaml`; `postings/YYYY-MM/adzuna-NNN.json` (search-API pages
of at most 5,000 results); `postings/YYYY-MM/reed.json`; `profiles/<end_period>/cv.jsonl` (JSON Resume, one per
line, `work[]` NEWEST FIRST as JSON Resume lists it; the current job has no `endDate`); and the truth:

`truth.json` keys:
- `settings`, `taxonomy_version`, `periods` (oldest first), `params_file`.
- `definitions`: what `postings_latest`, demand and the malformed outcomes mean.
- `roles.<role_id>`: `posting_share`, `profile_share`, `london_share`, `contract_share`,
  `demand.<unit>.<period>` (planted probability, 0-1), `emerging_units`, `supply.<unit>` (0-1),
  `salary` / `day_rate` ({uk, london, uk_excl_london: {median, p10, p90}}, london_premium_pct: measured on a
  large draw of stated pay, range mid-points, as ads state it), `salary_target`, `day_rate_target`,
  `combos` ([{members, multiplier, expected_uplift_pct, max_pair_subset_uplift_pct, ...}]).
- `careers`: planted `mle_entry` shares, `mle_first_job_share`, `mle_tenure_median_months`, and `realised`
  (entry / next-role shares and median completed MLE tenure measured on this sample's histories).
- `mess`: the planted rates of duplicates, malformed rows, predicted pay, typos, ...
- `duplicates`: [{source, source_id, period, canonical_source, canonical_source_id, kind: cross_board|same_board}].
- `malformed`: [{source, source_id, period, file, reason, outcome}] (`outcome`: quarantine or pay_rejected).
- `counts.<source>.<period>`: rows written; `jobs.<period>`: distinct jobs generated; `profiles`.
- `realised.<period>.<role_id>`: {jobs, demand.<unit>: share of the role's distinct valid jobs citing it}
  for the latest and the oldest period, measured on the per-posting truth.

Generation runs in chunks of at most `CHUNK_JOBS` distinct jobs of one month (and `CHUNK_PROFILES` CVs), each with
its own random streams keyed by (seed, month, chunk), so the bytes for a seed do not depend on how many worker
processes render them. Workers write each chunk's rendered records to a scratch folder; the month's files are then
assembled in posting order (created time, then id) without holding the month in memory.

`truth_postings.parquet`: one row per written posting row (source, source_id, period, role_id, title, posted_at,
skill_ids, unit_ids, pay_kind, pay_min, pay_max, pay_period, region, is_london, work_mode, contract_type,
contract_type_true, duplicate_of_source, duplicate_of_source_id, malformed_reason).
Rows are in month order, then chunk order, then posting order within the chunk.
`truth_profiles.parquet`: source_id, role_id, skill_ids, history_role_ids (oldest first), history_months,
malformed_reason.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import shutil
import tempfile
import zlib
from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from spotlight.sample import text as T
from spotlight.sample.calibrate import pay_truth
from spotlight.sample.careers import MLE, work_history
from spotlight.sample.draws import (
    combo_hits, combo_multipliers, day_rate_figures, pay_mids, planted_skills, salary_figures, stream,
)
from spotlight.sample.params import PARAMS_FILE, RoleParams, SampleParams, sample_params
from spotlight.sample.taxonomy import SampleTaxonomy, sample_taxonomy

log = logging.getLogger(__name__)

CHUNK_JOBS = 10_000       # distinct jobs per generation chunk (part of the random-stream layout: changing it changes bytes)
CHUNK_PROFILES = 5_000    # CV profiles per generation chunk (likewise)
MAX_WORKERS = 4
MIN_PARALLEL_SECONDS = 1.0   # smaller samples are generated in-process (worker start-up would cost more)
MAX_TOTAL_JOBS = 7_000_000   # Reed ids 52,000,000 + job index must stay below the re-post range at 59,000,000
_EPOCH = datetime(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
SOURCES = ("adzuna", "reed")


@dataclass(frozen=True)
class SampleSettings:
    """What to generate: jobs in the latest month (earlier months grow linearly to it), CVs, months, seed."""

    postings_latest: int = 20_000
    profiles: int = 5_000
    months: int = 13
    end_period: str = "2026-04"
    seed: int = 42
    market: str = "uk"


@dataclass(frozen=True)
class SampleSummary:
    """What was written: paths, rows per source and month, distinct jobs per month, profiles."""

    out_dir: Path
    sources_yaml: Path
    truth_json: Path
    truth_postings: Path
    truth_profiles: Path
    files: tuple[Path, ...]
    rows: Mapping[str, Mapping[str, int]]
    jobs: Mapping[str, int]
    profiles: int


def periods_ending(end_period: str, months: int) -> tuple[str, ...]:
    """Return `months` periods `YYYY-MM` ending with `end_period`, oldest first."""
    year, month = (int(x) for x in end_period.split("-"))
    index = year * 12 + month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1))


def jobs_per_month(settings: SampleSettings, first_share: float) -> tuple[int, ...]:
    """Return distinct jobs per month, oldest first, growing linearly to `postings_latest`."""
    if settings.months == 1:
        return (settings.postings_latest,)
    return tuple(
        int(round(settings.postings_latest * (first_share + (1 - first_share) * m / (settings.months - 1))))
        for m in range(settings.months)
    )


def chunk_bounds(n: int, size: int) -> tuple[tuple[int, int], ...]:
    """Return the (start, stop) index ranges that split n items into chunks of at most `size`."""
    return tuple((start, min(n, start + size)) for start in range(0, n, size))


@dataclass(slots=True)
class Job:
    """One generated job (mutable while the chunk is assembled; never leaves this module)."""

    source: str
    source_id: str
    role_id: str
    title: str
    company: str
    posted: datetime
    place: T.Place
    place_text: str
    ad: T.AdText
    skill_ids: tuple[str, ...]
    unit_ids: tuple[str, ...]
    contract_true: str
    contract_field: str | None          # Adzuna contract_type
    contract_signalled: bool
    work_mode: str
    pay_kind: str
    pay_min: float | None
    pay_max: float | None
    pay_period: str | None
    structured_pay: tuple[float, float] | None
    predicted_pay: float | None
    style: int
    duplicate_of: tuple[str, str] | None = None
    malformed: str | None = None


@dataclass(frozen=True)
class Context:
    """Everything a chunk needs besides its own indices: settings, parameters and precomputed lookup tables."""

    settings: SampleSettings
    params: SampleParams
    taxonomy: SampleTaxonomy
    companies: tuple[str, ...]
    safe_titles: frozenset[str]
    surface_table: np.ndarray
    periods: tuple[str, ...]
    counts: tuple[int, ...]
    id_bases: tuple[int, ...]
    work_dir: Path


def sample_context(settings: SampleSettings, work_dir: Path) -> Context:
    """Return the generation context of `settings` (chunk scratch files go to `work_dir`)."""
    params, taxonomy = sample_params(), sample_taxonomy()
    counts = jobs_per_month(settings, float(params.volume["first_month_share"]))
    return Context(
        settings=settings, params=params, taxonomy=taxonomy, companies=T.company_names(),
        safe_titles=_safe_intro_titles(taxonomy), surface_table=_skill_surface_table(params, taxonomy),
        periods=periods_ending(settings.end_period, settings.months), counts=counts,
        id_bases=tuple([0] + list(accumulate(counts))[:-1]), work_dir=Path(work_dir),
    )


def _choice(rng: np.random.Generator, options: tuple, n: int, weights: tuple[float, ...] | None = None) -> np.ndarray:
    p = None if weights is None else np.array(weights) / sum(weights)
    return rng.choice(len(options), size=n, p=p)


def _surface(params: SampleParams, skill_id: str, r: int) -> str:
    forms = params.surfaces[skill_id]
    return forms[r % len(forms)]


def _safe_intro_titles(taxonomy: SampleTaxonomy) -> frozenset[str]:
    """Return role titles safe to repeat in the ad intro: no skill surface left once shorter title phrases are masked."""
    def norm(s: str) -> str:
        return " " + " ".join("".join(ch if ch.isalnum() else " " for ch in s.lower()).split()) + " "

    surfaces = {norm(s) for ss in taxonomy.skill_surfaces.values() for s in ss}
    surfaces.discard("  ")
    titles = taxonomy.all_role_titles()
    safe = set()
    for title in titles:
        masked = norm(title)
        for other in titles:
            if other != title:
                masked = masked.replace(norm(other), " ")
        if not any(s in masked for s in surfaces):
            safe.add(title)
    return frozenset(safe)


_SENTENCE_PATTERNS = tuple(
    tuple(1 + ((seed * 7 + j * (seed % 5 + 1)) % 3) for j in range(60)) for seed in range(16)
)
_CONTRACT_CODES = ("permanent", "contract", "temporary")
# duties and benefits of an ad, indexed by a random int modulo the table size (the pattern repeats with that period)
_DUTY_LISTS = tuple(tuple(T.DUTIES[(r + j) % len(T.DUTIES)] for j in range(2 + r % 3)) for r in range(len(T.DUTIES) * 3))
_BENEFIT_LISTS = tuple(tuple(T.BENEFITS[(r + j * 3) % len(T.BENEFITS)] for j in range(3 + r % 3))
                       for r in range(len(T.BENEFITS) * 3))


_MODE_SENTENCES = ("",) + tuple(s for k in ("remote", "hybrid", "onsite") for s in T.WORK_MODE_SENTENCES[k])
_CONTRACT_SENTENCES = ("",) + tuple(s for k in ("contract", "temporary", "permanent") for s in T.CONTRACT_SENTENCES[k])
_INTRO_PERIOD = len(T.INTRO_WITH_TITLE) * len(T.INTRO_WITHOUT_TITLE)   # intro template choice repeats with this period


def _pick(options: tuple, index: np.ndarray) -> list:
    """Return [options[i] for i in index], vectorised (options may be tuples or any object)."""
    table = np.empty(len(options), dtype=object)
    for k, option in enumerate(options):
        table[k] = option
    return table[index].tolist()


def _hiring_sentence(base_title: str, team: str, form: int, safe_titles: frozenset[str]) -> str:
    """Return the intro's hiring sentence: with the role title when it is safe to repeat, else without."""
    if base_title in safe_titles:
        return T.INTRO_WITH_TITLE[form % len(T.INTRO_WITH_TITLE)].format(title=base_title, team=team)
    return T.INTRO_WITHOUT_TITLE[form % len(T.INTRO_WITHOUT_TITLE)].format(team=team)


def _skill_surface_table(params: SampleParams, taxonomy: SampleTaxonomy, width: int = 12) -> np.ndarray:
    """Return an object array (skills, width): each skill's ad surfaces cycled to `width` columns."""
    table = np.empty((len(taxonomy.skill_ids), width), dtype=object)
    for i, sid in enumerate(taxonomy.skill_ids):
        forms = params.surfaces.get(sid) or (taxonomy.skill_names[sid],)
        for w in range(width):
            table[i, w] = forms[w % len(forms)]
    return table


def _role_columns(role: RoleParams, taxonomy: SampleTaxonomy, params: SampleParams) -> np.ndarray:
    """Return the taxonomy columns of every skill a draw for `role` can mention (unit and combo members)."""
    index = {sid: i for i, sid in enumerate(taxonomy.skill_ids)}
    skills = {m for unit in role.demand for m in taxonomy.members(unit)}
    skills |= {m for unit in role.demand if unit in params.member_choice for m in params.member_choice[unit].members}
    skills |= {m for combo in role.combos for m in combo.members}
    return np.array(sorted(index[s] for s in skills), dtype=np.int64)


def chunk_jobs(ctx: Context, m: int, chunk: int, start: int, stop: int) -> list[Job]:
    """Return the distinct jobs [start, stop) of month `m` (canonical postings, before duplicates and corruption)."""
    period = ctx.periods[m]
    rng = stream(ctx.settings.seed, "jobs", period, chunk)
    params, taxonomy = ctx.params, ctx.taxonomy
    role_ids = tuple(params.roles)
    shares = np.array([params.roles[r].posting_share for r in role_ids])
    role_of = rng.choice(len(role_ids), size=stop - start, p=shares / shares.sum())
    year, month = (int(x) for x in period.split("-"))
    return _chunk_jobs(rng, role_of, role_ids, year, month, monthrange(year, month)[1], ctx.settings.months - 1 - m,
                       ctx, ctx.id_bases[m] + start)


def _chunk_jobs(rng, role_of, role_ids, year, month, days, k, ctx: Context, id_base: int) -> list[Job]:
    params, taxonomy, companies, safe_titles, mess = ctx.params, ctx.taxonomy, ctx.companies, ctx.safe_titles, ctx.params.mess
    n = len(role_of)
    unit_lists: list[tuple[str, ...]] = [()] * n
    pay_lo = np.zeros(n, dtype=np.int64)
    pay_hi = np.zeros(n, dtype=np.int64)
    hourly = np.zeros(n, dtype=np.int64)
    predicted = np.zeros(n)
    london = np.zeros(n, dtype=bool)
    kind_code = np.zeros(n, dtype=np.int64)
    skill_rows, skill_cols = [], []
    for r, role_id in enumerate(role_ids):
        rows = np.flatnonzero(role_of == r)
        if not len(rows):
            continue
        role: RoleParams = params.roles[role_id]
        draw = planted_skills(rng, len(rows), role, k, taxonomy, params)
        possible = _role_columns(role, taxonomy, params)    # the only columns a role's draw can set
        local, cols = np.nonzero(draw.skills[:, possible])
        skill_rows.append(rows[local])
        skill_cols.append(possible[cols])
        by_name = sorted(range(len(draw.units)), key=draw.units.__getitem__)
        cited_rows, cited_cols = np.nonzero(draw.cited[:, by_name])
        bounds = np.searchsorted(cited_rows, np.arange(len(rows) + 1)).tolist()
        names = [draw.units[by_name[c]] for c in cited_cols.tolist()]
        for i, row in enumerate(rows.tolist()):
            unit_lists[row] = tuple(names[bounds[i]:bounds[i + 1]])
        is_london = rng.random(len(rows)) < role.london_share
        london[rows] = is_london
        u = rng.random(len(rows))
        ftc = role.contract_share + (1 - role.contract_share) * float(mess["ftc_share"])
        kinds = np.where(u < role.contract_share, 1, np.where(u < ftc, 2, 0))
        kind_code[rows] = kinds
        mult = combo_multipliers(combo_hits(draw.skills, role, taxonomy), role) if role.combos else 1.0
        salary = pay_mids(rng.standard_normal(len(rows)), role.salary_base, is_london) * mult
        lo, hi = salary_figures(rng, salary, float(mess["salary_grid_5k_share"]))
        dlo, dhi, hr = day_rate_figures(rng, pay_mids(rng.standard_normal(len(rows)), role.day_rate_base, is_london),
                                        float(mess["day_rate_grid_50_share"]), float(mess["hourly_share"]))
        is_contract = kinds == 1
        pay_lo[rows] = np.where(is_contract, dlo, lo)
        pay_hi[rows] = np.where(is_contract, dhi, hi)
        hourly[rows] = np.where(is_contract, hr, 0)
        predicted[rows] = np.round(role.salary_target.uk.median * np.exp(0.25 * rng.standard_normal(len(rows))), 2)
    # mentioned skills as (job, skill) pairs: ids in taxonomy order, surfaces in a random order per job
    s_rows = np.concatenate(skill_rows) if skill_rows else np.zeros(0, dtype=np.int64)
    s_cols = np.concatenate(skill_cols) if skill_cols else np.zeros(0, dtype=np.int64)
    by_id = np.lexsort((s_cols, s_rows))
    id_offsets = np.searchsorted(s_rows[by_id], np.arange(n + 1)).tolist()
    skill_names = [taxonomy.skill_ids[c] for c in s_cols[by_id].tolist()]
    shuffled = np.lexsort((rng.random(len(s_rows)), s_rows))
    table = ctx.surface_table
    surfaces = table[s_cols[shuffled], rng.integers(0, table.shape[1], size=len(s_rows))].tolist()
    offsets = id_offsets
    stated = rng.random(n) < np.array([float(mess["stated_pay_share"][c]) for c in _CONTRACT_CODES])[kind_code]
    on_adzuna = rng.random(n) < float(params.volume["adzuna_share"])
    where = _choice(rng, ("structured", "text", "both"), n, tuple(mess["pay_where"].values()))
    with_prediction = rng.random(n) < float(mess["predicted_salary_share"])
    remote = ~london & (rng.random(n) < float(mess["remote_share"]))
    places = T.LONDON_PLACES + T.OTHER_PLACES + T.REMOTE_PLACES
    place_idx = np.where(
        london, _choice(rng, T.LONDON_PLACES, n, tuple(p.weight for p in T.LONDON_PLACES)),
        np.where(remote, len(T.LONDON_PLACES) + len(T.OTHER_PLACES)
                 + _choice(rng, T.REMOTE_PLACES, n, tuple(p.weight for p in T.REMOTE_PLACES)),
                 len(T.LONDON_PLACES) + _choice(rng, T.OTHER_PLACES, n, tuple(p.weight for p in T.OTHER_PLACES)))
    )
    hybrid_cut = float(mess["work_mode_cue"]["hybrid"])
    onsite_cut = hybrid_cut + float(mess["work_mode_cue"]["onsite"])
    mode_u = rng.random(n)
    permanent_cue = rng.random(n) < float(mess["permanent_cue_share"])
    day = rng.integers(1, days + 1, size=n)
    seconds = rng.integers(6 * 3600, 20 * 3600, size=n)
    R = rng.integers(0, 1 << 30, size=(n, 24))
    company_of = rng.integers(0, len(companies), size=n)
    # work mode: remote places are remote; office jobs state hybrid / onsite (a sentence or a "Hybrid - " place)
    remote_place = np.array([p.region == "unknown" for p in places])[place_idx]
    r0_3 = R[:, 0] % 3 == 0
    hybrid = ~remote_place & (mode_u < hybrid_cut)
    onsite = ~remote_place & ~hybrid & (mode_u < onsite_cut)
    work_mode = _pick(("remote", "hybrid", "onsite", "unknown"), np.select([remote_place, hybrid, onsite], [0, 1, 2], 3))
    mode_sentence = _pick(_MODE_SENTENCES, np.select(
        [remote_place & r0_3, hybrid & ~r0_3, onsite], [1 + R[:, 1] % 2, 3 + R[:, 1] % 3, 6 + R[:, 1] % 3], 0))
    place_text = _pick(tuple(p.text for p in places) + tuple(f"Hybrid - {p.city}" for p in places),
                       place_idx + len(places) * (hybrid & r0_3))
    # contract type cues: Adzuna's field and/or a text sentence; contract ads always carry one
    is_contract, is_temp, is_perm = kind_code == 1, kind_code == 2, kind_code == 0
    field_ok = on_adzuna & (R[:, 2] % 3 != 0)
    field_contract = is_contract & field_ok
    field_perm = is_perm & permanent_cue & field_ok
    contract_code = np.select([field_contract, field_perm], [1, 2], 0)
    sentence_code = np.select(
        [is_contract & (~field_contract | (R[:, 2] % 2 == 0)), is_temp, is_perm & permanent_cue & ~field_ok],
        [1 + R[:, 3] % 5, 6 + R[:, 3] % 3, 9 + R[:, 3] % 3], 0)
    contract_field = _pick((None, "contract", "permanent"), contract_code)
    contract_sentence = _pick(_CONTRACT_SENTENCES, sentence_code)
    signalled = ((contract_code > 0) | (sentence_code > 0)).tolist()
    # pay: stated (structured and/or text), Adzuna's prediction, or a no-pay phrase
    stated_day = stated & is_contract
    stated_salary = stated & ~is_contract
    predicted_flag = ~stated & on_adzuna & ~is_contract & with_prediction
    pay_kind = _pick(("none", "day_rate", "salary"), np.select([stated_day, stated_salary], [1, 2], 0))
    pay_period = _pick((None, "hour", "day", "year"),
                       np.select([stated_day & (hourly > 0), stated_day, stated_salary], [1, 2, 3], 0))
    lo_f, hi_f = pay_lo.astype(float).tolist(), pay_hi.astype(float).tolist()
    stated_l = stated.tolist()
    pmin = [x if s else None for x, s in zip(lo_f, stated_l)]
    pmax = [x if s else None for x, s in zip(hi_f, stated_l)]
    structured = [(a, b) if s else None for a, b, s in zip(lo_f, hi_f, (stated_salary & (where != 1)).tolist())]
    predicted_pay = [p if f else None for p, f in zip(predicted.tolist(), predicted_flag.tolist())]
    pay_line = _pick(("",) + T.NO_PAY_STATEMENTS,
                     np.where(~stated & ~predicted_flag & (R[:, 4] % 2 == 0), 1 + R[:, 5] % len(T.NO_PAY_STATEMENTS), 0))
    r4, lo_l, hi_l, hourly_l = R[:, 4].tolist(), pay_lo.tolist(), pay_hi.tolist(), hourly.tolist()
    for i in np.flatnonzero(stated_day).tolist():
        pay_line[i] = T.hourly_statement(r4[i], hourly_l[i]) if hourly_l[i] else T.day_rate_statement(r4[i], lo_l[i], hi_l[i])
    for i in np.flatnonzero(stated_salary & (where != 0)).tolist():
        pay_line[i] = T.salary_statement(r4[i], lo_l[i], hi_l[i])
    # title: a role title, sometimes with board noise, rarely shouting
    role_titles = [taxonomy.role_titles[r] for r in role_ids]
    all_titles = tuple(t for ts in role_titles for t in ts)
    title_first = np.array([0] + list(accumulate(len(ts) for ts in role_titles))[:-1])[role_of]
    title_count = np.array([len(ts) for ts in role_titles])[role_of]
    base_idx = title_first + R[:, 6] % title_count
    suffix = _pick(("",) + T.TITLE_SUFFIXES + T.CONTRACT_TITLE_SUFFIXES, np.select(
        [R[:, 7] % 4 == 0, is_contract & (R[:, 7] % 4 == 1)],
        [1 + R[:, 8] % len(T.TITLE_SUFFIXES), 1 + len(T.TITLE_SUFFIXES) + R[:, 8] % len(T.CONTRACT_TITLE_SUFFIXES)], 0))
    base_titles = _pick(all_titles, base_idx)
    title = [b + s for b, s in zip(base_titles, suffix)]
    for i in np.flatnonzero(R[:, 9] % 40 == 0).tolist():
        title[i] = title[i].upper()
    # intro: company blurb, maybe a GBP decoy, a hiring sentence (with the title when safe), work mode, contract cue
    company = _pick(companies, company_of)
    blurb = [t.replace("{company}", c) for t, c in zip(_pick(T.COMPANY_BLURBS, R[:, 11] % len(T.COMPANY_BLURBS)), company)]
    decoy_cut = 100 * float(mess["decoy_share"]) / 2
    decoy = _pick(("",) + T.DECOY_BLURBS, np.where(R[:, 12] % 100 < decoy_cut, 1 + R[:, 13] % len(T.DECOY_BLURBS), 0))
    key = (base_idx * len(T.TEAMS) + R[:, 10] % len(T.TEAMS)) * _INTRO_PERIOD + R[:, 14] % _INTRO_PERIOD
    unique, inverse = np.unique(key, return_inverse=True)
    hiring = _pick(tuple(_hiring_sentence(all_titles[k // _INTRO_PERIOD // len(T.TEAMS)],
                                          T.TEAMS[k // _INTRO_PERIOD % len(T.TEAMS)], k % _INTRO_PERIOD, safe_titles)
                         for k in unique.tolist()), inverse.reshape(-1))
    intro = [tuple(filter(None, parts)) for parts in zip(blurb, decoy, hiring, mode_sentence, contract_sentence)]
    duties = _pick(_DUTY_LISTS, R[:, 20] % len(_DUTY_LISTS))
    benefits = _pick(_BENEFIT_LISTS, R[:, 21] % len(_BENEFIT_LISTS))
    r13, r22 = R[:, 13].tolist(), R[:, 22].tolist()
    for i in np.flatnonzero(R[:, 12] % 100 >= 100 - decoy_cut).tolist():
        at = r22[i] % len(benefits[i])
        benefits[i] = benefits[i][:at] + (T.DECOY_BENEFITS[r13[i] % len(T.DECOY_BENEFITS)],) + benefits[i][at:]
    duty_heading = _pick(T.DUTY_HEADINGS, R[:, 22] % len(T.DUTY_HEADINGS))
    requirement_heading = _pick(T.REQUIREMENT_HEADINGS, R[:, 23] % len(T.REQUIREMENT_HEADINGS))
    about = _pick(tuple((a,) for a in T.ABOUT_US), R[:, 5] % len(T.ABOUT_US))
    equal = _pick(T.EQUAL_OPPORTUNITIES, R[:, 9] % len(T.EQUAL_OPPORTUNITIES))
    posted = (np.datetime64(datetime(year, month, 1), "s") + ((day - 1) * 86_400 + seconds).astype("timedelta64[s]")).tolist()
    source = _pick(("reed", "adzuna"), on_adzuna.astype(np.int64))
    ids = np.arange(id_base, id_base + n)
    source_id = np.where(on_adzuna, 4_100_000_000 + ids, 52_000_000 + ids).astype(str).tolist()
    kind = _pick(_CONTRACT_CODES, kind_code)
    role_name = _pick(role_ids, role_of)
    place = _pick(places, place_idx)
    pattern, form0, style = R[:, 16].tolist(), R[:, 19].tolist(), R[:, 1].tolist()
    templates = T.REQUIREMENT_TEMPLATES
    AdText = T.AdText
    jobs: list[Job] = []
    for i in range(n):
        # requirement sentences: 1-3 surfaces each
        mine = surfaces[offsets[i]:offsets[i + 1]]
        requirements = []
        pos = 0
        form = form0[i]
        for size in _SENTENCE_PATTERNS[pattern[i] % 16]:
            if pos >= len(mine):
                break
            group = mine[pos:pos + size]
            pos += size
            options = templates[len(group)]
            form += 1
            template = options[form % len(options)]
            if len(group) == 1:
                requirements.append(template.format(a=group[0]))
            elif len(group) == 2:
                requirements.append(template.format(a=group[0], b=group[1]))
            else:
                requirements.append(template.format(a=group[0], b=group[1], c=group[2]))
        ad = AdText(intro[i], duty_heading[i], duties[i], requirement_heading[i], tuple(requirements), pay_line[i],
                    about[i], benefits[i], equal[i])
        jobs.append(Job(
            source[i], source_id[i], role_name[i], title[i], company[i], posted[i], place[i], place_text[i], ad,
            tuple(skill_names[id_offsets[i]:id_offsets[i + 1]]), unit_lists[i], kind[i], contract_field[i],
            signalled[i], work_mode[i], pay_kind[i], pmin[i], pmax[i], pay_period[i], structured[i],
            predicted_pay[i], style[i],
        ))
    return jobs


def duplicated_jobs(rng: np.random.Generator, jobs: list[Job], params: SampleParams, id_base: int,
                    period_end: datetime) -> list[Job]:
    """Return the planted duplicates of `jobs`: cross-board copies and same-board reposts, with small edits."""
    n = len(jobs)
    u = rng.random(n)
    cross = float(params.mess["cross_board_duplicate_share"])
    same = float(params.mess["same_board_repost_share"])
    edits = rng.integers(0, 1 << 30, size=(n, 4)).tolist()
    dupes = []
    for i in np.flatnonzero(u < cross + same):
        job = jobs[i]
        e = edits[i]
        kind = "cross_board" if u[i] < cross else "same_board"
        source = job.source if kind == "same_board" else ("reed" if job.source == "adzuna" else "adzuna")
        title = job.title
        if e[0] % 3 == 0:
            title = title.replace(" - ", " | ").replace("(", "- ").replace(")", "")
        elif e[0] % 3 == 1:
            title = title.lower().title() if not title.isupper() else title.title()
        ad = job.ad
        if e[1] % 2 == 0 and len(ad.duties) > 1:
            ad = ad._replace(duties=ad.duties[:-1])
        else:
            ad = ad._replace(requirements=ad.requirements[1:] + ad.requirements[:1])
        intro = ad.intro
        contract_field = job.contract_field if source == "adzuna" else None
        if job.contract_signalled and not any(s in intro for ss in T.CONTRACT_SENTENCES.values() for s in ss) \
                and contract_field is None:
            intro = intro + (T.CONTRACT_SENTENCES[job.contract_true][e[2] % 3],)
            ad = ad._replace(intro=intro)
        posted = min(job.posted + timedelta(days=int(e[3] % 4), minutes=int(e[3] % 600)), period_end)
        offset = id_base + len(dupes)
        sid = str(4_190_000_000 + offset) if source == "adzuna" else str(59_000_000 + offset)
        dupes.append(replace(
            job, source=source, source_id=sid, title=title, ad=ad, posted=posted, contract_field=contract_field,
            predicted_pay=job.predicted_pay if source == "adzuna" else None, duplicate_of=(job.source, job.source_id),
            style=e[1],
        ))
    return dupes


MALFORMED_REASONS = (
    ("missing_title", "quarantine", 0.2), ("bad_date", "quarantine", 0.2), ("missing_id", "quarantine", 0.15),
    ("implausible_pay", "pay_rejected", 0.2), ("out_of_period", "quarantine", 0.25),
)


def _iso_z(moment: datetime) -> str:
    """Return `moment` as YYYY-MM-DDTHH:MM:SSZ (strftime's "%Y-%m-%dT%H:%M:%SZ", faster)."""
    return moment.isoformat(timespec="seconds") + "Z"


def _day_month_year(moment: datetime) -> str:
    """Return `moment` as DD/MM/YYYY (strftime's "%d/%m/%Y", faster)."""
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year:04d}"


_ADZUNA_CATEGORY = {"__CLASS__": "Adzuna::API::Response::Category", "label": "IT Jobs", "tag": "it-jobs"}  # never mutated


@lru_cache(maxsize=4096)
def _adzuna_location(display_name: str, area: tuple[str, ...]) -> dict:
    """Return an Adzuna location object (shared between records: never mutated)."""
    return {"__CLASS__": "Adzuna::API::Response::Location", "display_name": display_name, "area": list(area)}


@lru_cache(maxsize=4096)
def _adzuna_company(name: str) -> dict:
    """Return an Adzuna company object (shared between records: never mutated)."""
    return {"__CLASS__": "Adzuna::API::Response::Company", "display_name": name}


@lru_cache(maxsize=4096)
def _reed_employer_id(name: str) -> int:
    """Return the fictional Reed employer id of a company name."""
    return 600_000 + zlib.crc32(name.encode()) % 100_000


def adzuna_record(job: Job) -> dict:
    """Return the Adzuna search-API result for a job."""
    description = T.plain_text(job.ad, ("- ", "* ", "\u2022 ")[job.style % 3]) if job.style % 5 else \
        T.html_text(job.ad, job.style)
    rec: dict = {
        "__CLASS__": "Adzuna::API::Response::Job",
        "id": job.source_id,
        "title": job.title,
        "description": description,
        "created": _iso_z(job.posted),
        "location": _adzuna_location(job.place_text, job.place.area if job.style % 4 else ("UK",)),
        "salary_is_predicted": "0",
        "company": _adzuna_company(job.company),
        "category": _ADZUNA_CATEGORY,
        "redirect_url": f"https://www.adzuna.co.uk/jobs/details/{job.source_id}",
    }
    if job.structured_pay:
        rec["salary_min"], rec["salary_max"] = job.structured_pay
    elif job.predicted_pay:
        rec["salary_min"] = rec["salary_max"] = job.predicted_pay
        rec["salary_is_predicted"] = "1"
    if job.contract_field:
        rec["contract_type"] = job.contract_field
    if job.style % 7:
        rec["contract_time"] = "full_time"
    if job.malformed == "missing_title":
        rec["title"] = "" if job.style % 2 else None
        if rec["title"] is None:
            del rec["title"]
    elif job.malformed == "bad_date":
        rec["created"] = ("2026-13-45T99:00:00Z", "not a date", "")[job.style % 3]
    elif job.malformed == "missing_id":
        del rec["id"]
    return rec


def reed_record(job: Job) -> dict:
    """Return the Reed search-API result for a job."""
    expires = job.posted + timedelta(days=28 + 14 * (job.style % 3))
    rec: dict = {
        "jobId": int(job.source_id),
        "employerId": _reed_employer_id(job.company),
        "employerName": job.company,
        "employerProfileId": None,
        "employerProfileName": None,
        "jobTitle": job.title,
        "locationName": job.place_text,
        "minimumSalary": job.structured_pay[0] if job.structured_pay else None,
        "maximumSalary": job.structured_pay[1] if job.structured_pay else None,
        "currency": "GBP",
        "expirationDate": _day_month_year(expires),
        "date": _day_month_year(job.posted),
        "jobDescription": T.html_text(job.ad, job.style),
        "applications": job.style % 60,
        "jobUrl": f"https://www.reed.co.uk/jobs/job/{job.source_id}",
    }
    if job.malformed == "missing_title":
        rec["jobTitle"] = ""
    elif job.malformed == "bad_date":
        rec["date"] = ("31/04/2026", "TBC", "")[job.style % 3]
    elif job.malformed == "missing_id":
        rec["jobId"] = None
    return rec


def corrupted(rng: np.random.Generator, jobs: list[Job], share: float, period_start: datetime,
              excluded: set[int]) -> list[Job]:
    """Return `jobs` with about `share` of those not in `excluded` made malformed (reason kept on the job)."""
    out = list(jobs)
    eligible = np.array([i for i in range(len(jobs)) if i not in excluded], dtype=np.int64)
    pick = eligible[rng.random(len(eligible)) < share]
    reasons = rng.choice(len(MALFORMED_REASONS), size=len(pick), p=[r[2] for r in MALFORMED_REASONS])
    for i, r in zip(pick.tolist(), reasons.tolist()):
        job = jobs[i]
        reason = MALFORMED_REASONS[r][0]
        if reason == "implausible_pay":
            value = 1.0 if i % 2 == 0 else 9_999_999.0
            out[i] = replace(job, malformed=reason, ad=job.ad._replace(pay_line=T.ABSURD_PAY[i % 2]),
                             structured_pay=None, predicted_pay=None, pay_kind="rejected", pay_min=value,
                             pay_max=value, pay_period="year")
        elif reason == "out_of_period":
            out[i] = replace(job, malformed=reason, posted=period_start - timedelta(days=1 + i % 10, hours=-9))
        else:
            out[i] = replace(job, malformed=reason)
    return out


MALFORMED_OUTCOME = {name: outcome for name, outcome, _ in MALFORMED_REASONS} | {"unparseable_json": "quarantine"}

POSTING_TRUTH_SCHEMA = pa.schema([
    ("source", pa.string()), ("source_id", pa.string()), ("period", pa.string()), ("role_id", pa.string()),
    ("title", pa.string()), ("posted_at", pa.date32()), ("skill_ids", pa.list_(pa.string())),
    ("unit_ids", pa.list_(pa.string())), ("pay_kind", pa.string()), ("pay_min", pa.float64()),
    ("pay_max", pa.float64()), ("pay_period", pa.string()), ("region", pa.string()), ("is_london", pa.bool_()),
    ("work_mode", pa.string()), ("contract_type", pa.string()), ("contract_type_true", pa.string()),
    ("duplicate_of_source", pa.string()), ("duplicate_of_source_id", pa.string()), ("malformed_reason", pa.string()),
])
PROFILE_TRUTH_SCHEMA = pa.schema([
    ("source_id", pa.string()), ("role_id", pa.string()), ("skill_ids", pa.list_(pa.string())),
    ("history_role_ids", pa.list_(pa.string())), ("history_months", pa.list_(pa.int64())),
    ("malformed_reason", pa.string()),
])




def _seconds(moment: datetime) -> int:
    return (moment.toordinal() - _EPOCH_ORDINAL) * 86_400 + moment.hour * 3600 + moment.minute * 60 + moment.second


def posting_truth_table(jobs: list[Job], period: str) -> pa.Table:
    """Return the truth rows of written postings (schema `POSTING_TRUTH_SCHEMA`)."""
    dup = [j.duplicate_of for j in jobs]
    columns = {
        "source": [j.source for j in jobs], "source_id": [j.source_id for j in jobs], "period": [period] * len(jobs),
        "role_id": [j.role_id for j in jobs], "title": [j.title for j in jobs],
        "posted_at": [j.posted.toordinal() - _EPOCH_ORDINAL for j in jobs],
        "skill_ids": [j.skill_ids for j in jobs], "unit_ids": [j.unit_ids for j in jobs],
        "pay_kind": [j.pay_kind for j in jobs], "pay_min": [j.pay_min for j in jobs],
        "pay_max": [j.pay_max for j in jobs], "pay_period": [j.pay_period for j in jobs],
        "region": [j.place.region for j in jobs], "is_london": [j.place.is_london for j in jobs],
        "work_mode": [j.work_mode for j in jobs],
        "contract_type": [j.contract_true if j.contract_signalled else "unknown" for j in jobs],
        "contract_type_true": [j.contract_true for j in jobs],
        "duplicate_of_source": [d[0] if d else None for d in dup],
        "duplicate_of_source_id": [d[1] if d else None for d in dup],
        "malformed_reason": [j.malformed for j in jobs],
    }
    return pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in POSTING_TRUTH_SCHEMA},
                    schema=POSTING_TRUTH_SCHEMA)


def posting_truth_row(job: Job, period: str) -> dict:
    """Return the truth row of a written posting."""
    return posting_truth_table([job], period).to_pylist()[0]


def demand_counts(jobs: Iterable[Job], taxonomy: SampleTaxonomy) -> tuple[Counter, dict[str, Counter]]:
    """Return distinct valid jobs per role and, per role, how many cite each skill and unit (additive over chunks)."""
    units_of_skill: dict[str, set[str]] = defaultdict(set)
    for unit, members in taxonomy.unit_members.items():
        for member in members:
            units_of_skill[member].add(unit)
    cites = {s: frozenset(units_of_skill.get(s, ())) | {s} for s in taxonomy.skill_ids}   # a skill and its units
    counted: Counter = Counter()
    citing: dict[str, Counter] = defaultdict(Counter)
    for job in jobs:
        if job.duplicate_of is None and MALFORMED_OUTCOME.get(job.malformed) != "quarantine":
            counted[job.role_id] += 1
            citing[job.role_id].update(set().union(*[cites.get(s) or {s} for s in job.skill_ids]))
    return counted, dict(citing)


def realised_demand(counted: Counter, citing: Mapping[str, Counter], params: SampleParams,
                    taxonomy: SampleTaxonomy) -> dict:
    """Return per role the distinct valid jobs and the share citing each planted unit and report group."""
    out = {}
    for role_id, n in sorted(counted.items()):
        units = list(params.roles[role_id].demand) + [u for u in taxonomy.unit_members if u not in params.roles[role_id].demand]
        out[role_id] = {"jobs": n, "demand": {u: round(citing[role_id][u] / n, 4) for u in units}}
    return out


@dataclass(frozen=True)
class PostingChunk:
    """One rendered chunk of a month: per source the sort keys and byte lengths of its records (in `files`)."""

    m: int
    chunk: int
    jobs: int
    duplicates: tuple[dict, ...]
    keys: Mapping[str, np.ndarray]       # source -> int64 (rows, 2): created second (period start if out of period), id
    lengths: Mapping[str, np.ndarray]    # source -> int64 bytes per record, in key order
    files: Mapping[str, str]             # source -> scratch file of the records, concatenated in key order
    malformed: tuple[tuple[str, int, str, str], ...]   # (source, row within the source's records, source_id, reason)
    truth: pa.Table | None               # None once written out
    demand: tuple[Counter, dict[str, Counter]] | None


def posting_chunk(ctx: Context, m: int, chunk: int, start: int, stop: int) -> PostingChunk:
    """Return chunk `chunk` (distinct jobs [start, stop)) of month `m` with duplicates and corruption, rendered."""
    params, period = ctx.params, ctx.periods[m]
    year, month = (int(x) for x in period.split("-"))
    period_start = datetime(year, month, 1)
    period_end = datetime(year, month, monthrange(year, month)[1], 23, 59)
    jobs = chunk_jobs(ctx, m, chunk, start, stop)
    rng = stream(ctx.settings.seed, "mess", period, chunk)
    dupes = duplicated_jobs(rng, jobs, params, ctx.id_bases[m] + start, period_end)
    dup_keys = {d.duplicate_of for d in dupes}
    excluded = {i for i, j in enumerate(jobs) if (j.source, j.source_id) in dup_keys}
    jobs = corrupted(rng, jobs, float(params.mess["malformed_share"]), period_start, excluded)
    start_key = _seconds(period_start)
    keyed = sorted((start_key if j.malformed == "out_of_period" else _seconds(j.posted), int(j.source_id), j)
                   for j in jobs + dupes)
    written = [k[2] for k in keyed]
    keys, lengths, files, malformed = {}, {}, {}, []
    for source in SOURCES:
        mine = [k for k in keyed if k[2].source == source]
        render = adzuna_record if source == "adzuna" else reed_record
        blobs = [orjson.dumps(render(k[2])) for k in mine]
        path = ctx.work_dir / f"{m:03d}-{chunk:05d}-{source}.bin"
        path.write_bytes(b"".join(blobs))
        keys[source] = np.array([k[:2] for k in mine], dtype=np.int64).reshape(-1, 2)
        lengths[source] = np.array([len(b) for b in blobs], dtype=np.int64)
        files[source] = str(path)
        malformed += [(source, i, k[2].source_id, k[2].malformed) for i, k in enumerate(mine) if k[2].malformed]
    duplicates = tuple({"source": d.source, "source_id": d.source_id, "period": period,
                        "canonical_source": d.duplicate_of[0], "canonical_source_id": d.duplicate_of[1],
                        "kind": "same_board" if d.source == d.duplicate_of[0] else "cross_board"} for d in dupes)
    demand = demand_counts(written, ctx.taxonomy) if m in (0, ctx.settings.months - 1) else None
    return PostingChunk(m, chunk, len(jobs), duplicates, keys, lengths, files, tuple(malformed),
                        posting_truth_table(written, period), demand)


def _cv_skill_string(params: SampleParams, taxonomy: SampleTaxonomy, skill_id: str, r: int, typo: bool) -> str:
    typos = params.cv_typos.get(skill_id, ())
    if typo and typos:
        return typos[r % len(typos)]
    if r % 10 < 6:
        return taxonomy.skill_names[skill_id]
    return _surface(params, skill_id, r // 10)


@dataclass(frozen=True)
class ProfileChunk:
    """A chunk of the CV snapshot: JSON Resume lines (some broken), truth rows and career counts."""

    lines: bytes                    # newline-terminated JSON lines
    count: int
    malformed: tuple[str, ...]      # source ids of broken lines
    truth: pa.Table
    careers: tuple[Counter, Counter, tuple[int, ...]]   # see career_counts


def profile_chunk(ctx: Context, chunk: int, start: int, stop: int) -> ProfileChunk:
    """Return CV profiles [start, stop) of the snapshot as JSON Resume lines (some broken) with their truth."""
    settings, params, taxonomy, companies = ctx.settings, ctx.params, ctx.taxonomy, ctx.companies
    rng = stream(settings.seed, "profiles", chunk)
    role_ids = tuple(params.roles)
    shares = np.array([params.roles[r].profile_share for r in role_ids])
    n = stop - start
    role_of = rng.choice(len(role_ids), size=n, p=shares / shares.sum()).tolist()
    skills_of: list[tuple[str, ...]] = [()] * n
    for r, role_id in enumerate(role_ids):
        rows = [i for i, x in enumerate(role_of) if x == r]
        if rows:
            draw = planted_skills(rng, len(rows), params.roles[role_id], 0, taxonomy, params, supply=True)
            local, cols = np.nonzero(draw.skills)
            bounds = np.searchsorted(local, np.arange(len(rows) + 1)).tolist()
            names = [taxonomy.skill_ids[c] for c in cols.tolist()]
            for i, row in enumerate(rows):
                skills_of[row] = tuple(names[bounds[i]:bounds[i + 1]])
    year, month = (int(x) for x in settings.end_period.split("-"))
    snapshot = datetime(year, month, 1).date()
    places = T.LONDON_PLACES + T.OTHER_PLACES
    place_of = _choice(rng, places, n, tuple(p.weight for p in places)).tolist()
    typo_share = float(params.mess["cv_typo_share"])
    typo = (rng.random((n, 64)) < typo_share).tolist()
    junk = (rng.random(n) < float(params.mess["cv_junk_share"])).tolist()
    broken = (rng.random(n) < float(params.mess["malformed_cv_share"])).tolist()
    ints = rng.integers(0, 1 << 30, size=(n, 8)).tolist()
    lines, histories = [], []
    for i in range(n):
        rr = ints[i]
        role_id = role_ids[role_of[i]]
        history = work_history(rng, role_id, params.careers, snapshot)
        histories.append(history)
        work = []
        for j, job in enumerate(reversed(history)):   # JSON Resume: newest first
            titles = params.careers.other_titles if job.role_id == "other" else taxonomy.role_titles[job.role_id]
            entry = {"name": companies[(rr[0] + 7 * j) % len(companies)], "position": titles[(rr[1] + j) % len(titles)],
                     "startDate": job.start.isoformat()}
            if job.end is not None:
                entry["endDate"] = job.end.isoformat()
            summary = T.WORK_SUMMARIES[(rr[2] + j) % len(T.WORK_SUMMARIES)]
            if summary:
                entry["summary"] = summary
            work.append(entry)
        strings = [_cv_skill_string(params, taxonomy, s, rr[3] // (j + 1) + j, typo[i][j % 64])
                   for j, s in enumerate(skills_of[i])]
        if junk[i]:
            strings.insert(rr[4] % (len(strings) + 1), params.cv_junk[rr[4] % len(params.cv_junk)])
        skills, pos = [], 0
        while pos < len(strings):
            take = 1 + (2 if (rr[5] + pos) % 4 == 0 else 0)
            skills.append({"name": strings[pos], "keywords": strings[pos + 1:pos + take]})
            pos += take
        place = places[place_of[i]]
        source_id = f"cv-{settings.seed:03d}-{start + i + 1:06d}"
        doc = {
            "basics": {"name": f"{T.FIRST_NAMES[rr[6] % len(T.FIRST_NAMES)]} {T.LAST_NAMES[rr[7] % len(T.LAST_NAMES)]}",
                       "label": work[0]["position"], "location": {"city": place.city, "countryCode": "GB"},
                       "summary": T.CV_SUMMARIES[rr[2] % len(T.CV_SUMMARIES)]},
            "work": work,
            "skills": skills,
            "meta": {"id": source_id, "lastModified": f"{settings.end_period}-{1 + rr[0] % 28:02d}T09:00:00"},
        }
        line = orjson.dumps(doc)
        if broken[i]:
            line = line[: len(line) // 2]
        lines.append(line)
    ids = [f"cv-{settings.seed:03d}-{start + i + 1:06d}" for i in range(n)]
    role_lists = [[h.role_id for h in history] for history in histories]
    month_lists = [[h.months for h in history] for history in histories]
    truth = pa.table({
        "source_id": pa.array(ids, pa.string()), "role_id": pa.array([role_ids[r] for r in role_of], pa.string()),
        "skill_ids": pa.array([sorted(s) for s in skills_of], pa.list_(pa.string())),
        "history_role_ids": pa.array(role_lists, pa.list_(pa.string())),
        "history_months": pa.array(month_lists, pa.list_(pa.int64())),
        "malformed_reason": pa.array(["unparseable_json" if b else None for b in broken], pa.string()),
    }, schema=PROFILE_TRUTH_SCHEMA)
    return ProfileChunk(b"".join(ln + b"\n" for ln in lines), n, tuple(s for s, b in zip(ids, broken) if b), truth,
                        career_counts(role_lists, month_lists))


def career_counts(role_lists: Iterable[list[str]], month_lists: Iterable[list[int]]
                  ) -> tuple[Counter, Counter, tuple[int, ...]]:
    """Return the roles held just before and just after an MLE job, and completed MLE tenures (additive)."""
    entry, after, tenures = Counter(), Counter(), []
    for roles, months in zip(role_lists, month_lists):
        if MLE not in roles:
            continue
        j = roles.index(MLE)
        if j > 0:
            entry[roles[j - 1]] += 1
        if j < len(roles) - 1:
            after[roles[j + 1]] += 1
            tenures.append(months[j])
    return entry, after, tuple(tenures)


def career_realised(entry: Counter, after: Counter, tenures: tuple[int, ...]) -> dict:
    """Return MLE entry / next-role shares and the median completed MLE tenure measured on the histories."""
    def shares(c: Counter) -> dict:
        total = sum(c.values())
        return {k: round(v / total, 4) for k, v in c.most_common()} if total else {}

    return {"mle_entry": shares(entry), "mle_entry_n": sum(entry.values()), "mle_next": shares(after),
            "mle_next_n": sum(after.values()),
            "mle_median_tenure_months": float(np.median(tenures)) if tenures else None,
            "mle_completed_stints": len(tenures)}


def sources_config(market: str) -> dict:
    """Return the market source config of the sample (docs/architecture.md "Source config")."""
    return {"market": market, "sources": [
        {"name": "adzuna", "kind": "postings", "format": "adzuna_json", "path": "postings/{period}/adzuna-*.json",
         "mapping": None, "options": {}},
        {"name": "reed", "kind": "postings", "format": "reed_json", "path": "postings/{period}/reed.json",
         "mapping": None, "options": {}},
        {"name": "cv", "kind": "profiles", "format": "jsonresume", "path": "profiles/{period}/cv.jsonl",
         "mapping": None, "options": {}},
    ]}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


@dataclass(frozen=True)
class Segment:
    """A run of records to copy from chunk scratch files into an output file at `offset`, comma-separated."""

    path: str                  # the output file (already sized; head and tail written)
    offset: int                # where the first byte of this run goes
    leading_comma: bool        # the run continues a results list
    sources: tuple[str, ...]   # scratch files
    owners: np.ndarray         # per record: index into `sources`
    starts: np.ndarray         # per record: byte offset in its scratch file
    lengths: np.ndarray        # per record: bytes


def write_segment(segment: Segment) -> int:
    """Copy a segment's records into its output file; return the bytes written."""
    handles = [open(name, "rb") for name in segment.sources]
    try:
        parts = []
        for owner, start, length in zip(segment.owners.tolist(), segment.starts.tolist(), segment.lengths.tolist()):
            fh = handles[owner]
            fh.seek(start)
            parts.append(fh.read(length))
    finally:
        for fh in handles:
            fh.close()
    body = (b"," if segment.leading_comma else b"") + b",".join(parts)
    fd = os.open(segment.path, os.O_WRONLY)
    try:
        os.pwrite(fd, body, segment.offset)
    finally:
        os.close(fd)
    return len(body)


def _envelope(envelope: dict) -> tuple[bytes, bytes]:
    """Return the bytes before and after the records of `envelope`'s empty `results` list, as orjson writes it."""
    head, tail = orjson.dumps(envelope).rsplit(b"[]", 1)
    return head + b"[", b"]" + tail + b"\n"


@dataclass(frozen=True)
class MonthFiles:
    """A month's output files laid out from its rendered chunks: the segments to copy and the files to finish."""

    files: tuple[Path, ...]                  # final paths, in order
    segments: tuple[Segment, ...]
    rows: Mapping[str, int]
    malformed: tuple[dict, ...]              # in file order, with the file each landed in


def month_layout(out_dir: Path, period: str, chunks: list[PostingChunk], page_size: int,
                 segment_rows: int = 5_000) -> MonthFiles:
    """Lay out a month's Adzuna pages and Reed file in posting order: size each file (head and tail written).

    Records are then copied in by `write_segment` (in any order, by any process) and the `.tmp` files renamed.
    """
    files: list[Path] = []
    segments: list[Segment] = []
    rows: dict[str, int] = {}
    malformed: list[dict] = []
    folder = out_dir / "postings" / period
    folder.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        keys = np.concatenate([c.keys[source] for c in chunks])
        lengths = np.concatenate([c.lengths[source] for c in chunks])
        owners = np.concatenate([np.full(len(c.lengths[source]), i, dtype=np.int64) for i, c in enumerate(chunks)])
        starts = np.concatenate([np.concatenate([[0], np.cumsum(c.lengths[source])[:-1]]).astype(np.int64)
                                 if len(c.lengths[source]) else np.zeros(0, dtype=np.int64) for c in chunks])
        firsts = [0] + list(accumulate(len(c.lengths[source]) for c in chunks))
        order = np.lexsort((keys[:, 1], keys[:, 0]))
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        n = len(order)
        sources = tuple(c.files[source] for c in chunks)
        if source == "adzuna":
            envelope = {"__CLASS__": "Adzuna::API::Response::JobSearchResults", "count": n, "results": []}
            pages = [(folder / f"adzuna-{p + 1:03d}.json", order[first:first + page_size])
                     for p, first in enumerate(range(0, max(n, 1), page_size))]
        else:
            pages = [(folder / "reed.json", order)]
            envelope = {"totalResults": n, "results": []}
        head, tail = _envelope(envelope)
        for path, picked in pages:
            tmp = path.with_name(path.name + ".tmp")
            size = len(head) + int(lengths[picked].sum()) + max(len(picked) - 1, 0) + len(tail)
            with open(tmp, "wb") as fh:
                fh.truncate(size)
                fh.write(head)
                fh.seek(size - len(tail))
                fh.write(tail)
            offset = len(head)
            for first in range(0, len(picked), segment_rows):
                run = picked[first:first + segment_rows]
                segments.append(Segment(str(tmp), offset, first > 0, sources, owners[run], starts[run], lengths[run]))
                offset += int(lengths[run].sum()) + len(run) - (first == 0)
            files.append(path)
        entries = []
        for i, c in enumerate(chunks):
            for src, row, source_id, reason in c.malformed:
                if src != source:
                    continue
                at = int(position[firsts[i] + row])
                file = f"postings/{period}/adzuna-{at // page_size + 1:03d}.json" if source == "adzuna" else \
                    f"postings/{period}/reed.json"
                entries.append((at, {"source": source, "source_id": source_id, "period": period, "file": file,
                                     "reason": reason, "outcome": MALFORMED_OUTCOME[reason]}))
        malformed += [e for _, e in sorted(entries, key=lambda t: t[0])]
        rows[source] = n
    return MonthFiles(tuple(files), tuple(segments), MappingProxyType(rows), tuple(malformed))


def finish_files(files: Iterable[Path]) -> None:
    """Rename each laid-out `.tmp` file to its final name."""
    for path in files:
        path.with_name(path.name + ".tmp").replace(path)


_WORKER_CONTEXT: Context | None = None


def _init_worker(ctx: Context | SampleSettings, work_dir: Path) -> None:
    global _WORKER_CONTEXT  # noqa: PLW0603 - one context per worker process, set once at start
    _WORKER_CONTEXT = ctx if isinstance(ctx, Context) else sample_context(ctx, work_dir)


def run_task(ctx: Context, task: tuple) -> PostingChunk | ProfileChunk | tuple[str, dict]:
    """Return the output of one generation task.

    Tasks: ("jobs", m, chunk, start, stop), ("profiles", chunk, start, stop) or ("pay", role_id) (large-draw pay
    truth). The cyclic garbage collector is paused meanwhile: a chunk makes many objects and no cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        if task[0] == "jobs":
            return posting_chunk(ctx, *task[1:])
        if task[0] == "profiles":
            return profile_chunk(ctx, *task[1:])
        return task[1], pay_truth(ctx.params.roles[task[1]], ctx.params, ctx.taxonomy)
    finally:
        if enabled:
            gc.enable()


def _run_in_worker(task: tuple) -> PostingChunk | ProfileChunk | tuple[str, dict]:
    return run_task(_WORKER_CONTEXT, task)


def default_workers() -> int:
    """Return how many worker processes generate by default: the usable CPUs, at most `MAX_WORKERS`."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus))


class Runner:
    """Runs generation tasks and segment copies here or in `workers` processes (the outputs are the same)."""

    def __init__(self, ctx: Context, workers: int):
        self.ctx, self.pool = ctx, None
        if workers > 1 and not multiprocessing.current_process().daemon:   # daemonic processes cannot fork workers
            if "fork" in multiprocessing.get_all_start_methods():   # the context is inherited, not pickled
                self.pool = multiprocessing.get_context("fork").Pool(workers, _init_worker, (ctx, ctx.work_dir))
            else:
                self.pool = multiprocessing.get_context().Pool(workers, _init_worker, (ctx.settings, ctx.work_dir))

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def results(self, tasks: list[tuple]) -> Iterator[PostingChunk | ProfileChunk | tuple[str, dict]]:
        """Yield the tasks' outputs in task order."""
        if self.pool is None:
            return (run_task(self.ctx, task) for task in tasks)
        return self.pool.imap(_run_in_worker, tasks)

    def copy(self, segments: Iterable[Segment]) -> list:
        """Start copying `segments`; return handles whose `.get()` waits for each."""
        if self.pool is None:
            return [_Done(write_segment(s)) for s in segments]
        return [self.pool.apply_async(write_segment, (s,)) for s in segments]


@dataclass(frozen=True)
class _Done:
    value: int

    def get(self) -> int:
        return self.value


def generate_sample(out_dir: Path, settings: SampleSettings = SampleSettings(), workers: int | None = None
                    ) -> SampleSummary:
    """Write the sample market for `settings` under `out_dir` and return what was written (same bytes per seed).

    `workers` processes render chunks in parallel (default: `default_workers()`); the bytes do not depend on it.
    """
    if settings.months < 1 or settings.postings_latest < 1 or settings.profiles < 0:
        raise ValueError("months and postings_latest must be at least 1 and profiles not negative")
    total = sum(jobs_per_month(settings, float(sample_params().volume["first_month_share"])))
    if total > MAX_TOTAL_JOBS:
        raise ValueError(f"{total:,} distinct jobs over {settings.months} months is more than the {MAX_TOTAL_JOBS:,} "
                         "the sample's id ranges hold; use fewer months or postings")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix=".sample-work-", dir=out_dir))
    try:
        return _generate(out_dir, sample_context(settings, work_dir), default_workers() if workers is None else workers)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


# Large-draw pay truth per (role parameters, mess, taxonomy): the same for every seed and size, so kept per process.
_PAY_TRUTH: dict[tuple[str, str, str], dict] = {}


def _pay_key(ctx: Context, role_id: str) -> tuple[str, str, str]:
    return repr(ctx.params.roles[role_id]), repr(dict(ctx.params.mess)), ctx.taxonomy.version


def _generate(out_dir: Path, ctx: Context, workers: int) -> SampleSummary:
    settings, params, taxonomy, periods, counts = ctx.settings, ctx.params, ctx.taxonomy, ctx.periods, ctx.counts
    page_size = int(params.volume["adzuna_page_size"])
    month_chunks = [chunk_bounds(counts[m], CHUNK_JOBS) for m in range(settings.months)]
    pay: dict[str, dict] = {r: _PAY_TRUTH[_pay_key(ctx, r)] for r in params.roles if _pay_key(ctx, r) in _PAY_TRUTH}
    tasks: list[tuple] = [("pay", role_id) for role_id in params.roles if role_id not in pay]
    tasks += [("jobs", m, c, a, b) for m in range(settings.months) for c, (a, b) in enumerate(month_chunks[m])]
    tasks += [("profiles", c, a, b) for c, (a, b) in enumerate(chunk_bounds(settings.profiles, CHUNK_PROFILES))]
    # rough CPU seconds of the tasks: below a second, starting worker processes costs more than it saves
    if 0.15 * sum(t[0] == "pay" for t in tasks) + 80e-6 * sum(counts) + 50e-6 * settings.profiles < MIN_PARALLEL_SECONDS:
        workers = 1
    files: list[Path] = []
    rows: dict[str, dict[str, int]] = {"adzuna": {}, "reed": {}, "cv": {}}
    duplicates, malformed, profile_malformed = [], [], []
    realised = {}
    truth_postings = out_dir / "truth_postings.parquet"
    truth_profiles = out_dir / "truth_profiles.parquet"
    cv_path = out_dir / "profiles" / settings.end_period / "cv.jsonl"
    cv_path.parent.mkdir(parents=True, exist_ok=True)
    cv_tmp = cv_path.with_name(cv_path.name + ".tmp")
    posting_writer = pq.ParquetWriter(truth_postings.with_name(truth_postings.name + ".tmp"), POSTING_TRUTH_SCHEMA)
    profile_writer = pq.ParquetWriter(truth_profiles.with_name(truth_profiles.name + ".tmp"), PROFILE_TRUTH_SCHEMA)
    entry, after, tenures, n_profiles = Counter(), Counter(), [], 0
    pending: list[PostingChunk] = []
    month_files: list[MonthFiles] = []
    copies: list = []
    with Runner(ctx, workers) as runner, posting_writer, profile_writer, open(cv_tmp, "wb", buffering=1 << 20) as cv_out:
        for result in runner.results(tasks):
            if isinstance(result, tuple):
                pay[result[0]] = _PAY_TRUTH[_pay_key(ctx, result[0])] = result[1]
                continue
            if isinstance(result, ProfileChunk):
                cv_out.write(result.lines)
                profile_writer.write_table(result.truth)
                profile_malformed += result.malformed
                entry.update(result.careers[0])
                after.update(result.careers[1])
                tenures += result.careers[2]
                n_profiles += result.count
                continue
            posting_writer.write_table(result.truth)
            pending.append(replace(result, truth=None))   # a slice would keep the buffers alive
            m = result.m
            if len(pending) < len(month_chunks[m]):
                continue
            period = periods[m]
            layout = month_layout(out_dir, period, pending, page_size)
            copies += runner.copy(layout.segments)
            month_files.append(layout)
            files += layout.files
            malformed += layout.malformed
            for source, n in layout.rows.items():
                rows[source][period] = n
            for c in pending:
                duplicates += c.duplicates
            if m in (0, settings.months - 1):
                counted, citing = Counter(), defaultdict(Counter)
                for c in pending:
                    counted.update(c.demand[0])
                    for role_id, cites in c.demand[1].items():
                        citing[role_id].update(cites)
                realised[period] = realised_demand(counted, citing, params, taxonomy)
            log.info("sample %s: %d jobs, %d duplicates, %d rows", period, sum(c.jobs for c in pending),
                     sum(len(c.duplicates) for c in pending), sum(layout.rows.values()))
            pending = []
        for handle in copies:
            handle.get()
    for layout in month_files:
        finish_files(layout.files)
    truth_postings.with_name(truth_postings.name + ".tmp").replace(truth_postings)
    truth_profiles.with_name(truth_profiles.name + ".tmp").replace(truth_profiles)
    cv_tmp.replace(cv_path)
    files.append(cv_path)
    rows["cv"][settings.end_period] = n_profiles
    malformed += [{"source": "cv", "source_id": s, "period": settings.end_period,
                   "file": f"profiles/{settings.end_period}/cv.jsonl", "reason": "unparseable_json",
                   "outcome": "quarantine"} for s in profile_malformed]
    sources_yaml = _write(out_dir / "sources.yaml",
                          yaml.safe_dump(sources_config(settings.market), sort_keys=False).encode("utf-8"))
    truth = truth_document(settings, params, taxonomy, periods, counts, rows, duplicates, malformed, realised,
                           career_realised(entry, after, tuple(tenures)), pay)
    truth_json = _write(out_dir / "truth.json", orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")
    return SampleSummary(
        out_dir=out_dir, sources_yaml=sources_yaml, truth_json=truth_json, truth_postings=truth_postings,
        truth_profiles=truth_profiles, files=tuple(files),
        rows=MappingProxyType({s: MappingProxyType(v) for s, v in rows.items()}),
        jobs=MappingProxyType(dict(zip(periods, counts))), profiles=n_profiles,
    )


def truth_document(settings: SampleSettings, params: SampleParams, taxonomy: SampleTaxonomy, periods: tuple[str, ...],
                   counts: tuple[int, ...], rows: dict, duplicates: list, malformed: list, realised: dict,
                   careers_realised: dict, pay: Mapping[str, dict] | None = None) -> dict:
    """Return truth.json: the generating parameters, planted messes and what was written (see module docstring)."""
    roles = {}
    for role_id, role in params.roles.items():
        role_pay = pay[role_id] if pay and role_id in pay else pay_truth(role, params, taxonomy)
        roles[role_id] = {
            "name_titles": list(taxonomy.role_titles[role_id]),
            "posting_share": role.posting_share, "profile_share": role.profile_share,
            "london_share": role.london_share, "contract_share": role.contract_share,
            "demand": {u: {p: round(role.demand_at(u, len(periods) - 1 - m), 4) for m, p in enumerate(periods)}
                       for u in role.demand},
            "emerging_units": sorted(role.emerging_first),
            "supply": dict(role.supply),
            "salary": role_pay["salary"], "day_rate": role_pay["day_rate"], "combos": role_pay["combos"],
            "salary_target": _pay_dict(role.salary_target), "day_rate_target": _pay_dict(role.day_rate_target),
        }
    careers = params.careers
    return {
        "settings": settings.__dict__,
        "taxonomy_version": taxonomy.version,
        "params_file": str(PARAMS_FILE.name),
        "periods": list(periods),
        "definitions": {
            "postings_latest": "distinct jobs generated in the latest month (duplicates are extra rows; malformed "
                               "rows are drawn from these jobs)",
            "demand": "probability that a distinct job of the role cites the unit (any member of a group)",
            "pay": "stated pay as range mid-point; salary annual GBP, day_rate GBP/day (hourly x 8); predicted "
                   "Adzuna salaries are not stated pay",
            "malformed_outcome": "quarantine: the row should land in `quarantine` with the reason; pay_rejected: the "
                                 "posting is kept with pay_kind `rejected`",
        },
        "roles": roles,
        "careers": {"mle_entry": dict(careers.mle_entry), "mle_first_job_share": careers.mle_first_job_share,
                    "mle_tenure_median_months": careers.mle_tenure_median_months,
                    "previous": {k: dict(v) for k, v in careers.previous.items()}, "realised": careers_realised},
        "mess": {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in params.mess.items()},
        "duplicates": duplicates,
        "malformed": malformed,
        "counts": rows,
        "jobs": dict(zip(periods, counts)),
        "profiles": settings.profiles,
        "realised": realised,
    }


def _pay_dict(target) -> dict:
    return {"uk": target.uk.__dict__, "london": target.london.__dict__}
