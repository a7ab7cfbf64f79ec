"""Recognising Slack's retries: event ids seen in the last hour, in this process.

Slack delivers an event again when it thinks the first delivery failed (a timeout, a
lost connection). Each ``event_id`` is handled once; a retry is answered 200 and
changes nothing. The memory is per process and bounded: enough for one web process;
a restart in between a delivery and its retry is the one gap.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_TTL_SECONDS = 60 * 60
"""Slack retries within minutes; an hour is ample."""
DEFAULT_MAX_ENTRIES = 100_000


class SeenEvents:
    """A set of event ids that forgets them after ``ttl`` seconds (or when it is full)."""

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

    def first_time(self, event_id: str) -> bool:
        """True the first time ``event_id`` is offered (within the TTL), False for a repeat."""
        now = self._clock()
        self._forget_expired(now)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now + self._ttl
        if len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)

    def _forget_expired(self, now: float) -> None:
        # Entries are in insertion order with one TTL, so the expired ones are in front.
        while self._seen:
            event_id, expires = next(iter(self._seen.items()))
            if expires > now:
                break
            del self._seen[event_id]
