"""Taxonomy lint: each kind of problem is found, and the repository taxonomy is clean."""
from __future__ import annotations

import pytest

from normalise.lint import check_taxonomy

HEADER = "skill_id\tname\tcategory\taliases\tesco_uri\tonet\tcontext\n"


def test_repository_taxonomy_is_clean():
    from normalise.taxonomy import default_taxonomy_path

    assert check_taxonomy(default_taxonomy_path()) == []


def test_tiny_taxonomy_is_clean(tiny_taxonomy_dir):
    assert check_taxonomy(tiny_taxonomy_dir) == []


@pytest.mark.parametrize(
    "file, content, code",
    [
        # the same id twice
        ("skills.tsv", HEADER + "a\tA\ttechnical\t\t\t\t\na\tB\ttechnical\t\t\t\t\n", "duplicate_skill_id"),
        # an alias of one skill is the name of another
        ("skills.tsv", HEADER + "a\tAlpha\ttechnical\tbeta\t\t\t\nb\tBeta\ttechnical\t\t\t\t\n", "alias_collision"),
        # a group member that is no skill
        ("groups.yaml", "groups:\n  - {id: g, name: G, kind: group, members: [nope]}\n", "dangling_member"),
        # a group without members
        ("groups.yaml", "groups:\n  - {id: g, name: G, kind: gap_cluster, members: []}\n", "empty_group"),
        # an adjacent role that does not exist
        ("roles.yaml", "roles:\n  - {id: r, name: R, titles: [R], adjacent: [ghost]}\n", "dangling_adjacent_role"),
        # an accepted alias naming an unknown skill
        ("aliases_accepted.tsv", "alias\tskill_id\nfoo\tghost\n", "dangling_accepted_alias"),
    ],
)
def test_problem_is_reported(tiny_taxonomy_dir, file, content, code):
    (tiny_taxonomy_dir / file).write_text(content)
    assert code in {p.code for p in check_taxonomy(tiny_taxonomy_dir)}
