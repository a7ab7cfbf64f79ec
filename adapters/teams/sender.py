"""Messages the bot starts itself (digests), through a stored conversation reference.

A reference from a personal chat is continued (``continue_conversation``). One from a
channel or group chat is used to open the person's personal chat with the bot first
(``create_conversation``, which Teams answers with the same chat every time), and that
personal reference is stored so the next message goes there directly.
Any failure raises, so the outbox keeps the message and tries again later. The cloud
adapter these turns run on has no turn error handler, so a failure reaches the caller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
)

from adapters.teams.outgoing import to_outgoing
from adapters.teams.transport import ConnectorTransport
from bot.database_access import ConversationReferences, Store
from bot.features import Unreachable
from bot.messages import ConversationRef, Platform, Reply

log = logging.getLogger(__name__)


class UnreachableReference(Unreachable, ValueError):
    """The person cannot be reached through this reference: it lacks a service URL or ids,
    or Teams answered 403/404 (the app was removed, the chat blocked or deleted)."""


def _reference(ref: ConversationRef) -> ConversationReference:
    data = ref.data
    if ref.platform is not Platform.TEAMS or not isinstance(data, Mapping):
        raise UnreachableReference(f"not a Teams conversation reference: {ref.platform}")
    reference = ConversationReference().deserialize(dict(data))
    if not reference.service_url or not reference.conversation or not reference.conversation.id:
        raise UnreachableReference("the reference has no service URL or conversation id")
    if not reference.bot or not reference.bot.id:
        raise UnreachableReference("the reference has no bot id")
    return reference


def _tenant(ref: ConversationRef) -> str | None:
    # Read from the JSON: botbuilder's ConversationAccount expects "tenantID" and so
    # drops the "tenantId" that Teams sends.
    conversation = ref.data.get("conversation")
    tenant = conversation.get("tenantId") if isinstance(conversation, Mapping) else None
    return tenant if isinstance(tenant, str) and tenant else None


def _is_personal(reference: ConversationReference) -> bool:
    kind = reference.conversation.conversation_type
    return kind in (None, "", "personal")


class TeamsSender:
    """Delivers a ``Reply`` to a Teams user or conversation the bot has met before."""

    def __init__(
        self,
        cloud: CloudAdapter,
        app_id: str,
        *,
        store: Store | None = None,
        transport: ConnectorTransport | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``store``: where to remember a personal chat opened from a channel reference.

        ``transport``: the connector transport this sender owns and closes in ``close()``
        (None when it shares the web adapter's).
        """
        self._cloud = cloud
        self._app_id = app_id
        self._references = None if store is None else ConversationReferences(store)
        self._transport = transport
        self._clock = clock

    async def conversation(self, conversation_id: str) -> ConversationRef | None:
        """The stored reference to a chat or channel by its id, pointed at the
        conversation itself (a channel thread's reference becomes the channel's): a
        message sent to it is posted there. None when no reference is stored."""
        if self._references is None:
            return None
        found = await asyncio.to_thread(
            self._references.of_conversation, Platform.TEAMS, conversation_id
        )
        if found is None:
            return None
        data = dict(found.data)
        conversation = data.get("conversation")
        if isinstance(conversation, Mapping):
            data["conversation"] = {**conversation, "id": conversation_id}
        return ConversationRef(
            platform=Platform.TEAMS, conversation_id=conversation_id, user_id="", data=data
        )

    async def close(self) -> None:
        """Close the connections this sender opened."""
        if self._transport is not None:
            await self._transport.close()

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        """Deliver ``reply`` once; raise when the connector refused it or could not be reached."""
        reference = _reference(to)
        activity = to_outgoing(reply)
        failures: list[BaseException] = []

        async def deliver(context: TurnContext) -> None:
            # botbuilder gives the made-up continuation activity an id, which would turn
            # the digest into a reply to nothing; without it, it is a new message.
            context.activity.id = None
            try:
                await context.send_activity(activity)
            except Exception as error:
                failures.append(error)
                raise

        try:
            await self._deliver(to, reference, deliver)
            if failures:  # a turn error handler swallowed it; the caller must still know
                raise failures[0]
        except ErrorResponseException as error:
            status = getattr(error.response, "status_code", None)
            if status in (403, 404):
                # The app was removed, or the chat blocked or deleted: retrying won't help.
                raise UnreachableReference(f"Teams refused the message (HTTP {status})") from error
            raise

    async def delivered(self, *, to: ConversationRef, key: str, since: datetime) -> bool | None:
        """None: the Bot Connector cannot list a chat's messages, so Teams cannot tell."""
        return None

    async def _deliver(
        self,
        to: ConversationRef,
        reference: ConversationReference,
        deliver: Callable[[TurnContext], Awaitable[None]],
    ) -> None:
        if _is_personal(reference) or not to.user_id:
            # A reference without a person is the conversation itself (a channel or
            # group chat a guidelines notice goes to): post there.
            await self._cloud.continue_conversation(reference, deliver, bot_app_id=self._app_id)
            return
        opened: list[str] = []

        async def open_and_deliver(context: TurnContext) -> None:
            opened.append(context.activity.conversation.id)
            await deliver(context)

        await self._cloud.create_conversation(
            self._app_id,
            open_and_deliver,
            _personal_chat(reference, _tenant(to)),
            reference.channel_id or "msteams",
            reference.service_url,
        )
        if opened:
            await self._store_personal(to, opened[0])

    async def _store_personal(self, ref: ConversationRef, conversation_id: str) -> None:
        if self._references is None:
            return
        tenant = _tenant(ref)
        conversation = {"id": conversation_id, "conversationType": "personal"}
        if tenant:
            conversation["tenantId"] = tenant
        data = {**ref.data, "conversation": conversation}
        personal = ConversationRef(
            platform=Platform.TEAMS, conversation_id=conversation_id, user_id=ref.user_id, data=data
        )
        try:
            await asyncio.to_thread(self._references.remember, personal, now=self._clock())
        except Exception:  # delivered already; the old reference still works
            log.exception("could not store the personal chat reference")


def _personal_chat(reference: ConversationReference, tenant: str | None) -> ConversationParameters:
    user = reference.user or ChannelAccount()
    if not user.id:
        raise UnreachableReference("the reference has no user id to open a personal chat with")
    return ConversationParameters(
        is_group=False,
        bot=reference.bot,
        members=[ChannelAccount(id=user.id)],
        tenant_id=tenant,
        channel_data={"tenant": {"id": tenant}} if tenant else None,
    )
