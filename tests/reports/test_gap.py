"""Personal skills-gap analysis against a spotlight document."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from reports.gap import GapError, gap_analysis, published_document, skill_texts


@dataclass(frozen=True)
class FakeMatch:
    skill_id: str
    score: float
    method: str


class FakeTaxonomy:
    """Maps a few surfaces the way normalise.taxonomy would (exact, alias, fuzzy)."""

    SURFACES = {"python": ("python", "exact"), "pytorch": ("pytorch", "exact"), "k8s": ("kubernetes", "alias"),
                "sql": ("sql", "exact"), "aws": ("aws", "exact"), "pyhton": ("python", "fuzzy"),
                "llm fine-tuning": ("llm_fine_tuning_rag", "alias")}

    def match(self, text):
        found = self.SURFACES.get(text.lower())
        return FakeMatch(found[0], 100.0 if found[1] != "fuzzy" else 90.0, found[1]) if found else None


@pytest.mark.parametrize("text, expected", [
    ("python, pytorch, k8s, sql", ["python", "pytorch", "k8s", "sql"]),  # the CLI example
    ("Python;\n python ,, SQL", ["Python", "SQL"]),                      # separators, duplicates, blanks
    ("  ", []),                                                          # nothing typed
])
def test_skill_texts(text, expected):
    assert skill_texts(text) == expected


def test_have_lack_and_coverage(mle):
    result = gap_analysis(mle, FakeTaxonomy(), "python, pytorch, k8s, sql, cobol")
    assert result.have == {"essential": ("Python", "TensorFlow or PyTorch", "SQL"), "desirable": (), "emerging": ()}
    assert result.lack == {
        "essential": ("Communication with Non-Technical Stakeholders",),
        "desirable": ("Feature Engineering", "Airflow"),
        "emerging": ("LLM Fine-tuning & RAG",),
    }
    # Listed demand: 92 + 78 + 72 + 62 + 52 + 38 + 35 = 429; covered 92 + 78 + 72 = 242 -> 56.4%.
    assert result.coverage_pct == 56.4
    assert [m.skill_id for m in result.matched] == ["python", "pytorch", "kubernetes", "sql"]
    assert result.unmatched == ("cobol",)


def test_near_combinations_are_one_skill_away(mle):
    result = gap_analysis(mle, FakeTaxonomy(), "pytorch, aws")
    assert [(n.name, n.missing, n.uplift_label) for n in result.near_combinations] == [
        ("LLM Fine-tuning & RAG + PyTorch + AWS", "LLM Fine-tuning & RAG", "+22%"),
    ]
    # With python only, "Python + SQL" is one away; the 3-skill combination is two away.
    result = gap_analysis(mle, FakeTaxonomy(), "pyhton")
    assert [(n.missing, n.uplift_label) for n in result.near_combinations] == [("SQL", "+10%")]
    assert result.matched[0].method == "fuzzy"


def test_nothing_typed_covers_nothing(mle):
    result = gap_analysis(mle, FakeTaxonomy(), "")
    assert result.coverage_pct == 0.0 and result.have["essential"] == ()


def test_published_document_errors_are_clear(tmp_path):
    with pytest.raises(GapError, match="no `latest` pointer"):
        published_document(tmp_path, "machine-learning-engineer")
    with pytest.raises(GapError, match="no spotlight for role 'nope' in uk 2026-04"):
        published_document(tmp_path, "nope", period="2026-04")


def test_gap_command_with_the_project_taxonomy(warehouse, documents, tmp_path):
    taxonomy_module = pytest.importorskip("normalise.taxonomy", reason="normalise.taxonomy is not available")
    import typer
    from typer.testing import CliRunner

    from reports.gap import gap_command
    from reports.html import render_role_page
    from reports.publish import publish_period
    from tests.reports.conftest import MARKET, PERIOD

    pages = {d["role"]["id"]: render_role_page(d, aliases={}) for d in documents}
    publish_period(None, tmp_path, MARKET, PERIOD, documents, pages, None, {}, con=warehouse)
    root = typer.Typer()
    root.command("gap")(gap_command)

    @root.callback()
    def main() -> None:
        """Group mode, as when mounted on the spotlight CLI."""

    runner = CliRunner()
    result = runner.invoke(root, ["gap", "--role", "machine-learning-engineer", "--skills", "python, pytorch, k8s, sql",
                                  "--published", str(tmp_path)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "k8s → kubernetes (alias)" in result.output
    assert "Demand-weighted coverage: 56%" in result.output
    result = runner.invoke(root, ["gap", "--role", "nope", "--skills", "python", "--published", str(tmp_path)])
    assert result.exit_code == 2 and "no spotlight for role 'nope'" in result.output
    # The real taxonomy maps the CLI example the same way the fake one does.
    real = gap_analysis(documents[1], taxonomy_module.load_taxonomy(), "python, pytorch, k8s, sql")
    assert real.coverage_pct == 56.4
