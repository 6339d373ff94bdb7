"""Skill mentions in ad and CV text: a whole-token Aho-Corasick automaton over every skill surface."""
from __future__ import annotations

import logging
import multiprocessing
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from bisect import bisect_right
from operator import itemgetter
from typing import Iterable, Sequence

import ahocorasick
import numpy as np
import pandas as pd
import pyarrow as pa

from normalise.taxonomy import ContextRule, Taxonomy
from normalise.text import _BYTE_TRANSLATION, _SEPARATORS, lowered, surface_key

try:
    from normalise import _skills
except ImportError:  # the optional extension is not built: the pure-Python reference runs
    _skills = None

log = logging.getLogger(__name__)

COMPILED: bool = _skills is not None

POSTING_SKILLS_COLUMNS = ["posting_id", "market", "period", "skill_id", "mentions"]


@dataclass(frozen=True)
class Mention:
    skill_id: str
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class ExtractorSettings:
    """How the extractor runs: boilerplate skipping, role-title masking and batch parallelism."""

    skip_boilerplate: bool = True
    mask_role_titles: bool = True
    parallel_min_rows: int = 20_000  # below this a batch runs in-process; forking costs more than it saves
    chunk_rows: int = 4_000
    workers: int = 0  # 0 = os.cpu_count()


# Headings that open a boilerplate section (benefits, equal opportunities, about the company).
_BOILERPLATE_HEADING = re.compile(
    r"(?im)^[ \t#*>\-\u2022]*(?:"
    r"benefits?(?: package)?|perks(?: and benefits| & benefits)?|(?:rewards?|pay) (?:and|&) benefits|"
    r"what we offer|what(?: we| we'll|'s| is) in it for you|what you(?:'ll| will) get|why join us|why work (?:for|with) us|"
    r"about us|about the company|about the business|about the client|about our client|the company|our company|"
    r"who we are|our story|our culture|our values|company overview|"
    r"equal opportunit(?:y|ies)(?: statement| employer)?|diversity(?:,? equity)?(?:,? (?:and|&) inclusion)?|"
    r"(?:our )?commitment to (?:diversity|inclusion|equality)|inclusion(?: (?:and|&) diversity)?|"
    r"how to apply|next steps|our hiring process|the (?:application|interview) process|"
    r"about (?!the role|the job|you\b|the team|the position|this role|the opportunity|the work)[^\n:]{2,40}"
    r")[ \t]*:?[ \t]*$"
)
# Any heading-like line: it ends a boilerplate section.
_HEADING = re.compile(
    r"(?im)^[ \t#*>]*(?![\-\u2022] )(?-i:[A-Z])[^\n.!?]{1,60}:[ \t]*$|"
    r"^[ \t#*>]*(?:requirements|responsibilities|key responsibilities|the role|about the role|about you|"
    r"skills|key skills|experience|qualifications|essential|desirable|nice to have|tech stack|our stack|"
    r"what you(?:'ll| will) do|what you(?:'ll| will) need|what we(?:'re| are) looking for|the candidate|duties|"
    r"role overview|job description|about the team|who you are)[ \t]*:?[ \t]*$"
)
# The same headings found from their preceding line break: a literal "\n" prefix lets the regex engine skip ahead
# instead of trying "^" at every character. Searching from the end of a line finds exactly what _HEADING finds.
assert _HEADING.pattern.startswith("(?im)^") and _HEADING.pattern.count("|^[") == 1
_NEXT_HEADING = re.compile("(?im)\n(?:" + _HEADING.pattern[len("(?im)^"):].replace("|^[", "|[", 1) + ")")
# Phrases that make a sentence boilerplate wherever it stands (matched as token prefixes in normalised text).
BOILERPLATE_PHRASES = (
    "equal opportunit", "equal employment opportunit", "regardless of age", "regardless of race", "regardless of gender",
    "regardless of sex", "regardless of religion", "regardless of disability", "regardless of background",
    "committed to diversity", "committed to equality", "committed to inclusion", "committed to creating an inclusive",
    "diverse and inclusive", "reasonable adjustment", "protected characteristic", "acting as an employment agency",
    "acting as an employment business", "annual leave", "days holiday", "days  holiday", "pension scheme",
    "private medical", "private health", "health insurance", "cycle to work", "employee assistance",
    "life assurance", "share options", "season ticket loan", "enhanced parental leave", "enhanced maternity",
)
# First words of boilerplate headings; a hit is a heading only when its whole line matches _BOILERPLATE_HEADING.
HEADING_TRIGGERS = (
    "benefit", "benefits", "perks", "rewards", "reward", "pay", "what", "why", "about", "the company", "our company",
    "who we are", "our story", "our culture", "our values", "company overview", "equal", "diversity", "inclusion",
    "commitment", "our commitment", "how to apply", "next steps", "our hiring process", "the application",
    "the interview",
)
_BOILERPLATE = -2
_HEADING_TRIGGER = -3
_PHRASE = -4
_SENTENCE_BREAK = re.compile(r"[.!?\n]")
_NON_ASCII_SEPARATOR_CHARS = "".join(ch for ch in _SEPARATORS if ord(ch) > 127)
_NON_ASCII_SEPARATORS = re.compile("[" + _NON_ASCII_SEPARATOR_CHARS + "]")
_LOOSE_DOT_BYTES = re.compile(rb"\.(?![0-9a-z])")


