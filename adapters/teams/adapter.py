"""``POST /api/messages``: where Teams (through Azure Bot Service) delivers activities.

One straight path per delivery: the web handler checks what the Bot Framework cannot be
trusted to send right (content type, size, JSON, shape) and answers each with a clean
HTTP status instead of an exception (415, 413, 400); botbuilder checks the token once
(401, or 503 when the signing keys cannot be fetched); the activity is written to the
inbox (``bot.inbox``, keyed by a digest of its channel, conversation and activity id),
and a delivery whose key is there already, written by this process or another, is
acknowledged and dropped; then the activity, still the JSON dict it arrived as, goes to
``TeamsHandler`` and the core, the replies go out through the Bot Connector client
(``outgoing.ConnectorReplier``), and the row is marked done. A row whose process died
mid-turn is answered by another process's inbox worker once its lease ran out, through
a continued conversation. Invokes, which the bot does not implement, are answered by
botbuilder's own ``TeamsActivityHandler``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http import HTTPStatus

from aiohttp import web
from botbuilder.core import BotAdapter, InvokeResponse, TurnContext, serializer_helper
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult

from adapters.common.inbox import inbox_of
from adapters.teams import activities
from adapters.teams.activities import TurnKind
from adapters.teams.connector import ReusingAuthentication
from adapters.teams.credentials import TeamsSettings
from adapters.teams.handler import TeamsHandler
from adapters.teams.outgoing import ConnectorReplier
from adapters.teams.sender import TeamsSender
from adapters.teams.signing_keys import fetch_channel_keys
from adapters.teams.transport import ConnectorTransport
from bot.conversation import Merkwerker
from bot.inbox import Delivery, InboxWorker, digest_key

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
MAX_BODY_BYTES = 1024 * 1024
STARTUP_KEYS_SECONDS = 3.0
"""How long ``serve``'s start-up waits at most for the signing keys (less when the token
check's limit is shorter); then it serves anyway and the first message fetches them."""
AUTH_THREADS = 4
PLATFORM = "teams"
TURN, INVOKE = "turn", "invoke"
"""The kinds of inbox rows Teams writes."""
INBOX_LEASE = timedelta(seconds=60)
"""How long a process may work on an activity before another takes it over (renewed
while it works; the Bot Framework gives up on a turn well before two minutes)."""
"""Teams messages are at most about 28 KB; anything past 1 MiB is refused unread."""


async def _read_body(request: web.Request) -> bytes | None:
    """The request body, or None when it is longer than ``MAX_BODY_BYTES``."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _parse(request: web.Request) -> tuple[activities.Activity, Activity] | web.Response:
    """The activity as JSON and as botbuilder's model, or the HTTP answer refusing it."""
    if not activities.is_json(request.headers.get("Content-Type")):
        return web.Response(status=415)
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return web.Response(status=413)
    try:
        raw = await _read_body(request)
    except OSError:
        return web.Response(status=400)
    if raw is None:
        return web.Response(status=413)
    try:
        body = json.loads(raw)
    except ValueError:  # also invalid UTF-8
        return web.Response(status=400)
    reason = activities.problem(body)
    if reason is not None:
        log.info("refused an activity: %s", reason)
        return web.Response(status=400)
    try:
        # botbuilder's model of the activity: what its token check and connector
        # client read; building it also refuses fields of the wrong JSON type.
        activity = Activity().deserialize(body)
    except Exception:
        log.info("refused an activity that does not fit the Bot Framework schema")
        return web.Response(status=400)
    return body, activity


