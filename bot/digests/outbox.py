"""The outbox table's transitions: write before sending, claim, then mark what happened.

A message's life: ``pending`` -> ``sending`` (claimed, with a lease) -> ``sent``; or
back to ``pending`` with a later ``next_attempt_at`` after a failed attempt; or
``failed`` (gave up), or ``unreachable`` (no stored conversation to send it to).

Claiming is one UPDATE that moves due rows to ``sending`` and pushes their
``next_attempt_at`` to the end of a lease, so two delivery passes never claim the same
row; on PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED`` so concurrent
passes skip each other's rows instead of waiting. A pass that dies while sending leaves
its rows in ``sending``; they are claimed again once the lease has run out. Every claim
adds one to ``attempts``, and the marks after sending require the attempt number of
their claim, so a pass whose lease ran out cannot overwrite a newer claim's outcome.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, Table, func, select, update

from bot.models import ConversationRef, Platform
from bot.storage.bulk import insert_new
from bot.storage.tables import ConversationReference, OutboxMessage, User

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
_REFS: Table = ConversationReference.__table__  # type: ignore[attr-defined]
_USERS: Table = User.__table__  # type: ignore[attr-defined]

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, UNREACHABLE = "failed", "unreachable"
COUNTED_STATUSES = (PENDING, SENDING, SENT)
"""Digests that count towards a person's cap: sent, or on their way."""

_CHUNK = 500  # rows per INSERT or IN list: well below SQLite's bound-parameter limit


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


def existing_keys(engine: Engine, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` are in the outbox already, whatever their status."""
    wanted = list(keys)
    found: set[str] = set()
    with engine.connect() as connection:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found.update(
                connection.execute(select(OUTBOX.c.key).where(OUTBOX.c.key.in_(chunk))).scalars()
            )
    return found


def recent_digests(engine: Engine, *, since: datetime) -> dict[int, list[datetime]]:
    """Per person, when each digest written since ``since`` was written.

    Only digests that were sent or are on their way count (not failed or unreachable
    ones: the person never saw those).
    """
    statement = select(OUTBOX.c.user_id, OUTBOX.c.created_at).where(
        OUTBOX.c.key.like("digest:%"),
        OUTBOX.c.created_at >= since,
        OUTBOX.c.status.in_(COUNTED_STATUSES),
        OUTBOX.c.user_id.is_not(None),
    )
    found: dict[int, list[datetime]] = {}
    with engine.connect() as connection:
        for user_id, created_at in connection.execute(statement):
            found.setdefault(user_id, []).append(created_at)
    return found


def claim_due(
    engine: Engine,
    *,
    now: datetime,
    lease: timedelta,
    platforms: Collection[str],
    limit: int = 50,
) -> list[Claim]:
    """Claim up to ``limit`` messages due by ``now`` for ``platforms``, for ``lease``.

    Due are ``pending`` rows whose ``next_attempt_at`` has come, and ``sending`` rows
    whose lease ran out (their pass died). A row is claimed by at most one caller.
    """
    if not platforms:
        return []
    due = (
        select(OUTBOX.c.id)
        .where(
            OUTBOX.c.status.in_((PENDING, SENDING)),
            OUTBOX.c.next_attempt_at <= now,
            OUTBOX.c.platform.in_(sorted(platforms)),
        )
        .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
        .limit(limit)
        # Rendered on PostgreSQL only; SQLite runs one writer at a time anyway.
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(due.scalar_subquery()))
        # Checked again on the row itself: on PostgreSQL the subquery may have read a row
        # that another pass claimed between its snapshot and our lock.
        .where(OUTBOX.c.status.in_((PENDING, SENDING)), OUTBOX.c.next_attempt_at <= now)
        .values(status=SENDING, next_attempt_at=now + lease, attempts=OUTBOX.c.attempts + 1)
        .returning(
            OUTBOX.c.id,
            OUTBOX.c.key,
            OUTBOX.c.user_id,
            OUTBOX.c.platform,
            OUTBOX.c.payload,
            OUTBOX.c.attempts,
        )
    )
    with engine.begin() as connection:
        rows = connection.execute(statement).all()
    claims = [
        Claim(id=i, key=k, user_id=u, platform=p, payload=body, attempts=a)
        for i, k, u, p, body, a in rows
    ]
    return sorted(claims, key=lambda claim: claim.id)


def addresses(engine: Engine, claims: Sequence[Claim]) -> dict[int, ConversationRef | None]:
    """Where to send each claimed message, read now; None when the person can't be reached.

    The stored conversation reference for the message's platform, with the person's
    platform user id; None when there is none, or it cannot be read.
    """
    user_ids = sorted({c.user_id for c in claims if c.user_id is not None})
    found: dict[tuple[int, str], ConversationRef | None] = {}
    statement = select(
        _REFS.c.user_id,
        _REFS.c.platform,
        _REFS.c.conversation_id,
        _REFS.c.data,
        _USERS.c.platform_user_id,
    ).join(_USERS, _USERS.c.id == _REFS.c.user_id)
    with engine.connect() as connection:
        for start in range(0, len(user_ids), _CHUNK):
            chunk = user_ids[start : start + _CHUNK]
            rows = connection.execute(statement.where(_REFS.c.user_id.in_(chunk)))
            for user_id, platform, conversation_id, data, platform_user_id in rows:
                found[(user_id, platform)] = _reference(
                    platform, conversation_id, data, platform_user_id
                )
    return {c.id: None if c.user_id is None else found.get((c.user_id, c.platform)) for c in claims}


def _reference(
    platform: str, conversation_id: str, data: str, platform_user_id: str
) -> ConversationRef | None:
    try:
        parsed = json.loads(data or "{}")
        return ConversationRef(
            platform=Platform(platform),
            conversation_id=conversation_id,
            user_id=platform_user_id,
            data=parsed if isinstance(parsed, dict) else {},
        )
    except ValueError:  # not JSON, or a platform this version doesn't know
        return None


def _finish(engine: Engine, claim: Claim, **values: object) -> bool:
    statement = (
        update(OUTBOX)
        .where(
            OUTBOX.c.id == claim.id,
            OUTBOX.c.status == SENDING,
            OUTBOX.c.attempts == claim.attempts,
        )
        .values(**values)
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount == 1


def mark_sent(engine: Engine, claim: Claim, *, now: datetime) -> bool:
    """Record that the claimed message was delivered; False if the claim was lost."""
    return _finish(engine, claim, status=SENT, sent_at=now, last_error=None)


def mark_retry(engine: Engine, claim: Claim, *, at: datetime, error: str) -> bool:
    """Put the claimed message back to be tried again at ``at``; False if the claim was lost."""
    return _finish(engine, claim, status=PENDING, next_attempt_at=at, last_error=error[:1000])


def mark_given_up(engine: Engine, claim: Claim, *, status: str, error: str) -> bool:
    """End the claimed message as ``failed`` or ``unreachable``; False if the claim was lost."""
    if status not in (FAILED, UNREACHABLE):
        raise ValueError(f"not a final status: {status!r}")
    return _finish(engine, claim, status=status, last_error=error[:1000])


def status_counts(engine: Engine, *, since: datetime | None = None) -> dict[str, int]:
    """How many outbox messages are in each status (written since ``since``, if given).

    For reports: ``unreachable`` counts people the bot could not reach.
    """
    statement = select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)
    if since is not None:
        statement = statement.where(OUTBOX.c.created_at >= since)
    with engine.connect() as connection:
        return {status: count for status, count in connection.execute(statement)}
