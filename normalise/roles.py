"""Role classification of job titles (TF-IDF + calibrated linear model) and seniority read from the title."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from normalise.taxonomy import Taxonomy

OTHER_ROLE = "other"

_ABBREVIATIONS = (
    (r"\bsnr\b|\bsr\b", "senior"),
    (r"\bjnr\b|\bjr\b", "junior"),
    (r"\beng\b", "engineer"),
    (r"\bdev\b", "developer"),
    (r"\bmle\b", "machine learning engineer"),
    (r"\bml\b", "machine learning"),
    (r"\bgen ai\b|\bgenai\b", "generative ai"),
    (r"\bmlops\b|\bml ops\b", "mlops machine learning operations"),
)
_ABBREVIATION_PATTERNS = tuple((re.compile(p), r) for p, r in _ABBREVIATIONS)
_NOISE = re.compile(r"£[\d,.]+k?|\b\d+(?:k|\+)?\b|[|()\[\]]")

_SENIORITY_RULES = (
    ("lead", re.compile(
        r"\b(?:lead|leader|head|principal|director|manager|chief|vp|vice president|architect|"
        r"staff (?=engineer|software|machine|ml|data|scientist|research|ai))\b|^staff\b(?! nurse)", re.I)),
    ("senior", re.compile(r"\b(?:senior|snr|sr|experienced|iii)\b", re.I)),
    ("junior", re.compile(
        r"\b(?:junior|jnr|jr|graduate|grad|entry[ -]level|trainee|apprentice|apprenticeship|intern|internship|"
        r"placement|associate)\b", re.I)),
    ("mid", re.compile(r"\b(?:mid|mid[ -]level|intermediate|ii)\b", re.I)),
)


@dataclass(frozen=True)
class ClassifierSettings:
    """Role classifier settings; postings whose best role probability is below `min_confidence` become `other`."""

    min_confidence: float = 0.40
    calibration_folds: int = 3
    svm_c: float = 0.5
    seed: int = 0


def seniority_from_title(title: str | None) -> str:
    """Return junior, mid, senior, lead or unknown as the title states it (lead words win over senior)."""
    text = title or ""
    for seniority, pattern in _SENIORITY_RULES:
        if pattern.search(text):
            return seniority
    return "unknown"


def title_features(title: str | None) -> str:
    """Return the title lower-cased with abbreviations expanded and pay/number noise removed."""
    text = (title or "").lower().replace("&", " and ")
    text = _NOISE.sub(" ", text)
    for pattern, replacement in _ABBREVIATION_PATTERNS:
        text = pattern.sub(replacement, text)
    return " ".join(text.replace("/", " / ").split())


def training_titles(taxonomy: Taxonomy) -> tuple[list[str], list[str]]:
    """Return (titles, role ids) to train on: role names and titles from roles.yaml plus labelled_titles.tsv."""
    pairs = [(t, r.role_id) for r in taxonomy.roles.values() for t in (r.name, *r.titles)]
    pairs += [(t, r) for t, r in taxonomy.labelled_titles if r in taxonomy.roles or r == OTHER_ROLE]
    return [t for t, _ in pairs], [r for _, r in pairs]


class RoleClassifier:
    """A fitted title → role model; use fit_role_classifier to build one."""

    def __init__(self, pipeline: Pipeline, settings: ClassifierSettings):
        self.pipeline = pipeline
        self.settings = settings
        self.classes: list[str] = list(pipeline.classes_)

    def predict(self, titles: Sequence[str | None]) -> pd.DataFrame:
        """Return one row per title: role_id (or `other`), role_confidence (calibrated probability), seniority."""
        titles = list(titles)
        if not titles:
            return pd.DataFrame({"role_id": pd.Series(dtype="object"), "role_confidence": pd.Series(dtype="float64"),
                                 "seniority": pd.Series(dtype="object")})
        # Titles repeat a lot: each distinct one is classified once, and its row repeated for every occurrence.
        index_of: dict[str, int] = {}
        occurrences = [index_of.setdefault(key, len(index_of)) for key in map(_title_key, titles)]
        unique = list(index_of)
        probabilities = self.pipeline.predict_proba([title_features(t) for t in unique])
        best = probabilities.argmax(axis=1)
        distinct = []
        for title, row, index in zip(unique, probabilities, best):
            role_id, confidence = self.classes[index], float(row[index])
            if not title.strip():
                role_id, confidence = OTHER_ROLE, 1.0
            elif role_id != OTHER_ROLE and confidence < self.settings.min_confidence:
                # Too unsure for any role: `other`, with the probability that the best candidate is wrong.
                role_id, confidence = OTHER_ROLE, 1.0 - confidence
            distinct.append((role_id, round(confidence, 6), seniority_from_title(title)))
        by_title = pd.DataFrame(distinct, columns=["role_id", "role_confidence", "seniority"])
        return by_title.take(np.asarray(occurrences, dtype=np.intp)).reset_index(drop=True)


def _title_key(title: str | None) -> str:
    """Return the text a title is classified by: "" for a missing title."""
    return "" if title is None or (isinstance(title, float) and np.isnan(title)) else str(title)


def role_pipeline(settings: ClassifierSettings) -> Pipeline:
    """Return the unfitted TF-IDF (word + char n-grams) + calibrated linear SVM pipeline."""
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z0-9#+.]+")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
    ])
    model = CalibratedClassifierCV(
        LinearSVC(C=settings.svm_c, class_weight="balanced", random_state=settings.seed),
        method="sigmoid", cv=settings.calibration_folds,
    )
    return Pipeline([("features", features), ("model", model)])


def fit_role_classifier(
    taxonomy: Taxonomy,
    settings: ClassifierSettings = ClassifierSettings(),
    extra: Sequence[tuple[str, str]] = (),
) -> RoleClassifier:
    """Return a RoleClassifier trained on the taxonomy's titles plus optional extra (title, role_id) pairs."""
    titles, labels = training_titles(taxonomy)
    titles += [t for t, _ in extra]
    labels += [r for _, r in extra]
    pipeline = role_pipeline(settings)
    pipeline.fit([title_features(t) for t in titles], labels)
    return RoleClassifier(pipeline, settings)
