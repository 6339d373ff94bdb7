"""Pay parsing: find the pay statement in a salary field or a whole ad and return it as a `Pay`.

Rules (folded into docs/methodology.md; they follow docs/architecture.md "Pay conventions"):

- **What counts as pay.** A money amount (`£`, `€`, `$`, `GBP`/`EUR`/`USD`, "pounds"/"euros"), a `k` figure
  ("65-75k"), or a bare number right after a pay word ("Salary: 45,000") or right before a period ("65000 per annum").
  Ranges use `-`, `–`, `—`, "to", or "between … and …". `k` on the upper figure also scales the lower one
  ("£35-45k" = 35,000-45,000), as does a thousands upper figure ("£60-70,000").
- **What is ignored.** Amounts in millions/billions ("£50m revenue", "£2bn"), amounts next to funding, revenue,
  turnover, budget, investment, valuation, allowance, relocation, training, pension, shares, vouchers or referral
  words, percentages, `401k`, years, phone numbers and other bare numbers without pay context.
  Amounts followed by "bonus" or "OTE" are used only when the ad states no other pay (then the `bonus`/`ote`
  flag is set); "Competitive", "Negotiable" and "DOE" without an amount give no pay (`None`).
- **Which statement.** The first amount with pay context (a pay word before it or a period after it) wins;
  otherwise the first money amount.
- **Single figures.** "up to £90k", "from £60k", "£70,000" give min = max = the figure with flags `up_to`/`from_`.
- **Period.** Stated ("per annum", "pa", "pcm", "per week", "pd", "p/d", "a day", "day rate", "per hour", "ph", …,
  or a cue just before such as "Day rate:"); otherwise inferred from the size of the figure: under 100 → hour,
  100 to 1,499 → day, 1,500 to 9,999 → month, 10,000 and over → year (a day rate is assumed next to "IR35").
- **Annualisation** (permanent and temporary pay): year ×1, month ×12, week ×52, day ×225, hour ×1,950
  (37.5 h × 52). **Day rates** (contract pay): day ×1, hour ×8; contract pay never becomes a salary.
- **Plausibility bounds** on the stated figure, per period: year 10,000-500,000; month 800-40,000;
  week 150-10,000; day 50-3,000; hour 5-500. A range whose maximum is more than 5× its minimum, or whose
  minimum is above its maximum, is implausible too. Implausible pay is returned with `reject_reason` set and
  no annual/day figures (never guessed). Bounds apply to the stated number whatever the currency.
- **Currency** defaults to GBP when none is stated.
- **Predicted pay** (Adzuna `salary_is_predicted`, "estimated salary" in the text) is flagged `predicted` and is
  never stated pay.

The patterns are lower-case and run on the folded text (`str.lower`, with "İ", "ı" and "ſ" folded as `re.I` folds
them), which matches as case-insensitive patterns match the text as written, offset for offset.

`_amount_anchors`, `_digit_run_starts`, `_lowered` and `_parsed_pay` are the compiled twins in `extract/_salary.pyx`
when that extension is built (`COMPILED_SALARY`), else the pure-Python `_amount_anchors_reference`,
`_digit_run_starts_reference`, `str.lower` and `_parse`; both give the same results.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache


PERIODS = ("year", "month", "week", "day", "hour")
ANNUAL_FACTOR = {"year": 1.0, "month": 12.0, "week": 52.0, "day": 225.0, "hour": 1950.0}
"""Annualisation of permanent/temporary pay: 225 working days, 37.5 hours × 52 weeks."""
DAY_FACTOR = {"day": 1.0, "hour": 8.0}
"""Contract pay stays a day rate; hourly contract pay is 8 hours a day."""
BOUNDS = {
    "year": (10_000.0, 500_000.0),
    "month": (800.0, 40_000.0),
    "week": (150.0, 10_000.0),
    "day": (50.0, 3_000.0),
    "hour": (5.0, 500.0),
}
"""Plausible stated pay per period (inclusive)."""
MAX_RANGE_RATIO = 5.0


@dataclass(frozen=True)
class Pay:
    """One pay statement: the stated figures, their period and currency, flags, and normalised figures."""

    min: float
    max: float
    period: str
    currency: str = "GBP"
    up_to: bool = False
    from_: bool = False
    predicted: bool = False
    bonus: bool = False
    ote: bool = False
    annual_min: float | None = None
    annual_max: float | None = None
    day_min: float | None = None
    day_max: float | None = None
    reject_reason: str | None = None

    @property
    def flags(self) -> str:
        """Return the set flags as comma-separated text (up_to, from, predicted, bonus, ote)."""
        names = (("up_to", self.up_to), ("from", self.from_), ("predicted", self.predicted),
                 ("bonus", self.bonus), ("ote", self.ote))
        return ",".join(name for name, on in names if on)


# --- regular expressions --------------------------------------------------------------------------------------

_CUR = r"£|€|\$|us\$|gbp|eur|usd|pounds?(?:\s+sterling)?|euros?"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"k|m(?![a-z])|mn\b|bn\b|\s?million\b|\s?billion\b"
_AMOUNT = (
    r"(?P<cur{i}>{cur})?\s?(?(cur{i})|(?<![\w.,:/]))(?P<n{i}>{num})(?![\d]|:\d|/\d)(?P<s{i}>{scale})?"
    r"(?:\s?(?P<postcur{i}>gbp|eur|usd)\b)?"
)
_RANGE = re.compile(
    _AMOUNT.format(i=1, cur=_CUR, num=_NUM, scale=_SCALE)
    + r"(?:\s?(?:pd|p/d|ph|p/h|pa|pcm|pw)(?=\s*(?:-|–|to)\s*[£€$\d]))?"
    + r"(?:\s*(?P<sep>-|–|—|−|~|to|and|up\s+to)\s*"
    + _AMOUNT.format(i=2, cur=_CUR, num=_NUM, scale=_SCALE)
    + r"(?!\s*%))?"
)
# A `k` glued to a following word ("£120Kpackage") is a scale only after a currency mark; checked in `_candidate`.

_FOLD_EXCEPTIONS = {0x130: "i", 0x131: "i", 0x17F: "s"}
"""How the case-insensitive patterns fold the letters `str.lower` maps otherwise ("İ" to two characters, "ı", "ſ")."""
_CURRENCY_BEFORE = re.compile(r"(?:" + _CUR + r")\s?$")
_CURRENCY_WORD_ENDS = frozenset("DGOPRSdgoprs\u017f")
"""The letters a currency word can end in ("GBP", "EUR", "USD", "pounds sterling", "euros"; "\u017f" folds to "s")."""
_PERIOD_AFTER = re.compile(
    r"\s*(?:\(\s*)?"
    r"(?:(?:gross|basic|base|fte|pro[\s-]?rata|ex\.?\s*vat|\+\s*vat|(?:inc|exc)\.?\s*(?:vat|bonus))\s*)?(?:"
    r"(?P<year>per\s+annum|per\s+an+um|p\.\s?a\.?|pa\b|p/a\b|per\s+year|a\s+year|/\s*(?:year|yr|annum|pa)\b|annually|"
    r"annual\b|yearly|per\s+yr)"
    r"|(?P<month>per\s+(?:calendar\s+)?month|a\s+month|/\s*(?:month|mth|mo)\b|pcm\b|p\.c\.m\.?|monthly|pm\b|p/m\b|"
    r"per\s+mth)"
    r"|(?P<week>per\s+week|a\s+week|/\s*(?:week|wk)\b|pw\b|p\.w\.?|p/w\b|weekly|per\s+wk)"
    r"|(?P<day>per\s+day|a\s+day|/\s*(?:day|d)\b|pd\b|p\.d\.?|p/d\b|daily|per\s+diem|day\s+rate|per\s+shift)"
    r"|(?P<hour>per\s+hour|an\s+hour|/\s*(?:hour|hr|h)\b|ph\b|p\.h\.?|p/h\b|hourly|per\s+hr|phr\b))"
)
_PUNCTUATION = ":;,()[]|/\\!?\"'*~–—-+=&"
_WORD = re.compile(r"[^\s" + re.escape(_PUNCTUATION) + "]+")
"""A word: a run of characters that are neither whitespace nor `_PUNCTUATION`."""
_STRONG_PAY_WORDS = frozenset(
    "salary salaries pay paying pays paid rate rates package remuneration compensation earn earning earnings wage "
    "wages banding band scale ote".split()
)
_UP_TO_WORDS = frozenset("to upto max max. maximum exceeding".split())
_UP_TO_PAIRS = frozenset({("up", "to"), ("more", "than"), ("capped", "at"), ("max", "of")})
_FROM_WORDS = frozenset("from min min. minimum over upwards".split())
_FROM_PAIRS = frozenset({("excess", "of"), ("starting", "at"), ("starts", "at"), ("least", "of"), ("at", "least"),
                         ("upwards", "of")})
_NOT_PAY_WORDS = frozenset(
    "raised raising funding funded revenue revenues turnover valued valuation worth investment invested grant "
    "portfolio aum assets p&l spend savings budget budgets hours hours. hrs pension allowance bonus bonuses relocation "
    "capital profit profits loss losses holiday leave bills bill cost costs fees fee arr mrr "
    "referral refer voucher vouchers".split()
)
_PERIOD_BEFORE_PHRASES = (
    ("day rate", "day"), ("day-rate", "day"), ("dayrate", "day"), ("daily rate", "day"), ("rate per day", "day"),
    ("per day", "day"), ("daily", "day"), ("hourly rate", "hour"), ("hourly", "hour"), ("per hour", "hour"),
    ("rate per hour", "hour"), ("monthly salary", "month"), ("monthly pay", "month"), ("monthly rate", "month"),
    ("per month", "month"), ("weekly pay", "week"), ("weekly rate", "week"), ("annual salary", "year"),
    ("annual pay", "year"), ("annual package", "year"), ("per annum", "year"),
)
_PERIOD_STEMS = ("rate", "per ", "daily", "hourly", "annual", "monthly", "weekly")
_PAY_STEMS = ("sal", "pay", "paid", "rate", "pack", "remun", "compens", "earn", "wage", "band", "scale", "ote")
_PAY_STEM = re.compile("|".join(_PAY_STEMS))
_NOT_PAY_AFTER = re.compile(
    r"[\s(:–-]{0,3}(?:(?:[a-z-]+\s+){0,2}(?:budget|allowance|fund|funding|round|vouchers?|raise[ds]?)\b|"
    r"(?:(?:annual|yearly|personal|individual|dedicated|learning|l&d|sign[\s-]?on|signing|joining|welcome|"
    r"referral|car|travel|relocation|training|cash|one[\s-]?off|guaranteed|seed|monthly|home\s+office)\s+)*"
    r"(?:budget|fund(?:ing|ed)?|raise[ds]?|revenue|turnover|investment|valuation|in\s+funding|of\s+funding|series|"
    r"round|allowance|relocation|training|learning|pension|shares|equity|stock|options|vouchers?|gift|referral|"
    r"sign[\s-]?on|signing|golden|welcome|joining|contribution|match|cashback|discount|credit|grant|prize|"
    r"users|customers|members|downloads|records|employees|people|staff|followers|subscribers|transactions|"
    r"requests|visitors|clients|candidates|per\s+person|per\s+head|of\s+(?:revenue|funding|investment|sales)|"
    r"sales|profit|arr|mrr|portfolio|aum|assets|deal|project|programme|program|contract\s+value|worth\s+of|"
    r"days|hours|years|yrs|months|weeks|%|percent|employer|plan\b|401))"
)
_BONUS_AFTER = re.compile(r"\W{0,4}(?:(?:annual|yearly|performance|discretionary|target|potential)\s+)?bonus")
_OTE_AFTER = re.compile(r"\W{0,4}(?:ote|o\.t\.e|on\s+target|(?:potential\s+)?(?:first\s+year\s+)?earnings)")
_IR35_WORDS = ("ir35", "day rate", "daily rate", "per day", "umbrella", "contract")
_CURRENCY_CODES = {"£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "€": "EUR", "eur": "EUR",
                   "euro": "EUR", "euros": "EUR", "$": "USD", "us$": "USD", "usd": "USD"}
_PERIOD_WORDS = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year", "annum": "year", "per annum": "year",
    "pa": "year", "y": "year", "yr": "year", "month": "month", "monthly": "month", "pcm": "month", "m": "month",
    "week": "week", "weekly": "week", "pw": "week", "w": "week", "day": "day", "daily": "day", "d": "day",
    "pd": "day", "per day": "day", "hour": "hour", "hourly": "hour", "h": "hour", "hr": "hour", "ph": "hour",
    "per hour": "hour",
}

_HEAD = 48
_TAIL = 40


@dataclass(slots=True)
class _Candidate:
    """One money expression found in the text, before the choice of the pay statement."""

    start: int
    low: float
    high: float
    currency: str | None
    period: str | None
    tier: int
    up_to: bool
    from_: bool
    bonus_tail: bool
    ote_tail: bool


def parse_salary(text: str | None) -> Pay | None:
    """Return the pay stated in a salary field or ad text, or None when no pay is stated."""
    if not text:
        return None
    if len(text) <= 200:
        return _parse_short(text)
    return _parsed_pay(text)


@lru_cache(maxsize=200_000)
def _parse_short(text: str) -> Pay | None:
    """Return `parse_salary` of a short text (salary fields repeat a lot, so they are cached)."""
    return _parsed_pay(text)


def _parse(text: str) -> Pay | None:
    """Return the pay statement of `text` (uncached)."""
    if "&pound;" in text:
        text = text.replace("&pound;", "£")
    anchors = _amount_anchors(text)
    if not anchors:
        return None
    plain = "\u0130" not in text and "\u0131" not in text and "\u017f" not in text
    folded = _lowered(text) if plain else text.translate(_FOLD_EXCEPTIONS).lower()
    lowered = folded if plain else None
    chosen = _chosen_candidate(text, folded, lowered, anchors)
    if chosen is None:
        return None
    start = chosen.start
    window = _lower_slice(text, lowered, start - 60, start + 160)
    period = chosen.period or _inferred_period(chosen.high, window)
    before = _lower_slice(text, lowered, start - 40, start)
    return _pay(
        chosen.low,
        chosen.high,
        period,
        chosen.currency or "GBP",
        chosen.up_to,
        chosen.from_,
        *_mentioned(before, window, chosen.bonus_tail, chosen.ote_tail),
        *_figures(chosen.low, chosen.high, period),
    )


def _mentioned(before: str, window: str, bonus_tail: bool, ote_tail: bool) -> tuple[bool, bool, bool]:
    """Return the estimated, bonus and OTE flags of a pay statement from the lower-cased text before it and around it
    (`bonus_tail` / `ote_tail`: the words right after the figure said so)."""
    return (
        "estimate" in before or "predicted" in before,
        bonus_tail or "bonus" in window,
        ote_tail or " ote" in window or "o.t.e" in window or "on target earning" in window,
    )


def _lower_slice(text: str, lowered: str | None, begin: int, end: int) -> str:
    """Return `text[begin:end]` lower-cased: a slice of `lowered` (the whole text lower-cased) when given."""
    # a slice of the lower-cased text differs from the lower-cased slice only in "σ"/"ς" at its ends, which no rule reads
    begin = max(0, begin)
    return lowered[begin:end] if lowered is not None else _lowered(text[begin:end])


def _chosen_candidate(text: str, folded: str, lowered: str | None, anchors: list[int]) -> _Candidate | None:
    """Return the pay statement's candidate: the first with pay context, else the first of the best tier."""
    chosen = None
    consumed = 0
    pairs = iter(anchors)
    for position, anchor in zip(pairs, pairs):
        if position < consumed:
            continue
        if anchor < -1:
            # the match is the bare digit run alone, ending at `~anchor`: `_candidate` would reject it after "#", or
            # with neither a pay word before it nor a period after it; only else is the full match worth making
            if position and text[position - 1] == "#":
                continue
            if lowered is not None:
                pay_stem_before = _PAY_STEM.search(lowered, max(0, position - 30), position) is not None
            else:
                pay_stem_before = _contains_any(_lowered(text[max(0, position - 30): position]), _PAY_STEMS)
            if not pay_stem_before and _PERIOD_AFTER.match(folded, ~anchor, ~anchor + _TAIL) is None:
                continue
            anchor = position
        elif anchor < 0:
            anchor = _currency_word_start(folded, position)
            if anchor == position and (text[position - 1].isalnum() or text[position - 1] in "_.,:/"):
                continue  # `_RANGE` cannot match: its look-behind `(?<![\w.,:/])` rejects a bare number after these
        match = _RANGE.match(folded, anchor)
        if match is None or match.end() <= position:
            continue
        consumed = match.end()
        candidate = _candidate(text, folded, lowered, match)
        if candidate is None:
            continue
        if chosen is None or candidate.tier < chosen.tier:
            chosen = candidate
        if candidate.tier == 0:
            break  # candidates come in text order: no later one can win over the first with pay context
    return chosen


