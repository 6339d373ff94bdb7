"""postings_normalised: the posting tables of a chunk, skills ordered by posting and skill."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from normalise.contracts import POSTING_ROLES, POSTING_SKILLS
from normalise.stage import by_posting_and_skill, postings_normalised


def _skills(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["posting_id", "skill_id", "mentions"]).astype({"mentions": "int64"})


@pytest.mark.parametrize(
    "rows, expected",
    [
        # postings in order, each posting's skills in order of first mention: only the skills move
        ([("p1", "sql", 1), ("p1", "python", 2), ("p2", "docker", 3), ("p2", "aws", 4)],
         [("p1", "python", 2), ("p1", "sql", 1), ("p2", "aws", 4), ("p2", "docker", 3)]),
        # code point order: upper case before lower case, accented letters last
        ([("p1", "z", 1), ("p1", "\u00e9", 2), ("p1", "Z", 3), ("p1", "a", 4)],
         [("p1", "Z", 3), ("p1", "a", 4), ("p1", "z", 1), ("p1", "\u00e9", 2)]),
        # a repeated posting and skill keeps its input order (stable)
        ([("p1", "b", 1), ("p1", "a", 2), ("p1", "a", 3)], [("p1", "a", 2), ("p1", "a", 3), ("p1", "b", 1)]),
        # postings out of order: sorted by posting too
        ([("p2", "b", 1), ("p1", "c", 2), ("p1", "a", 3)], [("p1", "a", 3), ("p1", "c", 2), ("p2", "b", 1)]),
        # a missing posting id sorts last
        ([(None, "a", 1), ("p1", "b", 2), ("p1", "a", 3)], [("p1", "a", 3), ("p1", "b", 2), (np.nan, "a", 1)]),
        # one row
        ([("p1", "a", 1)], [("p1", "a", 1)]),
    ],
)
def test_by_posting_and_skill(rows, expected):
    skills = _skills(rows)
    skills.index = range(10, 10 + len(rows))  # any index: the result has a fresh one
    ordered = by_posting_and_skill(skills)
    pd.testing.assert_frame_equal(ordered, _skills(expected), check_exact=True)
    pd.testing.assert_frame_equal(
        ordered, skills.sort_values(["posting_id", "skill_id"], kind="stable", ignore_index=True), check_exact=True
    )


def test_postings_normalised_tables(classifier, extractor):
    texts = pd.DataFrame({
        "posting_id": ["a1", "a2", "a3"],
        "market": ["uk"] * 3,
        "period": ["2026-04"] * 3,
        "title_clean": ["Data Engineer", "Chef", "Data Engineer"],
        "description_clean": ["You will use SQL, Python and Docker.", None, "Docker and AWS; Docker again."],
    })
    tables = postings_normalised(texts, classifier, extractor)
    POSTING_ROLES.conform(tables.posting_roles)
    POSTING_SKILLS.conform(tables.posting_skills)
    assert tables.posting_roles[["posting_id", "role_id"]].to_numpy().tolist() == [
        ["a1", "data-engineer"], ["a2", "other"], ["a3", "data-engineer"]]
    assert tables.posting_skills[["posting_id", "skill_id", "mentions"]].to_numpy().tolist() == [
        ["a1", "docker", 1], ["a1", "python", 1], ["a1", "sql", 1],  # by skill, not by first mention
        ["a3", "aws", 1], ["a3", "docker", 2],  # the posting without a text cites nothing
    ]
    assert tables.posting_skills.index.equals(pd.RangeIndex(5))
    assert all(tables.posting_skills[c].dtype == pd.Series(["text"]).dtype
               for c in ("posting_id", "market", "period", "skill_id"))
