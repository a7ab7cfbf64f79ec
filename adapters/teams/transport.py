"""HTTP to the Bot Connector (Teams' ``serviceUrl``): one aiohttp session, with retries.

A 429 or 5xx answer, or a connection error, is tried again with backoff, waiting as long
as ``Retry-After`` says. The final answer is handed back to msrest as it came, so a
failure still raises where botbuilder expects it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from msrest.exceptions import ClientRequestError
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse

from adapters.common.http import parse_retry_after as retry_after

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class _Response(AsyncClientResponse):
    """A finished response, body loaded, in the shape msrest reads."""

    def __init__(self, request: ClientRequest, status: int, headers: Any, reason: str, body: bytes):
        super().__init__(request, None)
        # msrest's errors read the status from ``internal_response``; this object has it.
        self.internal_response = self
        self.status_code = status
        self.headers = headers
        self.reason = reason
        self._body = body

    def body(self) -> bytes:
        return self._body


class ConnectorTransport:
    """Sends the connector's HTTP requests through one aiohttp session, with retries.

    A 429 or 5xx answer, or a connection error, is tried again up to ``attempts`` times in
    all, waiting ``Retry-After`` when the server gives it and otherwise an exponential
    backoff, each wait at most ``max_delay`` seconds. The last answer is returned as it is,
    so the caller sees the failure. ``sleep`` is injected so tests need not wait.
    """

    def __init__(
        self,
        *,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 10.0,
        timeout: float = 20.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.attempts = max(attempts, 1)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None

    def _client_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Created on first use, inside the running event loop as aiohttp requires.
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, connector=aiohttp.TCPConnector(limit=100)
            )
        return self._session

    def _backoff(self, attempt: int) -> float:
        delay: float = self.base_delay * (2**attempt) * (0.5 + random.random() / 2)
        return delay

    async def send(self, request: ClientRequest) -> _Response:
        """Send ``request``; retry throttling and server errors; return the final answer."""
        session = self._client_session()
        headers = dict(request.headers)
        for attempt in range(self.attempts):
            last = attempt == self.attempts - 1
            try:
                async with session.request(
                    request.method, request.url, headers=headers, data=request.data
                ) as answer:
                    body = await answer.read()
            except (TimeoutError, aiohttp.ClientError) as error:
                if last:
                    raise ClientRequestError(
                        f"the Bot Connector could not be reached: {error}"
                    ) from error
                delay = self._backoff(attempt)
                log.warning(
                    "connector %s %s failed (%s); retrying in %.1fs",
                    request.method,
                    request.url,
                    error,
                    delay,
                )
            else:
                if answer.status not in RETRY_STATUSES or last:
                    return _Response(
                        request, answer.status, answer.headers, answer.reason or "", body
                    )
                waited = retry_after(answer.headers.get("Retry-After"))
                delay = self._backoff(attempt) if waited is None else waited
                log.warning(
                    "connector %s %s answered %s; retrying in %.1fs",
                    request.method,
                    request.url,
                    answer.status,
                    delay,
                )
            await self._sleep(min(delay, self.max_delay))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def close(self) -> None:
        """Close the HTTP session (open connections to the connector)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