def _amount_anchors_reference(text: str) -> list[int]:
    """Return, flat, each digit run's start and where its amount starts: the currency mark just before it, -1 when a
    currency word may end just before it, else the run itself (left out when `_RANGE` cannot match a bare number
    there, after a letter, a digit or one of "_.,:/"), or `~end` when the amount can only be the run itself, ending
    at `end`."""
    anchors: list[int] = []
    for position in _digit_run_starts(text):
        back = position
        if back and text[back - 1] == " ":
            back -= 1
        if back and text[back - 1] in "£€$":
            back -= 1
            anchors += (position, back - 2 if text[max(0, back - 2): back] == "US" else back)
        elif back and text[back - 1] in _CURRENCY_WORD_ENDS:
            anchors += (position, -1)
        elif not (position and (text[position - 1].isalnum() or text[position - 1] in "_.,:/")):
            anchors += (position, _bare_anchor(text, position))
    return anchors


_CONTINUED_BY = {"m": "i", "b": "in", "g": "b", "e": "u", "u": "sp", "t": "o", "a": "n", "p": "dhacw/"}
"""The letters that, after a bare number (and spaces), may begin a scale, a currency code, a glued period or a range
word of `_RANGE` ("million", "bn", "gbp", "eur", "usd", "up to", "to", "and", "pd", "p/h", "pa", "pcm", "pw"), each
with the letters that may come second."""


