"""Recognising an activity that Teams delivers twice.

The Bot Framework retries a delivery it thinks failed (a slow answer, a dropped
connection), so the same activity id can arrive again; it must be handled once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

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


class RecentDeliveries:
    """An in-memory set of delivery keys that forgets each key after ``ttl`` seconds.

    Bounded: past ``max_entries`` the oldest keys are forgotten first.
    """

    def __init__(
        self,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen within the time to live; records it."""
        now = self._clock()
        self._expire(now)
        if key in self._seen:
            return False
        self._seen[key] = now
        if len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True

    def forget(self, key: str) -> None:
        """Allow ``key`` again (its handling failed before anything was done)."""
        self._seen.pop(key, None)

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl:
                return
            del self._seen[key]
