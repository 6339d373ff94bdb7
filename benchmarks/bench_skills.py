"""Skill extraction benchmark: ours vs the peer skill-extractor gazetteer on SkillSpan dev and Decorte validation.

Run `python benchmarks/bench_skills.py [--repeat N]` from the repository root. Prints loose/exact span P/R/F1, ESCO
mapping accuracy, MB/s and postings/s side by side, plus role-classifier held-out accuracy. Exits 0 with a notice
when ../shared/data is absent.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from normalise.evaluate import data_root, evaluation, role_holdout_accuracy  # noqa: E402
from normalise.taxonomy import load_taxonomy  # noqa: E402


def main(argv: list[str]) -> int:
    """Print the evaluation table; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=60, help="repeat the dev documents for throughput")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved throughput rounds; the best counts")
    parser.add_argument("--no-tagger", action="store_true", help="leave out the (slow) CRF span-tagger row")
    args = parser.parse_args(argv)
    console = Console(width=170)
    if not (data_root() / "gold" / "skillspan" / "dev.json").is_file():
        console.print(f"[yellow]skipped: evaluation data not found under {data_root()}[/yellow]")
        return 0
    taxonomy = load_taxonomy()
    load_before = os.getloadavg()[0]
    reports = evaluation(taxonomy, repeat=args.repeat, rounds=args.rounds, tagger=not args.no_tagger)
    table = Table(title=f"SkillSpan dev (skill ∪ knowledge) · Decorte validation · taxonomy {taxonomy.version}")
    for column in ("extractor", "loose P", "loose R", "loose F1", "exact P", "exact R", "exact F1", "ESCO map acc.",
                   "MB/s 1 core", "MB/s all cores", "postings/s", "MB/CPU-s"):
        table.add_column(column)
    for r in reports:
        table.add_row(r.name, f"{r.loose.precision:.3f}", f"{r.loose.recall:.3f}", f"{r.loose.f1:.3f}",
                      f"{r.exact.precision:.3f}", f"{r.exact.recall:.3f}", f"{r.exact.f1:.3f}",
                      "—" if r.mapping_accuracy is None else f"{r.mapping_accuracy:.3f}",
                      "—" if r.mb_per_s_one_core is None else f"{r.mb_per_s_one_core:.1f}",
                      f"{r.mb_per_s:.1f}", f"{r.postings_per_s:.0f}",
                      "—" if r.mb_per_cpu_s is None else f"{r.mb_per_cpu_s:.1f}")
    console.print(table)
    peer = [r for r in reports if r.name.startswith("skill-extractor")]
    if peer and peer[0].mb_per_s:
        for ours in (r for r in reports if r.name in ("spotlight gazetteer", "spotlight gazetteer + phrases")):
            console.print(f"{ours.name} throughput ratio ours/peer: {ours.mb_per_s / peer[0].mb_per_s:.1f}x "
                          f"(1 core: {ours.mb_per_s_one_core / peer[0].mb_per_s:.1f}x; "
                          f"per CPU-second, one process each: {ours.mb_per_cpu_s / peer[0].mb_per_cpu_s:.1f}x)")
    chosen = next((r for r in reports if r.name == "spotlight gazetteer + phrases"), None)
    if chosen is not None and peer and peer[0].mb_per_s:
        met = (chosen.loose.precision >= 0.60 and chosen.loose.f1 >= 0.60
               and chosen.mb_per_s >= 5 * peer[0].mb_per_s)
        console.print(f"issue targets (loose F1 >= 0.60, P >= 0.60, >= 5x peer MB/s) on {chosen.name}: "
                      f"{'met' if met else 'NOT met'}")
    console.print(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, "
                  f"on {os.cpu_count()} cores (throughput is only comparable between rows of one run)")
    accuracy, n = role_holdout_accuracy(taxonomy)
    console.print(f"role classifier: {accuracy:.3f} accuracy on {n} held-out labelled titles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
