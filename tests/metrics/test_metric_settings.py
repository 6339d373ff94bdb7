"""MetricSettings: defaults match the seed page, files load, and bad values are refused with reasons."""
from __future__ import annotations

from pathlib import Path

import pytest

from metrics.settings import (
    MetricSettings, MetricSettingsError, load_metric_settings, metric_settings_from_mapping, report_role_ids,
)


def test_defaults_match_the_seed_page():
    settings = MetricSettings()
    assert (settings.essential_min_pct, settings.desirable_min_pct) == (60.0, 30.0)
    assert settings.trend_months == 13


@pytest.mark.parametrize(
    "name, text",
    [
        ("metrics.toml", "essential_min_pct = 65\nmin_pay_n = 25\nreport_roles = ['mle']\n"),  # top level
        ("metrics.yaml", "metrics:\n  essential_min_pct: 65\n  min_pay_n: 25\n  report_roles: [mle]\n"),  # section
    ],
)
def test_load_from_file(tmp_path: Path, name, text):
    path = tmp_path / name
    path.write_text(text)
    settings = load_metric_settings(path)
    assert settings.essential_min_pct == 65.0
    assert isinstance(settings.essential_min_pct, float)
    assert settings.min_pay_n == 25
    assert settings.report_roles == ("mle",)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"essential_min_pct": 20.0}, "desirable_min_pct <= essential_min_pct"),  # essential under desirable
        ({"combo_max_size": 4}, "combo"),                                          # only pairs and triples
        ({"min_pay_n": 0}, "min_pay_n"),                                           # a sample needs a member
        ({"min_pay_n": "20"}, "wrong type"),                                       # a string is not a count
        ({"min_pay_n": 2.5}, "wrong type"),                                        # nor is a fraction
        ({"essential_min": 60}, "unknown metric setting"),                          # a typo is not ignored
        ({"emerging_min_months_observed": 14}, "emerging_min_months_observed"),     # more than the window
        ({"combo_max_candidates": 1024}, "at most 1023"),                          # ranks pack in 10 bits
    ],
)
def test_bad_settings_are_refused(values, message):
    with pytest.raises(MetricSettingsError, match=message):
        metric_settings_from_mapping(values)


def test_missing_or_unparseable_file(tmp_path: Path):
    with pytest.raises(MetricSettingsError, match="not found"):
        load_metric_settings(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("essential_min_pct = = 3")
    with pytest.raises(MetricSettingsError, match="cannot parse"):
        load_metric_settings(broken)


def test_report_roles_come_from_roles_yaml():
    roles = report_role_ids(MetricSettings())
    assert "machine-learning-engineer" in roles
    assert "head-of-machine-learning" not in roles  # history-only role


def test_report_roles_file_without_report_roles(tmp_path: Path):
    path = tmp_path / "roles.yaml"
    path.write_text("roles:\n  - id: a\n    report: false\n")
    with pytest.raises(MetricSettingsError, match="no role"):
        report_role_ids(MetricSettings(roles_file=path))