def _bare_anchor(text: str, position: int) -> int:
    """Return `~end` when `_RANGE` can only match the bare number at `position` as the digits ending at `end` (with
    one decimal part), else `position`."""
    length = len(text)
    end = _digits_end(text, position)
    decimal = end + 1 < length and text[end] == "." and "0" <= text[end + 1] <= "9"
    if decimal:
        end = _digits_end(text, end + 1)
    if end == length:
        return ~end
    if text[end] in ".,:/":
        # a decimal part, thousands group or look-ahead `(?!:\d|/\d)` needs a digit next
        following = text[end + 1: end + 2]
        return position if decimal or (following and (not following.isascii() or following.isdigit())) else ~end
    after = end
    while after < length and text[after].isspace():
        after += 1
    if after == length:
        return ~end
    char = text[after]
    if not char.isascii():
        return position  # another digit, a dash, or a letter that lowers to an ASCII one ("K" Kelvin sign)
    char = char.lower()
    if char in "km" and after == end:
        return position  # "k", "m", "mn" right after the digits
    if char in "-~":
        # a range separator needs a second amount: a digit or currency mark ("$", "us$", "usd", "gbp", "pounds", "eur")
        after += 1
        while after < length and text[after].isspace():
            after += 1
        following = text[after: after + 1]
        return position if following and (not following.isascii() or following in "0123456789$ugpeUGPE") else ~end
    if char in _CONTINUED_BY:
        following = text[after + 1: after + 2]
        if following and (not following.isascii() or following.lower() in _CONTINUED_BY[char]):
            return position
    return ~end


