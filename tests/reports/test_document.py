"""Spotlight documents built from hand-written metric tables: content, sentences, suppression, determinism."""
from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest

from reports.document import (
    DocumentError, RunInfo, build_documents, document_json, gap_sentence, spotlight_schema, trailing_months,
    validate_document,
)
from tests.reports.conftest import DS, MARKET, MLE, PERIOD, RUN_INFO_ARGS


def test_one_valid_document_per_role_with_metrics(documents):
    assert [d["role"]["id"] for d in documents] == [DS, MLE]
    for doc in documents:
        validate_document(doc)
        assert doc["schema_version"] == "1.0.0"
        assert (doc["market"], doc["period"], doc["period_label"]) == ({"id": "uk", "name": "UK"}, PERIOD, "April 2026")


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(spotlight_schema())
    assert spotlight_schema()["properties"]["schema_version"] == {"const": "1.0.0"}


def test_skill_list_keeps_listed_tiers_and_drops_hidden_members_and_gap_clusters(mle):
    # pytorch is shown through "TensorFlow or PyTorch"; gap clusters are not skills; r_language is tier `other`.
    assert [(s["unit_id"], s["tier"], s["rank"]) for s in mle["skills"]] == [
        ("python", "essential", 1),
        ("tf_or_pytorch", "essential", 2),
        ("sql", "essential", 3),
        ("stakeholder_communication", "essential", 5),
        ("feature_engineering", "desirable", 7),
        ("llm_fine_tuning_rag", "emerging", 8),
        ("airflow", "desirable", 10),
    ]
    assert {k: mle["headline"][k] for k in ("essential_count", "desirable_count", "emerging_count")} == {
        "essential_count": 4, "desirable_count": 2, "emerging_count": 1,
    }


def test_skill_figures_carry_n_denominator_interval_and_supply(mle):
    python = mle["skills"][0]
    assert python["demand"]["pct"] == 92.0 and python["demand"]["n"] == 184 and python["demand"]["denominator"] == 200
    assert python["demand"]["ci_low_pct"] < 92.0 < python["demand"]["ci_high_pct"]
    assert python["supply"] == {
        "pct": 90.0, "n": 90, "denominator": 100, "profiles_period": PERIOD,
        "ci_low_pct": python["supply"]["ci_low_pct"], "ci_high_pct": python["supply"]["ci_high_pct"],
    }
    assert python["member_skill_ids"] == ["python"]
    group = mle["skills"][1]
    assert (group["unit_kind"], group["member_skill_ids"]) == ("group", ["pytorch", "tensorflow"])
    stakeholder = mle["skills"][3]
    assert stakeholder["category"] == "soft" and stakeholder["supply"] is None


@pytest.mark.parametrize("demand, supply, expected", [
    (70.0, 28.0, "70% demand vs 28% supply (42-point gap)"),  # the seed's first gap
    (70.5, 27.6, "71% demand vs 28% supply (43-point gap)"),  # half rounds up; gap of the shown figures
    (38.4, 12.5, "38% demand vs 13% supply (25-point gap)"),  # 12.5 rounds up, not to even
    (5.0, 5.0, "5% demand vs 5% supply (0-point gap)"),       # no gap
])
def test_gap_sentence(demand, supply, expected):
    assert gap_sentence(demand, supply) == expected


def test_gaps_are_top_positive_gap_clusters_with_blurbs(mle):
    # tf_or_pytorch is a group (clusters exist, so groups are not used); gap_distributed_training is negative.
    assert [g["unit_id"] for g in mle["gaps"]] == ["gap_production_mlops", "gap_llm_fine_tuning_rag"]
    top = mle["gaps"][0]
    assert top["sentence"] == "70% demand vs 28% supply (42-point gap)"
    assert (top["demand_pct"], top["supply_pct"], top["gap_pts"]) == (70.0, 28.0, 42.0)
    assert (top["postings_citing"], top["postings_in_role"], top["profiles_listing"], top["profiles_in_role"]) == (140, 200, 28, 100)
    assert top["blurb"].startswith("Most candidates come from research or analytics backgrounds")


def test_salary_figures_premium_and_suppression(mle):
    uk, london, rest = (mle["salary"][s] for s in ("uk", "london", "uk_excl_london"))
    assert (uk["median"], uk["p10"], uk["p90"], uk["n"]) == (70000, 50000, 105000, 120)
    assert (uk["median_ci_low"], uk["median_ci_high"]) == (68000, 72500)
    assert (london["median"], london["premium_pct"], london["premium_label"]) == (85000, 21.4, "+21%")
    assert rest == {"n": 15, "suppressed": True, "suppression_reason": "n = 15 is under the minimum of 20"}
    assert mle["headline"]["median_salary"] == {"n": 120, "suppressed": False, "median": 70000}
    assert mle["day_rates"]["london"] == {"n": 8, "suppressed": True, "suppression_reason": "n = 8 is under the minimum of 20"}


