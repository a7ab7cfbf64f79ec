"""Digests: who is due one, composing it into the outbox, and delivering the outbox.

``schedule`` decides who is due (pure functions of settings and a clock), ``compose``
writes due digests to the outbox, ``outbox`` holds the messages' transitions,
``delivery`` sends what is due through each platform's ``Sender``, and ``store``
(``DigestStore``) holds all of their SQL.
"""

from __future__ import annotations

from bot.digests.compose import ComposeReport, NothingNewMemo, compose_due_digests
from bot.digests.delivery import (
    DeliveryReport,
    backoff,
    current_delivery_key,
    deliver_outbox,
    delivering,
)
from bot.digests.schedule import DigestPlan, DueDigest, digest_key, due_digest, in_quiet_hours
from bot.digests.store import DigestStore

__all__ = [
    "ComposeReport",
    "DeliveryReport",
    "DigestPlan",
    "DigestStore",
    "DueDigest",
    "NothingNewMemo",
    "backoff",
    "compose_due_digests",
    "current_delivery_key",
    "deliver_outbox",
    "delivering",
    "digest_key",
    "due_digest",
    "in_quiet_hours",
]
