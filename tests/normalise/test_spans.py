"""The span tagger: BIO helpers by hand, features, a tiny trained CRF, model caching and the review-queue output."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from normalise.evaluate import data_root
from normalise.spans import (
    TaggerSettings,
    bio_tags,
    cached_span_tagger,
    combined_spans,
    gazetteer_tags,
    tag_spans,
    token_features,
    train_span_tagger,
)

try:
    import pycrfsuite  # noqa: F401
    HAVE_CRF = True
except ImportError:
    HAVE_CRF = False
needs_crf = pytest.mark.skipif(not HAVE_CRF, reason="python-crfsuite is not installed")


@pytest.mark.parametrize(
    "tags, spans",
    [
        (["O", "B", "I", "O"], [(1, 3)]),  # one two-token span
        (["B", "B", "I"], [(0, 1), (1, 3)]),  # adjacent spans
        (["I", "O", "B"], [(0, 1), (2, 3)]),  # an I without a B opens a span; a span at the end
        (["O", "O"], []),  # none
    ],
)
def test_tag_spans(tags, spans):
    assert tag_spans(tags) == spans


def test_bio_tags_round_trip():
    assert bio_tags(5, [(0, 1), (2, 5)]) == ["B", "O", "B", "I", "I"]
    assert tag_spans(bio_tags(5, [(0, 1), (2, 5)])) == [(0, 1), (2, 5)]


@pytest.mark.parametrize(
    "gazetteer, tagged, combined",
    [
        ([(0, 1)], [(3, 5)], {(0, 1), (3, 5)}),  # disjoint: both kept
        ([(3, 4)], [(2, 5)], {(2, 5)}),  # the gazetteer span inside a tagged phrase is not counted twice
        ([(0, 2)], [], {(0, 2)}),  # gazetteer only
    ],
)
def test_combined_spans(gazetteer, tagged, combined):
    assert combined_spans(gazetteer, tagged) == combined


def test_gazetteer_tags_mark_skill_tokens_with_category(extractor):
    tokens = ["Strong", "machine", "learning", "and", "Python"]
    tags = gazetteer_tags(extractor, tokens)
    assert tags[0] == "O" and tags[3] == "O"
    assert tags[1].startswith("B-") and tags[2].startswith("I-") and tags[4] == "B-technical"


def test_token_features_carry_word_context_and_gazetteer():
    features = token_features(["Team", "player,"], ["O", "B-soft"])
    assert {"w=team", "w+1=player", "title", "first", "g=O", "g+1=B-soft"} <= set(features[0])
    assert {"w=player", "w-1=team", "end=,", "last", "g=B-soft"} <= set(features[1])


ROWS = [  # tiny literal training set: "team player" and "stakeholder management" are the skill phrases
    (["You", "are", "a", "team", "player", "."], [(3, 5)]),
    (["A", "true", "team", "player", "with", "drive"], [(2, 4)]),
    (["Experience", "in", "stakeholder", "management", "is", "key"], [(2, 4)]),
    (["Good", "stakeholder", "management", "matters"], [(1, 3)]),
    (["We", "are", "based", "in", "Leeds"], []),
    (["The", "office", "is", "in", "Bristol"], []),
] * 3


@needs_crf
def test_trained_tagger_finds_trained_phrase(tmp_path, extractor):
    tagger = train_span_tagger(ROWS, extractor, tmp_path / "m.crfsuite", TaggerSettings(max_iterations=50))
    assert tagger.token_spans(["She", "is", "a", "team", "player"]) == [(3, 5)]
    text = "Office in Leeds. Strong stakeholder management needed."
    assert [text[s:e] for s, e in tagger.char_spans(text)] == ["stakeholder management"]
    queue = tagger.candidate_skills([text, None, "A team player, a team player and Python"])
    # "stakeholder management" is a canonical alias and Python a skill: only "team player" is a candidate, twice
    assert queue[["text", "occurrences"]].to_numpy().tolist() == [["team player", 2]]


@needs_crf
def test_cached_tagger_is_built_once_and_reused(tmp_path, extractor):
    train = tmp_path / "train.json"
    train.write_text("\n".join(json.dumps({"idx": 1, "tokens": t, "source": "tech", "tags_knowledge": ["O"] * len(t),
                                           "tags_skill": bio_tags(len(t), s)}) for t, s in ROWS))
    cache = tmp_path / "models"
    first = cached_span_tagger(extractor, train, cache, TaggerSettings(max_iterations=30))
    stamp = first.model_file.stat().st_mtime_ns
    second = cached_span_tagger(extractor, train, cache, TaggerSettings(max_iterations=30))
    assert second.model_file == first.model_file and second.model_file.stat().st_mtime_ns == stamp
    assert [p.name for p in cache.iterdir()] == [first.model_file.name]  # no partial file left behind


def test_cached_tagger_without_training_data_is_none(tmp_path, extractor):
    assert cached_span_tagger(extractor, tmp_path / "absent.json", tmp_path) is None


@needs_crf
@pytest.mark.skipif(not (data_root() / "gold" / "skillspan" / "train.json").is_file(),
                    reason="../shared/data (SkillSpan train) is absent")
def test_real_tagger_tags_a_soft_skill_phrase(extractor):
    tagger = cached_span_tagger(extractor, data_root() / "gold" / "skillspan" / "train.json")
    tokens = "You communicate well with stakeholders and work in a team".split()
    phrases = [" ".join(tokens[a:b]) for a, b in tagger.token_spans(tokens)]
    assert "work in a team" in phrases  # a task phrase no gazetteer surface covers word for word


@needs_crf
def test_candidate_skills_in_parallel_equal_serial(tmp_path, extractor):
    tagger = train_span_tagger(ROWS, extractor, tmp_path / "m.crfsuite", TaggerSettings(max_iterations=50))
    texts = ["A team player.", None, "Strong stakeholder management and a team player"] * 5
    parallel = tagger.candidate_skills(texts, workers=2, parallel_min_rows=1, chunk_rows=4)
    pd.testing.assert_frame_equal(parallel, tagger.candidate_skills(texts, workers=1))
    assert parallel[["text", "occurrences"]].to_numpy().tolist() == [["team player", 10]]
