"""Ad and CV wording: templates and boilerplate carry no skill surface; planted surfaces cite only their skill."""
from __future__ import annotations

import re

import pytest

from spotlight.sample import text
from spotlight.sample.params import sample_params
from spotlight.sample.taxonomy import sample_taxonomy

TAXONOMY = sample_taxonomy()
PARAMS = sample_params()


def normalised(s: str) -> str:
    """Lower-case with token separators as spaces (as the extractor sees text), padded with a space each side."""
    s = re.sub(r"\.(?![0-9a-z])", " ", s.lower())
    return " " + re.sub(r"[^0-9a-z+#.£]+", " ", s).strip() + " "


NORMALISED_SURFACES = tuple(
    (sid, normalised(surface)) for sid, surfaces in TAXONOMY.skill_surfaces.items() for surface in surfaces
    if normalised(surface).strip()
)
NORMALISED_TITLES = tuple(normalised(t) for t in TAXONOMY.all_role_titles())


def skills_found(s: str, masked_titles: bool = True) -> set[str]:
    """Return the skill ids any of whose names or aliases occur as whole tokens in `s`."""
    target = normalised(s)
    if masked_titles:
        for title in NORMALISED_TITLES:
            target = target.replace(title, "  ")
    # also with plural tokens folded ("the team works" must not read as "team work")
    folded = " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in target.split())
    targets = (target, " " + folded + " ")
    return {sid for sid, surface in NORMALISED_SURFACES if any(surface in t for t in targets)}


def skills_cited(s: str) -> set[str]:
    """Return the skills a leftmost-longest whole-token matcher (as the extractor works) finds in `s`."""
    by_tokens: dict[tuple[str, ...], set[str]] = {}
    for sid, surface in NORMALISED_SURFACES:
        by_tokens.setdefault(tuple(surface.split()), set()).add(sid)
    longest = max(len(k) for k in by_tokens)
    tokens = normalised(s).split()
    found, i = set(), 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            if tuple(tokens[i:i + size]) in by_tokens:
                found |= by_tokens[tuple(tokens[i:i + size])]
                i += size
                break
        else:
            i += 1
    return found


@pytest.mark.parametrize("fixed", text.all_fixed_strings())
def test_fixed_strings_carry_no_skill_surface(fixed):
    # every template, heading, blurb, boilerplate and place string: nothing a taxonomy would match
    assert skills_found(fixed.format(a="", b="", c="", company="", title="", team="", lo=1, hi=2, lo_k=1, hi_k=2,
                                     x=1, x_k=1, h=1)) == set()


@pytest.mark.parametrize("title", sorted({t for ts in TAXONOMY.role_titles.values() for t in ts}))
@pytest.mark.parametrize("suffix", text.TITLE_SUFFIXES + text.CONTRACT_TITLE_SUFFIXES)
def test_title_noise_adds_no_skill(title, suffix):
    # a noisy title cites nothing once role-title phrases are masked
    assert skills_found(title + suffix) == set()


@pytest.mark.parametrize("skill_id", sorted(PARAMS.surfaces))
def test_ad_surfaces_cite_only_their_own_skill(skill_id):
    # matched leftmost-longest, a surface is one mention of its own skill ("A/B testing" is not also "testing")
    for surface in PARAMS.surfaces[skill_id]:
        assert skills_cited(surface) == {skill_id}, surface


@pytest.mark.parametrize("skill_id", sorted(PARAMS.surfaces))
def test_ad_surfaces_avoid_context_restricted_forms(skill_id):
    # restricted surfaces ("Spark", "RAG", "torch") only count with context words; the sample never relies on them
    restricted = {r for rs in TAXONOMY.restricted_surfaces.values() for r in rs}
    assert not {normalised(s).strip() for s in PARAMS.surfaces[skill_id]} & restricted


@pytest.mark.parametrize("skill_id", sorted(PARAMS.cv_typos))
def test_cv_typos_are_not_exact_surfaces(skill_id):
    # a typo must need fuzzy matching: it is no skill's exact name or alias
    for typo in PARAMS.cv_typos[skill_id]:
        assert skills_found(typo) <= {skill_id}


@pytest.mark.parametrize("junk", PARAMS.cv_junk)
def test_cv_junk_strings_match_no_skill(junk):
    assert skills_found(junk) == set()


@pytest.mark.parametrize("form, lo, hi, expected", [
    (0, 65000, 70000, "£65,000 - £70,000 per annum"),   # range with thousands separators
    (1, 65000, 75000, "£65k-£75k"),                      # k-shorthand range
    (1, 65500, 75000, "£65,500 - £75,000 per annum"),    # k-shorthand falls back when not whole thousands
    (0, 90000, 90000, "Salary: up to £90k + bonus"),     # single figure "up to"
    (1, 60000, 60000, "from £60,000"),                   # single figure "from"
])
def test_salary_statement(form, lo, hi, expected):
    assert text.salary_statement(form, lo, hi) == expected


@pytest.mark.parametrize("form, lo, hi, expected", [
    (0, 550, 650, "£550-£650 pd Outside IR35"),   # range with IR35 status
    (0, 600, 600, "£600 per day (Inside IR35)"),  # single figure
])
def test_day_rate_statement(form, lo, hi, expected):
    assert text.day_rate_statement(form, lo, hi) == expected
