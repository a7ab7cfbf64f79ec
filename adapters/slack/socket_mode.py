"""Socket Mode: the WebSocket transport of ``Ingress.receive``.

slack_sdk's aiohttp ``SocketModeClient`` keeps the connection (opened with the
app-level token, which is what authenticates it: no signature to check) and hands
each envelope to ``answer``, which passes its payload to ``receive`` and sends the
``Ack`` back with the envelope's id. Events, the slash command and interactivity
arrive with the same payloads as over HTTP.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any, Protocol

from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.ingress import Receive
from adapters.slack.work import WorkQueue

log = logging.getLogger(__name__)

PING_INTERVAL_SECONDS = 10.0
"""How often the connection is checked with a ping (what slack-bolt's handler uses)."""


class Responder(Protocol):
    """The part of the Socket Mode client that sends acknowledgements."""

    async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        """Send ``response`` over the connection."""
        ...


async def answer(
    client: Responder, request: SocketModeRequest, *, receive: Receive, work: WorkQueue
) -> None:
    """Acknowledge one envelope with what ``receive`` says about its payload."""
    work.ack_started()
    try:
        ack = await receive(request.payload)
        payload = dict(ack.body) if ack.body is not None else None
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
        )
    finally:
        work.ack_finished()


class SocketMode:
    """A Socket Mode connection whose envelopes go to ``receive``."""

    def __init__(
        self, *, app_token: str, web_client: AsyncWebClient, receive: Receive, work: WorkQueue
    ) -> None:
        self._app_token = app_token
        self._web_client = web_client
        self._receive = receive
        self._work = work
        self._client: SocketModeClient | None = None

    async def connect(self) -> None:
        """Open the connection (inside the running loop)."""
        client = SocketModeClient(
            app_token=self._app_token,
            web_client=self._web_client,
            ping_interval=PING_INTERVAL_SECONDS,
            logger=logging.getLogger("adapters.slack.socket_mode.client"),
        )

        async def listener(client: Any, request: SocketModeRequest) -> None:
            await answer(client, request, receive=self._receive, work=self._work)

        client.socket_mode_request_listeners.append(listener)
        self._client = client
        await client.connect()

    async def close(self) -> None:
        """Close the connection; no more envelopes arrive."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()
            self._client = None
