"""Skill phrases beyond the taxonomy: a lexicon learned from SkillSpan train, and a CRF span tagger.

Both find skill and knowledge phrases the taxonomy has no entry for ("team player", "prioritise competing
deadlines"); phrases that map to no canonical skill feed the skills review queue as candidate new skills. Neither
changes which canonical skills a posting cites: those come from `SkillExtractor`'s canonical mentions alone.

The phrase lexicon (`learned_skill_phrases`) runs inside the gazetteer's own automaton pass, so it costs little;
it is the configuration the evaluation test asserts the targets on. The CRF tagger scores higher but is ~40x
slower. Both are learned on demand from SkillSpan train (read in place under ../shared/data); the CRF model is
cached in a git-ignored folder and reused while the taxonomy and the feature set are unchanged.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from normalise.skills import SkillExtractor
from normalise.taxonomy import Taxonomy

log = logging.getLogger(__name__)

FEATURES_VERSION = "3"
MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "work" / "models"
_TOKEN = re.compile(r"\S+")
_SPACES = re.compile(r"\s+")
_PUNCT_EDGES = re.compile(r"^[^\w+#.]+|[^\w+#]+$")
Span = tuple[int, int]  # token indexes [start, end)


@dataclass(frozen=True)
class TaggerSettings:
    """CRF training settings: L1/L2 penalties and iteration cap."""

    c1: float = 0.05
    c2: float = 0.05
    max_iterations: int = 150
    min_feature_freq: int = 1


def _shape(token: str) -> str:
    """Return a compact character-class shape of `token` ("Python" -> "Xx", "C++" -> "X+")."""
    out = []
    for ch in token:
        kind = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out[:5])


def gazetteer_tags(extractor: SkillExtractor, tokens: Sequence[str]) -> list[str]:
    """Return per-token gazetteer labels ("B-technical", "I-soft", "O") from the extractor's mentions."""
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    ends = [start + len(token) for start, token in zip(starts, tokens)]
    return mention_labels(extractor, extractor.extract(" ".join(tokens)), starts, ends)


def mention_labels(extractor: SkillExtractor, mentions: Sequence, starts: Sequence[int],
                   ends: Sequence[int]) -> list[str]:
    """Return per-token gazetteer labels for tokens at [starts[i], ends[i]) from mentions ordered by start."""
    labels = ["O"] * len(starts)
    skills = extractor.taxonomy.skills
    index = 0
    for mention in mentions:
        while index < len(starts) and ends[index] <= mention.start:
            index += 1
        category = skills[mention.skill_id].category
        j = index
        while j < len(starts) and starts[j] < mention.end:
            labels[j] = ("B-" if j == index else "I-") + category
            j += 1
    return labels


