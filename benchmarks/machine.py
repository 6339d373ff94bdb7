"""How busy the host was during a measurement: the share of CPU time the hypervisor gave to other guests ("steal").

On a shared VM the same code can take 20-40% longer when neighbours are busy; benchmarks print this figure next
to their timings so a slow run can be told apart from slow code. Linux only (`/proc/stat`); elsewhere it is unknown.
"""
from __future__ import annotations

from pathlib import Path

PROC_STAT = Path("/proc/stat")


def cpu_ticks() -> tuple[int, int] | None:
    """Return (all CPU ticks, stolen ticks) since boot, summed over CPUs, or None where /proc/stat is absent."""
    try:
        fields = PROC_STAT.read_text().splitlines()[0].split()
    except OSError:
        return None
    # cpu user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already in user
    ticks = [int(x) for x in fields[1:9]]
    return sum(ticks), ticks[7]


def stolen_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    """Return the share of CPU time stolen by the hypervisor between two `cpu_ticks` readings, e.g. "4.2%"."""
    if before is None or after is None or after[0] <= before[0]:
        return "unknown"
    return f"{100.0 * (after[1] - before[1]) / (after[0] - before[0]):.1f}%"
