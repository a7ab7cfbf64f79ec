"""Merkwerker in Slack: the pieces of the Slack side of the web process, put together.

``SlackAdapter`` owns the Web API client (with its retry handlers), the work queue,
``Jobs`` (the work done after an acknowledgement), the inbox worker (``bot.inbox``: the
database's inbox when the bot has a store, else one in memory) and ``Ingress``, whose
``receive(payload) -> Ack`` is the one way in. ``add_routes`` serves it over HTTP at
``/slack/events`` (``adapters.slack.http``); ``start_socket_mode`` serves it over
Socket Mode instead (``adapters.slack.socket_mode``). The two differ only in
transport. ``start`` starts the inbox worker too, which answers what another process
left unanswered; ``close`` stops taking payloads and finishes the queued work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web

from adapters.common.inbox import inbox_of
from adapters.slack.client import Sleep, web_client
from adapters.slack.credentials import SlackSettings
from adapters.slack.http import EVENTS_PATH, events_handler
from adapters.slack.ingress import PLATFORM, SUBMIT_DEADLINE_SECONDS, Ack, Ingress
from adapters.slack.jobs import Jobs
from adapters.slack.profiles import Profiles
from adapters.slack.socket_mode import SocketMode
from adapters.slack.surfaces import Surfaces
from adapters.slack.work import WorkQueue
from bot.conversation import Merkwerker
from bot.inbox import Delivery, InboxWorker

INBOX_LEASE = timedelta(seconds=40)
"""How long a process may work on an inbox row before another takes it over (renewed
while it works): a row of a process that died is answered within about this long."""


class SlackAdapter:
    """The Slack side of the web process: Web API client, ingress and queued work."""

    def __init__(
        self,
        bot: Merkwerker,
        settings: SlackSettings,
        *,
        sleep: Sleep = asyncio.sleep,
        work: WorkQueue | None = None,
        submit_deadline: float = SUBMIT_DEADLINE_SECONDS,
    ) -> None:
        self.bot = bot
        self.settings = settings
        self.client = web_client(token=settings.bot_token, base_url=settings.api_url, sleep=sleep)
        self.surfaces = Surfaces(self.client)
        self.profiles = Profiles(self.client)
        self.jobs = Jobs(bot, self.surfaces, self.profiles)
        self.work = work or WorkQueue()
        self.inbox = InboxWorker(
            inbox_of(bot), platform=PLATFORM, handle=self._answer_claimed, lease=INBOX_LEASE
        )
        self.ingress = Ingress(self.jobs, self.work, self.inbox, submit_deadline=submit_deadline)
        self._session: aiohttp.ClientSession | None = None
        self._socket: SocketMode | None = None

    async def _answer_claimed(self, delivery: Delivery) -> None:
        await self.ingress.answer_claimed(delivery)

    @property
    def submit_deadline(self) -> float:
        """How long a submitted form may take before the modal closes without the answer."""
        return self.ingress.submit_deadline

    @submit_deadline.setter
    def submit_deadline(self, seconds: float) -> None:
        self.ingress.submit_deadline = seconds

    async def receive(self, body: Mapping[str, Any]) -> Ack:
        """Acknowledge an authenticated, parsed payload and queue its work (see ``Ingress``)."""
        return await self.ingress.receive(body)

    def add_routes(self, web_app: web.Application) -> None:
        """Serve ``POST /slack/events`` (events, interactivity and the slash command)."""
        handler = events_handler(
            self.ingress.receive, secret=self.settings.signing_secret, work=self.work
        )
        web_app.router.add_post(EVENTS_PATH, handler)

    async def start(self) -> None:
        """Open the shared HTTP session and start the inbox worker (call inside the running
        loop, before requests)."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self.client.session = self._session
            self.surfaces.session = self._session
        self.inbox.start()

    async def start_socket_mode(self) -> None:
        """Connect to Slack over Socket Mode (with the app-level token)."""
        await self.start()
        self._socket = SocketMode(
            app_token=self.settings.app_token or "",
            web_client=self.client,
            receive=self.ingress.receive,
            work=self.work,
        )
        await self._socket.connect()

    async def close(self, timeout: float = 10.0) -> None:
        """Stop taking events, finish the queued work, then close connections."""
        if self._socket is not None:
            await self._socket.close()
            self._socket = None
        await self.ingress.close(timeout)
        await self.work.close(timeout)
        await self.inbox.close(timeout)
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client.session = None