@lru_cache(maxsize=200_000)
def _word_features(token: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Return (word, own features, features it gives its left neighbour, its right neighbour) of one token (cached)."""
    w = _PUNCT_EDGES.sub("", token).lower() or token
    f = ["b", f"w={w}", f"s3={w[-3:]}", f"s2={w[-2:]}", f"p3={w[:3]}", f"sh={_shape(token)}"]
    if token[:1].isupper():
        f.append("title")
    if token.isupper() and len(token) > 1:
        f.append("upper")
    if token[-1:] in ",;:.)":
        f.append(f"end={token[-1]}")
    if token[:1] in "(\"'":
        f.append("open")
    return w, tuple(f), (f"w+1={w}", f"w+2={w}"), (f"w-1={w}", f"w-2={w}")


_EDGE_LEFT = ("w-1=<s1>", "w-2=<s2>")
_EDGE_RIGHT = ("w+1=</s1>", "w+2=</s2>")


@lru_cache(maxsize=4096)
def _gazetteer_features(previous: str, label: str, following: str) -> tuple[str, ...]:
    """Return the gazetteer-label features of a token given its own and its neighbours' labels (cached)."""
    return f"g={label}", f"g-1={previous}", f"g+1={following}"


def token_features(tokens: Sequence[str], gazetteer: Sequence[str]) -> list[list[str]]:
    """Return the CRF feature strings of each token: word, affixes, shape, neighbours and gazetteer labels."""
    cached = [_word_features(t) for t in tokens]
    n = len(tokens)
    gaz = ["<s>", *gazetteer, "</s>"]
    features = []
    for i in range(n):
        w, own, _, _ = cached[i]
        left1 = cached[i - 1][3][0] if i >= 1 else _EDGE_LEFT[0]
        left2 = cached[i - 2][3][1] if i >= 2 else ("w-2=<s1>" if i == 1 else _EDGE_LEFT[1])
        right1 = cached[i + 1][2][0] if i + 1 < n else _EDGE_RIGHT[0]
        right2 = cached[i + 2][2][1] if i + 2 < n else ("w+2=</s1>" if i + 1 < n else _EDGE_RIGHT[1])
        before = cached[i - 1][0] if i >= 1 else "<s1>"
        after = cached[i + 1][0] if i + 1 < n else "</s1>"
        f = [*own, left1, right1, left2, right2, f"w-1w={before}|{w}", f"ww+1={w}|{after}",
             *_gazetteer_features(gaz[i], gaz[i + 1], gaz[i + 2]), f"gw={gaz[i + 1][:1]}|{w}"]
        if i == 0:
            f.append("first")
        if i == n - 1:
            f.append("last")
        features.append(f)
    return features


def bio_tags(n: int, spans: Iterable[Span]) -> list[str]:
    """Return BIO tags of length `n` for token spans."""
    tags = ["O"] * n
    for start, end in spans:
        tags[start] = "B"
        for i in range(start + 1, end):
            tags[i] = "I"
    return tags


def tag_spans(tags: Sequence[str]) -> list[Span]:
    """Return the token spans of a B/I/O sequence (an I after O opens a span)."""
    spans, start = [], None
    for i, tag in enumerate(tags):
        if tag == "B" or (tag == "I" and start is None):
            if start is not None:
                spans.append((start, i))
            start = i
        elif tag == "O" and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(tags)))
    return spans


class SpanTagger:
    """Tags skill/knowledge phrases in token sequences with a trained CRF model file."""

    def __init__(self, model_file: Path, extractor: SkillExtractor):
        import pycrfsuite

        self.model_file = Path(model_file)
        self.extractor = extractor
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.model_file))

    def token_spans(self, tokens: Sequence[str]) -> list[Span]:
        """Return the token spans of skill phrases in one tokenised sentence."""
        if not tokens:
            return []
        features = token_features(tokens, gazetteer_tags(self.extractor, tokens))
        return tag_spans(self._tagger.tag(features))

    def char_spans(self, text: str) -> list[tuple[int, int]]:
        """Return [start, end) character spans of skill phrases in free text, sentence by sentence.

        Tokens are runs of non-space characters, as in SkillSpan; a sentence ends at a line break or after a token
        ending in . ! ? or ;. The gazetteer runs once over the whole text.
        """
        matches = list(_TOKEN.finditer(text))
        if not matches:
            return []
        tokens = [m.group(0) for m in matches]
        starts = [m.start() for m in matches]
        ends = [m.end() for m in matches]
        labels = mention_labels(self.extractor, self.extractor.extract(text), starts, ends)
        result = []
        first = 0
        for i, token in enumerate(tokens):
            last = i + 1 == len(tokens)
            if last or token[-1] in ".!?;" or "\n" in text[ends[i] : starts[i + 1]]:
                features = token_features(tokens[first : i + 1], labels[first : i + 1])
                for a, b in tag_spans(self._tagger.tag(features)):
                    result.append((starts[first + a], ends[first + b - 1]))
                first = i + 1
        return result

    def phrase_counts(self, texts: Sequence[str | None]) -> dict[str, tuple[str, int]]:
        """Return lower-cased tagged phrases -> (first spelling seen, occurrences) in `texts`."""
        counts: dict[str, tuple[str, int]] = {}
        for text in texts:
            if not isinstance(text, str) or not text:
                continue
            for start, end in self.char_spans(text):
                surface = _SPACES.sub(" ", _PUNCT_EDGES.sub("", text[start:end])).strip()
                if len(surface) >= 2:
                    key = surface.lower()
                    seen = counts.get(key)
                    counts[key] = (surface, 1) if seen is None else (seen[0], seen[1] + 1)
        return counts

    def is_canonical(self, phrase: str) -> bool:
        """Return whether the gazetteer reads all of `phrase` as one canonical skill mention."""
        mentions = self.extractor.extract(phrase)
        return len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(phrase)

    def candidate_skills(self, texts: Sequence[str | None], workers: int = 0, parallel_min_rows: int = 2_000,
                         chunk_rows: int = 500) -> pd.DataFrame:
        """Return tagged phrases that match no canonical skill, with occurrences, most frequent first (review queue).

        The columns are the review queue's (text, occurrences, suggestions). A phrase the gazetteer reads whole as one
        skill is not a candidate (fuzzy taxonomy matching is left to the review step: it costs milliseconds a phrase).
        Big batches use all cores.
        """
        texts = list(texts)
        workers = workers or os.cpu_count() or 1
        if len(texts) < parallel_min_rows or workers < 2:
            counts = self.phrase_counts(texts)
        else:
            counts = _parallel_phrase_counts(self, texts, workers, chunk_rows)
        kept = {key: n for key, (surface, n) in counts.items() if not self.is_canonical(surface)}
        frame = pd.DataFrame({"text": pd.array(list(kept), dtype="string"),
                              "occurrences": pd.array(list(kept.values()), dtype="int64"),
                              "suggestions": pd.array([""] * len(kept), dtype="string")})
        return frame.sort_values(["occurrences", "text"], ascending=[False, True], ignore_index=True)