def test_a_role_without_pay_rows_says_why(documents):
    ds = next(d for d in documents if d["role"]["id"] == DS)
    assert ds["salary"]["uk"] == {"n": 0, "suppressed": True, "suppression_reason": "no postings with a stated salary"}
    assert ds["headline"]["median_salary"]["suppressed"] is True
    assert "median" not in ds["headline"]["median_salary"]
    assert "no pay_stats rows for the role" in ds["quality"]["warnings"]
    assert ds["faq"][1]["answer"] == (
        "There are too few Data Scientist postings with a stated salary in the UK to publish a median "
        "(no postings with a stated salary)."
    )


def test_schema_rejects_a_suppressed_figure_with_a_number(mle):
    bad = copy.deepcopy(mle)
    bad["salary"]["uk_excl_london"]["median"] = 61000
    with pytest.raises(DocumentError, match="salary/uk_excl_london"):
        validate_document(bad)


def test_schema_rejects_a_figure_without_its_n(mle):
    bad = copy.deepcopy(mle)
    del bad["skills"][0]["demand"]["n"]
    with pytest.raises(DocumentError, match="skills/0/demand"):
        validate_document(bad)


def test_premium_combinations(mle):
    first, second = mle["premium_combinations"]
    assert first["name"] == "LLM Fine-tuning & RAG + PyTorch + AWS"
    assert (first["uplift_label"], first["n"], first["median_salary"], first["rank"]) == ("+22%", 35, 85400, 1)
    # The override file writes the key in another member order; it still applies.
    assert first["blurb"].startswith("Generative AI engineers who can take models from research to production")
    assert [m["member_skill_ids"] for m in first["members"]] == [["llm_fine_tuning_rag"], ["pytorch"], ["aws"]]
    assert (second["name"], second["uplift_label"], second["blurb"]) == ("Python + SQL", "+10%", None)


def test_adjacent_role_contrast_generated_and_overridden(mle):
    ds, mlops = mle["adjacent_roles"]
    assert ds["contrast"]["generated"] == (
        "Machine Learning Engineer ads ask more often for TensorFlow or PyTorch (+30 pts) and Airflow (+13 pts); "
        "Data Scientist ads ask more often for Statistics & Probability (+22 pts). "
        "The median Data Scientist salary is 9% lower (£64,000 vs £70,000)."
    )
    assert ds["contrast"]["text"] == ds["contrast"]["override"]
    assert ds["contrast"]["text"].startswith("Data Scientists own modelling, experimentation")
    assert mlops["contrast"]["generated"] == (
        "MLOps Engineer ads ask more often for MLOps (+40 pts). There are too few salaried postings to compare pay."
    )
    assert (ds["similarity"], ds["pay_diff_pct"], ds["adjacent_median_salary"]) == (0.812, -8.6, 64000)


def test_without_overrides_the_generated_text_is_shown(warehouse):
    docs = build_documents(warehouse, MARKET, PERIOD, RunInfo(**RUN_INFO_ARGS), None)
    mle = next(d for d in docs if d["role"]["id"] == MLE)
    assert mle["about"] is None
    assert mle["adjacent_roles"][0]["contrast"]["text"] == mle["adjacent_roles"][0]["contrast"]["generated"]
    assert mle["gaps"][0]["blurb"] is None
    assert mle["quality"]["overrides_file"] is None


def test_career_path(mle):
    career = mle["career_path"]
    assert [(e["role_id"], e["share_pct"], e["n"]) for e in career["entry_routes"]] == [
        (DS, 34.0, 34), ("backend-software-engineer", 22.0, 22), ("research-engineer", 15.0, 15),
    ]
    assert career["entry_text"]["generated"] == (
        "The most common previous roles are Data Scientist (34%), Software Engineer (Backend) (22%) and "
        "Research Engineer (15%) (n = 100 CVs with a known previous role)."
    )
    assert career["entry_text"]["text"].startswith("Most enter via a STEM degree")
    # The chain follows the senior role's own progression rows; the staff role has none, so it stops there.
    assert career["progression_text"]["text"] == (
        "Data Scientist or Software Engineer (Backend) → Machine Learning Engineer → "
        "Senior Machine Learning Engineer → Staff / Principal ML Engineer"
    )
    assert career["tenure"] == {"n": 80, "median_months": 24.4}
    assert career["tenure_text"] == "~24 months"
    assert career["lateral_text"]["text"] == "MLOps Engineer, AI Engineer / GenAI Engineer"


