"""The seed page's figures, entered as metric rows over the project taxonomy, come out as the seed's text."""
from __future__ import annotations

import html
import re

import duckdb
import pytest

from reports.document import RunInfo, build_documents
from reports.html import render_role_page
from tests.reports.conftest import MARKET, MLE, OVERRIDES_DIR, PERIOD, RUN_INFO_ARGS, build_warehouse, insert

# unit_id, demand % (of 100 postings), tier, growth slope (orders the emerging FAQ as the seed does)
SEED_SKILLS = [
    ("python", 92, "essential", 0), ("machine_learning", 88, "essential", 0), ("tf_or_pytorch", 78, "essential", 0),
    ("cloud_platforms", 75, "essential", 0), ("sql", 72, "essential", 0), ("model_deployment_mlops", 70, "essential", 0),
    ("statistics", 68, "essential", 0), ("docker_kubernetes", 65, "essential", 0),
    ("stakeholder_communication", 62, "essential", 0), ("git_ci_cd", 58, "desirable", 0),
    ("deep_learning_architectures", 55, "desirable", 0), ("feature_engineering", 52, "desirable", 0),
    ("cross_functional_collaboration", 48, "desirable", 0), ("spark_distributed", 42, "desirable", 0),
    ("ab_testing", 40, "desirable", 0), ("mlflow_or_kubeflow", 38, "desirable", 0),
    ("llm_fine_tuning_rag", 38, "emerging", 5), ("airflow", 35, "desirable", 0), ("generative_ai", 35, "emerging", 1),
    ("vector_databases", 28, "emerging", 4), ("langchain_llamaindex", 25, "emerging", 3),
    ("responsible_ai", 22, "emerging", 2),
]
SEED_GAPS = [("gap_production_mlops", 70, 28), ("gap_software_engineering_rigour", 65, 35),
             ("gap_llm_fine_tuning_rag", 38, 12), ("gap_distributed_training", 35, 15)]
SEED_COMBOS = [(["llm_fine_tuning_rag", "pytorch", "aws"], 22.0), (["mlops", "kubernetes", "terraform"], 18.0),
               (["apache_spark", "deep_learning", "gcp"], 15.0)]
ADJACENT = ["data-scientist", "mlops-engineer", "ai-engineer", "backend-software-engineer", "senior-machine-learning-engineer"]