_WORKER_STATE: tuple[SpanTagger, Sequence[str | None]] | None = None


def _parallel_phrase_counts(tagger: SpanTagger, texts: Sequence[str | None], workers: int,
                            chunk_rows: int) -> dict[str, tuple[str, int]]:
    """Return `tagger.phrase_counts(texts)` computed by forked workers over chunks of the texts."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: run in-process
        return tagger.phrase_counts(texts)
    chunks = [(i, min(i + chunk_rows, len(texts))) for i in range(0, len(texts), chunk_rows)]
    counts: dict[str, tuple[str, int]] = {}
    with ProcessPoolExecutor(min(workers, len(chunks)), mp_context=context, initializer=_set_worker_state,
                             initargs=(tagger, texts)) as pool:
        for part in pool.map(_worker_phrase_counts, chunks):
            for key, (surface, n) in part.items():
                seen = counts.get(key)
                counts[key] = (surface, n) if seen is None else (seen[0], seen[1] + n)
    return counts


def _set_worker_state(tagger: SpanTagger, texts: Sequence[str | None]) -> None:
    """Keep the fork-inherited tagger and texts in this worker process."""
    global _WORKER_STATE
    _WORKER_STATE = (tagger, texts)


def _worker_phrase_counts(chunk: tuple[int, int]) -> dict[str, tuple[str, int]]:
    """Return the phrase counts of texts[start:stop] in a worker process."""
    assert _WORKER_STATE is not None
    tagger, texts = _WORKER_STATE
    return tagger.phrase_counts(texts[chunk[0] : chunk[1]])


def skillspan_training_rows(file: Path) -> list[tuple[list[str], list[Span]]]:
    """Return (tokens, union of skill and knowledge spans) per SkillSpan sentence in `file`."""
    from normalise.evaluate import bio_spans

    rows = []
    with Path(file).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                spans = bio_spans(row["tags_skill"]) | bio_spans(row["tags_knowledge"])
                rows.append((row["tokens"], sorted(_non_overlapping(spans))))
    return rows


def _non_overlapping(spans: Iterable[Span]) -> list[Span]:
    """Return spans with overlaps resolved longest first (skill and knowledge spans may nest)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return kept


