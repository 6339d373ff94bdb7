"""Adzuna API client against a loopback HTTP server replaying recorded pages."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from extract.adzuna_client import (
    AdzunaClient,
    AdzunaCredentialsError,
    AdzunaError,
    RetryPolicy,
    adzuna_credentials,
    retry_after_seconds,
)

PAGES = Path(__file__).parent / "fixtures" / "sources" / "api"
SEARCH = "/v1/api/jobs/gb/search/"


class Replay:
    """Scripted responses per path: a list of (status, headers, body) served in order, the last one repeated."""

    def __init__(self, script: dict[str, list[tuple[int, dict[str, str], bytes]]]) -> None:
        self.script = script
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.lock = threading.Lock()

    def respond(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.requests.append((path, query))
            queue = self.script.get(path, [(404, {}, b'{"exception": "NOT_FOUND"}')])
            return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def server() -> Iterator[tuple[str, Replay]]:
    replay = Replay({})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            url = urlparse(self.path)
            status, headers, body = replay.respond(url.path, parse_qs(url.query))
            self.send_response(status)
            for key, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1/api", replay
    finally:
        httpd.shutdown()
        httpd.server_close()


def page(n: int) -> tuple[int, dict[str, str], bytes]:
    return 200, {}, (PAGES / f"search-{n}.json").read_bytes()


def client(base_url: str, waits: list[float], attempts: int = 4) -> AdzunaClient:
    return AdzunaClient(
        "test-id", "test-key-SECRET", base_url=base_url, http=httpx.Client(timeout=5),
        retry=RetryPolicy(max_attempts=attempts, base_delay=0.5, max_delay=8.0), sleep=waits.append,
    )


def test_search_pages_with_429_then_success_and_500_then_success(server) -> None:
    base_url, replay = server
    replay.script = {
        SEARCH + "1": [(429, {"Retry-After": "3"}, b'{"exception": "RATE_LIMIT"}'), page(1)],
        SEARCH + "2": [(500, {}, b"oops"), page(2)],
    }
    waits: list[float] = []
    pages = list(client(base_url, waits).search(what="machine learning", where="uk", results_per_page=2, max_pages=5))
    assert [r["id"] for p in pages for r in p["results"]] == ["4700000101", "4700000102", "4700000103"]
    # Retry-After asked for 3 s; the 500 got the first backoff step (0.5 s).
    assert waits == [3.0, 0.5]
    # page 2 holds result 3 of count 3: no request for page 3
    assert [path for path, _ in replay.requests] == [SEARCH + "1", SEARCH + "1", SEARCH + "2", SEARCH + "2"]
    query = replay.requests[0][1]
    assert query["app_id"] == ["test-id"] and query["what"] == ["machine learning"] and query["results_per_page"] == ["2"]


def test_empty_page_ends_the_search(server) -> None:
    base_url, replay = server
    replay.script = {SEARCH + "1": [page(1)], SEARCH + "2": [(200, {}, b'{"count": 99, "results": []}')]}
    pages = list(client(base_url, []).search(results_per_page=2, max_pages=5))
    assert len(pages) == 1


def test_max_pages_bounds_the_search(server) -> None:
    base_url, replay = server
    replay.script = {SEARCH + "1": [page(1)], SEARCH + "2": [page(2)]}
    assert len(list(client(base_url, []).search(results_per_page=1, max_pages=1))) == 1


def test_persistent_503_gives_up_with_bounded_backoff(server) -> None:
    base_url, replay = server
    replay.script = {SEARCH + "1": [(503, {}, b"down")]}
    waits: list[float] = []
    with pytest.raises(AdzunaError, match="gave up after 4 attempts"):
        list(client(base_url, waits).search())
    assert waits == [0.5, 1.0, 2.0]  # doubling, three waits between four attempts


def test_client_error_is_not_retried_and_hides_the_key(server) -> None:
    base_url, replay = server
    replay.script = {SEARCH + "1": [(401, {}, b'{"exception": "AUTH_FAIL", "app_key": "test-key-SECRET"}')]}
    with pytest.raises(AdzunaError) as info:
        list(client(base_url, []).search())
    assert "HTTP 401" in str(info.value) and "test-key-SECRET" not in str(info.value)
    assert len(replay.requests) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),  # delta-seconds
        ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),  # HTTP date, 10 s after "now" below
        ("soon", None),  # unreadable: fall back to backoff
        (None, None),
    ],
)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    now = 1445412480.0  # 2015-10-21 07:28:00 UTC
    assert retry_after_seconds(header, now=now) == expected


def test_retry_after_is_capped_by_max_delay() -> None:
    assert RetryPolicy(max_delay=8.0).delay(0, retry_after=3600.0) == 8.0


def test_credentials_from_environment(monkeypatch) -> None:
    monkeypatch.setenv("ADZUNA_APP_ID", "env-id")
    monkeypatch.setenv("ADZUNA_APP_KEY", "env-key")
    creds = adzuna_credentials(load_secret=lambda name: pytest.fail("the block is not needed"))
    assert (creds.app_id, creds.app_key) == ("env-id", "env-key")
    assert "env-key" not in repr(creds)


@pytest.mark.parametrize(
    "secret",
    [
        {"app_id": "block-id", "app_key": "block-key"},  # Secret block holding a JSON object
        json.dumps({"app_id": "block-id", "app_key": "block-key"}),  # ...or JSON text
    ],
)
def test_credentials_from_prefect_secret_block(monkeypatch, secret: object) -> None:
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.delenv("ADZUNA_APP_KEY", raising=False)
    seen: list[str] = []
    creds = adzuna_credentials("adzuna-credentials", load_secret=lambda name: seen.append(name) or secret)
    assert (creds.app_id, creds.app_key, seen) == ("block-id", "block-key", ["adzuna-credentials"])


def test_no_credentials_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.delenv("ADZUNA_APP_KEY", raising=False)

    def no_block(name: str) -> object:
        raise ValueError(f"Unable to find block document named {name}")

    with pytest.raises(AdzunaCredentialsError, match="ADZUNA_APP_ID"):
        adzuna_credentials(load_secret=no_block)


def test_adzuna_api_source_lands_through_config(server, tmp_path: Path, monkeypatch) -> None:
    base_url, replay = server
    replay.script = {SEARCH + "1": [page(1)], SEARCH + "2": [page(2)]}
    monkeypatch.setenv("ADZUNA_APP_ID", "env-id")
    monkeypatch.setenv("ADZUNA_APP_KEY", "env-key")
    (tmp_path / "sources.yaml").write_text(
        "market: uk\nsources:\n  - name: adzuna_live\n    format: adzuna_api\n"
        f"    options: {{what: machine learning, results_per_page: 2, max_pages: 3, base_url: '{base_url}'}}\n",
        encoding="utf-8",
    )
    from extract.ingest import land
    from extract.sources import load_market_config

    landed = land(load_market_config(tmp_path / "sources.yaml"), "2024-03")
    assert landed.postings["source_id"].tolist() == ["4700000101", "4700000102", "4700000103"]
    predicted = landed.postings["salary_is_predicted"]
    assert predicted.isna().tolist() == [False, False, True]  # the contract ad has no salary at all
    assert predicted.iloc[:2].tolist() == [False, True]
    assert replay.requests[0][1]["app_key"] == ["env-key"]
