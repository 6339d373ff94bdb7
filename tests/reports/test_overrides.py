"""Editorial overrides files: accepted shapes and clear errors."""
from __future__ import annotations

import pytest

from reports.overrides import OverridesError, combo_key, role_overrides
from tests.reports.conftest import MLE, OVERRIDES_DIR


def test_project_overrides_file_loads():
    overrides = role_overrides(OVERRIDES_DIR, MLE)
    assert overrides.about.startswith("A Machine Learning Engineer sits at the intersection")
    assert set(overrides.gaps) == {
        "gap_production_mlops", "gap_software_engineering_rigour", "gap_llm_fine_tuning_rag", "gap_distributed_training",
    }
    assert set(overrides.combinations) == {
        "aws+llm_fine_tuning_rag+pytorch", "kubernetes+mlops+terraform", "apache_spark+deep_learning+gcp",
    }
    assert len(overrides.adjacent) == 5 and set(overrides.career) == {"entry_routes"}


def test_missing_dir_or_file_means_no_overrides(tmp_path):
    assert role_overrides(None, MLE).about is None
    assert role_overrides(tmp_path, MLE).gaps == {}


@pytest.mark.parametrize("text, message", [
    ("about: [1, 2", "not valid YAML"),                        # broken YAML
    ("- a list\n", "expected a mapping at the top level"),     # wrong top-level shape
    ("abuot: typo\n", "unknown key"),                          # misspelt key
    ("role_id: data-scientist\n", "does not match the file name"),  # file for another role
    ("gaps:\n  gap_x: 3\n", "gaps.gap_x: expected non-empty text"),  # a number where text belongs
    ("career:\n  progresion: text\n", "unknown key 'progresion'"),  # misspelt career key
])
def test_bad_overrides_give_a_clear_error(tmp_path, text, message):
    (tmp_path / f"{MLE}.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(OverridesError, match=message):
        role_overrides(tmp_path, MLE)


@pytest.mark.parametrize("key, expected", [
    ("pytorch+aws", "aws+pytorch"),          # sorted
    (" aws + pytorch ", "aws+pytorch"),      # spaces ignored
])
def test_combo_key(key, expected):
    assert combo_key(key) == expected