def train_span_tagger(rows: Sequence[tuple[Sequence[str], Sequence[Span]]], extractor: SkillExtractor, model_file: Path,
                      settings: TaggerSettings = TaggerSettings()) -> SpanTagger:
    """Train a CRF on (tokens, spans) rows, write it to `model_file` and return the loaded tagger."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for tokens, spans in rows:
        if tokens:
            trainer.append(token_features(tokens, gazetteer_tags(extractor, tokens)), bio_tags(len(tokens), spans))
    trainer.set_params({"c1": settings.c1, "c2": settings.c2, "max_iterations": settings.max_iterations,
                        "feature.minfreq": settings.min_feature_freq, "feature.possible_transitions": True})
    model_file = Path(model_file)
    model_file.parent.mkdir(parents=True, exist_ok=True)
    partial = model_file.with_name(f"{model_file.name}.{os.getpid()}.partial")  # concurrent builds do not collide
    trainer.train(str(partial))
    partial.replace(model_file)
    return SpanTagger(model_file, extractor)


def cached_span_tagger(extractor: SkillExtractor, train_file: Path, cache_dir: Path = MODEL_DIR,
                       settings: TaggerSettings = TaggerSettings()) -> SpanTagger | None:
    """Return the tagger trained on `train_file`, building it into `cache_dir` when absent; None without data or CRF."""
    try:
        import pycrfsuite  # noqa: F401
    except ImportError:
        log.warning("python-crfsuite is not installed: no span tagger")
        return None
    train_file = Path(train_file)
    if not train_file.is_file():
        log.info("span tagger: %s is absent, no tagger", train_file)
        return None
    stat = train_file.stat()
    key = hashlib.sha256(
        f"{FEATURES_VERSION}|{extractor.taxonomy.version}|{stat.st_size}|{settings}".encode()).hexdigest()[:12]
    model_file = Path(cache_dir) / f"span_tagger-{key}.crfsuite"
    if model_file.is_file():
        return SpanTagger(model_file, extractor)
    log.info("span tagger: training %s from %s", model_file.name, train_file)
    return train_span_tagger(skillspan_training_rows(train_file), extractor, model_file, settings)


def combined_spans(gazetteer: Iterable[Span], tagged: Iterable[Span]) -> set[Span]:
    """Return the tagger's spans plus the gazetteer spans that overlap none of them (no double-counted phrase)."""
    tagged = set(tagged)
    return tagged | {g for g in gazetteer if not any(g[0] < t[1] and t[0] < g[1] for t in tagged)}


@dataclass(frozen=True)
class PhraseSettings:
    """How skill phrases are learned from annotated spans: n-gram length, support and smoothed in-span share."""

    max_tokens: int = 4
    min_in_span: int = 2
    min_share: float = 0.6
    smoothing: float = 1.0  # share = in-span occurrences / (occurrences + smoothing)


def learned_skill_phrases(rows: Sequence[tuple[Sequence[str], Sequence[Span]]],
                          settings: PhraseSettings = PhraseSettings()) -> frozenset[str]:
    """Return the normalised token n-grams that lie inside an annotated span often enough (a skill-phrase lexicon).

    Tuned by 3-fold cross-validation over SkillSpan train postings: a 0.6 smoothed share keeps the phrases' held-out
    loose precision, with the gazetteer's mentions, at 0.65 (0.05 above the target, for unseen text).
    """
    from normalise.text import surface_key

    inside: dict[str, int] = {}
    total: dict[str, int] = {}
    for tokens, spans in rows:
        keys = [surface_key(t) for t in tokens]
        for i in range(len(keys)):
            for j in range(i + 1, min(len(keys), i + settings.max_tokens) + 1):
                if not keys[j - 1]:
                    break  # punctuation ends a phrase
                gram = " ".join(keys[i:j])
                total[gram] = total.get(gram, 0) + 1
                if any(a <= i and j <= b for a, b in spans):
                    inside[gram] = inside.get(gram, 0) + 1
    return frozenset(g for g, n in inside.items()
                     if n >= settings.min_in_span and n / (total[g] + settings.smoothing) >= settings.min_share)


def default_train_file() -> Path:
    """Return SkillSpan train under ../shared/data (absent on user machines)."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "gold" / "skillspan" / "train.json"


@lru_cache(maxsize=4)
def skillspan_phrases(train_file: Path | None = None, settings: PhraseSettings = PhraseSettings()) -> frozenset[str]:
    """Return the skill phrases learned from SkillSpan train (`train_file`), or none when the file is absent."""
    train_file = Path(train_file or default_train_file())
    if not train_file.is_file():
        log.info("skill phrases: %s is absent, no phrase lexicon", train_file)
        return frozenset()
    return learned_skill_phrases(skillspan_training_rows(train_file), settings)


def phrase_skill_extractor(extractor: SkillExtractor, train_file: Path | None = None) -> SkillExtractor:
    """Return an extractor with `extractor`'s taxonomy and settings that also finds the SkillSpan-train phrases."""
    return SkillExtractor(extractor.taxonomy, extractor.settings, skillspan_phrases(train_file))


