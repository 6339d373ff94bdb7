"""Shared fixtures for normalise tests: the repository taxonomy, its extractor and a fitted role classifier."""
from __future__ import annotations

import pytest

from normalise.roles import fit_role_classifier
from normalise.skills import SkillExtractor
from normalise.taxonomy import load_taxonomy


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="session")
def extractor(taxonomy):
    return SkillExtractor(taxonomy)


@pytest.fixture(scope="session")
def classifier(taxonomy):
    return fit_role_classifier(taxonomy)


TINY_SKILLS = (
    "skill_id\tname\tcategory\taliases\tesco_uri\tonet\tcontext\n"
    "python\tPython\ttechnical\tpython3\t\tPython\t\n"
    "go\tGo\ttechnical\tgolang\t\t\tsurfaces=go; case=Go; near_skills=yes; deny_next=to\n"
    "kubernetes\tKubernetes\ttechnical\tk8s\t\t\t\n"
    "docker\tDocker\ttechnical\t\t\t\t\n"
)
TINY_GROUPS = (
    "groups:\n"
    "  - {id: containers, name: Docker & Kubernetes, kind: group, members: [docker, kubernetes]}\n"
    "  - {id: gap_ops, name: Ops gap, kind: gap_cluster, members: [kubernetes]}\n"
)
TINY_ROLES = (
    "roles:\n"
    "  - {id: go-engineer, name: Go Engineer, seniority: mid, report: true, titles: [Golang Engineer], adjacent: [sre]}\n"
    "  - {id: sre, name: Site Reliability Engineer, seniority: mid, report: false, titles: [SRE], adjacent: []}\n"
)


@pytest.fixture()
def tiny_taxonomy_dir(tmp_path):
    (tmp_path / "skills.tsv").write_text(TINY_SKILLS)
    (tmp_path / "groups.yaml").write_text(TINY_GROUPS)
    (tmp_path / "roles.yaml").write_text(TINY_ROLES)
    return tmp_path
