"""The Slack Web API client: Slack's base URL (or ``SLACK_API_URL``), rate limits honoured.

When Slack answers HTTP 429, the call waits the ``Retry-After`` seconds it names and
tries again (up to ``max_retries`` times); a wait longer than ``max_wait`` is not
waited out in-process: the call fails, and a digest stays in the outbox for later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.common.http import parse_retry_after

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
DEFAULT_MAX_RETRIES = 3
DEFAULT_MAX_WAIT = 30.0


def retry_after(response: HttpResponse) -> float:
    """The seconds to wait that a 429 response names (1 when it names none or nonsense)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) and values else values
            wait = parse_retry_after(str(value), lenient=True, dates=False)
            return 1.0 if wait is None else wait
    return 1.0


class RateLimitRetry(AsyncRetryHandler):
    """Retries a call that Slack rate-limited, after the ``Retry-After`` it asked for.

    ``sleep`` is injected so tests see the waits without waiting.
    """

    def __init__(
        self,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_wait: float = DEFAULT_MAX_WAIT,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(max_retry_count=max_retries)
        self.max_wait = max_wait
        self.sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response)
        if wait > self.max_wait:
            log.warning("Slack asked to wait %.0f s before retrying; not waiting that long", wait)
            return False
        return True

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = retry_after(response) if response is not None else 1.0
        log.info("rate limited by Slack on %s; retrying in %.1f s", request.url, wait)
        await self.sleep(wait)
        state.next_attempt_requested = True
        state.increment_current_attempt()


def web_client(
    *,
    token: str,
    base_url: str,
    session: aiohttp.ClientSession | None = None,
    sleep: Sleep = asyncio.sleep,
    max_retries: int = DEFAULT_MAX_RETRIES,
) -> AsyncWebClient:
    """An ``AsyncWebClient`` for ``base_url`` that waits out rate limits and retries resets."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        timeout=15,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitRetry(max_retries=max_retries, sleep=sleep),
        ],
    )
