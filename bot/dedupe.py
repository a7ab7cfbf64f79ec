"""Recognising a delivery seen before: keys remembered for a while, in this process.

Slack and the Bot Framework both deliver again when they think a delivery failed (a
slow answer, a lost connection). Each delivery id must be handled once; a repeat is
answered and changes nothing. A web process with a database recognises repeats with the
inbox (``bot.inbox.InboxStore``), across processes and restarts; ``RecentKeys`` is the
memory of ``bot.inbox.MemoryInbox``, which stands in for it in a bot without a
database: per process and bounded, so a repeat reaching another process, or this one
after a restart, is not recognised there.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class RecentKeys:
    """A set of keys that forgets each key ``ttl`` seconds after it was first seen.

    Bounded: past ``max_entries`` the oldest keys are forgotten first.
    """

    def __init__(
        self,
        *,
        ttl: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is offered within the time to live; records it."""
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
        # One TTL for all and insertion order: the expired keys are at the front.
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl:
                return
            del self._seen[key]
