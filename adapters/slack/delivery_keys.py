"""Messages that carry their delivery key, and finding one again in a conversation.

A message the bot posts on its own initiative (a digest, a notice) carries Slack
message metadata ``{"event_type": "merkwerker_delivery", "event_payload": {"key": ...}}``
with the outbox key it was sent for. When an earlier attempt may have reached Slack
(its process died between posting and recording that it posted), ``already_sent`` reads
the recent history of the conversation and looks for that key, so the message is not
posted a second time.

Reading a direct message's history needs the ``im:history`` scope, which the app has
for ``message.im`` events anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

EVENT_TYPE = "merkwerker_delivery"
"""The metadata event type of messages the bot posts with a delivery key."""
PAGE_SIZE = 200
"""Messages per ``conversations.history`` page (Slack recommends at most 200)."""
MAX_PAGES = 5
"""Pages read before giving up: the message looked for was posted minutes ago."""
CLOCK_MARGIN = timedelta(minutes=10)
"""Read from this long before ``since``: Slack's clock and ours may differ a little."""


def delivery_metadata(key: str) -> dict[str, Any]:
    """The ``metadata`` argument of ``chat.postMessage`` for a message sent for ``key``."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def delivery_key(message: Mapping[str, Any]) -> str | None:
    """The delivery key of a message from ``conversations.history``; None if it has none.

    Only messages posted by a bot (with a ``bot_id``) count: in a direct message with
    the bot, that is the bot itself.
    """
    metadata = message.get("metadata")
    if not isinstance(metadata, Mapping) or metadata.get("event_type") != EVENT_TYPE:
        return None
    if not message.get("bot_id"):
        return None
    payload = metadata.get("event_payload")
    key = payload.get("key") if isinstance(payload, Mapping) else None
    return key if isinstance(key, str) and key else None


def _next_cursor(response: Mapping[str, Any]) -> str | None:
    meta = response.get("response_metadata")
    cursor = meta.get("next_cursor") if isinstance(meta, Mapping) else None
    return cursor if isinstance(cursor, str) and cursor else None


async def already_sent(
    client: AsyncWebClient,
    *,
    channel: str,
    key: str,
    since: datetime | None = None,
    pages: int = MAX_PAGES,
) -> bool | None:
    """Whether a message with delivery ``key`` is in ``channel`` (posted after ``since``).

    Reads ``conversations.history`` newest first, with metadata, at most ``pages``
    pages of ``PAGE_SIZE`` messages. True: the message is there. False: the history
    (since ``since``, less a margin for clock differences) has no such message.
    None: there were more messages than the pages read, and the key was not among them,
    so this cannot tell. Slack's errors are raised as the client raises them.
    """
    oldest = None if since is None else f"{(since - CLOCK_MARGIN).timestamp():.6f}"
    cursor: str | None = None
    for _ in range(max(pages, 1)):
        response = await client.conversations_history(
            channel=channel,
            include_all_metadata=True,
            limit=PAGE_SIZE,
            oldest=oldest,
            cursor=cursor,
        )
        messages = response.get("messages")
        for message in messages if isinstance(messages, list) else []:
            if isinstance(message, Mapping) and delivery_key(message) == key:
                return True
        cursor = _next_cursor(response.data if isinstance(response.data, dict) else {})
        if cursor is None:
            return False
    log.warning(
        "more than %d messages in %s since the message %s was written; cannot tell "
        "whether it was posted",
        pages * PAGE_SIZE,
        channel,
        key,
    )
    return None
