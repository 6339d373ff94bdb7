"""Every surface form the sample generator writes into ad text extracts to its own skill, and CV typos map fuzzily."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

PARAMS = Path(__file__).resolve().parents[2] / "spotlight" / "sample" / "params.yaml"


def sample_params() -> dict:
    if not PARAMS.is_file():
        return {}
    return yaml.safe_load(PARAMS.read_text(encoding="utf-8")) or {}


SURFACES = [(sid, s) for sid, forms in (sample_params().get("surfaces") or {}).items() for s in dict.fromkeys(forms)]
TYPOS = [(sid, s) for sid, forms in (sample_params().get("cv_typos") or {}).items() for s in forms]


@pytest.mark.skipif(not SURFACES, reason="spotlight/sample/params.yaml (the sample generator's surfaces) is absent")
@pytest.mark.parametrize("skill_id, surface", SURFACES)
def test_sample_surface_extracts_to_its_skill(extractor, skill_id, surface):
    sentence = f"Strong experience with {surface} is essential."
    assert [m.skill_id for m in extractor.extract(sentence)] == [skill_id]


@pytest.mark.skipif(not TYPOS, reason="spotlight/sample/params.yaml (the sample generator's CV typos) is absent")
@pytest.mark.parametrize("skill_id, typo", TYPOS)
def test_sample_cv_typo_maps_to_its_skill(taxonomy, skill_id, typo):
    found = taxonomy.match(typo)
    assert found is not None and found.skill_id == skill_id
