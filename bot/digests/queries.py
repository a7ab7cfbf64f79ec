"""The digests' bulk writes: new outbox rows, and ``last_digest_at`` moved on.

Both run in the caller's transaction (``DigestStore.write_digests``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Connection, Table, or_, select, update

from bot.digests.outbox import PENDING, NewMessage
from bot.storage.bulk import insert_new
from bot.storage.tables import ContentItem, OutboxMessage, User
from bot.suggestions.suggestion import SHARE_STATUSES

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
USERS: Table = User.__table__  # type: ignore[attr-defined]
ITEMS: Table = ContentItem.__table__  # type: ignore[attr-defined]
CHUNK = 500  # rows per INSERT or IN list: well below SQLite's bound-parameter limit


def insert_messages(
    connection: Connection, messages: Sequence[NewMessage], *, now: datetime
) -> set[str]:
    """Insert ``messages`` as ``pending``, due ``now``; return the keys actually inserted.

    A key that is already in the outbox is left as it is (and not returned): writing
    the same period's digest twice does nothing. Runs in the caller's transaction.
    """
    if not messages:
        return set()
    statement = insert_new(connection, OUTBOX, "key")
    rows = [
        {
            "key": m.key,
            "user_id": m.user_id,
            "platform": m.platform,
            "payload": m.payload,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in messages
    ]
    # One statement compiled once; SQLAlchemy sends the rows in multi-row batches
    # ("insertmanyvalues") and hands back the keys of the rows that went in.
    result = connection.execute(statement.returning(OUTBOX.c.key), rows)
    inserted = set(result.scalars())
    return inserted


def mark_digested(connection: Connection, user_ids: Sequence[int], *, now: datetime) -> None:
    """Move ``last_digest_at`` to ``now``: the next digest holds only what came after."""
    users = sorted(set(user_ids))
    for start in range(0, len(users), CHUNK):
        chunk = users[start : start + CHUNK]
        connection.execute(update(USERS).where(USERS.c.id.in_(chunk)).values(last_digest_at=now))


def unshareable(connection: Connection, item_ids: Collection[int], *, now: datetime) -> set[int]:
    """Which of ``item_ids`` may not be shared at ``now``: retired, expired or gone."""
    wanted = sorted(set(item_ids))[:CHUNK]
    shareable = select(ITEMS.c.id).where(
        ITEMS.c.id.in_(wanted),
        ITEMS.c.status.in_(SHARE_STATUSES),
        or_(ITEMS.c.expires.is_(None), ITEMS.c.expires > now),
    )
    return set(wanted) - set(connection.execute(shareable).scalars())
