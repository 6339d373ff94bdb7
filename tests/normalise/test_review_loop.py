"""The review loop end to end: unmatched string → queue export → accepted alias → matched on the next load."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from normalise.cli import app
from normalise.review import (
    ReviewError, accept_alias, export_review_queue, parse_acceptance, review_queue_from_csv,
    review_queue_from_warehouse,
)
from normalise.taxonomy import load_taxonomy

QUEUE = pd.DataFrame({"text": ["kube ctl", "dockr swarm"], "occurrences": [2, 5], "suggestions": ["kubernetes:80", None]})


def test_accepted_alias_takes_effect_on_next_load(tiny_taxonomy_dir):
    assert load_taxonomy(tiny_taxonomy_dir).match("kube ctl") is None
    assert accept_alias(tiny_taxonomy_dir, "kube ctl", "kubernetes") is True
    assert accept_alias(tiny_taxonomy_dir, "kube ctl", "kubernetes") is False  # idempotent
    found = load_taxonomy(tiny_taxonomy_dir).match("Kube-Ctl")
    assert (found.skill_id, found.method) == ("kubernetes", "alias")


@pytest.mark.parametrize(
    "alias, skill_id, message",
    [
        ("kube ctl", "ghost", "unknown skill"),  # no such skill
        ("k8s", "docker", "already names skill 'kubernetes'"),  # the alias belongs to another skill
    ],
)
def test_bad_acceptance_is_a_clear_error(tiny_taxonomy_dir, alias, skill_id, message):
    with pytest.raises(ReviewError, match=message):
        accept_alias(tiny_taxonomy_dir, alias, skill_id)


def test_parse_acceptance():
    assert parse_acceptance("pytorch lightning = pytorch") == ("pytorch lightning", "pytorch")
    with pytest.raises(ReviewError):
        parse_acceptance("no equals sign")


def test_export_and_read_back_sorted(tmp_path):
    file = export_review_queue(QUEUE, tmp_path / "queue.csv")
    assert review_queue_from_csv(file)["text"].tolist() == ["dockr swarm", "kube ctl"]


def test_queue_from_warehouse(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table skill_review (market varchar, period varchar, text varchar, occurrences bigint, suggestions varchar)")
        con.execute("insert into skill_review values ('uk','2026-04','a',1,null), ('uk','2026-04','b',3,'x:90'), ('uk','2026-03','c',9,null)")
    assert review_queue_from_warehouse(warehouse, "2026-04")["text"].tolist() == ["b", "a"]


def test_cli_review_accept_and_check(tiny_taxonomy_dir, tmp_path):
    runner = CliRunner()
    queue = export_review_queue(QUEUE, tmp_path / "queue.csv")
    result = runner.invoke(app, ["review", str(queue), "--taxonomy", str(tiny_taxonomy_dir), "--accept",
                                 "kube ctl=kubernetes", "--export", str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    assert "accepted" in result.output and (tmp_path / "out.csv").is_file()
    assert runner.invoke(app, ["check", "--taxonomy", str(tiny_taxonomy_dir)]).exit_code == 0
    (tiny_taxonomy_dir / "groups.yaml").write_text("groups:\n  - {id: g, name: G, kind: group, members: [nope]}\n")
    failed = runner.invoke(app, ["check", "--taxonomy", str(tiny_taxonomy_dir)])
    assert failed.exit_code == 1 and "dangling_member" in failed.output


def test_cli_review_missing_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["review", str(tmp_path / "none.csv")])
    assert result.exit_code == 1 and "review-queue file" in " ".join(result.output.split())
