"""The inbox of a bot without a database: keys remembered in this process only.

A repeat reaching this process within ``KEEP`` is recognised; one reaching another
process, or this one after a restart, is not, and nothing survives the process. It
serves tests and a bot run without storage; ``merkwerker serve`` always has a database
and uses ``InboxStore``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.dedupe import RecentKeys
from bot.inbox.delivery import KEEP, Delivery, NewDelivery

MAX_KEYS = 100_000


class MemoryInbox:
    """``Inbox`` in memory: deduplicates in this process; never has anything to claim."""

    def __init__(self, *, keep: timedelta = KEEP, clock: Callable[[], float] | None = None) -> None:
        keys = {"clock": clock} if clock is not None else {}
        self._seen = RecentKeys(ttl=keep.total_seconds(), max_entries=MAX_KEYS, **keys)

    def add(
        self,
        key: str,
        platform: str,
        kind: str,
        payload: Mapping[str, Any],
        *,
        holder: str | None = None,
        lease: timedelta = timedelta(0),
    ) -> bool:
        """True the first time ``key`` is offered in this process within ``KEEP``."""
        return self._seen.first_time(key)

    def add_many(
        self,
        platform: str,
        items: Sequence[NewDelivery],
        *,
        holder: str,
        lease: timedelta,
    ) -> set[str]:
        """The keys of ``items`` offered for the first time in this process within ``KEEP``."""
        return {item.key for item in items if self._seen.first_time(item.key)}

    def claim(
        self, *, limit: int, lease: timedelta, holder: str, platforms: Collection[str]
    ) -> list[Delivery]:
        """Nothing: what this process took, it handles itself."""
        return []

    def renew(self, keys: Collection[str], *, holder: str, lease: timedelta) -> int:
        """Always held: no other process can take them."""
        return len(keys)

    def mark_done(self, key: str, *, attempt: int) -> bool:
        """Nothing to record: the key stays remembered."""
        return True

    def mark_failed(self, key: str, *, attempt: int, error: str, retry_in: timedelta) -> bool:
        """Nothing to record: without a database a failed delivery is not tried again."""
        return True

    def release(self, key: str) -> None:
        """Forget ``key``, so the platform's retry is taken."""
        self._seen.forget(key)

    def expire(self, *, older_than: datetime, limit: int) -> int:
        """Nothing: keys expire by themselves."""
        return 0