class BotConfiguration:
    """The settings under the attribute names botbuilder's configuration classes read."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.app_id or None
        self.APP_PASSWORD = settings.app_password or None
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.tenant_id or None


def cloud_adapter(settings: TeamsSettings, transport: ConnectorTransport) -> CloudAdapter:
    """A botbuilder ``CloudAdapter`` for ``settings`` whose connector calls use ``transport``."""
    inner = ConfigurationBotFrameworkAuthentication(BotConfiguration(settings))
    return CloudAdapter(ReusingAuthentication(inner, transport))


class TeamsAdapter:
    """Serves ``POST /api/messages`` for ``bot``; ``sender`` reaches people proactively."""

    def __init__(
        self,
        bot: Merkwerker,
        settings: TeamsSettings,
        *,
        transport: ConnectorTransport | None = None,
    ) -> None:
        """A personal chat opened for a digest is remembered in ``bot.store``, if any."""
        self.bot = bot
        self.settings = settings
        self.transport = transport or ConnectorTransport()
        self.cloud = cloud_adapter(settings, self.transport)
        self.handler = TeamsHandler(bot)
        self._invokes = TeamsActivityHandler()
        self.sender = TeamsSender(self.cloud, settings.app_id, store=bot.store)
        self.inbox = InboxWorker(
            inbox_of(bot), platform=PLATFORM, handle=self._answer_claimed, lease=INBOX_LEASE
        )
        # botbuilder fetches Microsoft's signing keys with a blocking request and no time
        # limit when they are not cached (at start and about daily): token checks run on
        # their own threads, so /healthz and Slack in this process never wait for them.
        self._auth_threads = (
            ThreadPoolExecutor(max_workers=AUTH_THREADS, thread_name_prefix="teams-token")
            if settings.app_id
            else None
        )

    def add_routes(self, app: web.Application) -> None:
        """Add ``POST /api/messages`` to ``app``, start the inbox worker when ``app`` starts,
        and close the connector when it stops."""
        app.router.add_post(ROUTE, self.messages)
        app.on_startup.append(self._startup)
        app.on_cleanup.append(self._cleanup)

    async def _startup(self, app: web.Application) -> None:
        self.inbox.start()

    async def _cleanup(self, app: web.Application) -> None:
        await self.close()

    async def messages(self, request: web.Request) -> web.StreamResponse:
        """Handle one delivery from the Bot Framework; never raises."""
        parsed = await _parse(request)
        if isinstance(parsed, web.Response):
            return parsed
        body, activity = parsed
        authenticated = await self._authenticate(activity, request.headers.get("Authorization"))
        if isinstance(authenticated, web.Response):
            return authenticated
        if not activities.is_handled(body):
            return web.Response(status=200)
        invoke = activities.turn_kind(body) is TurnKind.INVOKE
        key = activities.delivery_key(body)
        delivery = None
        if key is not None:
            delivery = await self.inbox.accept(inbox_key(key), INVOKE if invoke else TURN, body)
            if delivery is None:
                return web.Response(status=200)
        try:
            if invoke:
                answer = await self._invoke(activity, authenticated)
            else:
                answer = await self._turn(body, activity, authenticated)
        except Exception:
            log.exception("handling a Teams activity failed")
            if delivery is not None:
                await self.inbox.release(delivery)  # nothing was done: a retry may try again
            return web.Response(status=500)
        if delivery is not None:
            self.inbox.finish(delivery)
        if answer is not None:
            return web.json_response(serializer_helper(answer.body), status=int(answer.status))
        return web.Response(status=200)

    async def _authenticate(
        self, activity: Activity, header: str | None
    ) -> AuthenticateRequestResult | web.Response:
        """botbuilder's check of the token, or the HTTP answer refusing the request."""
        try:
            result = await self._check_token(activity, header or "")
        except TimeoutError:  # (an OSError too, hence first)
            log.error(
                "the Bot Framework's signing keys did not arrive within %g s; "
                "the Bot Framework will send the activity again",
                self.settings.keys_timeout,
            )
            return web.Response(status=503)
        except PermissionError as error:  # (an OSError too, hence first)
            log.info("refused an unauthenticated activity: %s", error)
            return web.Response(status=401)
        except OSError:  # the signing keys could not be fetched: let the Bot Framework retry
            log.exception("could not check the token")
            return web.Response(status=503)
        except Exception as error:
            log.info("refused an unauthenticated activity: %s", error)
            return web.Response(status=401)
        return result

    async def _check_token(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        check = self.cloud.bot_framework_authentication.authenticate_request
        if self._auth_threads is None:  # no app id: nothing is fetched
            result: AuthenticateRequestResult = await check(activity, header)
            return result
        loop = asyncio.get_running_loop()
        checked = loop.run_in_executor(
            self._auth_threads, lambda: asyncio.run(check(activity, header))
        )
        return await asyncio.wait_for(checked, self.settings.keys_timeout)

    async def fetch_signing_keys(self) -> None:
        """Fetch Microsoft's signing keys now (at start-up), so the first message does not
        wait for them: on a token-check thread, waiting at most ``STARTUP_KEYS_SECONDS``.
        When they do not come, one log line says so and the first message tries again."""
        if self._auth_threads is None:  # no app id: tokens are not checked
            return
        wait = min(STARTUP_KEYS_SECONDS, self.settings.keys_timeout)
        loop = asyncio.get_running_loop()
        fetching = loop.run_in_executor(self._auth_threads, fetch_channel_keys)
        try:
            await asyncio.wait_for(fetching, wait)
        except TimeoutError:
            log.warning(
                "the Bot Framework's signing keys did not arrive within %g s at start-up; "
                "serving anyway, the first Teams message will wait for them",
                wait,
            )
        except Exception as error:  # unreachable, refused, not JSON...
            log.warning(
                "could not fetch the Bot Framework's signing keys at start-up (%s); "
                "serving anyway, the first Teams message will try again",
                error,
            )
        else:
            log.info("fetched the Bot Framework's signing keys")

    async def _turn(
        self,
        body: activities.Activity,
        activity: Activity,
        authenticated: AuthenticateRequestResult,
    ) -> InvokeResponse | None:
        """Hand ``body`` to the handler; the replies go through the connector client."""
        factory = authenticated.connector_factory
        if factory is None:
            raise RuntimeError("the authentication gave no connector factory")
        client = await factory.create(activity.service_url, authenticated.audience)
        replier = ConnectorReplier(client, activity)
        await self.handler.handle(body, replier)
        expected = replier.expected_replies()
        return None if expected is None else InvokeResponse(status=HTTPStatus.OK, body=expected)

    async def _invoke(
        self, activity: Activity, authenticated: AuthenticateRequestResult
    ) -> InvokeResponse | None:
        """botbuilder's answer to an invoke (the bot implements none)."""

        async def logic(context: TurnContext) -> None:
            try:
                await self._invokes.on_turn(context)
            except Exception as error:
                log.error("a Teams turn failed", exc_info=error)

        answer: InvokeResponse | None = await self.cloud.process_activity(
            authenticated, activity, logic
        )
        return answer

    async def _answer_claimed(self, delivery: Delivery) -> None:
        """Answer an activity whose process died mid-turn: the conversation is continued
        (the HTTP request it came with is long gone) and the turn handled as it would
        have been. An invoke's answer belonged in that request: nothing is left to do."""
        if delivery.kind != TURN:
            return
        body = dict(delivery.payload)
        incoming = Activity().deserialize(body)
        reference = TurnContext.get_conversation_reference(incoming)

        async def logic(context: TurnContext) -> None:
            client = context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
            await self.handler.handle(body, ConnectorReplier(client, incoming))

        await self.cloud.continue_conversation(
            reference, logic, bot_app_id=self.settings.app_id or None
        )

    async def close(self) -> None:
        """Stop the inbox worker and close the connections to the Bot Connector."""
        await self.inbox.close()
        if self._auth_threads is not None:
            self._auth_threads.shutdown(wait=False, cancel_futures=True)
        await self.transport.close()


def inbox_key(delivery_key: str) -> str:
    """The inbox key of an activity: a digest of its ``activities.delivery_key``, which
    holds the conversation id (stored keys name no conversation or person)."""
    return digest_key("teams", delivery_key)
