"""Recognising an activity that Teams delivers twice.

The Bot Framework retries a delivery it thinks failed (a slow answer, a dropped
connection), so the same activity id can arrive again; it must be handled once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from bot.dedupe import RecentKeys

DEFAULT_TTL_SECONDS = 15 * 60.0
DEFAULT_MAX_ENTRIES = 50_000


def delivery_key(activity: Mapping[str, object]) -> str | None:
    """``channel|conversation|activity id`` of an activity, or None when it has no id."""
    activity_id = activity.get("id")
    conversation = activity.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, Mapping) else None
    if not isinstance(activity_id, str) or not activity_id:
        return None
    channel = activity.get("channelId")
    return f"{channel if isinstance(channel, str) else ''}|{conversation_id or ''}|{activity_id}"


class RecentDeliveries(RecentKeys):
    """Activity delivery keys handled in the last quarter of an hour."""

    def __init__(
        self,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ttl=ttl, max_entries=max_entries, clock=clock)