@pytest.fixture
def seed_doc() -> dict:
    """Return the MLE document built from the seed page's figures over the project's taxonomy tables."""
    taxonomy = pytest.importorskip("normalise.taxonomy", reason="normalise.taxonomy is not available")
    tax = taxonomy.load_taxonomy()
    con = duckdb.connect()
    build_warehouse(con)
    for table in ("taxonomy_units", "unit_members", "roles", "role_adjacency", "skill_demand", "skill_supply",
                  "skill_tiers", "skill_gaps", "pay_stats", "premium_combinations", "role_comparison", "career_paths",
                  "skill_trends"):
        con.execute(f'delete from "{table}"')
    for table, frame in (("taxonomy_units", taxonomy.taxonomy_units(tax)), ("unit_members", taxonomy.unit_members(tax)),
                         ("roles", taxonomy.roles_table(tax)), ("role_adjacency", taxonomy.role_adjacency(tax))):
        con.register("frame", frame)
        con.execute(f'insert into "{table}" by name select * from frame')
        con.unregister("frame")
    key = {"market": MARKET, "period": PERIOD, "role_id": MLE}
    for rank, (unit, pct, tier, slope) in enumerate(SEED_SKILLS, start=1):
        insert(con, "skill_demand", [{**key, "unit_id": unit, "postings_in_role": 100, "postings_citing": pct,
                                      "demand_pct": float(pct), "ci_low_pct": pct - 9.0, "ci_high_pct": min(100.0, pct + 7.0),
                                      "demand_rank": rank}])
        insert(con, "skill_tiers", [{**key, "unit_id": unit, "tier": tier, "demand_pct": float(pct), "months_observed": 13,
                                     "is_emerging": tier == "emerging", "slope_pts_per_month": float(slope)}])
    for rank, (unit, demand, supply) in enumerate(SEED_GAPS, start=1):
        insert(con, "skill_gaps", [{**key, "unit_id": unit, "unit_kind": "gap_cluster", "demand_pct": float(demand),
                                    "supply_pct": float(supply), "gap_pts": float(demand - supply), "postings_in_role": 100,
                                    "profiles_in_role": 100, "gap_rank": rank, "suppressed": False}])
    pay = {**key, "suppressed": False}
    insert(con, "pay_stats", [
        {**pay, "pay_kind": "salary", "scope": "uk", "n": 300, "median": 70000.0, "p10": 50000.0, "p90": 105000.0},
        {**pay, "pay_kind": "salary", "scope": "london", "n": 120, "median": 85000.0, "p10": 60000.0, "p90": 130000.0,
         "london_premium_pct": 100 * (85000 / 70000 - 1)},
        {**pay, "pay_kind": "day_rate", "scope": "uk", "n": 80, "median": 650.0, "p10": 500.0, "p90": 900.0},
        {**pay, "pay_kind": "day_rate", "scope": "london", "n": 30, "median": 750.0, "p10": 600.0, "p90": 950.0},
    ])
    for rank, (units, uplift) in enumerate(SEED_COMBOS, start=1):
        insert(con, "premium_combinations", [{
            **key, "combo_id": "+".join(sorted(units)), "unit_ids": units, "size": 3, "n": 40,
            "median_salary": 70000 * (1 + uplift / 100), "uplift_pct": uplift, "uplift_ci_low_pct": uplift - 6,
            "uplift_ci_high_pct": uplift + 6, "best_member_uplift_pct": 5.0, "combo_rank": rank}])
    for position, adjacent in enumerate(ADJACENT, start=1):
        insert(con, "role_comparison", [{
            **key, "adjacent_role_id": adjacent, "position": position, "role_postings": 100, "adjacent_postings": 100,
            "role_distinct_units": [], "role_distinct_pts": [], "adjacent_distinct_units": [], "adjacent_distinct_pts": []}])
    path = {"market": MARKET, "period": PERIOD}
    paths = [(MLE, "entry", "data-scientist", 30), (MLE, "entry", "backend-software-engineer", 20),
             (MLE, "progression", "senior-machine-learning-engineer", 50),
             ("senior-machine-learning-engineer", "progression", "staff-machine-learning-engineer", 40),
             ("staff-machine-learning-engineer", "progression", "head-of-machine-learning", 30)]
    paths += [(MLE, "lateral", role, 25 - i) for i, role in enumerate(
        ["mlops-engineer", "applied-scientist", "ai-engineer", "data-engineer", "research-engineer"])]
    insert(con, "career_paths", [{**path, "role_id": r, "path_kind": k, "other_role_id": o, "n": n, "denominator": 100,
                                  "share_pct": float(n)} for r, k, o, n in paths])
    insert(con, "career_paths", [{**path, "role_id": MLE, "path_kind": "tenure", "other_role_id": "-", "n": 90,
                                  "denominator": 90, "median_tenure_months": 24.0}])
    docs = build_documents(con, MARKET, PERIOD, RunInfo(**RUN_INFO_ARGS), OVERRIDES_DIR)
    con.close()
    return next(d for d in docs if d["role"]["id"] == MLE)


def page_text(doc: dict) -> str:
    """Return the visible text of the rendered page, tags stripped, whitespace collapsed."""
    page = render_role_page(doc, aliases={})
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_seed_headline_and_skill_list(seed_doc):
    headline = seed_doc["headline"]
    assert (headline["essential_count"], headline["desirable_count"], headline["emerging_count"]) == (9, 8, 5)
    assert headline["median_salary"]["median"] == 70000
    names = [s["name"] for s in seed_doc["skills"]]
    assert names[:3] == ["Python", "Machine Learning Algorithms", "TensorFlow or PyTorch"]
    assert names[-1] == "Responsible AI & Model Governance" and len(names) == 22