REVIEW_COLUMNS = ["market", "period", "text", "occurrences", "suggestions"]


PHRASE_COUNT_COLUMNS = ["market", "period", "text", "occurrences"]


def posting_phrase_counts(facts: pd.DataFrame, extractor: SkillExtractor) -> pd.DataFrame:
    """Return (market, period, text, occurrences): postings that contain each skill phrase clear of canonical mentions.

    The per-chunk half of the postings' review queue: counts of chunks of one period add up (see `phrase_review`).
    """
    from normalise.skills import skill_rows_and_phrases

    missing = [c for c in ("market", "period", "description_clean") if c not in facts.columns]
    if missing:
        raise ValueError(f"posting_phrase_counts: input lacks columns {missing}")
    rows = []
    for (market, period), part in facts.groupby(["market", "period"], sort=True):
        _, counts = skill_rows_and_phrases(extractor, part["description_clean"].tolist())
        rows += [(market, period, text, n) for text, n in sorted(counts.items())]
    return pd.DataFrame(rows, columns=PHRASE_COUNT_COLUMNS).astype({"occurrences": "int64"})


# A candidate skill neither starts nor ends with a function word ("and maintain", "end to", "team s" are fragments).
_EDGE_WORDS = frozenset("a an and as at by for from in into of on or s the to with within".split())


def phrase_review(counts: pd.DataFrame, taxonomy: Taxonomy, min_postings: int = 2, min_words: int = 2) -> pd.DataFrame:
    """Return `skill_review` rows for phrase counts (summed per market, period, text) that map to no canonical skill.

    Phrases in fewer than `min_postings` postings or of fewer than `min_words` words are left out; a phrase
    `Taxonomy.match` maps to a skill is no candidate. Most frequent first.
    """
    summed = counts.groupby(["market", "period", "text"], sort=True, as_index=False)["occurrences"].sum()
    rows = []
    for market, period, text, n in summed.itertuples(index=False):
        # One-word phrases are mostly generic ("design", "systems"): they mark skill text, but an analyst gains
        # nothing from reviewing them as candidate skills.
        words = text.split()
        if (n >= min_postings and len(words) >= min_words and words[0] not in _EDGE_WORDS
                and words[-1] not in _EDGE_WORDS and taxonomy.match(text) is None):
            suggestions = "; ".join(f"{sid}:{score:.0f}" for sid, score in taxonomy.suggestions(text))
            rows.append((market, period, text, int(n), suggestions or None))
    frame = pd.DataFrame(rows, columns=REVIEW_COLUMNS).astype({"occurrences": "int64"})
    return frame.sort_values(["market", "period", "occurrences", "text"], ascending=[True, True, False, True],
                             ignore_index=True)


def posting_phrase_review(facts: pd.DataFrame, extractor: SkillExtractor, min_postings: int = 2,
                          min_words: int = 2) -> pd.DataFrame:
    """Return `skill_review` rows for the skill phrases of `facts` that map to no canonical skill (unchunked form)."""
    return phrase_review(posting_phrase_counts(facts, extractor), extractor.taxonomy, min_postings, min_words)


def merged_skill_review(*reviews: pd.DataFrame) -> pd.DataFrame:
    """Return one `skill_review` table from several: occurrences summed per (market, period, text), first suggestions."""
    frames = [r[REVIEW_COLUMNS] for r in reviews if len(r)]
    if not frames:
        return pd.DataFrame(columns=REVIEW_COLUMNS).astype({"occurrences": "int64"})
    both = pd.concat(frames, ignore_index=True)
    merged = both.groupby(["market", "period", "text"], sort=False, as_index=False).agg(
        occurrences=("occurrences", "sum"), suggestions=("suggestions", "first"))
    merged = merged.astype({"occurrences": "int64"})
    return merged.sort_values(["market", "period", "occurrences", "text"], ascending=[True, True, False, True],
                              ignore_index=True)[REVIEW_COLUMNS]