def padded_match_text(text: str) -> str:
    """Return exactly `normalise.text.match_text(text)`, faster: one byte-table pass over UTF-8 for any text.

    Non-ASCII separators are few, so they are replaced first; ASCII separators are bytes below 0x80, which never
    occur inside a multi-byte UTF-8 character, so translating the encoded bytes keeps every character and offset.
    """
    if text.isascii():
        data = text.lower().encode("ascii")
    else:
        data = _NON_ASCII_SEPARATORS.sub(" ", lowered(text)).encode("utf-8", "surrogatepass")
    data = _LOOSE_DOT_BYTES.sub(b" ", data.translate(_BYTE_TRANSLATION))
    return (b" " + data + b" ").decode("utf-8", "surrogatepass")


def _separator_tails() -> tuple[tuple[bytes, frozenset[bytes], int], ...]:
    """Return (lead byte, continuation bytes, their length) of the UTF-8 encodings of the non-ASCII separators."""
    by_lead: dict[bytes, set[bytes]] = {}
    for ch in _SEPARATORS:
        if ord(ch) > 127:
            encoded = ch.encode("utf-8")
            by_lead.setdefault(encoded[:1], set()).add(encoded[1:])
    return tuple((lead, frozenset(tails), len(next(iter(tails)))) for lead, tails in sorted(by_lead.items()))


_SEPARATOR_TAILS = _separator_tails()
assert all(len({len(t) for t in tails}) == 1 for _, tails, _ in _SEPARATOR_TAILS)  # one length per lead byte


def spaced_separator_bytes(data: bytes) -> bytes:
    """Return UTF-8 `data` with each non-ASCII separator character replaced by one space byte.

    A lead byte never occurs inside another character's encoding (UTF-8 is self-synchronising), so splitting on it
    finds every candidate; this is several times faster than a regex alternation over the encodings.
    """
    for lead, tails, size in _SEPARATOR_TAILS:
        if lead not in data:
            continue
        pieces = data.split(lead)
        out = [pieces[0]]
        for piece in pieces[1:]:
            out.append(b" " + piece[size:] if piece[:size] in tails else lead + piece)
        data = b"".join(out)
    return data


# The separator byte table that also lower-cases A-Z: one pass does what bytes.lower() and the table did in two.
_LOWER_AND_SEPARATORS = bytes(_BYTE_TRANSLATION[b] + 32 if 65 <= b <= 90 else _BYTE_TRANSLATION[b] for b in range(256))


