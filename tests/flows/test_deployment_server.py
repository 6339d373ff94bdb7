"""The scheduled deployment on a real `prefect server`: registered with its cron, triggered, run to completion."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.server
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PREFECT = Path(sys.executable).parent / "prefect"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(api_url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prefect server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"prefect server not healthy after {seconds}s")


def prefect_python(code: str, env: dict[str, str], timeout: float) -> str:
    """Run Python against the server in a fresh interpreter (this test process uses the test harness)."""
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_monthly_deployment_runs_on_a_real_server(run_paths, tmp_path):
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    served = None
    try:
        wait_for_health(api_url, server, 120)
        served = subprocess.Popen(
            [sys.executable, "-m", "spotlight", "serve", "--sources", str(run_paths.sources),
             "--warehouse", str(run_paths.warehouse), "--output", str(run_paths.output)],
            env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        schedule = prefect_python(
            "import asyncio, json, time\n"
            "from prefect.client.orchestration import get_client\n"
            "async def main():\n"
            "    async with get_client() as client:\n"
            "        for _ in range(90):\n"
            "            try:\n"
            "                d = await client.read_deployment_by_name('monthly_refresh/monthly')\n"
            "                break\n"
            "            except Exception:\n"
            "                await asyncio.sleep(1)\n"
            "        s = d.schedules[0].schedule\n"
            "        print(json.dumps({'cron': s.cron, 'timezone': s.timezone}))\n"
            "asyncio.run(main())\n",
            env, timeout=150,
        )
        assert json.loads(schedule) == {"cron": "0 6 2 * *", "timezone": "Europe/London"}

        state = prefect_python(
            "from prefect.deployments import run_deployment\n"
            "run = run_deployment('monthly_refresh/monthly', parameters={'period': '2026-04'}, timeout=600,"
            " poll_interval=2)\n"
            "print(run.state.type.value)\n",
            env, timeout=660,
        )
        assert state.splitlines()[-1] == "COMPLETED"
        page = run_paths.output / "periods" / "2026-04" / "uk" / "machine-learning-engineer.html"
        assert page.exists()
        latest = json.loads((run_paths.output / "latest").read_text())
        assert latest["markets"]["uk"]["period"] == "2026-04"
    finally:
        for process in (served, server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        log.close()
