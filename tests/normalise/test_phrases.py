"""The skill-phrase lexicon: learning by hand-counted n-grams, phrase spans beside canonical mentions, review rows."""
from __future__ import annotations

import pandas as pd
import pytest

from normalise.skills import SkillExtractor, clear_spans, skill_rows_and_phrases
from normalise.spans import (
    PhraseSettings,
    learned_skill_phrases,
    merged_skill_review,
    phrase_review,
    posting_phrase_counts,
    posting_phrase_review,
)
from normalise.taxonomy import load_taxonomy


def test_learned_phrases_hand_counted():
    rows = [
        (["strong", "team", "player", "."], [(1, 3)]),
        (["a", "team", "player", "needed"], [(1, 3)]),
        (["our", "team", "is", "small"], []),
    ]
    # "team player": 2 of 2 inside -> 2 / (2 + 1) = 0.67 >= 0.6 kept; "player": 2 / 3 = 0.67 kept;
    # "team": 2 / (3 + 1) = 0.5 dropped; "strong team" is inside no span; "." ends every phrase.
    assert learned_skill_phrases(rows, PhraseSettings(min_share=0.6)) == {"team player", "player"}
    # One in-span occurrence is too little support for min_in_span=2.
    assert learned_skill_phrases(rows[:1], PhraseSettings(min_share=0.1)) == frozenset()


@pytest.fixture()
def phrased(tiny_taxonomy_dir):
    return SkillExtractor(load_taxonomy(tiny_taxonomy_dir), phrases={"team player", "python skills", "stakeholder"})


def test_phrase_spans_leave_canonical_mentions_alone(phrased, tiny_taxonomy_dir):
    text = "A team player with python skills.\nBenefits:\nA stakeholder lunch"
    found, phrases = phrased.spans(text)
    # "python skills" overlaps the canonical Python mention, so only Python counts there; the Benefits section is
    # boilerplate, so "stakeholder" in it is no phrase.
    assert [(sid, text[s:e]) for sid, s, e in found] == [("python", "python")]
    assert [text[s:e] for s, e in phrases] == ["team player"]
    plain = SkillExtractor(load_taxonomy(tiny_taxonomy_dir))
    assert phrased.skill_counts(text) == plain.skill_counts(text)


def test_skill_rows_and_phrases_counts_postings(phrased):
    texts = ["team player, team player and Docker", None, "stakeholder team player"]
    (rows, skill_ids, counts), phrases = skill_rows_and_phrases(phrased, texts)
    assert (rows, skill_ids, counts) == ([0], ["docker"], [1])
    assert phrases == {"team player": 2, "stakeholder": 1}  # postings that contain it, not mentions


@pytest.mark.parametrize(
    "spans, blocked, kept",
    [
        ([(0, 3), (5, 8)], [(2, 4)], [(5, 8)]),  # overlap on the right of the first span
        ([(0, 3), (5, 8)], [(0, 20)], []),  # one long blocked range covers both
        ([(0, 3), (5, 8)], [(3, 5)], [(0, 3), (5, 8)]),  # touching is not overlapping
        ([(4, 6)], [], [(4, 6)]),  # nothing blocked
    ],
)
def test_clear_spans(spans, blocked, kept):
    assert clear_spans(spans, blocked) == kept


def test_posting_phrase_review(phrased):
    facts = pd.DataFrame({
        "market": ["uk", "uk", "uk"], "period": ["2026-04"] * 3,
        "description_clean": ["team player wanted", "a team player and a stakeholder", "stakeholder"],
    })
    review = posting_phrase_review(facts, phrased, min_postings=2, min_words=1)
    assert review[["market", "period", "text", "occurrences"]].values.tolist() == [
        ["uk", "2026-04", "stakeholder", 2], ["uk", "2026-04", "team player", 2]]
    # By default one-word phrases are no candidates; three postings are more than any phrase has.
    assert posting_phrase_review(facts, phrased)["text"].tolist() == ["team player"]
    assert posting_phrase_review(facts, phrased, min_postings=3).empty


def test_phrase_review_sums_chunks_before_the_threshold(phrased):
    def chunk(*texts):
        return pd.DataFrame({"market": "uk", "period": "2026-04", "description_clean": list(texts)})

    first = posting_phrase_counts(chunk("a team player", "Docker"), phrased)
    second = posting_phrase_counts(chunk("team player, stakeholder"), phrased)
    assert first.values.tolist() == [["uk", "2026-04", "team player", 1]]
    # One posting in each chunk: two postings in the period, enough for min_postings=2.
    review = phrase_review(pd.concat([first, second]), phrased.taxonomy)
    assert review[["text", "occurrences"]].values.tolist() == [["team player", 2]]


def test_phrase_review_leaves_out_fragments(phrased):
    counts = pd.DataFrame({"market": "uk", "period": "2026-04", "text": ["and maintain", "end to", "team player"],
                           "occurrences": [5, 5, 5]})
    # A phrase opening or closing on a function word is a fragment, not a candidate skill.
    assert phrase_review(counts, phrased.taxonomy)["text"].tolist() == ["team player"]


def test_merged_skill_review_sums_occurrences():
    profiles = pd.DataFrame({"market": ["uk"], "period": ["2026-04"], "text": ["team player"],
                             "occurrences": [3], "suggestions": [None]})
    postings = pd.DataFrame({"market": ["uk", "uk"], "period": ["2026-04"] * 2, "text": ["team player", "grit"],
                             "occurrences": [2, 4], "suggestions": ["teamwork:80", None]})
    merged = merged_skill_review(profiles, postings)
    assert merged.values.tolist() == [["uk", "2026-04", "team player", 5, "teamwork:80"],
                                      ["uk", "2026-04", "grit", 4, None]]
    assert merged["occurrences"].dtype == "int64"


def test_earliest_ending_phrases():
    from normalise.skills import _PHRASE, earliest_ending_phrases

    # Padded " end to end x": hits (last index, (key length with spaces, None, rule)) in automaton order; padded
    # index i is text index i - 1, so " end " ending at padded 4 is text [0, 3).
    raw = [(4, (5, None, _PHRASE)), (7, (8, None, _PHRASE)), (11, (12, None, _PHRASE)), (11, (8, None, _PHRASE)),
           (13, (3, "x", -1))]
    # "end" ends first and is kept; "end to" and "end to end" start inside it; "to end" starts after it; the
    # canonical hit is no phrase.
    assert earliest_ending_phrases(raw) == [(0, 3), (4, 10)]