def _digits_end(text: str, position: int) -> int:
    """Return where the run of ASCII digits at `position` ends."""
    end = position + 1
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return end


def _currency_word_start(folded: str, position: int) -> int:
    """Return where a currency word right before the number at `position` starts (else `position`)."""
    back = position - 1 if folded[position - 1] == " " else position
    found = _CURRENCY_BEFORE.search(folded, max(0, back - 16), back)
    return found.start() if found else position


def _digit_run_starts_reference(text: str) -> list[int]:
    """Return the start offsets of the runs of ASCII digits in `text`."""
    # str.find per digit is far faster than a regex character class in Python's engine; ads hold few digits
    positions: list[int] = []
    for digit in "0123456789":
        at = text.find(digit)
        while at >= 0:
            positions.append(at)
            at = text.find(digit, at + 1)
    if len(positions) > 1:
        positions.sort()
        return [at for i, at in enumerate(positions) if i == 0 or positions[i - 1] != at - 1]
    return positions


@dataclass(slots=True)
class _Head:
    """What the words just before an amount say about it."""

    strong_pay_word: bool
    up_to: bool
    from_: bool
    between: bool
    not_pay: bool
    ote: bool
    period: str | None


def _head(text: str, lowered: str | None, start: int) -> _Head:
    """Return the context of the words before offset `start` (the current sentence, at most 48 characters)."""
    head = _lower_slice(text, lowered, start - _HEAD, start)
    for stop in (". ", "\n", "; "):
        cut = head.rfind(stop)
        if cut >= 0:
            head = head[cut + len(stop):]
    words = _WORD.findall(head)
    strong_at = _last_strong_pay_word_at(words)
    # a funding/budget/bonus word after the last pay word, within five words, makes the figure not pay
    not_pay_at = _last_not_pay_word_at(words)
    period = None
    if _contains_any(head, _PERIOD_STEMS):
        # text between the last figure and this one decides a period cue ("Day rate: £500", not "£5 ... daily")
        after_figure = head[max(head.rfind(c) for c in "0123456789£€$") + 1:]
        period = next((name for phrase, name in _PERIOD_BEFORE_PHRASES if phrase in after_figure[-30:]), None)
    last = words[-1] if words else ""
    last2 = tuple(words[-2:])
    return _Head(
        strong_pay_word=strong_at >= 0 and strong_at > not_pay_at,
        up_to=last in _UP_TO_WORDS or last2 in _UP_TO_PAIRS,
        from_=last in _FROM_WORDS or last2 in _FROM_PAIRS or head.rstrip().endswith("+"),
        between=last == "between",
        not_pay=not_pay_at >= 0 and not_pay_at > strong_at,
        ote=last in ("ote", "o.t.e", "o.t.e.") or last2 == ("target", "earnings"),
        period=period,
    )


