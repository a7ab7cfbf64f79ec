"""The participation log and its SQL: what people did with the bot and the content,
recorded once.

Every event carries an idempotency key, so a retried delivery (Slack and Teams both
retry) is recorded once. People who opted out of personal tracking are recorded
without their identity: the event counts, the person does not. ``EventLog`` is the
tracking area's store: the ``event`` table is read and written here only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.records import MessageRecord
from bot.storage import Store
from bot.storage.bulk import insert_new
from bot.storage.messages import write_message
from bot.storage.tables import Event, User

log = logging.getLogger(__name__)

EVENT_KINDS = frozenset(
    {
        "suggested",
        "share_link_opened",
        "marked_shared",
        "dismissed",
        "link_clicked",
        "question_asked",
        "draft_checked",
        "settings_changed",
    }
)


_EVENTS: Table = Event.__table__  # type: ignore[attr-defined]
_USERS: Table = User.__table__  # type: ignore[attr-defined]
_CHUNK = 500  # ids per IN list: well below SQLite's bound-parameter limit


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class NewEvent:
    """One event for ``EventLog.record_events``: the arguments of ``record_event``."""

    kind: str
    key: str
    user_id: int | None
    item_id: int | None = None
    share_id: int | None = None
    network: str | None = None
    reason: str | None = None
    detail: str | None = None
    occurred_at: datetime | None = None


def _check(kind: str, key: str) -> None:
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if not key or len(key) > 200:
        raise ValueError("an event needs an idempotency key of 1 to 200 characters")


class EventLog:
    """Writes participation events; the conversation's ``ParticipationLog``."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utc_now) -> None:
        """Write through ``engine`` (migrated); ``clock`` dates events given no moment."""
        self.engine = engine
        self.clock = clock

    @classmethod
    def from_store(cls, store: Store, *, clock: Callable[[], datetime] = _utc_now) -> EventLog:
        """The participation log in ``store``'s database."""
        return cls(store.engine, clock=clock)

    def record_event(
        self,
        kind: str,
        *,
        key: str,
        user_id: int | None,
        item_id: int | None = None,
        share_id: int | None = None,
        network: str | None = None,
        reason: str | None = None,
        detail: str | None = None,
        occurred_at: datetime | None = None,
    ) -> bool:
        """Record one event; False when ``key`` was recorded before (nothing changes then).

        The person's identity is left out when they opted out of tracking; their team is
        kept so aggregates stay right.
        """
        _check(kind, key)
        row = _row(
            kind=kind,
            key=key,
            occurred_at=occurred_at or self.clock(),
            user_id=None,
            team=None,
            item_id=item_id,
            share_id=share_id,
            network=network,
            reason=reason,
            detail=detail,
        )
        # Core rather than the ORM: this runs for every message the bot answers.
        try:
            with self.engine.begin() as connection:
                if user_id is not None:
                    found = _teams_and_tracking(connection, {user_id}).get(user_id)
                    if found is not None:
                        row["team"], tracking = found
                        row["user_id"] = user_id if tracking else None
                statement = insert_new(connection, _EVENTS, "idempotency_key")
                counted = statement.execution_options(preserve_rowcount=True)
                inserted = connection.execute(counted, [row]).rowcount
        except IntegrityError:
            # The item or share it is about was deleted meanwhile: nothing to record.
            return False
        return bool(inserted)

    def record_message(self, record: MessageRecord) -> int | None:
        """Write what one message leaves behind and its event, in one transaction; the id
        of its question or check.

        Like ``Store.record_message``, plus ``record.event`` (once per key, without the
        identity of someone who opted out, with their team), from the person as read
        for the message rather than read again.
        """
        event = record.event
        if event is not None:
            _check(event.kind, event.key)
        if record.empty:
            return None
        with self.engine.begin() as connection:
            written = write_message(connection, record)
            if event is not None:
                person = record.person
                tracked = person is not None and person.tracking
                row = _row(
                    kind=event.kind,
                    key=event.key,
                    occurred_at=record.at,
                    user_id=person.user_id if person is not None and tracked else None,
                    team=person.team if person is not None else None,
                    detail=event.detail,
                )
                connection.execute(_insert_new(connection), row)
        return written

    def record_events(
        self, events: Sequence[NewEvent], *, connection: Connection | None = None
    ) -> int:
        """Record many events at once; return how many were not recorded before.

        Each event as ``record_event`` would record it: once per key (a key seen before,
        or twice in ``events``, is recorded once), without the identity of people who
        opted out, with their team. All in one transaction: the caller's when
        ``connection`` is given (nothing is committed here then), else one of its own.
        Unlike ``record_event``, an event about an item or share that no longer exists
        raises ``IntegrityError`` (and the transaction records nothing) instead of being
        skipped.
        """
        for event in events:
            _check(event.kind, event.key)
        if not events:
            return 0
        if connection is None:
            with self.engine.begin() as own:
                return self.record_events(events, connection=own)
        people = _teams_and_tracking(connection, {e.user_id for e in events})
        rows: dict[str, dict[str, Any]] = {}
        for event in events:
            if event.key in rows:
                continue
            team, tracking = people.get(event.user_id, (None, False))
            rows[event.key] = _row(
                kind=event.kind,
                key=event.key,
                occurred_at=event.occurred_at or self.clock(),
                user_id=event.user_id if tracking else None,
                team=team,
                item_id=event.item_id,
                share_id=event.share_id,
                network=event.network,
                reason=event.reason,
                detail=event.detail,
            )
        # No RETURNING: a plain executemany sends one statement, prepared once, where
        # RETURNING makes the driver parse a new giant statement per page of rows (seconds
        # per pass on PostgreSQL). The count comes from the driver instead.
        statement = _insert_new(connection).execution_options(preserve_rowcount=True)
        return connection.execute(statement, list(rows.values())).rowcount

    def add_reason(self, kind: str, *, user_id: int | None, item_id: int, reason: str) -> bool:
        """Attach ``reason`` to the person's latest ``kind`` event about ``item_id``.

        For a tracked person a later reason replaces an earlier one. For someone who
        opted out (or ``user_id`` None) the events carry no identity, so the reason goes
        to the latest anonymous event about the item that has none yet: for the
        aggregates that is the same. False when there is no such event.
        """
        with Session(self.engine) as session:
            if user_id is not None:
                user = session.get(User, user_id)
                if user is None or not user.tracking:
                    user_id = None
            statement = select(col(Event.id)).where(
                col(Event.kind) == kind, col(Event.item_id) == item_id
            )
            if user_id is None:
                statement = statement.where(
                    col(Event.user_id).is_(None), col(Event.reason).is_(None)
                )
            else:
                statement = statement.where(col(Event.user_id) == user_id)
            event_id = session.execute(
                statement.order_by(col(Event.occurred_at).desc(), col(Event.id).desc()).limit(1)
            ).scalar()
            if event_id is None:
                return False
            session.execute(
                update(Event).where(col(Event.id) == event_id).values(reason=reason[:500])
            )
            session.commit()
        return True


