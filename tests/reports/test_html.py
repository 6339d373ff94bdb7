"""The role page and the index, without a browser: sections, escaping, self-containment."""
from __future__ import annotations

import copy
import json
import re

from reports.html import IndexEntry, gap_form_data, render_index, render_role_page

SECTION_ORDER = ["headline", "about", "skills", "gaps", "salary", "day-rates", "combinations", "adjacent",
                 "career", "faq", "trends", "gap-analysis"]


def test_sections_in_the_seed_order(mle):
    page = render_role_page(mle, aliases={})
    positions = [page.index(f'id="{section}"') for section in SECTION_ORDER]
    assert positions == sorted(positions)


def test_page_shows_the_numbers(mle):
    page = render_role_page(mle, aliases={})
    for text in ("£70,000", "£105,000", "+21%", "£650/day", "70% demand vs 28% supply (42-point gap)",
                 "LLM Fine-tuning &amp; RAG + PyTorch + AWS", "+22%", "~24 months", "What Skills Do Machine Learning Engineers Need in 2026?",
                 "Not published — n = 8 is under the minimum of 20", "Updated April 2026"):
        assert text in page, text


def test_untrusted_text_is_escaped(mle):
    doc = copy.deepcopy(mle)
    doc["role"]["name"] = 'Engineer <script>alert("x")</script>'
    doc["skills"][0]["name"] = "<img src=x onerror=alert(1)>"
    page = render_role_page(doc, aliases={})
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page and "&lt;img src=x" in page
    data = re.search(r'<script type="application/json" id="gap-data">(.*?)</script>', page, re.S).group(1)
    assert "</script" not in data
    assert json.loads(data)["role"] == 'Engineer <script>alert("x")</script>'


def test_page_loads_nothing_from_outside(mle):
    page = render_role_page(mle, aliases={})
    assert "<link" not in page and " src=" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace name, never fetched


def test_trend_chart_is_inline_svg_with_one_line_per_series(mle):
    page = render_role_page(mle, aliases={})
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<polyline") == 3
    assert "Apr 25" in svg and "Apr 26" in svg


def test_gap_form_data_embeds_units_combinations_and_aliases(mle):
    data = gap_form_data(mle, {"pytorch": ["torch", "py-torch"], "kubernetes": ["k8s"]})
    assert data["units"][1] == {"id": "tf_or_pytorch", "name": "TensorFlow or PyTorch", "tier": "essential",
                                "demand": 78.0, "skills": ["pytorch", "tensorflow"]}
    assert data["surfaces"]["pytorch"] == ["py-torch", "torch"]
    assert "kubernetes" not in data["surfaces"]  # not a skill of this page
    assert data["combos"][0]["uplift"] == "+22%"


def test_page_is_deterministic(mle):
    assert render_role_page(mle, aliases={}) == render_role_page(mle, aliases={})


def test_index_lists_roles_and_months_newest_first():
    entries = [
        {"role": {"id": "machine-learning-engineer", "name": "Machine Learning Engineer"}, "period": "2026-04", "market": "uk"},
        IndexEntry("machine-learning-engineer", "Machine Learning Engineer", "uk", "2026-03", "periods/2026-03/uk/machine-learning-engineer.html"),
        IndexEntry("data-scientist", "Data <b>Scientist</b>", "uk", "2026-04", "periods/2026-04/uk/data-scientist.html"),
    ]
    page = render_index(entries)
    assert page.index("April 2026") < page.index("March 2026")
    assert page.index("Data &lt;b&gt;Scientist") < page.index("Machine Learning Engineer</th>")
    assert 'href="periods/2026-04/uk/machine-learning-engineer.html"' in page
    assert page.count("<td>—</td>") == 1  # the data scientist has no March page


def test_page_takes_aliases_from_the_taxonomy_of_the_document(mle):
    taxonomy = __import__("pytest").importorskip("normalise.taxonomy").load_taxonomy()
    doc = copy.deepcopy(mle)
    doc["quality"]["taxonomy_version"] = taxonomy.version
    data = re.search(r'id="gap-data">(.*?)</script>', render_role_page(doc), re.S).group(1)
    assert "torch" in json.loads(data)["surfaces"]["pytorch"]
    # Another taxonomy version: names and ids only, never aliases that may not match the figures.
    data = re.search(r'id="gap-data">(.*?)</script>', render_role_page(mle), re.S).group(1)
    assert json.loads(data)["surfaces"]["pytorch"] == []