def _last_strong_pay_word_at(words: list[str]) -> int:
    """Return the offset from the fifth-last word of the last strong pay word among the last four words, else -1."""
    first = len(words) - min(len(words), 5)
    for at in range(len(words) - 1, max(len(words) - 4, 0) - 1, -1):
        if words[at] in _STRONG_PAY_WORDS:
            return at - first
    return -1


def _last_not_pay_word_at(words: list[str]) -> int:
    """Return the offset from the fifth-last word of the last not-pay word among the last five words, else -1."""
    first = len(words) - min(len(words), 5)
    for at in range(len(words) - 1, first - 1, -1):
        if words[at] in _NOT_PAY_WORDS or words[at].startswith("series"):
            return at - first
    return -1


def _contains_any(text: str, parts: tuple[str, ...]) -> bool:
    """Return True when `text` contains one of `parts` (a loop: cheaper than `any` over a generator)."""
    for part in parts:
        if part in text:
            return True
    return False


_RANGE_GROUPS = ("cur1", "n1", "s1", "postcur1", "sep", "cur2", "n2", "s2", "postcur2")


def _candidate(text: str, folded: str, lowered: str | None, m: re.Match[str]) -> _Candidate | None:
    """Return the candidate for one match of `_RANGE` in the folded text, or None when the figure is not pay."""
    if lowered is not None:
        cur1_raw, n1, s1_raw, postcur1, sep_raw, cur2_raw, n2, s2_raw, postcur2 = m.group(*_RANGE_GROUPS)
    else:
        # the words as written: "ſ" and "ı" match "s" and "i" but do not lower to them ("euroſ" is no currency code)
        cur1_raw, n1, s1_raw, postcur1, sep_raw, cur2_raw, n2, s2_raw, postcur2 = [
            text[begin:end] if begin >= 0 else None for begin, end in map(m.span, _RANGE_GROUPS)
        ]
    if cur2_raw and not cur1_raw and not s1_raw:
        # "Band 7 - £43,742 - £50,056": a bare number before a money amount is not its lower bound
        restart = _RANGE.match(folded, m.start("cur2"))
        return _candidate(text, folded, lowered, restart) if restart else None
    start, end = m.span()
    s1 = _scale(s1_raw) if s1_raw else None
    s2 = _scale(s2_raw) if s2_raw else None
    cur1 = cur1_raw or postcur1
    cur2 = cur2_raw or postcur2
    if not cur1_raw:
        start = m.start("n1")
        # a number glued to letters before it ("J9032", "W1") is a code, not an amount
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "#/"):
            return None
    if not (cur1 or cur2 or s1 == "k" or s2 == "k"):
        # a bare number needs a pay word just before it or a period after it ("Reference 0001234"), and no
        # not-pay word after it ("25 days"); cheap checks first, the full context only if needed
        if lowered is not None:
            pay_stem_before = _PAY_STEM.search(lowered, max(0, start - 30), start) is not None
        else:
            pay_stem_before = _contains_any(_lowered(text[max(0, start - 30): start]), _PAY_STEMS)
        if not pay_stem_before:
            if _PERIOD_AFTER.match(folded, end, end + _TAIL) is None:
                return None
        if _NOT_PAY_AFTER.match(folded, end, end + _TAIL):
            return None
    if n1 == "401" and (s1 == "k" or text[end: end + 1] in ("k", "K")):
        return None
    if s1 in ("m", "bn") or s2 in ("m", "bn"):
        return None
    if not (cur1 or cur2) and (s1 == "k" or s2 == "k") and _glued_k(text, m, s1_raw, s2_raw):
        return None
    head = _head(text, lowered, start)
    low = _number(n1)
    high = _number(n2) if n2 is not None else None
    if high is not None and sep_raw and sep_raw.lower() == "and" and not head.between:
        high, s2, cur2, end = None, None, None, m.end("s1") if s1_raw else m.end("n1")
    if high is not None and s2 is None and not cur2 and high < low / 10:
        # "£50,000 - 10 days holiday": the second figure is not part of the pay
        high, end = None, m.end("s1") if s1_raw else m.end("n1")
    if high is not None:
        if s2 == "k":
            high *= 1000
            if s1 is None and low < 1000:
                low *= 1000
        if s1 == "k":
            low *= 1000
        if s1 is None and low < 1000 <= high and low * 1000 <= high:
            low *= 1000
    else:
        high = low = low * 1000 if s1 == "k" else low

    currency = _currency(cur1 or cur2)
    has_money = currency is not None or s1 == "k" or s2 == "k"
    period = _period_after(folded, end) or (head.period if has_money else None)
    if not has_money:
        # a bare number is pay only with a period after it, or after a pay word and big enough to be pay
        if period is None and not (head.strong_pay_word and low >= 100):
            return None
        if "," not in n1 and "." not in n1 and len(n1) == 4 and 1900 <= low <= 2100 and period is None:
            return None
    if head.not_pay or _NOT_PAY_AFTER.match(folded, end, end + _TAIL):
        return None
    if low == 0 and high == 0:
        return None
    bonus_tail = bool(_BONUS_AFTER.match(folded, end, end + _TAIL))
    ote_tail = bool(_OTE_AFTER.match(folded, end, end + _TAIL)) or head.ote
    if bonus_tail or ote_tail:
        tier = 2
    elif period is not None or head.strong_pay_word:
        tier = 0
    else:
        tier = 1
    single = n2 is None
    return _Candidate(
        start=start,
        low=low,
        high=high,
        currency=currency,
        period=period,
        tier=tier,
        up_to=single and head.up_to,
        from_=single and head.from_,
        bonus_tail=bonus_tail,
        ote_tail=ote_tail,
    )