def ascii_match_text(text: str) -> str:
    """Return `match_text(text)` except that non-ASCII letters keep their case: the same matches for ASCII-only keys.

    Everything happens on the UTF-8 bytes: ASCII-only lower-casing, each multi-byte separator replaced by one space
    byte (so one character, and offsets hold), the separator byte table and the loose-dot rule.
    """
    data = text.encode("utf-8", "surrogatepass")
    if not data.isascii():
        data = spaced_separator_bytes(data)
    data = _LOOSE_DOT_BYTES.sub(b" ", data.translate(_LOWER_AND_SEPARATORS))
    return (b" " + data + b" ").decode("utf-8", "surrogatepass")


class SkillExtractor:
    """Finds canonical skill mentions in text, and optionally skill phrases outside the taxonomy; build once, reuse.

    `phrases` are normalised skill-phrase keys (see `normalise.spans.learned_skill_phrases`). They are found in the
    same automaton pass but never change the canonical mentions: a phrase span is reported only where no accepted
    canonical mention and no boilerplate lies, and it feeds the review queue, not a posting's citations.
    """

    def __init__(self, taxonomy: Taxonomy, settings: ExtractorSettings = ExtractorSettings(),
                 phrases: Iterable[str] = ()):
        self.taxonomy = taxonomy
        self.settings = settings
        self.phrases = frozenset(phrases)
        self._rules: list[ContextRule] = []
        self._automaton = self._built_automaton()
        # With ASCII-only keys the case of non-ASCII letters cannot change a match: use the faster byte path.
        ascii_keys = all(key.isascii() for key in self._automaton.keys())
        self._normalised = ascii_match_text if ascii_keys else padded_match_text
        # The compiled dense scanner finds the automaton's hits several times faster; it takes ASCII keys only.
        self._scanner = (_skills.Scanner(self._automaton.items(), _LOWER_AND_SEPARATORS, _NON_ASCII_SEPARATOR_CHARS)
                         if _skills is not None and ascii_keys else None)

    def _built_automaton(self) -> ahocorasick.Automaton:
        """Return the automaton keyed by " surface " with values (key length, skill id or None for a mask, rule)."""
        entries: dict[str, tuple[int, str | None, int]] = {}
        if self.settings.mask_role_titles:
            for title in role_title_phrases(self.taxonomy):
                for variant in surface_variants(title, plural=True):
                    entries.setdefault(variant, (len(variant) + 2, None, -1))
        for skill in self.taxonomy.skills.values():
            rule_index = -1
            ambiguous: set[str] = set()
            if skill.context is not None:
                self._rules.append(skill.context)
                rule_index = len(self._rules) - 1
                ambiguous = set(skill.context.surfaces)
            for surface in (skill.name, *skill.aliases):
                key = surface_key(surface)
                if not key:
                    continue
                is_ambiguous = key in ambiguous
                for variant in surface_variants(surface, plural=not is_ambiguous and len(key) >= 4):
                    entries.setdefault(variant, (len(variant) + 2, skill.skill_id, rule_index if is_ambiguous else -1))
        automaton = ahocorasick.Automaton()
        for key, value in entries.items():
            automaton.add_word(f" {key} ", value)
        if self.settings.skip_boilerplate:
            for phrase in BOILERPLATE_PHRASES:
                automaton.add_word(f" {phrase}", (len(phrase) + 1, None, _BOILERPLATE))
            for phrase in HEADING_TRIGGERS:
                if phrase not in entries:
                    automaton.add_word(f" {phrase} ", (len(phrase) + 2, None, _HEADING_TRIGGER))
        for phrase in sorted(self.phrases):
            # A canonical surface or heading keeps its meaning; a non-ASCII phrase (rare) would cost every text the
            # slower full-Unicode normalisation, so phrases are ASCII only.
            if phrase and phrase.isascii() and not automaton.exists(f" {phrase} "):
                automaton.add_word(f" {phrase} ", (len(phrase) + 2, None, _PHRASE))
        automaton.make_automaton()
        return automaton

    def extract(self, text: str | None) -> list[Mention]:
        """Return the skill mentions in `text`, in order, excluding role titles, boilerplate and unsupported ambiguous names."""
        if not text:
            return []
        return [Mention(sid, s, e, text[s:e]) for sid, s, e in self._spans(text)]

    def skill_counts(self, text: str | None) -> Counter:
        """Return mentions per skill id in `text`."""
        if not text:
            return Counter()
        return Counter(sid for sid, _, _ in self._spans(text))

    def _spans(self, text: str) -> list[tuple[str, int, int]]:
        """Return (skill_id, start, end) of the accepted mentions in `text`, ordered by start."""
        return self._mentions_and_phrases(text, False)[0]

    def phrase_spans(self, text: str | None) -> list[tuple[int, int]]:
        """Return [start, end) of the skill phrases in `text` that overlap no canonical mention, ordered by start."""
        if not text or not self.phrases:
            return []
        return self._mentions_and_phrases(text, True)[1]

    def spans(self, text: str | None) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]]]:
        """Return the canonical mentions (skill_id, start, end) and the phrase spans (start, end) of `text`, one pass."""
        if not text:
            return [], []
        return self._mentions_and_phrases(text, bool(self.phrases))

    def _mentions_and_phrases(self, text: str,
                              with_phrases: bool) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]]]:
        """Return `_resolved(text, with_phrases)[:2]`; the compiled path skips building the padded text."""
        if _skills is not None:
            return _skills.spans(self, text, with_phrases)
        return self._resolved_python(text, with_phrases)[:2]

    def _resolved(self, text: str, with_phrases: bool) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]], str]:
        """Return accepted mentions, phrase spans clear of them and of boilerplate (when asked), and the padded text."""
        if _skills is not None:
            return _skills.resolved(self, text, with_phrases)
        return self._resolved_python(text, with_phrases)

    def _resolved_python(self, text: str,
                         with_phrases: bool) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]], str]:
        """Return `_resolved(text, with_phrases)` computed in Python: the reference of the compiled module."""
        padded = self._normalised(text)
        # The automaton reports hits in order of their last character; a key spans padded[last-length+1 : last+1]
        # including its two spaces, and padded index i is text index i-1, so the words are text[last-length+1 : last-1].
        phrases: list[tuple[int, int]] = []
        if self.phrases:
            raw = list(self._automaton.iter(padded))
            hits = [(last - v[0] + 1, last - 1, v[0], v[1], v[2]) for last, v in raw if v[2] != _PHRASE]
            if with_phrases:
                phrases = earliest_ending_phrases(raw)
        else:
            hits = [(last - v[0] + 1, last - 1, v[0], v[1], v[2]) for last, v in self._automaton.iter(padded)]
        if not hits:
            return [], phrases, padded
        markers = [(h[0], h[4]) for h in hits if h[4] < -1]
        found = [h for h in hits if h[4] >= -1] if markers else hits
        chosen = longest_non_overlapping_by_end(found)
        excluded = boilerplate_ranges(text, markers) if markers else []
        for a, b in excluded:
            chosen = [c for c in chosen if not a <= c[0] < b]
        accepted = self._accepted(text, padded, chosen)
        if phrases and (accepted or excluded):
            blocked = sorted([*((s, e) for _, s, e in accepted), *excluded]) if excluded else [m[1:] for m in accepted]
            phrases = clear_spans(phrases, blocked)
        return accepted, phrases, padded

    def _accepted(self, text: str, padded: str, chosen: list[tuple]) -> list[tuple[str, int, int]]:
        """Return (skill_id, start, end) of the chosen candidates that are skills and pass their context rules."""
        if not self._rules:
            return [(c[3], c[0], c[1]) for c in chosen if c[3] is not None]
        accepted = []
        plain = None
        for start, end, _, skill_id, rule in chosen:
            if skill_id is None:
                continue
            if rule >= 0:
                if plain is None:
                    plain = [c for c in chosen if c[3] is not None and c[4] < 0]
                if not self._context_ok(self._rules[rule], text, padded, start, end, plain):
                    continue
            accepted.append((skill_id, start, end))
        return accepted

    def _context_ok(self, rule: ContextRule, text: str, padded: str, start: int, end: int, plain: list) -> bool:
        """Return whether an ambiguous mention at text[start:end] has the support its rule requires."""
        if rule.case and text[start:end] not in rule.case:
            return False
        if rule.deny_prev:
            before = padded[max(0, start - 30) : start + 1].split()
            if before and before[-1] in rule.deny_prev:
                return False
        if rule.deny_next:
            after = padded[end + 1 : end + 31].split()
            if after and after[0] in rule.deny_next:
                return False
        if not rule.near and not rule.near_skills:
            return True
        if rule.near:
            window = padded[max(0, start + 1 - rule.window) : end + 1 + rule.window]
            if any(f" {term} " in window for term in rule.near):
                return True
        if rule.near_skills:
            for other_start, other_end, *_ in plain:
                if other_end >= start - rule.window and other_start <= end + rule.window:
                    return True
        return False

    def posting_skills(self, facts: pd.DataFrame) -> pd.DataFrame:
        """Return the `posting_skills` table (distinct skill per posting with its mention count) for posting facts."""
        return posting_skills(facts, self)


