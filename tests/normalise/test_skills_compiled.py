"""The compiled skill resolution (`normalise/_skills.pyx`) gives exactly what the pure-Python reference gives."""
from __future__ import annotations

import copy
import html
import pickle
import re
from collections import Counter

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalise.skills import (
    _PHRASE,
    COMPILED,
    ExtractorSettings,
    SkillExtractor,
    _count_rows_python,
    boilerplate_ranges_of,
    boilerplate_section_end,
    earliest_ending_phrases,
    longest_non_overlapping_by_end,
)

compiled_only = pytest.mark.skipif(not COMPILED, reason="normalise._skills is not built")

PHRASES = ("data pipelines", "machine learning models", "stakeholder management", "model", "learning models",
           "cloud platforms", "python code", "equal", "days holiday", "go to market")


def test_compiled_skills_is_built():
    assert COMPILED


@pytest.fixture(scope="module")
def extractors(taxonomy) -> dict[str, SkillExtractor]:
    """Return the extractor variants both paths must agree on, by name."""
    plain = SkillExtractor(taxonomy)
    automaton_path = copy.copy(plain)
    automaton_path._scanner = None  # the compiled resolution over pyahocorasick hits (non-ASCII keys)
    return {
        "default": plain,
        "phrases": SkillExtractor(taxonomy, phrases=PHRASES),
        "no boilerplate, no masks": SkillExtractor(taxonomy, ExtractorSettings(skip_boilerplate=False,
                                                                               mask_role_titles=False)),
        "automaton path": automaton_path,
    }


def _tags_as_lines(description: str) -> str:
    """Return an ad's HTML as plain lines (a rough `clean_text`: enough to keep headings on their own lines)."""
    text = html.unescape(re.sub(r"<li[^>]*>", "\n- ", description))
    return "\n".join(line.strip() for line in re.sub(r"<[^>]+>", "\n", text).splitlines() if line.strip())


# Sentences with ambiguous names, with and without the support their context rules ask for.
RULE_SENTENCES = (
    "You will excel at building things.", "We go the extra mile and are ready to go.", "Budget holder for R&D.",
    "Ideas that spark joy.", "Ensure good airflow in the server room.", "A Grade C pass in maths.",
    "We support giant pandas conservation.", "Reports in Excel and SQL.", "Python libraries such as pandas and NumPy.",
    "Batch jobs on Spark and Hadoop.", "Services in Go and Kubernetes.", "Python, R and SQL.", "Our RAG status report.",
)


def _mixed(description: str, index: int) -> str:
    """Return a sample ad with its lines rotated (skill lines land under benefits headings) and a rule sentence added
    after every third line: the sample alone cites few ambiguous names and puts no skills in boilerplate."""
    lines = description.split("\n")
    turn = index % len(lines)
    rotated = lines[turn:] + lines[:turn]
    return "\n".join(line + (" " + RULE_SENTENCES[(index + k) % len(RULE_SENTENCES)] if k % 3 == 0 else "")
                     for k, line in enumerate(rotated))


@pytest.fixture(scope="module")
def sample_descriptions(tmp_path_factory) -> list[str]:
    """Return the descriptions of a generated month of about 1,200 postings (both sources, plain and HTML), and
    600 of them mixed (see `_mixed`)."""
    from spotlight.sample import SampleSettings, generate_sample

    summary = generate_sample(tmp_path_factory.mktemp("sample"), SampleSettings(
        postings_latest=1_200, profiles=0, months=1, seed=3), workers=1)
    texts = []
    for path in summary.files:
        if path.suffix == ".json":
            for row in orjson.loads(path.read_bytes())["results"]:
                texts.append(_tags_as_lines(row.get("description") or row.get("jobDescription") or ""))
    return texts + [_mixed(text, i) for i, text in enumerate(texts[:600])]


def _reference_candidates(extractor: SkillExtractor, text: str) -> tuple[list, list, list]:
    """Return the candidates, markers and phrase spans the Python path resolves, from the automaton's raw hits."""
    raw = list(extractor._automaton.iter(extractor._normalised(text)))
    hits = [(last - v[0] + 1, last - 1, v[0], v[1], v[2]) for last, v in raw if v[2] != _PHRASE]
    return [h for h in hits if h[4] >= -1], [(h[0], h[4]) for h in hits if h[4] < -1], earliest_ending_phrases(raw)


def _assert_same(extractor: SkillExtractor, text: str) -> None:
    from normalise import _skills

    for with_phrases in (True, False):
        reference = extractor._resolved_python(text, with_phrases)
        assert _skills.resolved(extractor, text, with_phrases) == reference
        assert _skills.spans(extractor, text, with_phrases) == reference[:2]


def _assert_same_rows(extractor: SkillExtractor, texts: list) -> None:
    from normalise import _skills

    for with_phrases in (True, False):
        compiled = _skills.count_rows(extractor, texts, 7, with_phrases)
        reference = _count_rows_python(extractor, texts, 7, with_phrases)
        assert compiled[:3] == reference[:3]
        assert list(compiled[3].items()) == list(reference[3].items())  # same keys in the same order


@compiled_only
def test_sample_descriptions_resolve_identically(extractors, sample_descriptions):
    assert len(sample_descriptions) > 1_800
    for name, extractor in extractors.items():
        for text in sample_descriptions:
            _assert_same(extractor, text)
        _assert_same_rows(extractor, sample_descriptions)
        assert extractor.spans(sample_descriptions[0]) == extractor._resolved_python(
            sample_descriptions[0], bool(extractor.phrases))[:2], name