def _glued_k(text: str, m: re.Match[str], s1_raw: str | None, s2_raw: str | None) -> bool:
    """Return True when a `k` suffix is glued to a following word ("5km"), so it is not a thousands mark."""
    for group, raw in (("s1", s1_raw), ("s2", s2_raw)):
        if raw and raw.lower() == "k":
            after = m.end(group)
            if after < len(text) and text[after].isalpha():
                return True
    return False


def _scale(raw: str | None) -> str | None:
    """Return the scale suffix as "k", "m", "bn", or None."""
    if not raw:
        return None
    word = raw.strip().lower()
    if word == "k":
        return "k"
    if word in ("m", "mn", "million"):
        return "m"
    if word in ("bn", "billion"):
        return "bn"
    return None


def _number(raw: str) -> float:
    """Return the value of a number written with optional thousands commas."""
    return float(raw.replace(",", ""))


def _currency(raw: str | None) -> str | None:
    """Return the ISO code of a currency mark or word, or None."""
    if not raw:
        return None
    word = raw.strip().lower()
    if word.startswith("pound"):
        return "GBP"
    return _CURRENCY_CODES.get(word, "GBP")


def _period_after(folded: str, end: int) -> str | None:
    """Return the period stated right after an amount ending at `end` of the folded text, or None."""
    m = _PERIOD_AFTER.match(folded, end, end + _TAIL)
    return m.lastgroup if m else None  # the only named groups are the periods, and one of them matched


