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

`truth_postings.parquet`: one row per written posting row (source, source_id, period, role_id, title, posted_at,
skill_ids, unit_ids, pay_kind, pay_min, pay_max, pay_period, region, is_london, work_mode, contract_type,
contract_type_true, duplicate_of_source, duplicate_of_source_id, malformed_reason).
`truth_profiles.parquet`: source_id, role_id, skill_ids, history_role_ids (oldest first), history_months,
malformed_reason.
"""
from __future__ import annotations

import logging
import zlib
from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

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

CHUNK_JOBS = 50_000


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


@dataclass(slots=True)
class Job:
    """One generated job (mutable while the month is assembled; never leaves this module)."""

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
    titles = taxonomy.all_role_titles()
    safe = set()
    for title in titles:
        masked = norm(title)
        for other in titles:
            if other != title:
                masked = masked.replace(norm(other), " ")
        if not any(s.strip() and s in masked for s in surfaces):
            safe.add(title)
    return frozenset(safe)


def month_jobs(settings: SampleSettings, period: str, months_before_latest: int, n_jobs: int, params: SampleParams,
               taxonomy: SampleTaxonomy, companies: tuple[str, ...], id_base: int) -> list[Job]:
    """Return the distinct jobs of one month (canonical postings, before duplicates and corruption)."""
    rng = stream(settings.seed, "jobs", period)
    role_ids = tuple(params.roles)
    shares = np.array([params.roles[r].posting_share for r in role_ids])
    role_of = rng.choice(len(role_ids), size=n_jobs, p=shares / shares.sum())
    year, month = (int(x) for x in period.split("-"))
    days = monthrange(year, month)[1]
    mess = params.mess
    safe_titles = _safe_intro_titles(taxonomy)
    jobs: list[Job] = []
    for start in range(0, n_jobs, CHUNK_JOBS):
        stop = min(n_jobs, start + CHUNK_JOBS)
        jobs.extend(_chunk_jobs(rng, role_of[start:stop], role_ids, period, year, month, days, months_before_latest,
                                params, taxonomy, companies, id_base + start, safe_titles, mess))
    return jobs


_SENTENCE_PATTERNS = tuple(
    tuple(1 + ((seed * 7 + j * (seed % 5 + 1)) % 3) for j in range(60)) for seed in range(16)
)
_CONTRACT_CODES = ("permanent", "contract", "temporary")


def _skill_surface_table(params: SampleParams, taxonomy: SampleTaxonomy, width: int = 12) -> np.ndarray:
    """Return an object array (skills, width): each skill's ad surfaces cycled to `width` columns."""
    table = np.empty((len(taxonomy.skill_ids), width), dtype=object)
    for i, sid in enumerate(taxonomy.skill_ids):
        forms = params.surfaces.get(sid) or (taxonomy.skill_names[sid],)
        for w in range(width):
            table[i, w] = forms[w % len(forms)]
    return table


