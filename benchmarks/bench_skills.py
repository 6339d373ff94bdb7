"""Skill extraction benchmark: ours vs the peer skill-extractor gazetteer on SkillSpan dev and Decorte validation.

Run `python benchmarks/bench_skills.py [--repeat N]` from the repository root. Prints loose/exact span P/R/F1, ESCO
mapping accuracy, MB/s and postings/s side by side, plus role-classifier held-out accuracy. Exits 0 with a notice
when ../shared/data is absent.
"""
from __future__ import annotations

import argparse
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
    parser.add_argument("--repeat", type=int, default=30, help="repeat the dev documents for throughput")
    args = parser.parse_args(argv)
    console = Console()
    if not (data_root() / "gold" / "skillspan" / "dev.json").is_file():
        console.print(f"[yellow]skipped: evaluation data not found under {data_root()}[/yellow]")
        return 0
    taxonomy = load_taxonomy()
    reports = evaluation(taxonomy, repeat=args.repeat)
    table = Table(title=f"SkillSpan dev (skill ∪ knowledge) · Decorte validation · taxonomy {taxonomy.version}")
    for column in ("extractor", "loose P", "loose R", "loose F1", "exact F1", "ESCO map acc.", "MB/s", "postings/s"):
        table.add_column(column)
    for r in reports:
        table.add_row(r.name, f"{r.loose.precision:.3f}", f"{r.loose.recall:.3f}", f"{r.loose.f1:.3f}",
                      f"{r.exact.f1:.3f}", "—" if r.mapping_accuracy is None else f"{r.mapping_accuracy:.3f}",
                      f"{r.mb_per_s:.1f}", f"{r.postings_per_s:.0f}")
    console.print(table)
    if len(reports) == 2 and reports[1].mb_per_s:
        console.print(f"throughput ratio ours/peer: {reports[0].mb_per_s / reports[1].mb_per_s:.1f}x")
    accuracy, n = role_holdout_accuracy(taxonomy)
    console.print(f"role classifier: {accuracy:.3f} accuracy on {n} held-out labelled titles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
