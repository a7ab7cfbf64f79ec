"""The scheduler lock in the database: which ``merkwerker scheduler`` is the active one.

SQLite (``RowLock``): the active scheduler holds the row of ``scheduler_lock`` and
renews its ``heartbeat_at``; another takes the row over once the heartbeat is older
than the take-over limit. Taking over is one conditional UPDATE, so of two standbys
that try at once exactly one wins.

PostgreSQL (``AdvisoryLock``): a session-level advisory lock held on a connection of
its own for as long as the scheduler is active. A process that dies closes its
connection and the server frees the lock at once; a heartbeat is a statement on that
connection, so a connection that died is noticed at the next one. The row is written
too, for the record only: it says who is active.

Methods are synchronous and blocking; the scheduler calls them through
``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, delete, inspect, select, update
from sqlalchemy import insert as sa_insert
from sqlalchemy import text as sa_text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from bot.scheduling.holders import Claim, Holder, Lost, LostHow, Won
from bot.storage import Store
from bot.storage.tables import SchedulerLock

_LOCKS: Table = SchedulerLock.__table__  # type: ignore[attr-defined]

LOCK_NAME = "scheduler"
"""The row (and the lock) of ``merkwerker scheduler``."""
ADVISORY_KEY = 0x4D65726B5363686C  # "MerkSchl"; any number, the same in every process
"""The PostgreSQL advisory lock key of the scheduler lock."""


class RowLock:
    """The scheduler lock as a row with a heartbeat (SQLite, or any database but PostgreSQL)."""

    def __init__(self, engine: Engine, *, name: str = LOCK_NAME) -> None:
        self._engine = engine
        self._name = name

    def try_acquire(self, *, holder: str, now: datetime, stale_after: timedelta) -> Won | None:
        """Take the lock if nobody holds it or its heartbeat is older than ``stale_after``.

        Returns None while another scheduler holds it.
        """
        previous = self.current()
        taken = (
            update(_LOCKS)
            .where(_LOCKS.c.name == self._name, _LOCKS.c.heartbeat_at < now - stale_after)
            .values(holder=holder, acquired_at=now, heartbeat_at=now)
        )
        with self._engine.begin() as connection:
            won = connection.execute(taken).rowcount == 1
        if not won:
            if previous is not None:
                return None
            try:
                with self._engine.begin() as connection:
                    connection.execute(
                        sa_insert(_LOCKS).values(
                            name=self._name, holder=holder, acquired_at=now, heartbeat_at=now
                        )
                    )
            except IntegrityError:  # another scheduler created the row first
                return None
        return Won(claim=Claim(name=holder, acquired_at=now), previous=previous)

    def renew(self, claim: Claim, *, now: datetime) -> Lost | None:
        """Write a heartbeat; a ``Lost`` when another scheduler took the row over.

        A database error (the file locked for too long, say) is raised: the caller
        decides how long it may go without a heartbeat.
        """
        with self._engine.begin() as connection:
            renewed = connection.execute(
                update(_LOCKS).where(*self._ours(claim)).values(heartbeat_at=now)
            ).rowcount
        if renewed == 1:
            return None
        current = self.current()
        return Lost(how=LostHow.TAKEN_OVER, holder=current.name if current else None)

    def release(self, claim: Claim) -> None:
        """Give the lock up (a standby may take it at its next try); no-op if not ours."""
        with self._engine.begin() as connection:
            connection.execute(delete(_LOCKS).where(*self._ours(claim)))

    def current(self) -> Holder | None:
        """Who holds (or last held) the lock, as the row says; None without a row."""
        return _read_holder(self._engine, self._name)

    def create_table(self, table: Table) -> None:
        """Create ``table`` (another library's) unless it exists; see ``create_missing``."""
        create_missing(self._engine, table)

    def close(self) -> None:
        """Nothing to close: the row lock uses the store's own connections."""

    def _ours(self, claim: Claim) -> tuple[Any, ...]:
        return (
            _LOCKS.c.name == self._name,
            _LOCKS.c.holder == claim.name,
            _LOCKS.c.acquired_at == claim.acquired_at,
        )


class AdvisoryLock:
    """The scheduler lock as a PostgreSQL session-level advisory lock.

    ``stale_after`` also bounds how long the server keeps the session of a process that
    stopped sending heartbeats without closing its connection (a frozen or unreachable
    host): ``idle_session_timeout`` closes it, which frees the lock.
    """

    def __init__(self, engine: Engine, *, name: str = LOCK_NAME, key: int = ADVISORY_KEY) -> None:
        self._engine = engine
        self._name = name
        self._key = key
        # A connection of its own, never pooled: closing it must end the session.
        self._dedicated = create_engine(
            engine.url, poolclass=NullPool, connect_args={"connect_timeout": 10}
        )
        self._connection: Connection | None = None

    def try_acquire(self, *, holder: str, now: datetime, stale_after: timedelta) -> Won | None:
        """Take the advisory lock on a new connection and write the row; None if held."""
        previous = self.current()
        connection = self._dedicated.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            won = connection.execute(
                sa_text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            ).scalar()
            if not won:
                connection.close()
                return None
            _limit_idle_session(connection, stale_after)
            claim = Claim(name=holder, acquired_at=now)
            self._write(connection, claim, now)
        except BaseException:
            connection.invalidate()
            connection.close()
            raise
        self._close()
        self._connection = connection
        return Won(claim=claim, previous=previous)

    def renew(self, claim: Claim, *, now: datetime) -> Lost | None:
        """Check the lock's connection is alive and write the heartbeat on it.

        Any error means the session (and with it the lock) may be gone: a ``Lost``.
        """
        connection = self._connection
        if connection is None:
            return Lost(how=LostHow.CONNECTION_FAILED, detail="no connection")
        try:
            connection.execute(sa_text("SELECT 1"))
            self._write(connection, claim, now)
        except SQLAlchemyError as error:
            self._close()
            return Lost(how=LostHow.CONNECTION_FAILED, detail=_first_line(error))
        return None

    def release(self, claim: Claim) -> None:
        """Delete our row and close the lock's connection, which frees the lock."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            row = _LOCKS.c
            connection.execute(
                delete(_LOCKS).where(
                    row.name == self._name,
                    row.holder == claim.name,
                    row.acquired_at == claim.acquired_at,
                )
            )
            connection.execute(sa_text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
        finally:
            connection.close()

    def current(self) -> Holder | None:
        """Who holds (or last held) the lock, as the row says; None without a row."""
        return _read_holder(self._engine, self._name)

    def create_table(self, table: Table) -> None:
        """Create ``table`` (another library's) unless it exists; see ``create_missing``."""
        create_missing(self._engine, table)

    def close(self) -> None:
        """Close the lock's connection (freeing the lock) and its engine."""
        self._close()
        self._dedicated.dispose()

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # A dead connection may fail to close; it is gone anyway.
            with contextlib.suppress(SQLAlchemyError):
                connection.close()

    def _write(self, connection: Connection, claim: Claim, now: datetime) -> None:
        values = {"holder": claim.name, "acquired_at": claim.acquired_at, "heartbeat_at": now}
        connection.execute(
            pg_insert(_LOCKS)
            .values(name=self._name, **values)
            .on_conflict_do_update(index_elements=[_LOCKS.c.name], set_=values)
        )


SchedulerLockStore = RowLock | AdvisoryLock


def scheduler_lock(store: Store, *, name: str = LOCK_NAME) -> SchedulerLockStore:
    """The scheduler lock of ``store``'s database: advisory on PostgreSQL, a row elsewhere."""
    if store.engine.dialect.name == "postgresql":
        return AdvisoryLock(store.engine, name=name)
    return RowLock(store.engine, name=name)


def lock_holder(store: Store, *, name: str = LOCK_NAME) -> Holder | None:
    """Who holds (or last held) the scheduler lock of ``store``'s database, as its row says.

    Takes no lock and writes nothing; None when no scheduler has held it (or the last one
    stopped cleanly).
    """
    return _read_holder(store.engine, name)


def create_missing(engine: Engine, table: Table) -> None:
    """Create ``table`` unless it exists, also when another process creates it at once.

    A "table already exists" from a race is taken for success once the table is there.
    """
    try:
        table.create(engine, checkfirst=True)
    except SQLAlchemyError:
        if not inspect(engine).has_table(table.name, schema=table.schema):
            raise


def _read_holder(engine: Engine, name: str) -> Holder | None:
    statement = select(_LOCKS.c.holder, _LOCKS.c.acquired_at, _LOCKS.c.heartbeat_at).where(
        _LOCKS.c.name == name
    )
    with engine.connect() as connection:
        row = connection.execute(statement).first()
    if row is None:
        return None
    return Holder(name=row.holder, acquired_at=row.acquired_at, heartbeat_at=row.heartbeat_at)


def _limit_idle_session(connection: Connection, stale_after: timedelta) -> None:
    # PostgreSQL 14 and newer; an older server keeps the session until TCP gives up.
    milliseconds = max(int(stale_after.total_seconds() * 1000), 1000)
    with contextlib.suppress(SQLAlchemyError):
        connection.execute(
            sa_text("SELECT set_config('idle_session_timeout', :value, false)"),
            {"value": f"{milliseconds}ms"},
        )


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