def _chunk_jobs(rng, role_of, role_ids, period, year, month, days, k, params, taxonomy, companies, id_base,
                safe_titles, mess) -> list[Job]:
    n = len(role_of)
    n_skills = len(taxonomy.skill_ids)
    skills = np.zeros((n, n_skills), dtype=bool)
    unit_lists: list[tuple[str, ...]] = [()] * n
    pay_lo = np.zeros(n, dtype=np.int64)
    pay_hi = np.zeros(n, dtype=np.int64)
    hourly = np.zeros(n, dtype=np.int64)
    predicted = np.zeros(n)
    london = np.zeros(n, dtype=bool)
    kind_code = np.zeros(n, dtype=np.int64)
    for r, role_id in enumerate(role_ids):
        rows = np.flatnonzero(role_of == r)
        if not len(rows):
            continue
        role: RoleParams = params.roles[role_id]
        draw = planted_skills(rng, len(rows), role, k, taxonomy, params)
        skills[rows] = draw.skills
        cited_rows, cited_cols = np.nonzero(draw.cited)
        bounds = np.searchsorted(cited_rows, np.arange(len(rows) + 1)).tolist()
        names = [draw.units[c] for c in cited_cols.tolist()]
        for i, row in enumerate(rows.tolist()):
            unit_lists[row] = tuple(sorted(names[bounds[i]:bounds[i + 1]]))
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
    # skills in a random order per job, each with a surface form
    counts = skills.sum(axis=1)
    keys = np.where(skills, rng.random((n, n_skills), dtype=np.float32), np.float32(2.0))
    order = np.argsort(keys, axis=1, kind="stable")
    flat_skill = order[np.arange(n_skills)[None, :] < counts[:, None]]
    table = _skill_surface_table(params, taxonomy)
    surfaces = table[flat_skill, rng.integers(0, table.shape[1], size=len(flat_skill))].tolist()
    offsets = np.concatenate([[0], np.cumsum(counts)]).tolist()
    id_rows, id_cols = np.nonzero(skills)
    skill_names = [taxonomy.skill_ids[c] for c in id_cols.tolist()]
    id_offsets = np.searchsorted(id_rows, np.arange(n + 1)).tolist()
    stated = (rng.random(n) < np.array([float(mess["stated_pay_share"][c]) for c in _CONTRACT_CODES])[kind_code]).tolist()
    on_adzuna = (rng.random(n) < float(params.volume["adzuna_share"])).tolist()
    where = _choice(rng, ("structured", "text", "both"), n, tuple(mess["pay_where"].values())).tolist()
    with_prediction = (rng.random(n) < float(mess["predicted_salary_share"])).tolist()
    remote = ~london & (rng.random(n) < float(mess["remote_share"]))
    places = T.LONDON_PLACES + T.OTHER_PLACES + T.REMOTE_PLACES
    place_idx = np.where(
        london, _choice(rng, T.LONDON_PLACES, n, tuple(p.weight for p in T.LONDON_PLACES)),
        np.where(remote, len(T.LONDON_PLACES) + len(T.OTHER_PLACES)
                 + _choice(rng, T.REMOTE_PLACES, n, tuple(p.weight for p in T.REMOTE_PLACES)),
                 len(T.LONDON_PLACES) + _choice(rng, T.OTHER_PLACES, n, tuple(p.weight for p in T.OTHER_PLACES)))
    ).tolist()
    hybrid_cut = float(mess["work_mode_cue"]["hybrid"])
    onsite_cut = hybrid_cut + float(mess["work_mode_cue"]["onsite"])
    mode_u = rng.random(n).tolist()
    permanent_cue = (rng.random(n) < float(mess["permanent_cue_share"])).tolist()
    day = rng.integers(1, days + 1, size=n).tolist()
    seconds = rng.integers(6 * 3600, 20 * 3600, size=n).tolist()
    ints = rng.integers(0, 1 << 30, size=(n, 24)).tolist()
    company_of = rng.integers(0, len(companies), size=n).tolist()
    role_of_l = role_of.tolist()
    kind_l = kind_code.tolist()
    pay_lo_l, pay_hi_l, hourly_l, predicted_l = pay_lo.tolist(), pay_hi.tolist(), hourly.tolist(), predicted.tolist()
    decoy_cut = 100 * float(mess["decoy_share"]) / 2
    month_start = datetime(year, month, 1)
    templates = T.REQUIREMENT_TEMPLATES
    jobs: list[Job] = []
    for i in range(n):
        role_id = role_ids[role_of_l[i]]
        rr = ints[i]
        kind = _CONTRACT_CODES[kind_l[i]]
        place = places[place_idx[i]]
        place_text = place.text
        mode_sentence = ""
        if place.region == "unknown":
            work_mode = "remote"
            if rr[0] % 3 == 0:
                mode_sentence = T.WORK_MODE_SENTENCES["remote"][rr[1] % 2]
        elif mode_u[i] < hybrid_cut:
            work_mode = "hybrid"
            if rr[0] % 3 == 0:
                place_text = f"Hybrid - {place.city}"
            else:
                mode_sentence = T.WORK_MODE_SENTENCES["hybrid"][rr[1] % 3]
        elif mode_u[i] < onsite_cut:
            work_mode = "onsite"
            mode_sentence = T.WORK_MODE_SENTENCES["onsite"][rr[1] % 3]
        else:
            work_mode = "unknown"
        source = "adzuna" if on_adzuna[i] else "reed"
        # contract type cues: Adzuna's field and/or a text sentence; contract ads always carry one
        contract_field = None
        contract_sentence = ""
        if kind == "contract":
            if source == "adzuna" and rr[2] % 3 != 0:
                contract_field = "contract"
            if contract_field is None or rr[2] % 2 == 0:
                contract_sentence = T.CONTRACT_SENTENCES["contract"][rr[3] % 5]
        elif kind == "temporary":
            contract_sentence = T.CONTRACT_SENTENCES["temporary"][rr[3] % 3]
        elif permanent_cue[i]:
            if source == "adzuna" and rr[2] % 3 != 0:
                contract_field = "permanent"
            else:
                contract_sentence = T.CONTRACT_SENTENCES["permanent"][rr[3] % 3]
        # pay
        pay_line, structured, pay_kind, pmin, pmax, period_stated, predicted_pay = "", None, "none", None, None, None, None
        if stated[i]:
            lo, hi = pay_lo_l[i], pay_hi_l[i]
            if kind == "contract":
                pay_kind, pmin, pmax = "day_rate", float(lo), float(hi)
                if hourly_l[i]:
                    pay_line, period_stated = T.hourly_statement(rr[4], hourly_l[i]), "hour"
                else:
                    pay_line, period_stated = T.day_rate_statement(rr[4], lo, hi), "day"
            else:
                pay_kind, pmin, pmax, period_stated = "salary", float(lo), float(hi), "year"
                if where[i] != 1:
                    structured = (float(lo), float(hi))
                if where[i] != 0:
                    pay_line = T.salary_statement(rr[4], lo, hi)
        elif source == "adzuna" and kind != "contract" and with_prediction[i]:
            predicted_pay = predicted_l[i]
        elif rr[4] % 2 == 0:
            pay_line = T.NO_PAY_STATEMENTS[rr[5] % len(T.NO_PAY_STATEMENTS)]
        company = companies[company_of[i]]
        titles = taxonomy.role_titles[role_id]
        base_title = titles[rr[6] % len(titles)]
        title = base_title
        if rr[7] % 4 == 0:
            title += T.TITLE_SUFFIXES[rr[8] % len(T.TITLE_SUFFIXES)]
        elif kind == "contract" and rr[7] % 4 == 1:
            title += T.CONTRACT_TITLE_SUFFIXES[rr[8] % len(T.CONTRACT_TITLE_SUFFIXES)]
        if rr[9] % 40 == 0:
            title = title.upper()
        team = T.TEAMS[rr[10] % len(T.TEAMS)]
        intro = [T.COMPANY_BLURBS[rr[11] % len(T.COMPANY_BLURBS)].format(company=company)]
        if rr[12] % 100 < decoy_cut:
            intro.append(T.DECOY_BLURBS[rr[13] % len(T.DECOY_BLURBS)])
        if base_title in safe_titles:
            intro.append(T.INTRO_WITH_TITLE[rr[14] % len(T.INTRO_WITH_TITLE)].format(title=base_title, team=team))
        else:
            intro.append(T.INTRO_WITHOUT_TITLE[rr[14] % len(T.INTRO_WITHOUT_TITLE)].format(team=team))
        if mode_sentence:
            intro.append(mode_sentence)
        if contract_sentence:
            intro.append(contract_sentence)
        # requirement sentences: 1-3 surfaces each
        mine = surfaces[offsets[i]:offsets[i + 1]]
        requirements = []
        pos = 0
        form = rr[19]
        for size in _SENTENCE_PATTERNS[rr[16] % 16]:
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
        duties = tuple(T.DUTIES[(rr[20] + j) % len(T.DUTIES)] for j in range(2 + rr[20] % 3))
        benefits = [T.BENEFITS[(rr[21] + j * 3) % len(T.BENEFITS)] for j in range(3 + rr[21] % 3)]
        if rr[12] % 100 >= 100 - decoy_cut:
            benefits.insert(rr[22] % len(benefits), T.DECOY_BENEFITS[rr[13] % len(T.DECOY_BENEFITS)])
        ad = T.AdText(
            intro=tuple(intro), duty_heading=T.DUTY_HEADINGS[rr[22] % len(T.DUTY_HEADINGS)], duties=duties,
            requirement_heading=T.REQUIREMENT_HEADINGS[rr[23] % len(T.REQUIREMENT_HEADINGS)],
            requirements=tuple(requirements), pay_line=pay_line,
            about=(T.ABOUT_US[rr[5] % len(T.ABOUT_US)],), benefits=tuple(benefits),
            equal=T.EQUAL_OPPORTUNITIES[rr[9] % len(T.EQUAL_OPPORTUNITIES)],
        )
        posted = month_start + timedelta(days=day[i] - 1, seconds=seconds[i])
        sid = str(4_100_000_000 + id_base + i) if source == "adzuna" else str(52_000_000 + id_base + i)
        jobs.append(Job(
            source, sid, role_id, title, company, posted, place, place_text, ad,
            tuple(skill_names[id_offsets[i]:id_offsets[i + 1]]), unit_lists[i], kind, contract_field,
            bool(contract_field or contract_sentence), work_mode, pay_kind, pmin, pmax, period_stated, structured,
            predicted_pay, rr[1],
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


def adzuna_record(job: Job) -> dict:
    """Return the Adzuna search-API result for a job."""
    description = T.plain_text(job.ad, ("- ", "* ", "\u2022 ")[job.style % 3]) if job.style % 5 else \
        T.html_text(job.ad, job.style)
    rec: dict = {
        "__CLASS__": "Adzuna::API::Response::Job",
        "id": job.source_id,
        "title": job.title,
        "description": description,
        "created": job.posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "location": {"__CLASS__": "Adzuna::API::Response::Location", "display_name": job.place_text,
                     "area": list(job.place.area if job.style % 4 else ("UK",))},
        "salary_is_predicted": "0",
        "company": {"__CLASS__": "Adzuna::API::Response::Company", "display_name": job.company},
        "category": {"__CLASS__": "Adzuna::API::Response::Category", "label": "IT Jobs", "tag": "it-jobs"},
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
        "employerId": 600_000 + zlib.crc32(job.company.encode()) % 100_000,
        "employerName": job.company,
        "employerProfileId": None,
        "employerProfileName": None,
        "jobTitle": job.title,
        "locationName": job.place_text,
        "minimumSalary": job.structured_pay[0] if job.structured_pay else None,
        "maximumSalary": job.structured_pay[1] if job.structured_pay else None,
        "currency": "GBP",
        "expirationDate": expires.strftime("%d/%m/%Y"),
        "date": job.posted.strftime("%d/%m/%Y"),
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


def posting_truth_row(job: Job, period: str) -> dict:
    """Return the truth row of a written posting."""
    return {
        "source": job.source, "source_id": job.source_id, "period": period, "role_id": job.role_id,
        "title": job.title, "posted_at": job.posted.date(), "skill_ids": list(job.skill_ids),
        "unit_ids": list(job.unit_ids), "pay_kind": job.pay_kind, "pay_min": job.pay_min, "pay_max": job.pay_max,
        "pay_period": job.pay_period, "region": job.place.region, "is_london": job.place.is_london,
        "work_mode": job.work_mode,
        "contract_type": job.contract_true if job.contract_signalled else "unknown",
        "contract_type_true": job.contract_true,
        "duplicate_of_source": job.duplicate_of[0] if job.duplicate_of else None,
        "duplicate_of_source_id": job.duplicate_of[1] if job.duplicate_of else None,
        "malformed_reason": job.malformed,
    }


def _cv_skill_string(params: SampleParams, taxonomy: SampleTaxonomy, skill_id: str, r: int, typo: bool) -> str:
    typos = params.cv_typos.get(skill_id, ())
    if typo and typos:
        return typos[r % len(typos)]
    if r % 10 < 6:
        return taxonomy.skill_names[skill_id]
    return _surface(params, skill_id, r // 10)


def cv_profiles(settings: SampleSettings, params: SampleParams, taxonomy: SampleTaxonomy,
                companies: tuple[str, ...]) -> tuple[list[bytes], list[dict]]:
    """Return the CV snapshot as JSON Resume lines (some broken) and their truth rows."""
    rng = stream(settings.seed, "profiles")
    role_ids = tuple(params.roles)
    shares = np.array([params.roles[r].profile_share for r in role_ids])
    n = settings.profiles
    role_of = rng.choice(len(role_ids), size=n, p=shares / shares.sum())
    skills_of: list[tuple[str, ...]] = [()] * n
    for r, role_id in enumerate(role_ids):
        rows = np.flatnonzero(role_of == r)
        if len(rows):
            draw = planted_skills(rng, len(rows), params.roles[role_id], 0, taxonomy, params, supply=True)
            for i, row in enumerate(rows):
                skills_of[row] = tuple(taxonomy.skill_ids[c] for c in np.flatnonzero(draw.skills[i]))
    year, month = (int(x) for x in settings.end_period.split("-"))
    snapshot = date(year, month, 1)
    places = T.LONDON_PLACES + T.OTHER_PLACES
    place_of = _choice(rng, places, n, tuple(p.weight for p in places))
    typo_u = rng.random((n, 64))
    junk = rng.random(n) < float(params.mess["cv_junk_share"])
    broken = rng.random(n) < float(params.mess["malformed_cv_share"])
    ints = rng.integers(0, 1 << 30, size=(n, 8)).tolist()
    lines, truth = [], []
    for i in range(n):
        rr = ints[i]
        role_id = role_ids[role_of[i]]
        history = work_history(rng, role_id, params.careers, snapshot)
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
        strings = [_cv_skill_string(params, taxonomy, s, rr[3] // (j + 1) + j, typo_u[i, j % 64] < float(params.mess["cv_typo_share"]))
                   for j, s in enumerate(skills_of[i])]
        if junk[i]:
            strings.insert(rr[4] % (len(strings) + 1), params.cv_junk[rr[4] % len(params.cv_junk)])
        skills, pos = [], 0
        while pos < len(strings):
            take = 1 + (2 if (rr[5] + pos) % 4 == 0 else 0)
            skills.append({"name": strings[pos], "keywords": strings[pos + 1:pos + take]})
            pos += take
        place = places[place_of[i]]
        source_id = f"cv-{settings.seed:03d}-{i + 1:06d}"
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
        truth.append({
            "source_id": source_id, "role_id": role_id, "skill_ids": sorted(skills_of[i]),
            "history_role_ids": [h.role_id for h in history], "history_months": [h.months for h in history],
            "malformed_reason": "unparseable_json" if broken[i] else None,
        })
    return lines, truth


def career_realised(profile_truth: list[dict]) -> dict:
    """Return MLE entry / next-role shares and the median completed MLE tenure measured on the histories."""
    entry, after, tenures = Counter(), Counter(), []
    for row in profile_truth:
        roles, months = row["history_role_ids"], row["history_months"]
        if MLE not in roles:
            continue
        j = roles.index(MLE)
        if j > 0:
            entry[roles[j - 1]] += 1
        if j < len(roles) - 1:
            after[roles[j + 1]] += 1
            tenures.append(months[j])

    def shares(c: Counter) -> dict:
        total = sum(c.values())
        return {k: round(v / total, 4) for k, v in c.most_common()} if total else {}

    return {"mle_entry": shares(entry), "mle_entry_n": sum(entry.values()), "mle_next": shares(after),
            "mle_next_n": sum(after.values()),
            "mle_median_tenure_months": float(np.median(tenures)) if tenures else None,
            "mle_completed_stints": len(tenures)}


def realised_demand(rows: list[dict], params: SampleParams, taxonomy: SampleTaxonomy) -> dict:
    """Return per role the distinct valid jobs and the share citing each planted unit and report group."""
    units_of_skill: dict[str, set[str]] = defaultdict(set)
    for unit, members in taxonomy.unit_members.items():
        for member in members:
            units_of_skill[member].add(unit)
    jobs: Counter = Counter()
    citing: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        if row["duplicate_of_source_id"] is None and MALFORMED_OUTCOME.get(row["malformed_reason"]) != "quarantine":
            jobs[row["role_id"]] += 1
            cited = set(row["skill_ids"])
            for skill in row["skill_ids"]:
                cited |= units_of_skill.get(skill, set())
            citing[row["role_id"]].update(cited)
    out = {}
    for role_id, n in sorted(jobs.items()):
        units = list(params.roles[role_id].demand) + [u for u in taxonomy.unit_members if u not in params.roles[role_id].demand]
        out[role_id] = {"jobs": n, "demand": {u: round(citing[role_id][u] / n, 4) for u in units}}
    return out


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


def generate_sample(out_dir: Path, settings: SampleSettings = SampleSettings()) -> SampleSummary:
    """Write the sample market for `settings` under `out_dir` and return what was written (same bytes per seed)."""
    if settings.months < 1 or settings.postings_latest < 1 or settings.profiles < 0:
        raise ValueError("months and postings_latest must be at least 1 and profiles not negative")
    out_dir = Path(out_dir)
    params, taxonomy = sample_params(), sample_taxonomy()
    periods = periods_ending(settings.end_period, settings.months)
    counts = jobs_per_month(settings, float(params.volume["first_month_share"]))
    companies = T.company_names()
    page_size = int(params.volume["adzuna_page_size"])
    files: list[Path] = []
    rows: dict[str, dict[str, int]] = {"adzuna": {}, "reed": {}, "cv": {}}
    truth_rows: list[dict] = []
    duplicates, malformed = [], []
    realised = {}
    id_bases = [0] + list(accumulate(counts))[:-1]
    for m, period in enumerate(periods):
        k = settings.months - 1 - m
        year, month = (int(x) for x in period.split("-"))
        start = datetime(year, month, 1)
        end = datetime(year, month, monthrange(year, month)[1], 23, 59)
        jobs = month_jobs(settings, period, k, counts[m], params, taxonomy, companies, id_bases[m])
        rng = stream(settings.seed, "mess", period)
        dupes = duplicated_jobs(rng, jobs, params, id_bases[m], end)
        dup_keys = {d.duplicate_of for d in dupes}
        excluded = {i for i, j in enumerate(jobs) if (j.source, j.source_id) in dup_keys}
        jobs = corrupted(rng, jobs, float(params.mess["malformed_share"]), start, excluded)
        written = sorted(jobs + dupes, key=lambda j: (j.posted if j.malformed != "out_of_period" else start, j.source_id))
        adzuna = [j for j in written if j.source == "adzuna"]
        reed = [j for j in written if j.source == "reed"]
        for p, first in enumerate(range(0, max(len(adzuna), 1), page_size)):
            page = {"__CLASS__": "Adzuna::API::Response::JobSearchResults", "count": len(adzuna),
                    "results": [adzuna_record(j) for j in adzuna[first:first + page_size]]}
            files.append(_write(out_dir / "postings" / period / f"adzuna-{p + 1:03d}.json", orjson.dumps(page) + b"\n"))
            for j in adzuna[first:first + page_size]:
                if j.malformed:
                    malformed.append({"source": "adzuna", "source_id": j.source_id, "period": period,
                                      "file": f"postings/{period}/adzuna-{p + 1:03d}.json", "reason": j.malformed,
                                      "outcome": MALFORMED_OUTCOME[j.malformed]})
        reed_doc = {"totalResults": len(reed), "results": [reed_record(j) for j in reed]}
        files.append(_write(out_dir / "postings" / period / "reed.json", orjson.dumps(reed_doc) + b"\n"))
        malformed += [{"source": "reed", "source_id": j.source_id, "period": period, "file": f"postings/{period}/reed.json",
                       "reason": j.malformed, "outcome": MALFORMED_OUTCOME[j.malformed]} for j in reed if j.malformed]
        duplicates += [{"source": d.source, "source_id": d.source_id, "period": period,
                        "canonical_source": d.duplicate_of[0], "canonical_source_id": d.duplicate_of[1],
                        "kind": "same_board" if d.source == d.duplicate_of[0] else "cross_board"} for d in dupes]
        rows["adzuna"][period], rows["reed"][period] = len(adzuna), len(reed)
        month_rows = [posting_truth_row(j, period) for j in written]
        truth_rows += month_rows
        if m in (0, settings.months - 1):
            realised[period] = realised_demand(month_rows, params, taxonomy)
        log.info("sample %s: %d jobs, %d duplicates, %d rows", period, len(jobs), len(dupes), len(written))
    lines, profile_truth = cv_profiles(settings, params, taxonomy, companies)
    files.append(_write(out_dir / "profiles" / settings.end_period / "cv.jsonl", b"".join(ln + b"\n" for ln in lines)))
    rows["cv"][settings.end_period] = len(lines)
    malformed += [{"source": "cv", "source_id": r["source_id"], "period": settings.end_period,
                   "file": f"profiles/{settings.end_period}/cv.jsonl", "reason": r["malformed_reason"],
                   "outcome": "quarantine"} for r in profile_truth if r["malformed_reason"]]
    truth_postings = out_dir / "truth_postings.parquet"
    truth_profiles = out_dir / "truth_profiles.parquet"
    _write_parquet(truth_postings, truth_rows, POSTING_TRUTH_SCHEMA)
    _write_parquet(truth_profiles, profile_truth, PROFILE_TRUTH_SCHEMA)
    sources_yaml = _write(out_dir / "sources.yaml",
                          yaml.safe_dump(sources_config(settings.market), sort_keys=False).encode("utf-8"))
    truth = truth_document(settings, params, taxonomy, periods, counts, rows, duplicates, malformed, realised,
                           career_realised(profile_truth))
    truth_json = _write(out_dir / "truth.json", orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")
    return SampleSummary(
        out_dir=out_dir, sources_yaml=sources_yaml, truth_json=truth_json, truth_postings=truth_postings,
        truth_profiles=truth_profiles, files=tuple(files),
        rows=MappingProxyType({s: MappingProxyType(v) for s, v in rows.items()}),
        jobs=MappingProxyType(dict(zip(periods, counts))), profiles=len(lines),
    )


def _write_parquet(path: Path, rows: list[dict], schema: pa.Schema) -> None:
    table = pa.Table.from_pylist(rows, schema=schema)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def truth_document(settings: SampleSettings, params: SampleParams, taxonomy: SampleTaxonomy, periods: tuple[str, ...],
                   counts: tuple[int, ...], rows: dict, duplicates: list, malformed: list, realised: dict,
                   careers_realised: dict) -> dict:
    """Return truth.json: the generating parameters, planted messes and what was written (see module docstring)."""
    roles = {}
    for role_id, role in params.roles.items():
        pay = pay_truth(role, params, taxonomy)
        roles[role_id] = {
            "name_titles": list(taxonomy.role_titles[role_id]),
            "posting_share": role.posting_share, "profile_share": role.profile_share,
            "london_share": role.london_share, "contract_share": role.contract_share,
            "demand": {u: {p: round(role.demand_at(u, len(periods) - 1 - m), 4) for m, p in enumerate(periods)}
                       for u in role.demand},
            "emerging_units": sorted(role.emerging_first),
            "supply": dict(role.supply),
            "salary": pay["salary"], "day_rate": pay["day_rate"], "combos": pay["combos"],
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