def posting_skills(facts: pd.DataFrame, extractor: SkillExtractor) -> pd.DataFrame:
    """Return the `posting_skills` table for `facts` (posting_id, market, period, description_clean)."""
    missing = [c for c in ("posting_id", "market", "period", "description_clean") if c not in facts.columns]
    if missing:
        raise ValueError(f"posting_skills: input lacks columns {missing}")
    texts = facts["description_clean"].tolist()
    rows, skill_ids, counts = skill_count_rows(extractor, texts)
    if not rows:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "mentions" else "object") for c in POSTING_SKILLS_COLUMNS}
        )
    # Take only the key columns: facts.iloc[rows] would copy every ad text once per cited skill (~10x the texts).
    positions = np.asarray(rows, dtype=np.intp)
    return pd.DataFrame(
        {
            "posting_id": column_at(facts["posting_id"], positions),
            "market": column_at(facts["market"], positions),
            "period": column_at(facts["period"], positions),
            "skill_id": string_column(skill_ids),
            "mentions": np.asarray(counts, dtype=np.int64),
        }
    )


_INFERRED_STRING = pd.Series(["text"]).dtype  # the dtype pandas gives a column of Python strings


def column_at(column: pd.Series, positions: np.ndarray | None = None) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """Return `column`'s values (at `positions`, or all) for a new frame; strings are taken in Arrow, not as objects."""
    if column.dtype == _INFERRED_STRING and len(column):
        taken = column.array.copy() if positions is None else column.array.take(positions)
        if taken.isna().sum() < len(taken):  # all-missing objects stay object, not strings
            return taken
    values = column.to_numpy()
    return values if positions is None else values[positions]


