"""Charts drawn at build time as inline SVG (no script, no network)."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

# Colour-blind-safe palette (Okabe-Ito), one colour per trend series.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
CHART_W, CHART_H = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 28, 16, 40


def month_label(month: str) -> str:
    """Return 'Apr 26' for '2026-04'."""
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    year, number = month.split("-")
    return f"{names[int(number) - 1]} {year[2:]}"


def axis_max(values: list[float]) -> int:
    """Return the top of the y axis: the largest value rounded up to a multiple of 10 (at least 10, at most 100)."""
    top = max(values, default=0.0)
    return max(10, min(100, int(math.ceil(top / 10.0)) * 10))


def series_colour(index: int) -> str:
    """Return the colour of the `index`-th series."""
    return PALETTE[index % len(PALETTE)]


def trend_svg(trends: dict, width: int = CHART_W, height: int = CHART_H, label_every: int = 2,
              css_class: str = "trend-chart") -> Markup:
    """Return an inline SVG line chart of monthly demand % for each trend series over the document's months."""
    months = trends["months"]
    series = trends["series"]
    values = [p["demand_pct"] for s in series for p in s["points"]]
    y_top = axis_max(values)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    step = plot_w / max(1, len(months) - 1)

    def x(month: str) -> float:
        return LEFT + months.index(month) * step

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / y_top)

    parts = [
        f'<svg class="{escape(css_class)}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Monthly demand for the top skills, {escape(month_label(months[0]))} to '
        f'{escape(month_label(months[-1]))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in range(0, y_top + 1, 10 if y_top <= 50 else 20):
        ty = y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" class="tick">{tick}%</text>')
    for i, month in enumerate(months):
        if i % label_every == 0 or i == len(months) - 1:
            parts.append(
                f'<text x="{x(month):.1f}" y="{height - BOTTOM + 18}" text-anchor="middle" class="tick">'
                f"{escape(month_label(month))}</text>"
            )
    for index, s in enumerate(series):
        colour = series_colour(index)
        points = [p for p in s["points"] if p["month"] in months]
        if not points:
            continue
        path = " ".join(f"{x(p['month']):.1f},{y(p['demand_pct']):.1f}" for p in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'stroke-linejoin="round" stroke-linecap="round"><title>{escape(s["name"])}</title></polyline>'
        )
        for p in points:
            parts.append(
                f'<circle cx="{x(p["month"]):.1f}" cy="{y(p["demand_pct"]):.1f}" r="3" fill="{colour}">'
                f'<title>{escape(s["name"])}, {escape(month_label(p["month"]))}: {p["demand_pct"]:.1f}% '
                f'({p["n"]:,} of {p["denominator"]:,} postings)</title></circle>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
