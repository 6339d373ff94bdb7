"""Benchmark: the whole monthly refresh on a generated month, per stage, with rows/s and peak memory.

Usage: .venv/bin/python benchmarks/bench_refresh.py [--postings 1000000] [--profiles 200000] [--also 100000]

Generates a one-month sample (not timed), then runs `spotlight refresh` for it in a fresh process and prints the
wall time of each stage (from the run's manifest), the time outside the stages (process start, the Prefect API,
flow bookkeeping), rows per second, the peak resident memory of the refresh process and its children, and the share
of CPU time the hypervisor stole. Prefect's first start in the run's fresh PREFECT_HOME (creating and migrating its
database, 18-40 s here, once per installation) is done and printed before the timed run: a monthly run always
finds it done. `--also N` runs a second, smaller size first so that growth can be compared (targets: 1M postings
+ 200k profiles in under 5 minutes and 6 GB; time growing no faster than linearly).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import cpu_ticks, stolen_share  # noqa: E402
PERIOD = "2026-04"


def generate(out: Path, postings: int, profiles: int) -> None:
    code = (
        "import sys; from pathlib import Path; from spotlight.sample import SampleSettings, generate_sample;"
        f"generate_sample(Path({str(out)!r}), SampleSettings(postings_latest={postings}, profiles={profiles},"
        f" months=1, end_period={PERIOD!r}))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# Runs the CLI in a child that reports its own peak memory and its children's (worker pools), so the figure
# belongs to the refresh alone and not to the sample generator.
REFRESH_CHILD = """
import json, resource, sys
from spotlight.cli import app
try:
    app(sys.argv[2:], standalone_mode=False)
finally:
    peaks = [resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    open(sys.argv[1], "w").write(json.dumps(peaks))
"""


PREFECT_FIRST_START = "from prefect import flow; flow(name='warm-up')(lambda: None)()"


def refresh(sample: Path, work: Path) -> tuple[float, dict, list[int]]:
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect"), "PYTHONPATH": str(ROOT), "SPOTLIGHT_WORK": str(work / "work")}
    started = time.perf_counter()
    # the CLI's own allowance for the temporary server's first start (spotlight/cli.py)
    warm_env = {**env, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    subprocess.run([sys.executable, "-c", PREFECT_FIRST_START], cwd=ROOT, env=warm_env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"Prefect's first start in a fresh PREFECT_HOME (not timed): {time.perf_counter() - started:.1f} s")
    peaks_file = work / "peaks.json"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", REFRESH_CHILD, str(peaks_file), "refresh", "--period", PERIOD,
         "--sources", str(sample / "sources.yaml"), "--warehouse", str(work / "w.duckdb"),
         "--output", str(work / "published")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )
    tree_peak = 0
    while process.poll() is None:
        tree_peak = max(tree_peak, tree_rss(process.pid))
        time.sleep(0.5)
    if process.returncode:
        raise SystemExit(f"refresh failed with exit code {process.returncode}")
    seconds = time.perf_counter() - started
    manifest = json.loads((work / "published" / "periods" / PERIOD / "uk" / "manifest.json").read_text())
    return seconds, manifest, [*json.loads(peaks_file.read_text()), tree_peak // 1024]


def tree_rss(pid: int) -> int:
    """Return the summed resident bytes of a process and its descendants (an upper bound: forked workers share
    pages with their parent)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def run(postings: int, profiles: int, samples: Path | None = None) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        work = Path(tmp)
        # A kept sample (--samples DIR) is generated once per size and reused by later runs.
        sample = (samples / f"{postings}-{profiles}") if samples else work / "sample"
        if not (sample / "sources.yaml").is_file():
            generate(sample, postings, profiles)
        ticks = cpu_ticks()
        seconds, manifest, (main_kb, workers_kb, tree_kb) = refresh(sample, work)
        stolen = stolen_share(ticks, cpu_ticks())
        stages = manifest.get("stage_seconds") or manifest.get("extra", {}).get("stage_seconds", {})
        print(f"\n{postings:,} postings + {profiles:,} profiles, load {os.getloadavg()[0]:.1f}, "
              f"CPU time stolen by the hypervisor during the run: {stolen}")
        for name, value in sorted(stages.items()):
            if value:
                print(f"  {name:<22} {value:8.1f} s")
        outside = seconds - sum(stages.values())
        print(f"  {'outside the stages':<22} {outside:8.1f} s  (process start, Prefect API, flow bookkeeping)")
        print(f"  {'whole refresh':<22} {seconds:8.1f} s  ({postings / seconds:,.0f} postings/s)")
        print(f"  peak memory: refresh process {main_kb / 1024:,.0f} MB, largest worker {workers_kb / 1024:,.0f} MB, "
              f"process tree at once (summed RSS, sampled every 0.5 s) {tree_kb / 1024:,.0f} MB")
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--profiles", type=int, default=200_000)
    parser.add_argument("--also", type=int, default=0, help="first run this many postings (profiles scaled)")
    parser.add_argument("--samples", type=Path, default=None,
                        help="keep generated samples in this folder and reuse them (generation is not timed)")
    args = parser.parse_args()
    if args.also:
        small = run(args.also, max(1, args.profiles * args.also // args.postings), args.samples)
    large = run(args.postings, args.profiles, args.samples)
    if args.also:
        print(f"\ntime ratio {large / small:.2f} for a size ratio of {args.postings / args.also:.1f}")


if __name__ == "__main__":
    main()
