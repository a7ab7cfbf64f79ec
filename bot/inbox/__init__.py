"""The inbox: every delivery from a chat platform written down before it is acknowledged.

``InboxStore`` (the database's ``inbox`` table) recognises a repeat by its key, in any
process and after a restart; ``InboxWorker`` answers each delivery once and takes over
what a process that died left unanswered; ``MemoryInbox`` stands in for a bot without a
database. See ``bot.inbox.delivery`` for the life of a delivery.
"""

from __future__ import annotations

from bot.inbox.delivery import (
    DONE,
    FAILED,
    KEEP,
    MAX_ATTEMPTS,
    PENDING,
    WORKING,
    Delivery,
    Inbox,
    NewDelivery,
    digest_key,
)
from bot.inbox.memory import MemoryInbox
from bot.inbox.store import InboxStore
from bot.inbox.worker import InboxWorker

__all__ = [
    "DONE",
    "FAILED",
    "KEEP",
    "MAX_ATTEMPTS",
    "PENDING",
    "WORKING",
    "Delivery",
    "Inbox",
    "InboxStore",
    "InboxWorker",
    "MemoryInbox",
    "NewDelivery",
    "digest_key",
]