def test_faq_answers_in_the_seed_wording(mle):
    questions = [f["question"] for f in mle["faq"]]
    assert questions == [
        "What are the most in-demand skills for a Machine Learning Engineer?",
        "What is the average Machine Learning Engineer salary in the UK?",
        "What are typical Machine Learning Engineer contract day rates?",
        "What are the biggest skills gaps for Machine Learning Engineer roles?",
        "What new skills should a Machine Learning Engineer learn in 2026?",
    ]
    answers = [f["answer"] for f in mle["faq"]]
    assert answers[0] == (
        "The most sought-after skills for Machine Learning Engineer roles in the UK include Python, TensorFlow or "
        "PyTorch, SQL, Communication with Non-Technical Stakeholders. These are classified as essential by the "
        "majority of employers."
    )
    assert answers[1] == (
        "The median Machine Learning Engineer salary in the UK is £70,000, with a typical range of £50,000 to "
        "£105,000 depending on experience and location. In London, the median rises to £85,000 reflecting the "
        "capital's cost-of-living weighting."
    )
    # London day rate is suppressed, so its sentence is left out.
    assert answers[2] == (
        "Freelance and contract Machine Learning Engineer day rates in the UK typically range from £500 to £900 per "
        "day, with a median of £650/day."
    )
    assert answers[3].startswith(
        "The top skills gaps in the Machine Learning Engineer market are Production MLOps (Kubernetes, model "
        "monitoring, CI/CD for ML), LLM Fine-tuning & RAG. The largest is Production MLOps (Kubernetes, model "
        "monitoring, CI/CD for ML) with 70% employer demand but only 28% of professionals listing it. Most candidates"
    )
    assert answers[4] == (
        "Emerging skills for Machine Learning Engineer roles include LLM Fine-tuning & RAG. These are increasingly "
        "appearing in job postings and represent future demand."
    )


def test_trends_cover_13_months_for_the_top_listed_skills(mle):
    assert mle["trends"]["months"] == trailing_months(PERIOD)
    assert mle["trends"]["months"][0] == "2025-04" and len(mle["trends"]["months"]) == 13
    # Ordered as the skill list; sql, stakeholder and feature engineering have no trend rows.
    assert [s["unit_id"] for s in mle["trends"]["series"]] == ["python", "tf_or_pytorch", "llm_fine_tuning_rag"]
    python = mle["trends"]["series"][0]["points"]
    assert len(python) == 13 and python[0] == {"month": "2025-04", "demand_pct": 85.0, "n": 170, "denominator": 200}


@pytest.mark.parametrize("period, first, last", [
    ("2026-04", "2025-04", "2026-04"),  # spans a year boundary
    ("2026-12", "2025-12", "2026-12"),  # December
    ("2026-01", "2025-01", "2026-01"),  # January
])
def test_trailing_months(period, first, last):
    months = trailing_months(period)
    assert (months[0], months[-1], len(months)) == (first, last, 13)


def test_quality_section(mle):
    quality = mle["quality"]
    assert (quality["taxonomy_version"], quality["code_version"], quality["run_id"]) == ("t-1", "c-1", "run-1")
    assert quality["input_fingerprints"] == {"ingest:2026-04": "abc123"}
    assert quality["warnings"][0] == "run-level note"
    # Seed overrides for roles that are not on this tiny page are reported, not silently ignored.
    assert "override adjacent.ai-engineer is not on this month's page; not used" in quality["warnings"]


def test_documents_are_deterministic(warehouse):
    run_info = RunInfo(**RUN_INFO_ARGS)
    overrides = Path(__file__).resolve().parents[2] / "data" / "overrides"
    first = [document_json(d) for d in build_documents(warehouse, MARKET, PERIOD, run_info, overrides)]
    second = [document_json(d) for d in build_documents(warehouse, MARKET, PERIOD, run_info, overrides)]
    assert first == second
    assert first[1].encode().count(b"\n") > 100  # indented, one value a line


def test_no_metrics_no_documents(warehouse):
    assert build_documents(warehouse, MARKET, "2026-05", RunInfo(**RUN_INFO_ARGS), None) == []


@pytest.mark.parametrize("similarity, expected", [
    (0.97, "Machine Learning Engineer and Data Scientist ads ask for much the same skills."),  # measured, no differences
    (None, "There are too few Data Scientist postings to compare skills."),                    # nothing to measure
])
def test_contrast_without_distinguishing_skills(similarity, expected):
    from reports.document import contrast_sentence

    row = {"similarity": similarity, "pay_diff_pct": 0.3, "role_median_salary": 70000.0, "adjacent_median_salary": 70200.0}
    sentence = contrast_sentence("Machine Learning Engineer", "Data Scientist", row, [], [])
    assert sentence == expected + " Median pay is about the same (£70,000 vs £70,000)."
