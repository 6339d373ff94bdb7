"""The sample generator: deterministic output, documented file shapes, planted truth recoverable, messes at rate."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

from spotlight.sample import SampleSettings, generate_sample
from spotlight.sample.careers import MLE, work_history
from spotlight.sample.draws import planted_skills, stream
from spotlight.sample.generate import chunk_bounds, jobs_per_month, periods_ending
from spotlight.sample.params import sample_params
from spotlight.sample.taxonomy import sample_taxonomy

PARAMS = sample_params()
TAXONOMY = sample_taxonomy()
SMALL = SampleSettings(postings_latest=2_000, profiles=400, months=3, seed=5)
TINY = SampleSettings(postings_latest=300, profiles=40, months=2, seed=9)
SEED_LIST = (
    "python machine_learning tf_or_pytorch cloud_platforms sql model_deployment_mlops statistics docker_kubernetes "
    "stakeholder_communication git_ci_cd deep_learning_architectures feature_engineering cross_functional_collaboration "
    "spark_distributed ab_testing mlflow_or_kubeflow llm_fine_tuning_rag airflow generative_ai vector_databases "
    "langchain_llamaindex responsible_ai"
).split()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return generate_sample(out, SMALL)


@pytest.fixture(scope="module")
def truth(sample):
    return json.loads(sample.truth_json.read_text())


@pytest.fixture(scope="module")
def postings_truth(sample):
    return pq.read_table(sample.truth_postings).to_pandas()


def _bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_same_bytes_and_another_seed_differs(tmp_path):
    first = _bytes(generate_sample(tmp_path / "a", TINY).out_dir)
    second = _bytes(generate_sample(tmp_path / "b", TINY).out_dir)
    other = _bytes(generate_sample(tmp_path / "c", SampleSettings(**{**TINY.__dict__, "seed": 10})).out_dir)
    assert first == second
    assert first.keys() == other.keys()
    assert first["postings/2026-04/reed.json"] != other["postings/2026-04/reed.json"]


def test_bytes_do_not_depend_on_the_number_of_workers(tmp_path, monkeypatch):
    # small chunks so that TINY spans many chunks per month (and CV chunks): 1 worker and 2 workers write the same bytes
    import spotlight.sample.generate as generate
    monkeypatch.setattr(generate, "CHUNK_JOBS", 70)
    monkeypatch.setattr(generate, "CHUNK_PROFILES", 15)
    monkeypatch.setattr(generate, "MIN_PARALLEL_SECONDS", 0.0)   # a pool even for this small sample
    pools = []
    runner_init = generate.Runner.__init__

    def spy(self, ctx, workers):
        runner_init(self, ctx, workers)
        pools.append(self.pool is not None)

    monkeypatch.setattr(generate.Runner, "__init__", spy)
    one = _bytes(generate_sample(tmp_path / "one", TINY, workers=1).out_dir)
    two = _bytes(generate_sample(tmp_path / "two", TINY, workers=2).out_dir)
    assert pools == [False, True]
    assert one == two
    monkeypatch.undo()
    assert one != _bytes(generate_sample(tmp_path / "default", TINY, workers=1).out_dir)   # chunking is in the stream
    assert not [p for p in (tmp_path / "two").iterdir() if p.name.startswith(".sample-work-")]   # scratch removed


@pytest.mark.parametrize("settings", [
    SampleSettings(months=0),                                    # no month
    SampleSettings(postings_latest=0),                           # no job
    SampleSettings(profiles=-1),                                 # negative CVs
    SampleSettings(postings_latest=1_000_000, months=13),        # 10.4M jobs: Reed ids would reach the re-post range
])
def test_bad_settings_are_a_clear_error(tmp_path, settings):
    with pytest.raises(ValueError):
        generate_sample(tmp_path, settings)
    assert not list(tmp_path.iterdir())   # nothing written


@pytest.mark.parametrize("n, size, expected", [
    (5, 10, ((0, 5),)),                      # one short chunk
    (25, 10, ((0, 10), (10, 20), (20, 25))),  # last chunk holds the rest
    (0, 10, ()),                              # nothing to split
])
def test_chunk_bounds(n, size, expected):
    assert chunk_bounds(n, size) == expected


@pytest.mark.parametrize("end, months, expected", [
    ("2026-04", 3, ("2026-02", "2026-03", "2026-04")),   # plain window
    ("2026-01", 2, ("2025-12", "2026-01")),              # crosses a year boundary
])
def test_periods_ending(end, months, expected):
    assert periods_ending(end, months) == expected


def test_jobs_grow_linearly_to_the_latest_month():
    # 2,000 latest with a 0.6 first-month share over 3 months: 1,200, 1,600, 2,000
    assert jobs_per_month(SMALL, 0.6) == (1200, 1600, 2000)


def test_sources_yaml_lists_the_three_sources(sample):
    config = yaml.safe_load(sample.sources_yaml.read_text())
    assert config["market"] == "uk"
    assert [(s["name"], s["kind"], s["format"], s["path"]) for s in config["sources"]] == [
        ("adzuna", "postings", "adzuna_json", "postings/{period}/adzuna-*.json"),
        ("reed", "postings", "reed_json", "postings/{period}/reed.json"),
        ("cv", "profiles", "jsonresume", "profiles/{period}/cv.jsonl"),
    ]


def test_adzuna_pages_have_the_search_api_shape(sample, truth):
    for period in truth["periods"]:
        pages = sorted((sample.out_dir / "postings" / period).glob("adzuna-*.json"))
        results = [r for p in pages for r in json.loads(p.read_text())["results"]]
        assert json.loads(pages[0].read_text())["count"] == len(results) == truth["counts"]["adzuna"][period]
        for r in results:
            assert {"description", "created", "location", "salary_is_predicted", "company", "category",
                    "redirect_url"} <= r.keys()
            assert r["salary_is_predicted"] in ("0", "1")
            assert r.get("contract_type") in (None, "permanent", "contract")
            assert r["location"]["area"][0] == "UK"


def test_reed_file_has_the_api_shape(sample, truth):
    doc = json.loads((sample.out_dir / "postings" / "2026-04" / "reed.json").read_text())
    assert doc["totalResults"] == len(doc["results"]) == truth["counts"]["reed"]["2026-04"]
    for r in doc["results"]:
        assert {"jobId", "employerName", "jobTitle", "locationName", "minimumSalary", "maximumSalary", "currency",
                "date", "expirationDate", "jobDescription", "jobUrl"} <= r.keys()
        assert r["currency"] == "GBP"


def test_cv_lines_are_json_resume_newest_first(sample, truth):
    lines = (sample.out_dir / "profiles" / "2026-04" / "cv.jsonl").read_text().splitlines()
    broken = {m["source_id"] for m in truth["malformed"] if m["source"] == "cv"}
    parsed = 0
    for line in lines:
        try:
            doc = json.loads(line)
        except json.JSONDecodeError:
            continue
        parsed += 1
        starts = [w["startDate"] for w in doc["work"]]
        assert starts == sorted(starts, reverse=True)          # newest first
        assert "endDate" not in doc["work"][0]                 # current job
        assert all("endDate" in w for w in doc["work"][1:])
        assert doc["basics"]["label"] == doc["work"][0]["position"]
        assert all(isinstance(s["name"], str) and isinstance(s["keywords"], list) for s in doc["skills"])
    assert parsed == len(lines) - len(broken)


def test_truth_parquet_rows_match_the_files(sample, truth, postings_truth):
    for source in ("adzuna", "reed"):
        for period, n in truth["counts"][source].items():
            assert ((postings_truth.source == source) & (postings_truth.period == period)).sum() == n
    profiles = pq.read_table(sample.truth_profiles).to_pandas()
    assert len(profiles) == SMALL.profiles
    assert set(postings_truth.pay_kind) <= {"salary", "day_rate", "none", "rejected"}


def test_demand_draw_recovers_the_planted_probabilities():
    # 20,000 MLE jobs in the latest month: every unit within 1.5 points of its planted demand
    role = PARAMS.roles[MLE]
    draw = planted_skills(stream(1, "test-demand"), 20_000, role, 0, TAXONOMY, PARAMS)
    index = {s: i for i, s in enumerate(TAXONOMY.skill_ids)}
    for unit, planted in role.demand.items():
        cols = [index[m] for m in TAXONOMY.members(unit)]
        assert abs(draw.skills[:, cols].any(axis=1).mean() - planted) < 0.015, unit


def test_mle_skills_off_the_seed_page_stay_under_24_percent():
    role = PARAMS.roles[MLE]
    draw = planted_skills(stream(2, "test-off-page"), 20_000, role, 0, TAXONOMY, PARAMS)
    hidden = {m for u in SEED_LIST if TAXONOMY.unit_kinds.get(u) == "group" for m in TAXONOMY.members(u)}
    on_page = set(SEED_LIST) | hidden
    share = dict(zip(TAXONOMY.skill_ids, draw.skills.mean(axis=0)))
    assert {s: round(v, 3) for s, v in share.items() if s not in on_page and v >= 0.24} == {}


def test_seed_demand_figures_are_planted_for_mle():
    demand = PARAMS.roles[MLE].demand
    assert round(demand["python"] * 100) == 92 and round(demand["responsible_ai"] * 100) == 22
    assert round(demand["gap_software_engineering_rigour"] * 100) == 65
    assert round(demand["gap_distributed_training"] * 100) == 35
    assert set(SEED_LIST) <= set(demand)


def test_emerging_units_at_least_double_and_others_stay_flat():
    role = PARAMS.roles[MLE]
    assert set(role.emerging_first) == {"llm_fine_tuning_rag", "generative_ai", "vector_databases",
                                        "langchain_llamaindex", "responsible_ai"}
    for unit in role.demand:
        latest, first = role.demand_at(unit, 0), role.demand_at(unit, 12)
        if unit in role.emerging_first:
            assert latest >= 2 * first, unit
            # linear: the midpoint month is the mean of the ends
            assert role.demand_at(unit, 6) == pytest.approx((latest + first) / 2)
        else:
            assert latest == first, unit


def test_sample_demand_is_recovered_from_the_per_posting_truth(truth):
    # realised MLE demand in the latest month within 4 standard errors of the planted probability
    realised = truth["realised"]["2026-04"][MLE]
    n = realised["jobs"]
    for unit, planted in PARAMS.roles[MLE].demand.items():
        se = max((planted * (1 - planted) / n) ** 0.5, 1 / n)
        assert abs(realised["demand"][unit] - planted) < 4 * se, unit


@pytest.mark.parametrize("scope, target", [
    ("uk", {"median": 70000, "p10": 50000, "p90": 105000}),       # page: UK national
    ("london", {"median": 85000, "p10": 60000, "p90": 130000}),   # page: London
])
def test_mle_salary_percentiles_match_the_seed_within_2_percent(truth, scope, target):
    measured = truth["roles"][MLE]["salary"][scope]
    for key, value in target.items():
        assert abs(measured[key] / value - 1) <= 0.02, (key, measured[key])


def test_mle_day_rates_and_london_premium_match_the_seed(truth):
    day = truth["roles"][MLE]["day_rate"]
    assert abs(day["uk"]["median"] / 650 - 1) <= 0.02
    assert abs(day["uk"]["p10"] / 500 - 1) <= 0.02 and abs(day["uk"]["p90"] / 900 - 1) <= 0.02
    assert abs(day["london"]["median"] / 750 - 1) <= 0.02
    assert abs(truth["roles"][MLE]["salary"]["london_premium_pct"] - 21) <= 1.5


@pytest.mark.parametrize("members, uplift", [
    (["llm_fine_tuning_rag", "pytorch", "aws"], 22),     # page: +22%
    (["mlops", "kubernetes", "terraform"], 18),          # page: +18%
    (["apache_spark", "deep_learning", "gcp"], 15),      # page: +15%
])
def test_premium_combinations_are_planted_and_subsets_earn_clearly_less(truth, members, uplift):
    combo = next(c for c in truth["roles"][MLE]["combos"] if c["members"] == members)
    assert abs(combo["expected_uplift_continuous_pct"] - uplift) <= 1.5
    assert abs(combo["expected_uplift_pct"] - uplift) <= 2.0
    assert combo["max_pair_subset_uplift_pct"] <= uplift / 2 + 1
    # >= 60 salaried MLE postings cite all members in the latest month of the default sample
    role = PARAMS.roles[MLE]
    salaried = (1 - role.contract_share) * PARAMS.mess["stated_pay_share"]["permanent"]
    assert 20_000 * role.posting_share * salaried * combo["share_of_jobs"] >= 80


def test_duplicates_are_planted_at_their_rates(truth, postings_truth):
    jobs = sum(truth["jobs"].values())
    kinds = [d["kind"] for d in truth["duplicates"]]
    assert abs(kinds.count("cross_board") / jobs - 0.05) < 0.012
    assert abs(kinds.count("same_board") / jobs - 0.01) < 0.006
    dupes = postings_truth[postings_truth.duplicate_of_source_id.notna()]
    assert len(dupes) == len(kinds)
    canonical = set(zip(postings_truth.source, postings_truth.source_id))
    assert set(zip(dupes.duplicate_of_source, dupes.duplicate_of_source_id)) <= canonical
    cross = dupes[dupes.source != dupes.duplicate_of_source]
    assert len(cross) == kinds.count("cross_board")


def test_malformed_rows_are_planted_at_their_rate_and_broken_in_the_files(sample, truth):
    jobs = sum(truth["jobs"].values())
    posting_rows = [m for m in truth["malformed"] if m["source"] != "cv"]
    assert 0.001 < len(posting_rows) / jobs < 0.012
    reasons = {m["reason"] for m in posting_rows}
    assert reasons <= {"missing_title", "bad_date", "missing_id", "implausible_pay", "out_of_period"}
    for m in posting_rows:
        doc = json.loads((sample.out_dir / m["file"]).read_text())
        key = "id" if m["source"] == "adzuna" else "jobId"
        if m["reason"] == "missing_id":
            continue
        rec = next(r for r in doc["results"] if str(r.get(key)) == m["source_id"])
        if m["reason"] == "missing_title":
            assert not rec.get("title" if m["source"] == "adzuna" else "jobTitle")
        elif m["reason"] == "implausible_pay":
            text = rec.get("description") or rec.get("jobDescription")
            assert "£1 per annum" in text or "£9,999,999" in text


def test_predicted_salaries_are_never_stated_pay(sample, postings_truth):
    pages = sorted((sample.out_dir / "postings" / "2026-04").glob("adzuna-*.json"))
    predicted = {r["id"] for p in pages for r in json.loads(p.read_text())["results"]
                 if r["salary_is_predicted"] == "1"}
    assert predicted
    kinds = postings_truth[postings_truth.source_id.isin(predicted)].pay_kind
    assert set(kinds) == {"none"}


def test_text_pay_statement_carries_the_true_figures(sample, postings_truth):
    doc = json.loads((sample.out_dir / "postings" / "2026-04" / "reed.json").read_text())
    by_id = {str(r["jobId"]): r for r in doc["results"] if r["jobId"] is not None}
    day = postings_truth[(postings_truth.source == "reed") & (postings_truth.pay_kind == "day_rate")
                         & (postings_truth.period == "2026-04") & (postings_truth.pay_period == "day")]
    assert len(day)
    for row in day.itertuples():
        assert f"£{int(row.pay_min)}" in by_id[row.source_id]["jobDescription"]


def test_mle_entry_routes_and_tenure_follow_the_plan():
    rng = stream(3, "test-careers")
    from datetime import date
    histories = [work_history(rng, MLE, PARAMS.careers, date(2026, 4, 1)) for _ in range(6_000)]
    before = [h[-2].role_id for h in histories if len(h) > 1]
    shares = {r: before.count(r) / len(before) for r in set(before)}
    for role_id, planned in PARAMS.careers.mle_entry.items():
        assert abs(shares[role_id] - planned) < 0.03, role_id
    senior = [work_history(rng, "senior-machine-learning-engineer", PARAMS.careers, date(2026, 4, 1))
              for _ in range(3_000)]
    tenures = [j.months for h in senior for j in h if j.role_id == MLE and j.end is not None]
    assert abs(np.median(tenures) - 24) <= 1


def test_no_role_repeats_within_a_history(truth, sample):
    profiles = pq.read_table(sample.truth_profiles).to_pandas()
    for roles in profiles.history_role_ids:
        named = [r for r in roles if r != "other"]
        assert len(named) == len(set(named))
    assert truth["careers"]["realised"]["mle_entry_n"] > 0