def _row(
    *,
    kind: str,
    key: str,
    occurred_at: datetime,
    user_id: int | None,
    team: str | None,
    item_id: int | None = None,
    share_id: int | None = None,
    network: str | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """The ``event`` row; ``user_id`` is already None for someone who opted out."""
    return {
        "idempotency_key": key,
        "kind": kind,
        "occurred_at": occurred_at,
        "user_id": user_id,
        "team": team,
        "item_id": item_id,
        "share_id": share_id,
        "network": network,
        "reason": (reason or None) and reason[:500],
        "detail": (detail or None) and detail[:500],
    }


def _teams_and_tracking(
    connection: Connection, user_ids: set[int | None]
) -> dict[int | None, tuple[str | None, bool]]:
    """Per existing person among ``user_ids``: their team and whether they are tracked."""
    wanted = sorted(u for u in user_ids if u is not None)
    found: dict[int | None, tuple[str | None, bool]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        statement = select(_USERS.c.id, _USERS.c.team, _USERS.c.tracking).where(
            _USERS.c.id.in_(chunk)
        )
        for user_id, team, tracking in connection.execute(statement):
            found[user_id] = (team, bool(tracking))
    return found


def _insert_new(connection: Connection) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``event`` that skips rows whose idempotency key is there already."""
    return insert_new(connection, _EVENTS, "idempotency_key")
