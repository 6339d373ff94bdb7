"""Role classification of titles and seniority read from the title."""
from __future__ import annotations

import pandas as pd
import pytest

from normalise.roles import seniority_from_title


@pytest.mark.parametrize(
    "title, role_id",
    [
        ("Machine Learning Engineer - Fintech - Hybrid", "machine-learning-engineer"),  # noise after the title
        ("Snr ML Eng", "senior-machine-learning-engineer"),  # abbreviations
        ("Senior Machine Learning Engineer", "senior-machine-learning-engineer"),  # its own role
        ("Principal ML Engineer (Remote)", "staff-machine-learning-engineer"),  # staff/principal role
        ("Senior Data Scientist", "data-scientist"),  # seniority does not make a new role here
        ("MLOps Engineer", "mlops-engineer"),
        ("Generative AI Engineer - London", "ai-engineer"),
        ("Sales Manager", "other"),  # roles we do not report
        ("Nurse", "other"),
        ("Accountant", "other"),
        ("", "other"),  # an empty title
    ],
)
def test_predict_roles(classifier, title, role_id):
    assert classifier.predict([title])["role_id"].tolist() == [role_id]


def test_predict_shape_and_confidence(classifier):
    result = classifier.predict(["Data Engineer", None, "Data Engineer"])
    assert list(result.columns) == ["role_id", "role_confidence", "seniority"]
    assert result["role_id"].tolist() == ["data-engineer", "other", "data-engineer"]
    assert result["role_confidence"].between(0, 1).all()


def test_unsure_titles_become_other(taxonomy):
    from normalise.roles import ClassifierSettings, fit_role_classifier

    strict = fit_role_classifier(taxonomy, ClassifierSettings(min_confidence=0.999))
    assert strict.predict(["Machine Learning Engineer"])["role_id"].tolist() == ["other"]


@pytest.mark.parametrize(
    "title, seniority",
    [
        ("Senior Data Scientist", "senior"),
        ("Snr ML Eng", "senior"),  # abbreviation
        ("Sr. Data Engineer", "senior"),  # abbreviation with a dot
        ("Lead Machine Learning Engineer", "lead"),
        ("Staff ML Engineer", "lead"),
        ("Head of Machine Learning", "lead"),
        ("Senior Engineering Manager", "lead"),  # lead words win over senior
        ("Graduate Data Analyst", "junior"),
        ("Junior Python Developer", "junior"),
        ("Data Scientist II", "mid"),
        ("Mid-Level Machine Learning Engineer", "mid"),
        ("Machine Learning Engineer", "unknown"),  # the title does not say
        ("Staff Nurse", "unknown"),  # staff is not a level here
        (None, "unknown"),
    ],
)
def test_seniority_from_title(title, seniority):
    assert seniority_from_title(title) == seniority


def test_repeated_titles_get_the_row_of_their_distinct_title(classifier):
    titles = ["Data Engineer", "Chef", "Data Engineer", None, "", "Chef"]
    result = classifier.predict(titles)
    assert result.index.equals(pd.RangeIndex(6))
    assert result["role_id"].tolist() == ["data-engineer", "other", "data-engineer", "other", "other", "other"]
    assert result["role_confidence"].iloc[3:5].tolist() == [1.0, 1.0]  # a missing or empty title is surely other
    pd.testing.assert_frame_equal(result.iloc[[2, 5]].reset_index(drop=True), result.iloc[[0, 1]].reset_index(drop=True))
    alone = classifier.predict(["Data Engineer"])
    assert result["role_confidence"].iloc[0] == alone["role_confidence"].iloc[0]
    assert [str(d) for d in result.dtypes] == ["str", "float64", "str"]
