"""Tests of extract.dedupe: exact and near duplicates, canonical = earliest posted, deterministic."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import dedupe
from extract.dedupe import (
    company_key,
    description_signatures,
    duplicate_features,
    duplicates_from_features,
    find_duplicates,
    jaccard_estimates,
    normalised_key,
)

ML_AD = (
    "We are looking for a Machine Learning Engineer to join our platform team in London. You will build training "
    "pipelines in Python, deploy models with Docker and Kubernetes on AWS, and monitor them in production. "
    "Experience with PyTorch, SQL and Airflow is essential, and knowledge of feature stores is a plus. We offer a "
    "salary of 70000 to 85000, hybrid working, 25 days holiday and a generous pension scheme. "
    "Apply today with your CV."
)
# the same job re-posted on another board with edited text
ML_AD_EDITED = (
    ML_AD.replace("join our platform team", "join our growing ML platform team")
    .replace("Apply today with your CV.", "Apply now through our careers page.")
)
# another job of the same company, written from the same template
SEARCH_AD = (
    "We are looking for a Senior Machine Learning Engineer to join our search team in London. You will build "
    "ranking models in Python, deploy them with Docker and Kubernetes on GCP, and run online experiments. "
    "Experience with TensorFlow, SQL and Spark is essential, and knowledge of vector databases is a plus. We offer a "
    "salary of 90000 to 105000, hybrid working, 25 days holiday and a generous pension scheme. "
    "Apply today with your CV."
)
ANALYST_AD = (
    "Our client, a national retailer, needs a Data Analyst with strong Excel and Power BI skills to report weekly "
    "sales to the buying team. You will work closely with merchandisers and category managers in Leeds."
)

POSTINGS = pd.DataFrame(
    [
        # id, title, company, location, description, posted_at
        ("p01", "ML Engineer", "Acme Ltd", "London", ML_AD, "2024-05-01"),
        ("p02", "ML Engineer", "Acme Ltd", "London", ML_AD, "2024-05-03"),  # exact duplicate of p01
        ("p03", "<b>ML Engineer</b>", "ACME Limited", "London", ML_AD, "2024-05-02"),  # exact after normalising
        ("p04", "ML Engineer - London", "Acme", "London, UK", ML_AD_EDITED, "2024-05-05"),  # near duplicate of p01
        ("p05", "ML Engineer", "Acme Ltd", "London", ML_AD_EDITED, "2024-05-25"),  # 20+ days later: a new posting
        ("p06", "Senior ML Engineer", "Acme Ltd", "London", SEARCH_AD, "2024-05-02"),  # another job, same template
        ("p07", "ML Engineer", "Other Co", "London", ML_AD, "2024-05-02"),  # same text, another company
        ("p08", "Data Analyst", "Shop plc", "Leeds", ANALYST_AD, "2024-05-10"),
        ("p09", "Data Analyst", "Shop plc", "Leeds", ANALYST_AD, "2024-05-10"),  # exact, same day: smaller id wins
        ("p10", "Data Analyst", None, "Leeds", ANALYST_AD, "2024-05-11"),  # no company: exact check only
        ("p11", "Data Analyst", None, "Leeds", ANALYST_AD, "2024-05-11"),  # exact duplicate of p10
    ],
    columns=["posting_id", "title", "company", "location_raw", "description", "posted_at"],
)
# hand-planted duplicate links: posting → canonical (earliest posted, ties by smallest id), method
PLANTED = {
    "p02": ("p01", "exact"),
    "p03": ("p01", "exact"),
    "p04": ("p01", "near"),
    "p09": ("p08", "exact"),
    "p11": ("p10", "exact"),
}


def test_planted_duplicates_precision_and_recall():
    found = find_duplicates(POSTINGS)
    links = {row.posting_id: (row.duplicate_of, row.method) for row in found.itertuples()}
    true_positives = len(set(links.items()) & set(PLANTED.items()))
    precision = true_positives / len(links)
    recall = true_positives / len(PLANTED)
    print(f"\nde-duplication on the planted fixture: precision {precision:.2f}, recall {recall:.2f}")
    assert precision == 1.0
    assert recall == 1.0


def test_output_columns_and_similarity():
    found = find_duplicates(POSTINGS).set_index("posting_id")
    assert list(find_duplicates(POSTINGS).columns) == ["posting_id", "duplicate_of", "method", "similarity"]
    assert (found.loc[found["method"] == "exact", "similarity"] == 1.0).all()
    # the edited re-post shares most shingles (true Jaccard about 0.7) but not all
    assert 0.5 <= found.loc["p04", "similarity"] < 1.0


def test_result_does_not_depend_on_row_order():
    shuffled = POSTINGS.sample(frac=1.0, random_state=7)
    pd.testing.assert_frame_equal(find_duplicates(shuffled), find_duplicates(POSTINGS))


def test_input_is_not_changed():
    before = POSTINGS.copy()
    find_duplicates(POSTINGS)
    pd.testing.assert_frame_equal(POSTINGS, before)


def test_no_postings_no_duplicates():
    assert find_duplicates(POSTINGS.iloc[:0]).empty


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme Ltd", "acme"),  # legal suffix dropped
        ("ACME Limited (UK)", "acme"),  # case, brackets, suffix and country dropped
        ("The Data Group plc", "data"),  # filler words dropped
        ("Ltd", "ltd"),  # a name made only of filler words is kept
        (None, ""),  # missing
    ],
)
def test_company_key(raw, expected):
    assert company_key(raw) == expected


def test_signature_estimates_track_true_similarity():
    signatures = description_signatures([normalised_key(t) for t in (ML_AD, ML_AD, ML_AD_EDITED, ANALYST_AD)])
    estimates = jaccard_estimates(signatures, np.array([0, 0, 0]), np.array([1, 2, 3]))
    assert estimates[0] == 1.0  # identical text
    assert 0.5 <= estimates[1] < 1.0  # edited re-post
    assert estimates[2] < 0.2  # unrelated ad


def test_features_of_chunks_link_as_the_whole_frame():
    # the ingest stage links the concatenated features of its chunks (Arrow string columns of several chunks)
    chunks = [duplicate_features(POSTINGS.iloc[:5]), duplicate_features(POSTINGS.iloc[5:])]
    features = pd.concat([c[0] for c in chunks], ignore_index=True)
    signatures = np.concatenate([c[1] for c in chunks])
    pd.testing.assert_frame_equal(duplicates_from_features(features, signatures), find_duplicates(POSTINGS))


def test_pure_python_links_equal_compiled(monkeypatch):
    expected = find_duplicates(POSTINGS)
    monkeypatch.setattr(dedupe, "_compiled", None)
    pd.testing.assert_frame_equal(find_duplicates(POSTINGS), expected)


def test_pure_python_features_equal_compiled(monkeypatch):
    # keys, exact hashes and signatures of the one-pass compiled loop against the pure-Python twin
    features, signatures = duplicate_features(POSTINGS)
    monkeypatch.setattr(dedupe, "_compiled", None)
    expected_features, expected_signatures = duplicate_features(POSTINGS)
    pd.testing.assert_frame_equal(features, expected_features, check_dtype=True)
    assert np.array_equal(signatures, expected_signatures)
    # p01 and p03 differ only before normalising: one exact hash; p04 is a near duplicate, with another hash
    assert features["exact_hash"][0] == features["exact_hash"][2] != features["exact_hash"][3]
    assert features["title_key"].tolist()[:4] == ["ml engineer", "ml engineer", "ml engineer", "ml engineer london"]
    assert features["company_key"].tolist()[:4] == ["acme", "acme", "acme", "acme"]


def _features(ids: list[str], days: list[int]) -> pd.DataFrame:
    return pd.DataFrame({
        "posting_id": pd.Series(ids, dtype="str"),
        "posted_at": (np.datetime64("2024-05-01") + np.array(days, dtype="timedelta64[D]")).astype("datetime64[s]"),
    })


def _reference_order(features: pd.DataFrame) -> np.ndarray:
    return dedupe._date_then_id_order_reference(
        features["posted_at"].to_numpy(), pa.array(features["posting_id"], from_pandas=True)
    )


@pytest.mark.parametrize(
    ("ids", "days", "expected"),
    [
        # one day: by the ids' bytes; a prefix first ("a" < "a\x00" < "ab"), equal ids in row order, UTF-8 last
        (["b", "a", "ab", "a", "é", "a\x00"], [0] * 6, [1, 3, 5, 2, 0, 4]),
        # the date first, then the id; ids sharing their first 8 bytes
        (["p-000000002", "p-000000001", "p-000000003"], [1, 0, 0], [1, 2, 0]),
        # an id over 16 bytes: Arrow's sort
        (["z" * 17, "a" * 17, "m"], [0, 0, 0], [1, 2, 0]),
    ],
)
def test_date_then_id_order(ids, days, expected):
    features = _features(ids, days)
    assert dedupe._date_then_id_order(features).tolist() == expected
    assert _reference_order(features).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="ab0\x00é😀", max_size=18), st.integers(0, 3)), min_size=1, max_size=30))
def test_date_then_id_order_equals_arrow(rows):
    features = _features([r[0] for r in rows], [r[1] for r in rows])
    assert dedupe._date_then_id_order(features).tolist() == _reference_order(features).tolist()


def test_exact_roots_are_the_earliest_of_each_hash():
    # rows 0, 2 and 3 share a hash and row 3 comes first in the order
    roots = dedupe._exact_roots(np.array([5, 7, 5, 5, 9], dtype=np.uint64), np.array([3, 1, 0, 2, 4]))
    assert roots.tolist() == [3, 1, 3, 3, 4]
