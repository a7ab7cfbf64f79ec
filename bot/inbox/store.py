"""The SQL of the inbox: write a delivery before its acknowledgement, claim, mark, expire.

``InboxStore`` takes and returns plain values (``Delivery``); the worker and the
adapters work on those. The life of a row is described in ``bot.inbox.delivery``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.inbox.delivery import (
    DONE,
    FAILED,
    FINISHED,
    MAX_ATTEMPTS,
    PENDING,
    WORKING,
    Delivery,
    NewDelivery,
    fit_key,
)
from bot.storage.bulk import insert_new
from bot.storage.store import Store
from bot.storage.tables import InboxItem

_INBOX: Table = InboxItem.__table__  # type: ignore[attr-defined]

EMPTY_PAYLOAD = "{}"
"""A finished row keeps no payload: only its key is needed, to recognise a repeat."""
ERROR_MAX = 500
_CHUNK = 500  # keys per IN list: well below SQLite's bound-parameter limit


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InboxStore:
    """Reads and writes the ``inbox`` table through one engine."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self._clock = clock

    @classmethod
    def from_store(cls, store: Store, *, clock: Callable[[], datetime] = _utc_now) -> InboxStore:
        """The inbox in ``store``'s database."""
        return cls(store.engine, clock=clock)

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
        """Insert the delivery; False when the key is in the table already (a repeat).

        The unique key decides, in one INSERT, on SQLite and PostgreSQL alike, between
        processes and across restarts.
        """
        now = self._clock()
        values: dict[str, object] = {
            "key": fit_key(key),
            "platform": platform,
            "kind": kind,
            "payload": json.dumps(payload, separators=(",", ":")),
            "received_at": now,
        }
        if holder is None:
            values.update(status=PENDING, attempts=0, lease_until=now)
        else:
            values.update(status=WORKING, attempts=1, lease_until=now + lease, holder=holder)
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(_INBOX).values(**values))
        except IntegrityError:
            return False
        return True

    def add_many(
        self,
        platform: str,
        items: Sequence[NewDelivery],
        *,
        holder: str,
        lease: timedelta,
    ) -> set[str]:
        """Insert deliveries taken by ``holder``, in one statement and one commit; the keys
        that were new. A key in the inbox already, or earlier in ``items``, is left out.

        One commit for all the deliveries that arrived together keeps the acknowledgements
        fast when many arrive at once.
        """
        now = self._clock()
        rows: dict[str, dict[str, object]] = {}
        for item in items:
            rows.setdefault(
                fit_key(item.key),
                {
                    "key": fit_key(item.key),
                    "platform": platform,
                    "kind": item.kind,
                    "payload": json.dumps(item.payload, separators=(",", ":")),
                    "received_at": now,
                    "status": WORKING,
                    "attempts": 1,
                    "lease_until": now + lease,
                    "holder": holder,
                },
            )
        if not rows:
            return set()
        with self._engine.begin() as connection:
            statement = insert_new(connection, _INBOX, "key").returning(_INBOX.c.key)
            added = set(connection.execute(statement, list(rows.values())).scalars())
        return {item.key for item in items if fit_key(item.key) in added}

    def claim(
        self, *, limit: int, lease: timedelta, holder: str, platforms: Collection[str]
    ) -> list[Delivery]:
        """Claim up to ``limit`` due deliveries of ``platforms`` for ``lease``.

        Due are ``pending`` rows whose time has come and ``working`` rows whose lease
        ran out (their process died or hung). A row is claimed by at most one caller.
        """
        if not platforms or limit <= 0:
            return []
        now = self._clock()
        due = (
            select(_INBOX.c.id)
            .where(
                _INBOX.c.status.in_((PENDING, WORKING)),
                _INBOX.c.lease_until <= now,
                _INBOX.c.platform.in_(sorted(platforms)),
            )
            .order_by(_INBOX.c.lease_until, _INBOX.c.id)
            .limit(limit)
            # Rendered on PostgreSQL only; SQLite runs one writer at a time anyway.
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(_INBOX)
            .where(_INBOX.c.id.in_(due.scalar_subquery()))
            # Checked again on the row itself: on PostgreSQL the subquery may have read a
            # row that another process claimed between its snapshot and our lock.
            .where(_INBOX.c.status.in_((PENDING, WORKING)), _INBOX.c.lease_until <= now)
            .values(
                status=WORKING,
                lease_until=now + lease,
                holder=holder,
                attempts=_INBOX.c.attempts + 1,
            )
            .returning(
                _INBOX.c.id,
                _INBOX.c.key,
                _INBOX.c.platform,
                _INBOX.c.kind,
                _INBOX.c.payload,
                _INBOX.c.attempts,
            )
        )
        with self._engine.begin() as connection:
            rows = sorted(connection.execute(statement).all())
        return [
            Delivery(key=k, platform=p, kind=kind, payload=json.loads(body), attempts=a)
            for _, k, p, kind, body, a in rows
        ]

    def _mark(self, key: str, attempt: int, **values: object) -> bool:
        statement = (
            update(_INBOX)
            .where(
                _INBOX.c.key == fit_key(key),
                _INBOX.c.status == WORKING,
                _INBOX.c.attempts == attempt,
            )
            .values(**values)
        )
        with self._engine.begin() as connection:
            return bool(connection.execute(statement).rowcount)

    def renew(self, keys: Collection[str], *, holder: str, lease: timedelta) -> int:
        """Extend the lease of those of ``keys`` that ``holder`` still works on; how many.

        A row another process claimed meanwhile (this one's lease ran out) is left alone.
        """
        fitted = sorted({fit_key(key) for key in keys})
        renewed = 0
        with self._engine.begin() as connection:
            for start in range(0, len(fitted), _CHUNK):
                statement = (
                    update(_INBOX)
                    .where(
                        _INBOX.c.key.in_(fitted[start : start + _CHUNK]),
                        _INBOX.c.status == WORKING,
                        _INBOX.c.holder == holder,
                    )
                    .values(lease_until=self._clock() + lease)
                )
                renewed += int(connection.execute(statement).rowcount or 0)
        return renewed

    def mark_done(self, key: str, *, attempt: int) -> bool:
        """Record that ``attempt`` answered the delivery, dropping its payload; False when
        ``attempt`` no longer held it."""
        return self._mark(
            key,
            attempt,
            status=DONE,
            payload=EMPTY_PAYLOAD,
            holder=None,
            finished_at=self._clock(),
        )

    def mark_failed(self, key: str, *, attempt: int, error: str, retry_in: timedelta) -> bool:
        """Record a failed attempt: ``pending`` again after ``retry_in``, or ``failed``
        (its payload dropped) once ``MAX_ATTEMPTS`` were made."""
        now = self._clock()
        if attempt >= MAX_ATTEMPTS:
            return self._mark(
                key,
                attempt,
                status=FAILED,
                payload=EMPTY_PAYLOAD,
                holder=None,
                last_error=error[:ERROR_MAX],
                finished_at=now,
            )
        return self._mark(
            key,
            attempt,
            status=PENDING,
            holder=None,
            lease_until=now + retry_in,
            last_error=error[:ERROR_MAX],
        )

    def release(self, key: str) -> None:
        """Delete a delivery that nothing was done for, so a repeat of it is taken."""
        with self._engine.begin() as connection:
            connection.execute(delete(_INBOX).where(_INBOX.c.key == fit_key(key)))

    def expire(self, *, older_than: datetime, limit: int = 1000) -> int:
        """Delete up to ``limit`` finished deliveries received before ``older_than``; their
        keys go with them. Unfinished rows stay, however old: they are still to be answered.
        """
        oldest = (
            select(_INBOX.c.id)
            .where(_INBOX.c.status.in_(FINISHED), _INBOX.c.received_at < older_than)
            .order_by(_INBOX.c.received_at)
            .limit(limit)
        )
        statement = delete(_INBOX).where(_INBOX.c.id.in_(oldest.scalar_subquery()))
        with self._engine.begin() as connection:
            return int(connection.execute(statement).rowcount or 0)

    def status_of(self, key: str) -> tuple[str, int] | None:
        """The status and attempts of a delivery (for the logs and tests); None when absent."""
        statement = select(_INBOX.c.status, _INBOX.c.attempts).where(_INBOX.c.key == fit_key(key))
        with self._engine.connect() as connection:
            row = connection.execute(statement).first()
        return None if row is None else (str(row[0]), int(row[1]))