def _inferred_period(high: float, window: str) -> str:
    """Return the period of an amount stated without one, from its size (and IR35/day-rate cues)."""
    if high < 100:
        return "hour"
    if high < 1_500:
        return "day"
    if high < 10_000:
        return "day" if high <= 3_000 and any(cue in window for cue in _IR35_WORDS) else "month"
    return "year"


def period_from_text(raw: str | None) -> str | None:
    """Return the period of a structured pay field's period text ("yearly", "daily", "per hour"), or None."""
    if not raw:
        return None
    word = str(raw).strip().lower().replace("_", " ")
    if word in _PERIOD_WORDS:
        return _PERIOD_WORDS[word]
    for key in ("year", "annum", "annual", "month", "week", "day", "daily", "hour"):
        if key in word:
            return _PERIOD_WORDS.get(key, key)
    return None


def normalised_pay(pay: Pay) -> Pay:
    """Return `pay` with its annual and day figures filled in, or with `reject_reason` set when implausible."""
    return _pay(pay.min, pay.max, pay.period, pay.currency, pay.up_to, pay.from_, pay.predicted, pay.bonus, pay.ote,
                *_figures(pay.min, pay.max, pay.period))


def _figures(low: float, high: float, period: str) -> tuple[float | None, float | None, float | None, float | None,
                                                          str | None]:
    """Return the annual min/max, day min/max and reject reason of stated pay (no figures when implausible)."""
    reason = _implausibility(low, high, period)
    if reason:
        return None, None, None, None, reason
    factor = ANNUAL_FACTOR[period]
    day = DAY_FACTOR.get(period)
    return low * factor, high * factor, low * day if day else None, high * day if day else None, None


