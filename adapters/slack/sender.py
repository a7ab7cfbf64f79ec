"""Starting a conversation in Slack: digests and notices as direct messages.

The scheduler hands a reply and a stored conversation reference to ``SlackSender``;
it posts to the person's direct message with the bot, opening it first when the
reference is not a direct message (a person who only ever mentioned the bot in a
channel gets their digest privately, not in that channel). A reference without a person
is a channel (a guidelines contact's ``notify:``) and is posted to as it is. Whatever
still fails after waiting out rate limits raises, so the digest stays in the outbox for
a later try.

Each message sent from the outbox carries its outbox key in Slack message metadata
(``delivery_keys.py``), so ``delivered`` can tell from the conversation's history
whether an interrupted earlier attempt reached Slack after all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping
from datetime import datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import message
from adapters.slack.client import Sleep, web_client
from adapters.slack.credentials import api_url_from
from adapters.slack.delivery_keys import already_sent, delivery_metadata
from bot.digests.delivery import current_delivery_key
from bot.features import NotDelivered, Unreachable
from bot.i18n import t
from bot.messages import ConversationRef, Platform, Reply
from bot.settings import SettingsError

log = logging.getLogger(__name__)


GONE = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "messages_tab_disabled",
    }
)
"""Slack errors that say the person cannot get a DM from the bot at all."""


class DeliveryFailed(RuntimeError):
    """A message could not be delivered to Slack; the cause says why."""


class PersonGone(DeliveryFailed, Unreachable):
    """Slack will never deliver to this person (they left, or the DM is gone)."""


class SlackRefused(DeliveryFailed, NotDelivered):
    """Slack answered with an error: it did not take the message (a later try may work)."""


class SlackSender:
    """A ``Sender`` that delivers replies as Slack direct messages."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        """Post ``reply`` in ``to``'s direct message; raise ``DeliveryFailed`` when Slack won't.

        Inside an outbox delivery the message carries the outbox key as metadata.
        """
        key = current_delivery_key()
        extra = {} if key is None else {"metadata": delivery_metadata(key)}
        async with _translated(to, "did not take the message for"):
            channel = await self._direct_channel(to)
            await self.client.chat_postMessage(channel=channel, **message(reply), **extra)

    async def delivered(self, *, to: ConversationRef, key: str, since: datetime) -> bool | None:
        """Whether the message sent for outbox ``key`` is in ``to``'s direct message.

        Reads the messages posted since ``since`` (``delivery_keys.already_sent``); None
        when there were too many to read. Raises ``DeliveryFailed`` when Slack cannot be asked.
        """
        async with _translated(to, "could not say whether it has the message for"):
            channel = await self._direct_channel(to)
            return await already_sent(self.client, channel=channel, key=key, since=since)

    async def _direct_channel(self, to: ConversationRef) -> str:
        if not to.user_id or to.conversation_id.startswith("D"):
            # A direct message, or a reference without a person: a channel (where a
            # guidelines notice goes), posted to as it is.
            return to.conversation_id
        response = await self.client.conversations_open(users=to.user_id)
        channel = response.get("channel")
        channel_id = channel.get("id") if isinstance(channel, Mapping) else None
        if not isinstance(channel_id, str) or not channel_id:
            raise DeliveryFailed(f"conversations.open gave no channel for {to.user_id}")
        return channel_id


@contextlib.asynccontextmanager
async def _translated(to: ConversationRef, doing: str) -> AsyncIterator[None]:
    """Slack's errors as ``PersonGone`` or ``SlackRefused``, the network's as ``DeliveryFailed``.

    After a network error Slack may have taken the message; after its own error it has not.
    """
    if to.platform is not Platform.SLACK:
        raise DeliveryFailed(f"not a Slack conversation: {to.platform.value}")
    who = to.user_id or to.conversation_id
    try:
        yield
    except SlackApiError as error:
        if error.response.get("error") in GONE:
            raise PersonGone(
                f"Slack says {who} cannot be reached: {error.response.get('error')}"
            ) from error
        raise SlackRefused(f"Slack {doing} {who}: {error}") from error
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise DeliveryFailed(f"Slack {doing} {who}: {error}") from error


def sender_from_env(
    env: Mapping[str, str] | None = None, *, sleep: Sleep = asyncio.sleep
) -> SlackSender | None:
    """A ``SlackSender`` from ``SLACK_BOT_TOKEN`` (and ``SLACK_API_URL``); None without a token.

    Raises ``SettingsError`` for a malformed token or URL.
    """
    env = os.environ if env is None else env
    token = env.get("SLACK_BOT_TOKEN", "").strip()
    if not token:
        return None
    if not token.startswith("xoxb-"):
        raise SettingsError(
            t("en", "slack.settings.bad_prefix", name="SLACK_BOT_TOKEN", prefix="xoxb-")
        )
    base_url = api_url_from(env.get("SLACK_API_URL", "").strip() or None)
    return SlackSender(web_client(token=token, base_url=base_url, sleep=sleep))