def test_seed_faq_answers_word_for_word(seed_doc):
    answers = [f["answer"] for f in seed_doc["faq"]]
    assert answers == [
        "The most sought-after skills for Machine Learning Engineer roles in the UK include Python, Machine Learning "
        "Algorithms, TensorFlow or PyTorch, Cloud Platforms (AWS, GCP, or Azure), SQL. These are classified as "
        "essential by the majority of employers.",
        "The median Machine Learning Engineer salary in the UK is £70,000, with a typical range of £50,000 to "
        "£105,000 depending on experience and location. In London, the median rises to £85,000 reflecting the "
        "capital's cost-of-living weighting.",
        "Freelance and contract Machine Learning Engineer day rates in the UK typically range from £500 to £900 per "
        "day, with a median of £650/day. London-based contractors can expect around £750/day.",
        "The top skills gaps in the Machine Learning Engineer market are Production MLOps (Kubernetes, model "
        "monitoring, CI/CD for ML), Software Engineering Rigour (testing, design patterns, code review), LLM "
        "Fine-tuning & RAG, Distributed Training (Spark MLlib, Ray, Horovod). The largest is Production MLOps "
        "(Kubernetes, model monitoring, CI/CD for ML) with 70% employer demand but only 28% of professionals listing "
        "it. Most candidates come from research or analytics backgrounds and lack hands-on experience deploying and "
        "monitoring models at scale. This is the single largest gap in the UK market.",
        "Emerging skills for Machine Learning Engineer roles include LLM Fine-tuning & RAG, Vector Databases "
        "(Pinecone, Weaviate, FAISS), LangChain / LlamaIndex, Responsible AI & Model Governance, Generative AI "
        "Engineering. These are increasingly appearing in job postings and represent future demand.",
    ]


def test_seed_page_text(seed_doc):
    text = page_text(seed_doc)
    for line in (
        "Machine Learning Engineer UK Market",
        "9 Essential Skills 8 Desirable Skills 5 Emerging Skills £70,000 Median Salary",
        "Technical Tools Soft Skills Emerging",
        "About the Machine Learning Engineer Role A Machine Learning Engineer sits at the intersection",
        "What Skills Do Machine Learning Engineers Need in 2026?",
        "Python Essential 92%",
        "Git & CI/CD Pipelines 58%",
        "LLM Fine-tuning & RAG Emerging 38%",
        "Machine Learning Engineer Skills Gap Opportunities",
        "Production MLOps (Kubernetes, model monitoring, CI/CD for ML) 70% demand vs 28% supply (42-point gap)",
        "Software Engineering Rigour (testing, design patterns, code review) 65% demand vs 35% supply (30-point gap)",
        "LLM Fine-tuning & RAG 38% demand vs 12% supply (26-point gap)",
        "Distributed Training (Spark MLlib, Ray, Horovod) 35% demand vs 15% supply (20-point gap)",
        "Machine Learning Engineer Salary UK 2026",
        "Permanent — UK National Median £70,000 Range £50,000 — £105,000",
        "Permanent — London +21% London Median £85,000 London Range £60,000 — £130,000",
        "Contract / Freelance (Day Rate) UK Day Rate £650/day Range £500 — £900/day London Day Rate £750/day",
        "Premium Skill Combinations LLM Fine-tuning & RAG + PyTorch + AWS +22%",
        "MLOps + Kubernetes + Terraform +18%",
        "Spark + Deep Learning + GCP +15%",
        "How Machine Learning Engineer Compares to Adjacent Roles",
        "Senior Machine Learning Engineer The senior version owns architecture decisions",
        "Machine Learning Engineer Career Path How people enter this role: Most enter via a STEM degree",
        "Typical progression: Data Scientist or Software Engineer (Backend) → Machine Learning Engineer → Senior "
        "Machine Learning Engineer → Staff / Principal ML Engineer → Head of Machine Learning",
        "Typical tenure in role: ~24 months",
        "Common lateral moves: MLOps Engineer, Applied Scientist, AI Engineer / GenAI Engineer, Data Engineer, Research Engineer",
        "Frequently Asked Questions — Machine Learning Engineer Careers",
        "Get Your Free Machine Learning Engineer Skills Gap Analysis",
        "Analyse My Skills →",
    ):
        assert line in text, line
