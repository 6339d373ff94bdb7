"""`kill -9` mid-run, then a re-run: the re-run succeeds and publishes exactly what an uninterrupted run does."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.flows.test_monthly_refresh import published_digests

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def refresh_command(paths) -> list[str]:
    return [
        sys.executable, "-m", "spotlight", "refresh", "--period", "2026-04", "--sources", str(paths.sources),
        "--warehouse", str(paths.warehouse), "--output", str(paths.output),
    ]


def cli_env(home: Path) -> dict[str, str]:
    return {
        **os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING", "PYTHONPATH": str(PROJECT_ROOT), "COLUMNS": "200",
    }


def run_to_completion(paths, home: Path) -> None:
    done = subprocess.run(refresh_command(paths), env=cli_env(home), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def kill_when(paths, home: Path, marker: str) -> str:
    """Start a refresh and SIGKILL its whole process group as soon as `marker` appears in its progress output."""
    process = subprocess.Popen(
        refresh_command(paths), env=cli_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    seen = []
    deadline = time.monotonic() + 300
    assert process.stderr is not None
    for line in process.stderr:
        seen.append(line)
        if marker in line or time.monotonic() > deadline:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "".join(seen)[-2000:]
    return "".join(seen)


@pytest.fixture(scope="module")
def warm_home(tmp_path_factory) -> Path:
    """A PREFECT_HOME whose database one short flow run has created and migrated (a fresh one costs 20-40 s)."""
    home = tmp_path_factory.mktemp("prefect-home")
    code = "from prefect import flow; flow(name='warm-up')(lambda: None)()"
    env = {**cli_env(home), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return home


@pytest.mark.parametrize(
    "marker",
    [
        "ingest 2026-03",  # killed after the first months landed, while ingest goes on
        "metrics 2026-04",  # killed after the metrics were written, before or while publishing
    ],
)
def test_killed_run_then_rerun_matches_an_uninterrupted_run(reference_run, run_paths, tmp_path, warm_home, marker):
    _, reference, _ = reference_run
    home = tmp_path / "home-killed"
    shutil.copytree(warm_home, home)  # Prefect's database already migrated: the runs start in seconds
    seen = kill_when(run_paths, home, marker)
    assert marker in seen
    latest = run_paths.output / "latest"
    if latest.exists():  # a reader may only ever see a complete period
        assert (run_paths.output / "periods" / "2026-04" / "uk" / "machine-learning-engineer.json").exists()

    run_to_completion(run_paths, home)
    assert published_digests(run_paths.output) == published_digests(Path(reference["output"]))
