"""Benchmark the metrics stage on a synthetic month of 1,000,000 postings (~10M posting-skill rows).

Run: `.venv/bin/python benchmarks/bench_metrics.py [--postings N] [--keep PATH]` from the project root.
The warehouse is generated in a child process so the reported peak memory is the metrics stage's own.
"""
from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from extract.contracts import POSTING_FACTS  # noqa: E402
from metrics.runner import compute_metrics  # noqa: E402
from metrics.settings import MetricSettings, report_role_ids  # noqa: E402
from normalise import contracts as normalise_contracts  # noqa: E402

PERIOD = "2026-04"
TAXONOMY = PROJECT_ROOT / "data" / "taxonomy"


def load_taxonomy(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the taxonomy tables from data/taxonomy (skills, groups, roles and adjacency)."""
    with (TAXONOMY / "skills.tsv").open(encoding="utf-8") as handle:
        skills = [row["skill_id"] for row in csv.DictReader(handle, delimiter="\t")]
    groups = yaml.safe_load((TAXONOMY / "groups.yaml").read_text(encoding="utf-8"))["groups"]
    roles = yaml.safe_load((TAXONOMY / "roles.yaml").read_text(encoding="utf-8"))["roles"]
    hidden = {m: g["id"] for g in groups if g["kind"] == "group" for m in g["members"]}
    units = [(s, "skill", s, "technical", hidden.get(s), "bench") for s in skills]
    units += [(g["id"], g["kind"], g["name"], "technical", None, "bench") for g in groups]
    members = [(s, s) for s in skills] + [(g["id"], m) for g in groups for m in g["members"] if m in skills]
    con.executemany("insert into taxonomy_units values (?, ?, ?, ?, ?, ?)", units)
    con.executemany("insert into unit_members values (?, ?)", members)
    con.executemany("insert into roles values (?, ?, ?)", [(r["id"], r["name"], r["seniority"]) for r in roles])
    con.executemany(
        "insert into role_adjacency values (?, ?, ?)",
        [(r["id"], a, i + 1) for r in roles for i, a in enumerate(r.get("adjacent", []))],
    )


def generate(path: Path, postings: int, profiles: int) -> None:
    """Write a warehouse file with synthetic normalised tables for one month (deterministic: hash-based draws)."""
    con = duckdb.connect(str(path))
    con.execute("set threads = 2")
    contracts = [POSTING_FACTS] + list(normalise_contracts.CONTRACTS)
    for contract in contracts:
        con.execute(contract.duckdb_ddl())
    load_taxonomy(con)
    con.execute("create temp table role_ids as select role_id, row_number() over (order by role_id) - 1 as r from roles")
    con.execute("create temp table skill_ids as select unit_id as skill_id, row_number() over (order by unit_id) - 1 as s "
                "from taxonomy_units where unit_kind = 'skill'")
    n_roles = con.execute("select count(*) from role_ids").fetchone()[0]
    n_skills = con.execute("select count(*) from skill_ids").fetchone()[0]
    params = {"n": postings, "period": PERIOD, "roles": n_roles, "skills": n_skills}
    # uniform draws in [0, 1) from a hash of (row, salt): the same bytes on every run and thread count
    con.execute("create or replace temp macro u(i, salt) as (hash(i, salt) % 1000000) / 1000000.0")
    con.execute("""
        create temp table gen as
        select i, md5(i::varchar)[1:16] as posting_id,
            case when u(i, 1) < 0.1 then -1 else (floor(u(i, 2) * $roles))::int end as r,
            u(i, 3) as pay_draw, u(i, 4) < 0.3 as is_london, u(i, 5) < 0.05 and i > 0 as is_dup
        from range($n) t(i)
    """, {k: params[k] for k in ("n", "roles")})
    con.execute("""
        insert into posting_facts
        select posting_id, 'uk', $period, 'title', 'text', 'permanent',
            case when pay_draw < 0.5 then 'salary' when pay_draw < 0.6 then 'day_rate' else 'none' end,
            null, null,
            case when pay_draw < 0.5 then 40000 + 60000 * u(i, 6) + (case when is_london then 15000 else 0 end)
                 when pay_draw < 0.6 then 400 + 500 * u(i, 6) end,
            null, null, null, null,
            case when is_london then 'London' else 'unknown' end, is_london, 'unknown',
            case when is_dup then md5((i - 1)::varchar)[1:16] end, case when is_dup then 'exact' end
        from gen
    """, {"period": PERIOD})
    con.execute("""
        insert into posting_roles
        select g.posting_id, 'uk', $period, coalesce(r.role_id, 'other'), 0.9, 'unknown'
        from gen g left join role_ids r on r.r = g.r
    """, {"period": PERIOD})
    # about 10 distinct skills per posting, skewed towards a role-specific set of popular skills
    con.execute("""
        insert into posting_skills
        select g.posting_id, 'uk', $period, s.skill_id, 1
        from (
            select distinct i, posting_id,
                ((floor($skills * pow(u(i * 16 + k, 7), 2)))::int + greatest(r, 0) * 7) % $skills as s
            from gen, range(12) t(k)
        ) g
        join skill_ids s using (s)
    """, {"period": PERIOD, "skills": n_skills})
    con.execute("""
        insert into profiles_normalised
        select 'cv' || i, 'uk', $period, coalesce(r.role_id, 'other'), 0.9, 'unknown', 'unknown', false
        from range($profiles) t(i) left join role_ids r on r.r = (floor(u(i, 11) * ($roles + 1)))::int
    """, {"period": PERIOD, "profiles": profiles, "roles": n_roles})
    con.execute("""
        insert into profile_skills
        select distinct 'cv' || i, 'uk', $period, s.skill_id, 'exact'
        from range($profiles) t(i), range(8) k(k)
        join skill_ids s on s.s = (floor($skills * pow(u(i * 8 + k, 12), 2)))::int
    """, {"period": PERIOD, "profiles": profiles, "skills": n_skills})
    con.execute("""
        insert into profile_jobs
        select 'cv' || i, 'uk', $period, j, 'title', coalesce(r.role_id, 'other'), null,
            date '2015-01-01' + to_months(j * 30), case when j < 3 then date '2015-01-01' + to_months(j * 30 + 24) end,
            12 + (floor(u(i * 4 + j, 13) * 36))::int
        from range($profiles) t(i), range(4) s(j)
        left join role_ids r on r.r = (floor(u(i * 4 + j, 14) * ($roles + 1)))::int
    """, {"period": PERIOD, "profiles": profiles, "roles": n_roles})
    con.execute("checkpoint")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="keep the generated warehouse at this path")
    parser.add_argument("--generate-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.postings, args.profiles)
        return

    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--generate-only", str(path), "--postings", str(args.postings),
             "--profiles", str(args.profiles)],
            check=True,
        )
        generated = time.perf_counter() - started
        con = duckdb.connect(str(path))
        con.execute("set threads = 2")
        rows = con.execute("select (select count(*) from posting_facts), (select count(*) from posting_skills)").fetchone()
        settings = MetricSettings()
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        counts = compute_metrics(con, "uk", PERIOD, settings)
        elapsed = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
        peak_mb = usage.ru_maxrss / 1024
        con.close()
    print(f"generated {rows[0]:,} postings, {rows[1]:,} posting-skill rows in {generated:.1f}s")
    print(f"report roles: {len(report_role_ids(settings))}; rows written: {counts}")
    print(f"compute_metrics: {elapsed:.1f}s wall, {cpu:.1f}s CPU (2 threads), peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
