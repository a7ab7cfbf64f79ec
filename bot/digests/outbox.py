"""The outbox's transitions: write before sending, claim, then mark what happened.

The statuses and the typed messages; ``bot.digests.store.DigestStore`` runs the SQL.

A message's life: ``pending`` -> ``sending`` (claimed, with a lease) -> ``sent``; or
back to ``pending`` with a later ``next_attempt_at`` after a failed attempt; or
``failed`` (gave up), or ``unreachable`` (no stored conversation to send it to), or
``withdrawn`` (a digest waiting to be sent when its person turned digests off).

Claiming is one UPDATE that moves due rows to ``sending`` and pushes their
``next_attempt_at`` to the end of a lease, so two delivery passes never claim the same
row; on PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED`` so concurrent
passes skip each other's rows instead of waiting. A live pass renews the lease of the
rows it still holds; a pass that dies while sending leaves its rows in ``sending``, and
they are claimed again once the lease has run out. Every claim adds one to
``attempts``, and the marks after sending require the attempt number of their claim,
so a pass whose lease ran out cannot overwrite a newer claim's outcome.

A row claimed again from ``sending``, or put back after an attempt whose outcome is
unknown (it timed out, the connection broke), is ``maybe_sent``: the platform may have
the message already, so it is asked (``Sender.delivered``) before sending it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, UNREACHABLE = "failed", "unreachable"
WITHDRAWN = "withdrawn"
"""A digest not sent because the person turned digests off after it was written."""
COUNTED_STATUSES = (PENDING, SENDING, SENT)
"""Digests that count towards a person's cap: sent, or on their way."""


@dataclass(frozen=True, kw_only=True)
class NewMessage:
    """A message to write into the outbox before it is sent."""

    key: str
    user_id: int
    platform: str
    payload: str
    """The reply as JSON (``bot.serialize.reply_to_json``)."""


@dataclass(frozen=True, kw_only=True)
class Claim:
    """A message claimed for sending; ``attempts`` includes this attempt."""

    id: int
    key: str
    user_id: int | None
    platform: str
    payload: str
    attempts: int
    created_at: datetime
    """When the message was written to the outbox (it cannot have been sent before)."""
    maybe_sent: bool = False
    """An earlier attempt may have reached the platform: ask it before sending again."""
