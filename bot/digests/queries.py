"""The digests' bulk writes: new outbox rows, and ``last_digest_at`` moved on.

Both run in the caller's transaction (``DigestStore.write_digests``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Connection, Table, and_, or_, select, update

from bot.digests.outbox import PENDING, SENDING, WITHDRAWN, NewMessage
from bot.digests.schedule import FREQUENCIES
from bot.storage.bulk import insert_new
from bot.storage.tables import ContentItem, OutboxMessage, User
from bot.suggestions.scoring import Person, audience_ok
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


def unshareable(
    connection: Connection, item_ids: Collection[int], *, user_id: int | None, now: datetime
) -> set[int]:
    """Which of ``item_ids`` may not be shared by ``user_id`` at ``now``.

    Retired, expired or gone items, and items whose audience no longer includes the
    person (their team, location or language changed).
    """
    wanted = sorted(set(item_ids))[:CHUNK]
    shareable = select(
        ITEMS.c.id, ITEMS.c.audience_teams, ITEMS.c.audience_locations, ITEMS.c.audience_languages
    ).where(
        ITEMS.c.id.in_(wanted),
        ITEMS.c.status.in_(SHARE_STATUSES),
        or_(ITEMS.c.expires.is_(None), ITEMS.c.expires > now),
    )
    person = connection.execute(
        select(USERS.c.language, USERS.c.team, USERS.c.location).where(USERS.c.id == user_id)
    ).first()
    if person is None:
        return set(wanted)
    who = Person(
        id=user_id or 0,
        language=person.language,
        team=person.team,
        location=person.location,
        topics=frozenset(),
    )
    allowed = {
        item
        for item, teams, locations, languages in connection.execute(shareable)
        if audience_ok(who, teams or "", locations or "", languages or "")
    }
    return set(wanted) - allowed


def withdraw_unwanted(connection: Connection, *, now: datetime) -> int:
    """Mark ``withdrawn`` the waiting digests their people no longer want (see the store)."""
    weekly = OUTBOX.c.key.like("digest:%-W%")
    unwanted = select(USERS.c.id).where(
        USERS.c.id == OUTBOX.c.user_id,
        or_(
            USERS.c.digest.not_in(sorted(FREQUENCIES)),
            and_(USERS.c.digest == "weekly", ~weekly),
            and_(USERS.c.digest == "daily", weekly),
        ),
    )
    statement = (
        update(OUTBOX)
        .where(
            OUTBOX.c.key.like("digest:%"),
            unwanted.exists(),
            or_(
                OUTBOX.c.status == PENDING,
                and_(OUTBOX.c.status == SENDING, OUTBOX.c.next_attempt_at <= now),
            ),
        )
        .values(status=WITHDRAWN)
    )
    return connection.execute(statement).rowcount
