"""Loading the taxonomy, its version, free-text matching and the four taxonomy tables."""
from __future__ import annotations

import pandas as pd
import pytest

from normalise.contracts import ROLE_ADJACENCY, ROLES, TAXONOMY_UNITS, UNIT_MEMBERS
from normalise.taxonomy import TaxonomyError, load_taxonomy, taxonomy_tables

SEED_UNITS = {
    # every skill or group the seed page reports, by id
    "python", "machine_learning", "tf_or_pytorch", "cloud_platforms", "sql", "model_deployment_mlops", "statistics",
    "docker_kubernetes", "stakeholder_communication", "git_ci_cd", "deep_learning_architectures",
    "feature_engineering", "cross_functional_collaboration", "spark_distributed", "ab_testing", "mlflow_or_kubeflow",
    "llm_fine_tuning_rag", "airflow", "generative_ai", "vector_databases", "langchain_llamaindex", "responsible_ai",
    "gap_production_mlops", "gap_software_engineering_rigour", "gap_llm_fine_tuning_rag", "gap_distributed_training",
}


def test_tiny_taxonomy_loads_with_structured_context(tiny_taxonomy_dir):
    taxonomy = load_taxonomy(tiny_taxonomy_dir)
    assert set(taxonomy.skills) == {"python", "go", "kubernetes", "docker"}
    rule = taxonomy.skills["go"].context
    assert (rule.surfaces, rule.case, rule.near_skills, rule.deny_next) == (("go",), ("Go",), True, ("to",))
    assert taxonomy.version.startswith("2026.11-") and len(taxonomy.version) == len("2026.11-") + 8


def test_version_changes_with_file_bytes(tiny_taxonomy_dir):
    before = load_taxonomy(tiny_taxonomy_dir).version
    (tiny_taxonomy_dir / "aliases_accepted.tsv").write_text("alias\tskill_id\nkube\tkubernetes\n")
    after = load_taxonomy(tiny_taxonomy_dir)
    assert after.version != before
    assert after.match("kube").skill_id == "kubernetes"  # the accepted alias takes effect on the next load


def test_env_override_picks_the_folder(tiny_taxonomy_dir, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_TAXONOMY", str(tiny_taxonomy_dir))
    assert set(load_taxonomy().skills) == {"python", "go", "kubernetes", "docker"}


@pytest.mark.parametrize(
    "skills_tsv, message",
    [
        # a skill id used twice
        ("skill_id\tname\tcategory\taliases\tesco_uri\tonet\tcontext\na\tA\ttechnical\t\t\t\t\na\tB\ttechnical\t\t\t\t\n", "duplicate"),
        # a category outside technical/soft/domain
        ("skill_id\tname\tcategory\taliases\tesco_uri\tonet\tcontext\na\tA\tmagic\t\t\t\t\n", "category"),
        # a context rule that is not key=value
        ("skill_id\tname\tcategory\taliases\tesco_uri\tonet\tcontext\na\tA\ttechnical\t\t\t\tneeds data nearby\n", "key=value"),
        # a missing column
        ("skill_id\tname\n", "missing columns"),
    ],
)
def test_malformed_skills_file_is_a_clear_error(tiny_taxonomy_dir, skills_tsv, message):
    (tiny_taxonomy_dir / "skills.tsv").write_text(skills_tsv)
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(tiny_taxonomy_dir)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(TaxonomyError, match="skills.tsv is missing"):
        load_taxonomy(tmp_path)


@pytest.mark.parametrize(
    "text, skill_id, method",
    [
        ("Python", "python", "exact"),  # the canonical name, any case
        ("  KUBERNETES ", "kubernetes", "exact"),  # case and surrounding space do not matter
        ("K8s", "kubernetes", "alias"),  # a listed alias
        ("sci-kit learn", "scikit_learn", "alias"),  # hyphen variant of an alias
        ("PowerBI", "power_bi", "alias"),  # spaces removed
        ("Python 3.11", "python", "exact"),  # a version number is ignored
        ("AWS (S3, EC2, Lambda)", "aws", "exact"),  # a bracketed aside is ignored
        ("Kubernets", "kubernetes", "fuzzy"),  # a typo
        ("Pytroch", "pytorch", "fuzzy"),  # a transposition
        ("Tensorflw", "tensorflow", "fuzzy"),  # a dropped letter
    ],
)
def test_match_finds_skill_and_method(taxonomy, text, skill_id, method):
    found = taxonomy.match(text)
    assert (found.skill_id, found.method) == (skill_id, method)


@pytest.mark.parametrize(
    "text",
    [
        "Knitting",  # not a skill we know
        "Good with people",  # a vague phrase
        "",  # empty
        "js framework thingy",  # only loosely related words
    ],
)
def test_match_returns_none_for_unknown_strings(taxonomy, text):
    assert taxonomy.match(text) is None


def test_tiny_taxonomy_tables_hand_computed(tiny_taxonomy_dir):
    tables = taxonomy_tables(load_taxonomy(tiny_taxonomy_dir))
    units = tables["taxonomy_units"].set_index("unit_id")
    assert units.loc["docker", "hidden_by_group"] == "containers"
    assert units.loc["kubernetes", "hidden_by_group"] == "containers"  # the gap cluster does not hide
    assert pd.isna(units.loc["python", "hidden_by_group"])
    assert units.loc["gap_ops", "unit_kind"] == "gap_cluster"
    members = set(map(tuple, tables["unit_members"].to_numpy()))
    assert members == {("python", "python"), ("go", "go"), ("kubernetes", "kubernetes"), ("docker", "docker"),
                       ("containers", "docker"), ("containers", "kubernetes"), ("gap_ops", "kubernetes")}
    assert tables["role_adjacency"].to_numpy().tolist() == [["go-engineer", "sre", 0]]


def test_repository_tables_meet_their_contracts(taxonomy):
    tables = taxonomy_tables(taxonomy)
    for contract in (TAXONOMY_UNITS, UNIT_MEMBERS, ROLES, ROLE_ADJACENCY):
        contract.conform(tables[contract.name])


def test_repository_taxonomy_covers_the_seed_page(taxonomy):
    units = set(taxonomy.skills) | set(taxonomy.groups)
    assert SEED_UNITS <= units
    assert {"machine-learning-engineer", "senior-machine-learning-engineer", "staff-machine-learning-engineer",
            "data-scientist", "mlops-engineer", "ai-engineer", "backend-software-engineer"} <= set(taxonomy.roles)