def _pay(
    low: float,
    high: float,
    period: str,
    currency: str,
    up_to: bool,
    from_: bool,
    predicted: bool,
    bonus: bool,
    ote: bool,
    annual_min: float | None,
    annual_max: float | None,
    day_min: float | None,
    day_max: float | None,
    reject_reason: str | None,
) -> Pay:
    """Return `Pay(...)` of these fields, filling its `__dict__` at once (the frozen `__init__` costs 3x as much)."""
    pay = object.__new__(Pay)
    pay.__dict__.update({
        "min": low, "max": high, "period": period, "currency": currency, "up_to": up_to, "from_": from_,
        "predicted": predicted, "bonus": bonus, "ote": ote, "annual_min": annual_min, "annual_max": annual_max,
        "day_min": day_min, "day_max": day_max, "reject_reason": reject_reason,
    })
    return pay


def _implausibility(low: float, high: float, period: str) -> str | None:
    """Return why stated pay of `low`-`high` per `period` is implausible under the documented bounds, or None."""
    if period not in BOUNDS:
        return f"unknown_period: {period}"
    if not (math.isfinite(low) and math.isfinite(high)):
        return "not_a_number"
    if low > high:
        return f"min_above_max: {low:g} > {high:g}"
    bound_low, bound_high = BOUNDS[period]
    if low < bound_low:
        return f"below_{period}_bound: {low:g} < {bound_low:g}"
    if high > bound_high:
        return f"above_{period}_bound: {high:g} > {bound_high:g}"
    if high > MAX_RANGE_RATIO * low:
        return f"range_too_wide: {high:g} > {MAX_RANGE_RATIO:g} x {low:g}"
    return None


def pay_from_fields(
    pay_min: float | None,
    pay_max: float | None,
    currency: str | None = None,
    period: str | None = None,
    predicted: bool = False,
) -> Pay | None:
    """Return the Pay of structured source fields (min/max/currency/period), or None when no figure is given."""
    low = _field_number(pay_min)
    high = _field_number(pay_max)
    if low is None and high is None:
        return None
    low = high if low is None else low
    high = low if high is None else high
    if low == 0 and high == 0:
        return None
    stated_period = period_from_text(period) or _inferred_period(high, "")
    code = (str(currency).strip().upper() if currency else "") or "GBP"
    code = _CURRENCY_CODES.get(code.lower(), code) if len(code) != 3 else code
    pay = Pay(min=low, max=high, period=stated_period, currency=code, predicted=bool(predicted))
    return normalised_pay(pay)


def _field_number(value: object) -> float | None:
    """Return a structured pay value as a float, or None when missing."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return number


try:
    from extract._salary import amount_anchors as _amount_anchors
    from extract._salary import digit_run_starts as _digit_run_starts
    from extract._salary import lowered as _lowered
    from extract._salary import parsed_pay as _parsed_pay
except ImportError:  # the extension is not built: the pure-Python references give the same results, only slower
    _amount_anchors = _amount_anchors_reference
    _digit_run_starts = _digit_run_starts_reference
    _lowered = str.lower
    _parsed_pay = _parse
    COMPILED_SALARY = False
else:
    COMPILED_SALARY = True

lower_case = _lowered
"""`str.lower` of a text, compiled for Latin-1 text (with punctuation and currency signs): 1.1 against 4.8 µs for a
cleaned ad (for the contract-type and work-mode cues, which read the lower-cased ad)."""
