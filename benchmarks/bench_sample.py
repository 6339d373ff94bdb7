"""Benchmark of the sample generator: wall time, rows per second and peak memory.

Run: `python benchmarks/bench_sample.py` (from the project root) for the default sample (13 months, 20,000 jobs in
the latest month, 5,000 CVs) and one month of 1,000,000 postings with 200,000 CV profiles; `--only default` or
`--only large` runs one of them, `--workers N` sets the worker processes (the bytes do not depend on it). Each case
runs in a fresh child process so the peak-memory figures are its own: peak resident set of the main process and the
largest of its workers. The machine load (1-minute average) is printed with each figure.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "default": {},
    "large": {"postings_latest": 1_000_000, "profiles": 200_000, "months": 1},
}


def run_case(name: str, workers: int | None) -> dict:
    """Generate case `name` into a scratch folder and return its figures (run in a child process)."""
    sys.path.insert(0, str(ROOT))
    from spotlight.sample import SampleSettings, generate_sample

    settings = SampleSettings(**CASES[name])
    out = Path(tempfile.mkdtemp(prefix=f"bench-sample-{name}-"))
    try:
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        summary = generate_sample(out, settings, workers=workers)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        rows = sum(n for per_period in summary.rows.values() for n in per_period.values())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        return {
            "case": name, "settings": settings.__dict__, "workers": workers, "rows": rows,
            "wall_s": round(wall, 2), "rows_per_s": round(rows / wall), "main_cpu_s": round(cpu, 2),
            "workers_cpu_s": round(children.ru_utime + children.ru_stime, 2),
            "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_rss_worker_mb": round(children.ru_maxrss / 1024),
            "output_mb": round(size / 2**20), "load_1min_before": round(load, 2),
            "load_1min_after": round(os.getloadavg()[0], 2),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    """Run the cases, each in its own process, and print one line of figures per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CASES), help="run one case")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: usable CPUs, max 4)")
    parser.add_argument("--case", help=argparse.SUPPRESS)   # internal: run one case in this process
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.workers)))
        return
    for name in [args.only] if args.only else list(CASES):
        cmd = [sys.executable, __file__, "--case", name] + (["--workers", str(args.workers)] if args.workers else [])
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['case']:8s} rows={r['rows']:,} wall={r['wall_s']}s rows/s={r['rows_per_s']:,} "
              f"cpu main={r['main_cpu_s']}s workers={r['workers_cpu_s']}s peak RSS main={r['peak_rss_main_mb']} MB "
              f"worker={r['peak_rss_worker_mb']} MB output={r['output_mb']} MB "
              f"load(1m)={r['load_1min_before']}->{r['load_1min_after']} workers={r['workers'] or 'default'}")


if __name__ == "__main__":
    main()
