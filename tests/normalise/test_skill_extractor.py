"""Skill mentions in ad text: tricky names, ambiguity rules, role-title masking, boilerplate, the batch form."""
from __future__ import annotations

import pandas as pd
import pytest

from normalise.contracts import POSTING_SKILLS
from normalise.skills import ExtractorSettings, SkillExtractor, boilerplate_ranges_of


def ids(extractor, text):
    return [m.skill_id for m in extractor.extract(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Strong C++ and C# skills", ["cpp", "c_sharp"]),  # symbols belong to the name
        ("Experience with .NET and ASP.NET Core", ["dotnet", "dotnet"]),  # leading dot; the longer alias wins
        ("Node.js or NodeJS services", ["node_js", "node_js"]),  # dotted and squashed spellings
        ("CI/CD pipelines; CI-CD too", ["ci_cd", "ci_cd"]),  # slash and hyphen variants
        ("scikit-learn, Scikit Learn and sklearn", ["scikit_learn"] * 3),  # hyphen/space/alias
        ("Java and JavaScript", ["java", "javascript"]),  # Java is not found inside JavaScript
        ("Build data pipelines and dashboards", ["etl", "data_visualisation"]),  # plurals of aliases
        ("data visualization and data modeling", ["data_visualisation", "data_modelling"]),  # US spellings
        ("Python, R and SQL", ["python", "r_language", "sql"]),  # R in a list of languages
        ("Services in Go and Kubernetes", ["go", "kubernetes"]),  # Go next to another skill
        ("PyTorch-based models on AWS.", ["pytorch", "aws"]),  # hyphen and full stop end a token
    ],
)
def test_tricky_names(extractor, text, expected):
    assert ids(extractor, text) == expected


@pytest.mark.parametrize(
    "text, skill_id",
    [
        ("You will excel at building things", "excel"),  # excel the verb
        ("We go the extra mile and are ready to go", "go"),  # go the verb
        ("Budget holder for R&D projects", "r_language"),  # R in R&D
        ("Ideas that spark joy in our customers", "apache_spark"),  # spark the verb
        ("Ensure good airflow in the server room", "airflow"),  # airflow without data context
        ("A Grade C pass in maths", "c_language"),  # C the grade
        ("We support giant pandas conservation", "pandas"),  # pandas the animal
        ("A snowflake pattern on the wall", "snowflake"),  # snowflake the crystal
        ("Our RAG status report", "llm_fine_tuning_rag"),  # red/amber/green, not retrieval
    ],
)
def test_ambiguous_names_need_support(extractor, text, skill_id):
    assert skill_id not in ids(extractor, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We use Airflow DAGs to schedule our pipelines", ["airflow"]),  # Airflow with orchestration words
        ("Reports in Excel and SQL", ["excel", "sql"]),  # Excel the product
        ("Python libraries such as pandas and NumPy", ["python", "pandas", "numpy"]),  # pandas next to Python
        ("Data warehouse on Snowflake", ["data_warehousing", "snowflake"]),  # Snowflake the warehouse
        ("Batch jobs on Spark and Hadoop", ["apache_spark", "hadoop"]),  # Spark the engine
    ],
)
def test_ambiguous_names_with_support(extractor, text, expected):
    assert ids(extractor, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Join us as a Machine Learning Engineer", []),  # the role title cites nothing
        ("We need two MLOps Engineers", []),  # plural title
        ("As a Senior Machine Learning Engineer you will apply machine learning", ["machine_learning"]),  # outside title
        ("MLOps Engineer with MLOps and model monitoring experience", ["mlops", "model_monitoring"]),
    ],
)
def test_role_titles_are_masked(extractor, text, expected):
    assert ids(extractor, text) == expected


def test_boilerplate_sections_and_sentences_are_skipped(extractor):
    text = (
        "About the role\nYou will use Python and SQL.\n\n"
        "Benefits:\n- AWS certification budget\n- Docker training\n\n"
        "Requirements:\n- Kubernetes\n\n"
        "About us\nWe are a Tableau partner.\n\n"
        "We are an equal opportunities employer and also use Azure."
    )
    assert ids(extractor, text) == ["python", "sql", "kubernetes"]


def test_boilerplate_ranges_cover_the_section_only(extractor):
    text = "Skills:\nPython\nBenefits:\nPension\nRequirements:\nSQL"
    assert boilerplate_ranges_of(extractor, text) == [(text.index("Benefits"), text.index("Requirements"))]


def test_mention_offsets_point_at_the_original_text(extractor):
    text = "Strong  PyTorch / K8s"
    assert [(m.skill_id, m.surface, text[m.start:m.end]) for m in extractor.extract(text)] == [
        ("pytorch", "PyTorch", "PyTorch"), ("kubernetes", "K8s", "K8s")]


def test_unicode_that_changes_length_when_lowered(extractor):
    text = "İstanbul team using Python"  # 'İ'.lower() is two characters
    assert [(m.skill_id, m.surface) for m in extractor.extract(text)] == [("python", "Python")]


FACTS = pd.DataFrame({
    "posting_id": ["p1", "p2", "p3"],
    "market": ["uk"] * 3,
    "period": ["2026-04"] * 3,
    "description_clean": ["Python, Python and SQL", None, "Docker"],
})


def test_posting_skills_counts_distinct_skills(extractor):
    table = extractor.posting_skills(FACTS)
    POSTING_SKILLS.conform(table)
    assert table[["posting_id", "skill_id", "mentions"]].to_numpy().tolist() == [
        ["p1", "python", 2], ["p1", "sql", 1], ["p3", "docker", 1]]


def test_posting_skills_parallel_equals_serial(taxonomy, extractor):
    many = pd.concat([FACTS] * 10, ignore_index=True).assign(posting_id=[f"p{i}" for i in range(30)])
    parallel = SkillExtractor(taxonomy, ExtractorSettings(parallel_min_rows=10, chunk_rows=7, workers=2))
    pd.testing.assert_frame_equal(parallel.posting_skills(many), extractor.posting_skills(many))


def test_posting_skills_of_empty_input_meets_contract(extractor):
    POSTING_SKILLS.conform(extractor.posting_skills(FACTS.iloc[:0]))


def test_posting_skills_missing_column_is_a_clear_error(extractor):
    with pytest.raises(ValueError, match="description_clean"):
        extractor.posting_skills(FACTS.drop(columns=["description_clean"]))
