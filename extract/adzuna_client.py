"""Live Adzuna search-API client: paginated search with bounded retry and backoff; credentials never in code."""
from __future__ import annotations

import email.utils
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.adzuna.com/v1/api"
SECRET_BLOCK = "adzuna-credentials"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class AdzunaError(RuntimeError):
    """The Adzuna API refused a request, kept failing after retries, or returned something unreadable."""


class AdzunaCredentialsError(AdzunaError):
    """No Adzuna app id / key in the environment or in the Prefect Secret block."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: attempt n waits min(max_delay, base_delay * 2**n) unless Retry-After says more."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Return the seconds to wait before retry number `attempt` (0-based)."""
        backoff = min(self.max_delay, self.base_delay * (2**attempt))
        return min(self.max_delay, retry_after) if retry_after is not None else backoff


@dataclass(frozen=True)
class AdzunaCredentials:
    """An Adzuna application id and key."""

    app_id: str
    app_key: str

    def __repr__(self) -> str:
        return f"AdzunaCredentials(app_id={self.app_id!r}, app_key='***')"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Return the wait a Retry-After header asks for (delta-seconds or HTTP date), or None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def prefect_secret(name: str) -> Any:
    """Return the value of the Prefect Secret block `name`."""
    from prefect.blocks.system import Secret

    return Secret.load(name).get()


def adzuna_credentials(
    secret_block: str = SECRET_BLOCK, load_secret: Callable[[str], Any] = prefect_secret
) -> AdzunaCredentials:
    """Return credentials from ADZUNA_APP_ID / ADZUNA_APP_KEY, else from the Prefect Secret block `secret_block`."""
    app_id, app_key = os.environ.get("ADZUNA_APP_ID"), os.environ.get("ADZUNA_APP_KEY")
    if app_id and app_key:
        return AdzunaCredentials(app_id, app_key)
    try:
        value = load_secret(secret_block)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the block means "not configured here"
        raise AdzunaCredentialsError(
            "no Adzuna credentials: set ADZUNA_APP_ID and ADZUNA_APP_KEY, or create a Prefect Secret block "
            f"{secret_block!r} holding {{\"app_id\": ..., \"app_key\": ...}} ({type(exc).__name__})"
        ) from None
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict) or not value.get("app_id") or not value.get("app_key"):
        raise AdzunaCredentialsError(f"Prefect Secret block {secret_block!r} must hold {{\"app_id\", \"app_key\"}}")
    return AdzunaCredentials(str(value["app_id"]), str(value["app_key"]))


class AdzunaClient:
    """Adzuna search API over httpx; `search` yields response pages."""

    def __init__(
        self,
        app_id: str,
        app_key: str,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.Client | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not app_id or not app_key:
            raise AdzunaCredentialsError("AdzunaClient needs an app id and an app key")
        self._credentials = AdzunaCredentials(app_id, app_key)
        self.base_url = base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=httpx.Timeout(30.0))
        self.retry = retry
        self._sleep = sleep

    @classmethod
    def from_settings(cls, secret_block: str = SECRET_BLOCK, **kwargs: Any) -> AdzunaClient:
        """Return a client with credentials from the environment or the Prefect Secret block."""
        credentials = adzuna_credentials(secret_block)
        return cls(credentials.app_id, credentials.app_key, **kwargs)

    def __enter__(self) -> AdzunaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client when this client created it."""
        if self._owns_http:
            self._http.close()

    def _redacted(self, message: str) -> str:
        """Return `message` with the app key (and id) blanked out, for logs and errors."""
        return message.replace(self._credentials.app_key, "***").replace(self._credentials.app_id, "***")

    def _get(self, url: str, params: dict[str, Any]) -> dict[str, Any]:
        """Return the JSON object at `url`, retrying 429 / 5xx / transport errors with bounded backoff."""
        query = {"app_id": self._credentials.app_id, "app_key": self._credentials.app_key, **params}
        last_problem = ""
        for attempt in range(self.retry.max_attempts):
            retry_after = None
            try:
                response = self._http.get(url, params=query, headers={"Accept": "application/json"})
            except httpx.TransportError as exc:
                last_problem = self._redacted(f"{type(exc).__name__}: {exc}")
            else:
                if response.status_code == 200:
                    try:
                        payload = response.json()
                    except ValueError as exc:
                        raise AdzunaError(f"GET {url}: response is not JSON ({exc})") from None
                    if not isinstance(payload, dict):
                        raise AdzunaError(f"GET {url}: expected a JSON object, got {type(payload).__name__}")
                    return payload
                if response.status_code not in RETRY_STATUSES:
                    body = self._redacted(response.text[:200])
                    raise AdzunaError(f"GET {url}: HTTP {response.status_code}: {body}")
                last_problem = f"HTTP {response.status_code}"
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt + 1 < self.retry.max_attempts:
                wait = self.retry.delay(attempt, retry_after)
                log.warning("GET %s: %s; retry %d in %.1fs", url, last_problem, attempt + 1, wait)
                self._sleep(wait)
        raise AdzunaError(f"GET {url}: gave up after {self.retry.max_attempts} attempts ({last_problem})")

    def search(
        self,
        country: str = "gb",
        what: str | None = None,
        where: str | None = None,
        max_pages: int = 10,
        results_per_page: int = 50,
        **filters: Any,
    ) -> Iterator[dict[str, Any]]:
        """Return search-response pages 1..max_pages, stopping early at an empty page or the reported count."""
        params: dict[str, Any] = {"results_per_page": results_per_page, "content-type": "application/json"}
        if what:
            params["what"] = what
        if where:
            params["where"] = where
        params.update({k: v for k, v in filters.items() if v is not None})
        for page in range(1, max_pages + 1):
            payload = self._get(f"{self.base_url}/jobs/{country}/search/{page}", params)
            results = payload.get("results")
            if not isinstance(results, list):
                raise AdzunaError(f"page {page}: response has no `results` list")
            if not results:
                return
            yield payload
            count = payload.get("count")
            if isinstance(count, int) and page * results_per_page >= count:
                return
