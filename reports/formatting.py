"""Number formatting and small wording helpers shared by the document sentences and the HTML page."""
from __future__ import annotations

import calendar
from decimal import ROUND_HALF_UP, Decimal

# Display rounding of pay on the page and in sentences (the document keeps the unrounded figures):
# salaries to the nearest £1,000, day rates to the nearest £5.
SALARY_DISPLAY_STEP = 1000
DAY_RATE_DISPLAY_STEP = 5

MARKET_NAMES = {"uk": "UK"}


def half_up(value: float, digits: int = 0) -> Decimal:
    """Return `value` rounded half away from zero to `digits` decimals (70.5 -> 71, -0.5 -> -1)."""
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def rounded(value: float | None, digits: int = 1) -> float | None:
    """Return `value` rounded half-up for the document (None stays None; -0.0 becomes 0.0)."""
    if value is None:
        return None
    result = float(half_up(value, digits))
    return 0.0 if result == 0 else result


def whole_pct(value: float) -> int:
    """Return a percentage as the whole number the page shows."""
    return int(half_up(value, 0))


def pct(value: float) -> str:
    """Return '70%' for 70.4."""
    return f"{whole_pct(value)}%"


def signed_pct(value: float) -> str:
    """Return '+21%' / '-4%' / '0%' for a change in percent."""
    whole = whole_pct(value)
    return f"+{whole}%" if whole > 0 else f"{whole}%"


def signed_int(value: int) -> str:
    """Return '+3' / '-2' / '0'."""
    return f"+{value}" if value > 0 else str(value)


def to_step(value: float, step: int) -> int:
    """Return `value` rounded half-up to a multiple of `step`."""
    return int(half_up(value / step, 0)) * step


def money(value: float, step: int = 1) -> str:
    """Return '£70,000' for 70000 (rounded to a multiple of `step` pounds)."""
    return f"£{to_step(value, step):,}"


def salary(value: float) -> str:
    """Return a salary as the page shows it: '£70,000' (nearest £1,000)."""
    return money(value, SALARY_DISPLAY_STEP)


def day_rate(value: float) -> str:
    """Return a day rate as the page shows it: '£650' (nearest £5)."""
    return money(value, DAY_RATE_DISPLAY_STEP)


def period_label(period: str) -> str:
    """Return 'April 2026' for '2026-04'."""
    year, month = period.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def period_year(period: str) -> str:
    """Return '2026' for '2026-04'."""
    return period.split("-")[0]


def market_name(market: str) -> str:
    """Return the display name of a market id ('uk' -> 'UK')."""
    return MARKET_NAMES.get(market, market.upper())


def article(phrase: str) -> str:
    """Return 'a' or 'an' for a role name ('an AI Engineer', 'an MLOps Engineer', 'a Data Scientist')."""
    word = phrase.strip().split(" ")[0] if phrase.strip() else ""
    if not word:
        return "a"
    initialism = len(word) > 1 and word[:2].isupper()
    if initialism:
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def joined(items: list[str], last: str = "and") -> str:
    """Return 'A', 'A and B', 'A, B and C'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
