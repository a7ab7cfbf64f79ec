"""Recognising Slack's retries: event ids seen in the last hour, in this process.

Slack delivers an event again when it thinks the first delivery failed (a timeout, a
lost connection). Each ``event_id`` is handled once; a retry is answered 200 and
changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.dedupe import RecentKeys

DEFAULT_TTL_SECONDS = 60 * 60
"""Slack retries within minutes; an hour is ample."""
DEFAULT_MAX_ENTRIES = 100_000


class SeenEvents(RecentKeys):
    """Slack event ids handled in the last hour."""

    def __init__(
        self,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ttl=ttl, max_entries=max_entries, clock=clock)
