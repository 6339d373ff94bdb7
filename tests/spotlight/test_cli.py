"""The CLI's warm start: what a refresh loads while Prefect's temporary API boots."""
from __future__ import annotations

from spotlight import cli
from spotlight.settings import PROJECT_ROOT, RunSettings


def test_a_failing_warm_start_step_is_left_for_the_flow_to_report():
    calls = []

    def failing(*args):
        calls.append(args)
        raise RuntimeError("taxonomy folder is gone")

    cli._started_quietly(failing, "a", 1)  # does not raise: the flow meets the same error and reports it
    assert calls == [("a", 1)]


def test_with_a_configured_api_no_temporary_server_is_started_and_the_bundle_is_loaded():
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.tasks import _taxonomy_bundle

    settings = RunSettings.default().with_paths(taxonomy=PROJECT_ROOT / "data" / "taxonomy")
    servers = dict(SubprocessASGIServer._instances)
    _taxonomy_bundle.cache_clear()
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):  # a server the user runs: not started here
        cli._warm_start(settings)
    assert SubprocessASGIServer._instances == servers
    assert _taxonomy_bundle.cache_info().currsize == 1  # the flow's first task finds it loaded
