"""Contract type: permanent / contract / temporary / unknown from structured fields, then text cues, then pay.

Rules (folded into docs/methodology.md), first that applies wins:

1. Structured field (`postings.contract_raw`: Adzuna `contract_type`/`contract_time`, Reed, JobSpy `job_type`):
   "permanent"/"perm" → permanent; "contract"/"contractor"/"freelance" → contract; "temporary"/"temp"/
   "fixed term"/"internship"/"seasonal" → temporary. "full_time"/"part_time" alone say nothing about the type.
2. Text cues in title and ad, strongest first: "Outside IR35"/"Inside IR35"/"IR35", "day rate", "daily rate",
   "per day" → contract; "fixed term"/"fixed-term"/"FTC"/"maternity cover"/"temporary"/"temp" → temporary;
   "N-month contract", "initial contract", "contract role", "contractor", "freelance" → contract;
   "permanent"/"perm" → permanent.
3. Pay stated per day or per hour → contract.
4. Otherwise unknown.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extract.salary import Pay
from extract.text import cue_search

_FIELD_WORDS = (
    ("permanent", "permanent"), ("perm", "permanent"), ("contractor", "contract"), ("contract", "contract"),
    ("freelance", "contract"), ("temporary", "temporary"), ("temp", "temporary"), ("fixed term", "temporary"),
    ("fixed_term", "temporary"), ("fixedterm", "temporary"), ("internship", "temporary"), ("seasonal", "temporary"),
)
_FIELD_SPLIT = re.compile(r"[^a-z_]+")
# text cues, matched against the lower-cased ad (without re.I, which is much slower) near their cue words below
_CONTRACT_STRONG = re.compile(r"\bir35\b|\bday[\s-]?rate|\bdaily rate|\bper day\b|\bp/d\b|£\d{3}\s?pd\b")
_TEMPORARY = re.compile(
    r"\bfixed[\s-]term\b|\bftc\b|\bmaternity (?:cover|leave cover)|\bparental leave cover|\btemporary\b|\btemp\b|"
    r"\btemp[\s-]to[\s-]perm\b|\binterim\b(?! manager)",
)
_CONTRACT = re.compile(
    r"\b\d{1,2}[\s-]?(?:month|mth|week)s?(?: initial| rolling)? contract\b|\binitial contract\b|"
    r"\bcontract (?:role|position|opportunity|assignment|length|duration|basis)\b|\bcontractors?\b|\bfreelance\b|"
    r"\brolling contract\b|\bon a contract\b|\bcontract\s*[-–|:]|\(contract\)|\bumbrella\b",
)
# cue words: every match of the regex above them holds one (lower-case)
_STRONG_GATE = ("ir35", "rate", "per day", "p/d", "pd")
_TEMPORARY_GATE = ("fixed", "ftc", "maternity", "parental", "temp", "interim")
_CONTRACT_GATE = ("contract", "freelance", "umbrella")
_PERMANENT = re.compile(r"\bpermanent\b|\bperm\b")
# the text cues in the order they are tried, strongest first: (pattern, its cue words, the contract type it states)
TEXT_CUES = (
    (_CONTRACT_STRONG, _STRONG_GATE, "contract"),
    (_TEMPORARY, _TEMPORARY_GATE, "temporary"),
    (_CONTRACT, _CONTRACT_GATE, "contract"),
    (_PERMANENT, ("perm",), "permanent"),
)


def contract_type(contract_raw: str | None, text: str, pay: Pay | None, lowered: str | None = None) -> str:
    """Return permanent / contract / temporary / unknown from the source field, the ad text and the pay period.

    `lowered` is `text.lower()` when the caller has it already.
    """
    from_field = contract_type_from_field(contract_raw)
    if from_field != "unknown":
        return from_field
    if text:
        # the cue words locate every possible match: each regex runs only on short windows around them
        lowered = text.lower() if lowered is None else lowered
        for pattern, cues, kind in TEXT_CUES:
            if cue_search(pattern, lowered, cues):
                return kind
    if pay is not None and pay.period in ("day", "hour"):
        return "contract"
    return "unknown"


def contract_type_from_field(contract_raw: str | None) -> str:
    """Return the contract type a structured source field states, or unknown ("full_time" alone says nothing)."""
    if not contract_raw or not isinstance(contract_raw, str):
        return "unknown"
    return _contract_type_of_field(contract_raw)


@lru_cache(maxsize=10_000)
def _contract_type_of_field(contract_raw: str) -> str:
    """Return `contract_type_from_field` of a non-empty text (cached: a board uses a handful of values)."""
    lowered = contract_raw.lower().replace("-", " ")
    words = set(_FIELD_SPLIT.split(lowered))
    for word, kind in _FIELD_WORDS:
        if (" " in word and word in lowered) or word in words:
            return kind
    return "unknown"
