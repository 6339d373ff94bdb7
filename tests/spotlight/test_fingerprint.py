"""The code fingerprint covers every source a stage's output depends on, compiled sources included."""
from __future__ import annotations

from pathlib import Path

from spotlight.fingerprint import code_files
from spotlight.settings import PROJECT_ROOT


def test_code_files_hold_sources_not_build_outputs(tmp_path: Path):
    for name in ("extract/_text.pyx", "extract/_text.c", "extract/_text.cpython-311-x86_64-linux-gnu.so",
                 "extract/text.py", "metrics/sql/pay_stats.sql", "reports/templates/page.html.j2", "docs/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in code_files(tmp_path)]
    # a Cython change must re-run the stages like a Python change; the generated C and the library must not count
    assert found == ["extract/_text.pyx", "extract/text.py", "metrics/sql/pay_stats.sql",
                     "reports/templates/page.html.j2"]


def test_the_projects_compiled_sources_are_fingerprinted():
    found = {p.relative_to(PROJECT_ROOT).as_posix() for p in code_files()}
    assert {"extract/_text.pyx", "extract/_dedupe.pyx", "normalise/_skills.pyx"} <= found