def string_column(values: list[str]) -> pd.api.extensions.ExtensionArray | list[str]:
    """Return the strings `values` as a column of the dtype a frame infers for them, converted in Arrow."""
    if not values or not isinstance(_INFERRED_STRING, pd.StringDtype):
        return values
    return pd.array(pa.array(values, pa.large_string()), dtype=_INFERRED_STRING)


def skill_count_rows(extractor: SkillExtractor, texts: Sequence[str | None]) -> tuple[list[int], list[str], list[int]]:
    """Return parallel lists (row index, skill id, mentions) for `texts`, using all cores for big batches."""
    return _batch_counts(extractor, texts, False)[:3]


def skill_rows_and_phrases(extractor: SkillExtractor,
                           texts: Sequence[str | None]) -> tuple[tuple[list[int], list[str], list[int]], Counter]:
    """Return `skill_count_rows(extractor, texts)` and the occurrences per skill-phrase key, in one pass per text."""
    rows, skill_ids, counts, phrases = _batch_counts(extractor, texts, True)
    return (rows, skill_ids, counts), phrases


CountRows = tuple[list[int], list[str], list[int], Counter]


def _batch_counts(extractor: SkillExtractor, texts: Sequence[str | None], with_phrases: bool) -> CountRows:
    """Return (row index, skill id, mentions) lists and phrase-key occurrences for `texts`, on all cores when big."""
    settings = extractor.settings
    workers = settings.workers or os.cpu_count() or 1
    if len(texts) < settings.parallel_min_rows or workers < 2:
        return _count_rows(extractor, texts, 0, with_phrases)
    # Helpers are forked with the extractor and the texts already in memory; they and this process take chunk
    # numbers from one shared counter until none are left, so a core another job keeps busy costs no waiting, and
    # only the small count lists travel back.
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # platforms without fork: run in-process rather than pickling the automaton
        return _count_rows(extractor, texts, 0, with_phrases)
    n_helpers = min(workers, -(-len(texts) // settings.chunk_rows)) - 1
    if n_helpers < 1:
        return _count_rows(extractor, texts, 0, with_phrases)
    counter = context.Value("i", 0)
    with ProcessPoolExecutor(n_helpers, mp_context=context, initializer=_set_worker_state,
                             initargs=(extractor, texts, counter, with_phrases)) as pool:
        helpers = [pool.submit(_drained_chunks) for _ in range(n_helpers)]
        parts = _drained_chunks(extractor, texts, counter, with_phrases)
        for helper in helpers:
            parts += helper.result()
    rows: list[int] = []
    skill_ids: list[str] = []
    counts: list[int] = []
    phrases: Counter = Counter()
    for _, (part_rows, part_ids, part_counts, part_phrases) in sorted(parts, key=lambda part: part[0]):
        rows += part_rows
        skill_ids += part_ids
        counts += part_counts
        phrases.update(part_phrases)
    return rows, skill_ids, counts, phrases


_WORKER_STATE: tuple | None = None


def _set_worker_state(extractor: SkillExtractor, texts: Sequence[str | None], counter, with_phrases: bool) -> None:
    """Keep the (fork-inherited) extractor, batch of texts and shared chunk counter for this helper process."""
    global _WORKER_STATE
    _WORKER_STATE = (extractor, texts, counter, with_phrases)


def _drained_chunks(extractor: SkillExtractor | None = None, texts: Sequence[str | None] | None = None,
                    counter=None, with_phrases: bool = False) -> list[tuple[int, CountRows]]:
    """Return (chunk start, count rows) for every chunk this process takes from the shared counter until none remain."""
    if extractor is None:
        assert _WORKER_STATE is not None
        extractor, texts, counter, with_phrases = _WORKER_STATE
    size = extractor.settings.chunk_rows
    parts = []
    while True:
        with counter.get_lock():
            start = counter.value * size
            counter.value += 1
        if start >= len(texts):
            return parts
        parts.append((start, _count_rows(extractor, texts[start : start + size], start, with_phrases)))


def _count_rows(extractor: SkillExtractor, texts: Iterable[str | None], offset: int, with_phrases: bool) -> CountRows:
    """Return (row index, skill id, mentions) lists and phrase-key occurrences for `texts`, rows from `offset`."""
    if _skills is not None:
        return _skills.count_rows(extractor, texts, offset, with_phrases)
    return _count_rows_python(extractor, texts, offset, with_phrases)


def _count_rows_python(extractor: SkillExtractor, texts: Iterable[str | None], offset: int,
                       with_phrases: bool) -> CountRows:
    """Return `_count_rows(extractor, texts, offset, with_phrases)` in Python: the compiled module's reference."""
    rows: list[int] = []
    skill_ids: list[str] = []
    counts: list[int] = []
    phrases: Counter = Counter()
    with_phrases = with_phrases and bool(extractor.phrases)
    resolved = extractor._resolved_python
    for index, text in enumerate(texts, start=offset):
        if not isinstance(text, str) or not text:
            continue
        found, phrase_spans, padded = resolved(text, with_phrases)
        if phrase_spans:
            # Phrase keys are single-spaced, so the matched normalised text is the key itself.
            phrases.update({padded[s + 1 : e + 1] for s, e in phrase_spans})  # postings, not mentions
        if not found:
            continue
        tally = Counter(map(_first, found))
        rows += [index] * len(tally)
        skill_ids += tally
        counts += tally.values()
    return rows, skill_ids, counts, phrases


_first = itemgetter(0)


def earliest_ending_phrases(raw_hits: list[tuple[int, tuple]]) -> list[tuple[int, int]]:
    """Return text spans of the phrase hits among raw automaton hits (last index, value), earliest-ending first.

    Hits come in order of their last character, the longest first among those ending together, so one pass keeps
    each phrase that starts at or after the end of the last one kept (cheaper than longest-match-wins, and phrases
    only need to mark where skill text is).
    """
    spans = []
    reach = -1
    for last, (length, _, rule) in raw_hits:
        if rule == _PHRASE:
            start = last - length + 1
            if start >= reach:
                reach = last - 1
                spans.append((start, reach))
    return spans


def clear_spans(spans: list[tuple[int, int]], blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the spans that overlap none of the `blocked` ranges (sorted by start)."""
    starts, ends = _disjoint(blocked)
    kept = []
    for span in spans:
        # The first blocked range ending after the span starts is the only one that can overlap it.
        index = bisect_right(ends, span[0])
        if index == len(ends) or starts[index] >= span[1]:
            kept.append(span)
    return kept


def _disjoint(ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Return the starts and ends of the union of `ranges` (sorted by start) as disjoint, ordered ranges."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in ranges:
        if ends and start < ends[-1]:
            if end > ends[-1]:
                ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def longest_non_overlapping_by_end(found: list[tuple]) -> list[tuple]:
    """Return the candidates (start, end, length, ...), given in order of end, that survive longest-match-wins.

    One linear pass groups chains of overlapping candidates (in end order a candidate overlapping any earlier one
    overlaps the latest cluster); only clusters of two or more need the longest-first choice. Ordered by start.
    """
    if len(found) < 2:
        return found
    # Clusters are contiguous slices of `found`: first[k] is where cluster k begins, ends[k] its furthest end.
    first: list[int] = []
    ends: list[int] = []
    for index, candidate in enumerate(found):
        start = candidate[0]
        if ends and start < ends[-1]:
            ends[-1] = candidate[1]
            # A long candidate may reach back over earlier clusters: merge them.
            while len(ends) > 1 and start < ends[-2]:
                ends.pop()
                first.pop()
                ends[-1] = candidate[1]
        else:
            first.append(index)
            ends.append(candidate[1])
    if len(first) == len(found):
        return found
    # Clusters are disjoint and in text order, so concatenating their survivors keeps start order.
    chosen: list[tuple] = []
    first.append(len(found))
    for k in range(len(first) - 1):
        a, b = first[k], first[k + 1]
        if b - a == 1:
            chosen.append(found[a])
        else:
            chosen.extend(_longest_first(found[a:b]))
    return chosen


def longest_non_overlapping(found: list[tuple]) -> list[tuple]:
    """Return the candidates (start, end, length, ...) that survive longest-match-wins, ordered by start."""
    if len(found) < 2:
        return found
    ordered = sorted(found, key=lambda c: (c[0], -c[2]))
    chosen: list[tuple] = []
    cluster = [ordered[0]]
    cluster_end = ordered[0][1]
    for candidate in ordered[1:]:
        if candidate[0] < cluster_end:
            cluster.append(candidate)
            cluster_end = max(cluster_end, candidate[1])
            continue
        chosen.extend(_longest_first(cluster))
        cluster, cluster_end = [candidate], candidate[1]
    chosen.extend(_longest_first(cluster))
    return chosen


def _longest_first(cluster: list[tuple]) -> list[tuple]:
    """Return the non-overlapping members of one cluster of overlapping candidates, longest first, by start."""
    if len(cluster) == 1:
        return cluster
    if len(cluster) == 2:
        a, b = cluster
        longer = a if (a[2], -a[0]) >= (b[2], -b[0]) else b
        if a[1] <= b[0] or a[0] >= b[1]:
            return sorted(cluster, key=lambda c: c[0])
        return [longer]
    kept: list[tuple] = []
    for candidate in sorted(cluster, key=lambda c: (-c[2], c[0])):
        if all(candidate[1] <= k[0] or candidate[0] >= k[1] for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c[0])


def boilerplate_ranges(text: str, markers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return [start, end) ranges of `text` that are boilerplate, from automaton markers (text offset, kind).

    A heading marker whose whole line is a boilerplate heading excludes everything up to the next heading; a
    boilerplate-phrase marker excludes its sentence.
    """
    ranges: list[tuple[int, int]] = []
    for start, kind in markers:
        if ranges and ranges[-1][0] <= start < ranges[-1][1]:
            continue
        if kind == _HEADING_TRIGGER:
            if not _starts_line(text, start):
                continue
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            section_end = boilerplate_section_end(text, line_start, line_end)
            if section_end >= 0:
                ranges.append((line_start, section_end))
        else:
            left = max(text.rfind(ch, max(0, start - 400), start) for ch in ".!?\n") + 1
            right = _SENTENCE_BREAK.search(text, start)
            ranges.append((left, right.end() if right else len(text)))
    return ranges


def boilerplate_section_end(text: str, line_start: int, line_end: int) -> int:
    """Return where the section the line text[line_start:line_end] heads ends, or -1 if it is no boilerplate heading."""
    if not _BOILERPLATE_HEADING.fullmatch(text, line_start, line_end):
        return -1
    following = _NEXT_HEADING.search(text, line_end)
    while following is not None and _BOILERPLATE_HEADING.fullmatch(following.group(0).strip("\n")):
        following = _NEXT_HEADING.search(text, following.end())
    return following.start() + 1 if following else len(text)


def _starts_line(text: str, start: int) -> bool:
    """Return whether only heading decoration (spaces, #, *, >, -, bullets) precedes `start` on its line."""
    i = start - 1
    while i >= 0 and text[i] in _HEADING_DECORATION:
        i -= 1
    return i < 0 or text[i] == "\n"


_HEADING_DECORATION = " \t#*>-\u2022"


def boilerplate_ranges_of(extractor: SkillExtractor, text: str) -> list[tuple[int, int]]:
    """Return the boilerplate ranges the extractor would skip in `text` (for inspection and tests)."""
    hits = extractor._automaton.iter(extractor._normalised(text))
    markers = [(last - length + 1, rule) for last, (length, _, rule) in hits if rule < -1]
    return boilerplate_ranges(text, markers)


def role_title_phrases(taxonomy: Taxonomy) -> list[str]:
    """Return the role-title phrases to mask: role names and titles without their "- NLP" / "(CV)" qualifiers."""
    phrases = []
    for role in taxonomy.roles.values():
        for title in (role.name, *role.titles):
            # Only the title itself: "Machine Learning Engineer (Computer Vision)" masks no "Computer Vision".
            part = re.split(r"\s+[-\u2013|]\s+|\s*[(,]", title)[0].strip()
            if len(part.split()) >= 2:
                phrases.append(part)
    return list(dict.fromkeys(phrases))


_SPELLING = (("isation", "ization"), ("ization", "isation"), ("elling", "eling"), ("eling", "elling"),
             ("yse", "yze"), ("yze", "yse"), ("ise ", "ize "), ("ize ", "ise "))


def surface_variants(surface: str, plural: bool) -> list[str]:
    """Return the normalised keys a surface is found by: itself, UK/US spellings and (optionally) plurals."""
    key = surface_key(surface)
    if not key:
        return []
    variants = [key, key.replace(".", "")] if "." in key[1:] else [key]
    for a, b in _SPELLING:
        if a in key + " ":
            variants.append((key + " ").replace(a, b).strip())
    if plural:
        for variant in list(variants):
            last = variant.rsplit(" ", 1)[-1]
            if last.isalpha() and len(last) >= 3 and not last.endswith("s"):
                variants.append(variant[:-1] + "ies" if last.endswith("y") and last[-2] not in "aeiou" else variant + "s")
    return list(dict.fromkeys(v for v in variants if v))
