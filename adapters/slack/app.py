"""Merkwerker in Slack: a Bolt ``AsyncApp`` whose listeners acknowledge at once.

Every listener calls ``ack()`` first and queues the real work (``Jobs``) on the
``WorkQueue``, so Slack hears back well within its three seconds. The one exception is
a submitted modal: Slack takes field errors or an updated view only in the
acknowledgement, so the core is asked right away, with a deadline; past it the modal
closes and the answer follows as a direct message. Retried events are recognised by
their ``event_id`` and handled once; events nobody listens for still get 200, so
Slack does not retry them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack import payloads as p
from adapters.slack.client import Sleep, web_client
from adapters.slack.dedupe import SeenEvents
from adapters.slack.jobs import Jobs
from adapters.slack.modals import form_context, form_values, submission_response
from adapters.slack.profiles import Profiles
from adapters.slack.settings import SlackSettings
from adapters.slack.surfaces import Surfaces
from adapters.slack.work import WorkQueue
from bot.conversation import Merkwerker

log = logging.getLogger(__name__)

QUEUE_SHORTCUT = "queue_for_sharing"
SUBMIT_DEADLINE_SECONDS = 2.5
"""How long a submitted form may take before the modal closes without the answer."""
_ANY = re.compile(".*")

Body = Mapping[str, Any]


class SlackAdapter:
    """The Slack side of the web process: Bolt app, Web API client and queued work."""

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
        self.seen = SeenEvents()
        self.submit_deadline = submit_deadline
        self._late: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._socket: Any = None
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret or "",
            # Bolt runs each listener before answering; the listeners below only ack and
            # queue, which keeps the answer fast and the work tracked.
            process_before_response=True,
            # Without a signing secret there is no /slack/events route (Socket Mode only).
            request_verification_enabled=settings.signing_secret is not None,
            logger=logging.getLogger("adapters.slack.bolt"),
        )
        self._register()

    def _register(self) -> None:
        app = self.app
        app.middleware(self._once_per_event)
        app.event("message")(self._on_message)
        app.event("app_mention")(self._on_message)
        app.event("app_home_opened")(self._on_home_opened)
        app.event(_ANY)(self._ack_only)
        app.command(_ANY)(self._on_command)
        app.action(_ANY)(self._on_action)
        app.view(_ANY)(self._on_view_submission)
        app.shortcut(QUEUE_SHORTCUT)(self._on_queue_shortcut)
        app.shortcut(_ANY)(self._ack_only)

    def add_routes(self, web_app: web.Application) -> None:
        """Serve ``POST /slack/events`` (events, interactivity and the slash command)."""
        from adapters.slack.http import EVENTS_PATH, events_handler

        web_app.router.add_post(EVENTS_PATH, events_handler(self))

    async def start(self) -> None:
        """Open the shared HTTP session (call inside the running loop, before requests)."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self.client.session = self._session
            self.surfaces.session = self._session

    async def start_socket_mode(self) -> None:
        """Connect to Slack over Socket Mode (with the app-level token)."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        await self.start()
        self._socket = AsyncSocketModeHandler(self.app, self.settings.app_token)
        await self._socket.connect_async()

    async def close(self, timeout: float = 10.0) -> None:
        """Stop taking events, finish the queued work, then close connections."""
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()
            self._socket = None
        if self._late:
            await asyncio.wait(self._late, timeout=timeout)
        await self.work.close(timeout)
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client.session = None

    def dispatch_later(self, body: str, headers: Mapping[str, str | Sequence[str]]) -> None:
        """Dispatch an already verified event through Bolt once the acknowledgements are out."""

        async def dispatch() -> None:
            # Marked as Socket Mode so Bolt does not check the signature's age again: it
            # was checked on arrival, and the work queue may have held the event since.
            request = AsyncBoltRequest(body=body, headers=dict(headers), mode="socket_mode")
            response = await self.app.async_dispatch(request)
            if response.status != 200:
                log.warning("event not handled: %s %s", response.status, response.body)

        self.queue(dispatch, "event")

    def queue(self, job: Callable[[], Awaitable[None]], name: str) -> None:
        """Queue work to run after the acknowledgement."""
        self.work.submit(job, name=name)

    # Middleware and listeners: each is quick, and none calls the Web API itself.

    async def _once_per_event(
        self, body: Body, next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        is_event = body.get("type") == "event_callback" and isinstance(event_id, str)
        if is_event and event_id and not self.seen.first_time(event_id):
            log.info("event %s delivered again; handled already", event_id)
            return BoltResponse(status=200, body="")
        await next_()
        return None

    async def _ack_only(self, ack: AsyncAck) -> None:
        await ack()

    async def _on_message(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        event = p.event_of(body)
        bot_user_id = context.bot_user_id
        if p.is_message_for_bot(event, bot_user_id=bot_user_id) or p.is_mention_for_bot(
            event, bot_user_id=bot_user_id
        ):
            self.queue(lambda: self.jobs.answer_message(body, bot_user_id=bot_user_id), "message")

    async def _on_home_opened(self, ack: AsyncAck, body: Body) -> None:
        await ack()
        if p.event_of(body).get("tab", "home") == "home":
            self.queue(lambda: self.jobs.publish_home(body), "home")

    async def _on_command(self, ack: AsyncAck, body: Body) -> None:
        await ack()
        self.queue(lambda: self.jobs.run_command(body), "command")

    async def _on_action(self, ack: AsyncAck, body: Body) -> None:
        await ack()
        if body.get("type") == "block_actions":
            self.queue(lambda: self.jobs.press(body), "action")

    async def _on_queue_shortcut(self, ack: AsyncAck, body: Body) -> None:
        await ack()
        self.queue(lambda: self.jobs.queue_shortcut(body), "shortcut")

    async def _on_view_submission(self, ack: AsyncAck, body: Body) -> None:
        view = body.get("view")
        context = form_context(view) if isinstance(view, Mapping) else None
        if context is None or not isinstance(view, Mapping):
            await ack()
            return
        values = form_values(view)
        answer = asyncio.ensure_future(
            self.jobs.submit_form(
                body,
                action=context.action,
                value=context.value,
                form=values,
                channel=context.channel,
            )
        )
        try:
            reply = await asyncio.wait_for(asyncio.shield(answer), self.submit_deadline)
        except TimeoutError:
            # Close the modal now; the answer follows as a direct message.
            await ack()
            user = p.user_of(body)
            late = asyncio.ensure_future(
                self._deliver_late(answer, user=user, channel=context.channel)
            )
            self._late.add(late)
            late.add_done_callback(self._late.discard)
            return
        except Exception:
            log.exception("submitting a form failed")
            await ack()
            user = p.user_of(body)
            self.queue(lambda: self.jobs.tell_failure(user), "form-failure")
            return
        response = submission_response(reply, context=context, submitted=values, view=view)
        if response is None:
            await ack()
        else:
            await ack(**response)

    async def _deliver_late(
        self, answer: asyncio.Future[Any], *, user: str, channel: str | None
    ) -> None:
        try:
            reply = await answer
        except Exception:
            log.exception("submitting a form failed")
            await self.jobs.tell_failure(user)
            return
        try:
            await self.jobs.deliver_late(reply, user=user, channel=channel)
        except Exception:
            log.exception("could not deliver the answer to a form")