@compiled_only
def test_sample_posting_skills_table_is_identical(extractors, sample_descriptions, monkeypatch):
    import pandas as pd

    import normalise.skills as skills

    facts = pd.DataFrame({"posting_id": [f"p{i}" for i in range(len(sample_descriptions))], "market": "uk",
                          "period": "2026-04", "description_clean": sample_descriptions})
    compiled = extractors["default"].posting_skills(facts)
    monkeypatch.setattr(skills, "_skills", None)
    assert pickle.dumps(compiled) == pickle.dumps(extractors["default"].posting_skills(facts))


def test_sample_descriptions_exercise_every_rule(extractors, sample_descriptions):
    """The generated inputs hold overlapping candidates, boilerplate, context rules (passed and failed) and phrases."""
    extractor = extractors["phrases"]
    seen = Counter()
    for text in sample_descriptions:
        found, markers, phrases = _reference_candidates(extractor, text)
        chosen = longest_non_overlapping_by_end(found)
        seen["overlaps"] += len(chosen) < len(found)
        seen["markers"] += bool(markers)
        skipped = boilerplate_ranges_of(extractor, text)
        seen["boilerplate skipped"] += any(a <= c[0] < b for c in chosen if c[3] is not None for a, b in skipped)
        accepted, cleared, _ = extractor._resolved_python(text, True)
        kept = {a[1:] for a in accepted}
        ruled = [c[:2] for c in chosen if c[4] >= 0 and not any(a <= c[0] < b for a, b in skipped)]
        seen["rule passed"] += any(c in kept for c in ruled)
        seen["rule failed"] += any(c not in kept for c in ruled)
        seen["phrases cleared"] += len(cleared) < len(phrases)
    assert all(seen[k] >= 20 for k in ("overlaps", "markers", "boilerplate skipped", "rule passed", "rule failed",
                                        "phrases cleared")), seen


PIECES = (
    "machine learning", "Machine Learning Engineer", "deep learning", "learning", "machine", "C++", "C#", ".NET",
    "ASP.NET", "Node.js", "NodeJS", "go", "Go", "Golang", "R", "R&D", "spark", "Spark", "Airflow", "airflow DAGs",
    "pandas", "Python", "python3", "SQL", "k8s", "Kubernetes", "Docker", "data pipelines", "Excel", "snowflake",
    "Benefits:", "Benefits", "About us", "## About the role", "Requirements:", "What we offer", "- ", "* ", "\u2022 ",
    "equal opportunities", "pension scheme", "days  holiday", "about", "pay", "what", "the company", "Key Skills",
    "e.g.", "etc.", "...", "!!", "?.", " - ", "/", "\u2013", "\u00a0", "\u2019s", ":", "(", ")", ",", "3.10",
    "\u0130", "\u00e9", "\u00df", "\U0001F600", "\u2028", "\u212a", "\u017f", "\ud800", "\t", "#", ">",
)
ADVERSARIAL = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet=st.sampled_from("aZ .\n-:#\u2022\u00e9x9+"), max_size=4)),
    max_size=30,
).flatmap(lambda parts: st.lists(st.sampled_from([" ", "\n", "", ". ", "\n\n"]), min_size=len(parts),
                                 max_size=len(parts)).map(lambda seps: "".join(p + s for p, s in zip(parts, seps))))


@compiled_only
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ADVERSARIAL)
def test_adversarial_texts_resolve_identically(extractors, text):
    for extractor in extractors.values():
        _assert_same(extractor, text)
        _assert_same_rows(extractor, [text, None, "", text.upper()])


@compiled_only
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ADVERSARIAL)
def test_scanner_finds_the_automaton_hits(extractors, text):
    for name in ("default", "phrases"):
        extractor = extractors[name]
        assert extractor._scanner.hits(text) == _scanner_view(_reference_candidates(extractor, text))


def _scanner_view(reference: tuple[list, list, list]) -> tuple[list, list, list]:
    """Return reference candidates as `Scanner.hits` reports them: (last index, (length, skill id, rule))."""
    found, markers, phrases = reference
    return [(c[1] + 1, (c[2], c[3], c[4])) for c in found], markers, phrases


HEADING_LINES = st.lists(st.sampled_from([
    "Benefits:", "About us", "What we offer", "Requirements:", "The Role", "Key skills", "We use Python.", "- Docker",
    "\u2022 Private medical", "Key Tasks:", "  ## About you", "e.g. this:", "", "Nice to have",
    "What we\u2019re looking for", "\u212aey skills", "\u017fkills", "Duties :\t", "ABOUT THE TEAM",
    "Equal opportunities", "x" * 40 + ":", "Our stack",
]), max_size=10)


@compiled_only
@settings(max_examples=300, deadline=None)
@given(HEADING_LINES, st.integers(0, 9))
def test_compiled_section_end_equals_reference(lines, which):
    from normalise import _skills

    text = "\n".join(lines)
    line_start = 0
    for line in lines[: which % (len(lines) or 1)]:
        line_start += len(line) + 1
    line_end = text.find("\n", line_start)
    line_end = len(text) if line_end < 0 else line_end
    assert _skills.section_end(text, line_start, line_end) == boilerplate_section_end(text, line_start, line_end)


@compiled_only
def test_extractor_with_scanner_pickles(extractors):
    extractor = extractors["phrases"]
    text = "Python and data pipelines on Kubernetes. Benefits:\nDocker"
    assert pickle.loads(pickle.dumps(extractor)).spans(text) == extractor.spans(text)


class _Text(str):
    """A str subclass, as numpy.str_ is."""


@compiled_only
def test_str_subclasses_resolve_as_their_characters(extractors):
    text = "Python, R and SQL. Benefits:\nDocker"
    extractor = extractors["phrases"]
    assert extractor.spans(_Text(text)) == extractor.spans(text)
    _assert_same_rows(extractor, [_Text(text), text])
