"""What the inbox holds: one delivery from a chat platform, and its life.

A delivery is written to the inbox before the platform hears back, under a key that the
platform gives every repeat of it (Slack's ``event_id``, a digest of a slash command or
button press, a Teams activity id). Writing it is what recognises a repeat: the key is
unique in the table, so the second write fails, in whichever process and after a
restart. Its life: ``working`` (taken by the process that received it, with a lease)
or ``pending`` -> ``done``; back to ``pending`` with a later due time after a failed
attempt; ``failed`` once ``MAX_ATTEMPTS`` ran out. A process that dies while working
leaves its rows ``working``; they are claimed again once their lease has run out. Every
claim adds one to ``attempts``, and each mark names the attempt of its claim, so a
process whose lease ran out cannot overwrite a newer claim's outcome.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

PENDING, WORKING, DONE, FAILED = "pending", "working", "done", "failed"
FINISHED = (DONE, FAILED)

MAX_ATTEMPTS = 3
"""Attempts at one delivery before it is given up (``failed``)."""
KEEP = timedelta(hours=2)
"""How long a key is kept: Slack retries within about an hour, the Bot Framework within
minutes; after that no repeat can arrive, and the finished row is deleted."""
KEY_MAX = 200
"""The width of the ``key`` column; longer keys are stored as their digest."""


@dataclass(frozen=True)
class NewDelivery:
    """A delivery to write: its key, its kind and what arrived."""

    key: str
    kind: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """A delivery taken for handling; ``attempts`` includes this attempt."""

    key: str
    platform: str
    kind: str
    payload: Mapping[str, Any]
    attempts: int

    @property
    def reclaimed(self) -> bool:
        """Whether an earlier attempt may have answered it already (its process died)."""
        return self.attempts > 1


def digest_key(prefix: str, *parts: object) -> str:
    """``prefix:<sha256 of parts>``: a key for a delivery without an id of its own.

    The same parts (a replayed request carries the same ``trigger_id`` and payload)
    give the same key; JSON parts are compared with their keys sorted.
    """
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return f"{prefix}:{hashlib.sha256(text.encode()).hexdigest()}"


def fit_key(key: str) -> str:
    """``key`` as stored: unchanged when it fits the column, else its digest."""
    if len(key) <= KEY_MAX:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class Inbox(Protocol):
    """Where deliveries are written before they are acknowledged (``InboxStore`` in the
    database; ``MemoryInbox`` for a bot without one). Synchronous; call from a thread."""

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
        """Write a delivery; False when its key was seen before (a repeat: do nothing).

        With ``holder`` the row is taken right away (``working``, attempt 1, for
        ``lease``); without, it is ``pending`` for any worker to claim.
        """
        ...

    def add_many(
        self,
        platform: str,
        items: Sequence[NewDelivery],
        *,
        holder: str,
        lease: timedelta,
    ) -> set[str]:
        """Write deliveries taken by ``holder`` in one transaction; the keys that were new
        (the first of each key in ``items``, when it was not in the inbox already)."""
        ...

    def claim(
        self, *, limit: int, lease: timedelta, holder: str, platforms: Collection[str]
    ) -> list[Delivery]:
        """Take up to ``limit`` due deliveries of ``platforms`` for ``lease``."""
        ...

    def renew(self, keys: Collection[str], *, holder: str, lease: timedelta) -> int:
        """Extend the lease of those of ``keys`` that ``holder`` still works on; how many."""
        ...

    def mark_done(self, key: str, *, attempt: int) -> bool:
        """Record that ``attempt`` answered the delivery; False when it no longer held it."""
        ...

    def mark_failed(self, key: str, *, attempt: int, error: str, retry_in: timedelta) -> bool:
        """Record a failed attempt: due again after ``retry_in``, or ``failed`` after the
        last attempt. False when ``attempt`` no longer held the delivery."""
        ...

    def release(self, key: str) -> None:
        """Forget a delivery nothing was done for, so the platform's retry is taken."""
        ...

    def expire(self, *, older_than: datetime, limit: int) -> int:
        """Delete up to ``limit`` finished deliveries received before ``older_than``."""
        ...
