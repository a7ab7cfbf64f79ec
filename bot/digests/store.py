"""The SQL of the digests: who is opted in, the outbox's rows, and ``last_digest_at``.

``DigestStore`` takes and returns plain values (``Subscriber``, ``NewMessage``,
``Claim``, ``ConversationRef``); composing and delivery work on those. The
outbox's life cycle is described in ``bot.digests.outbox``; its bulk writes are in
``bot.digests.queries``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, Table, and_, case, func, or_, select, true, update

from bot.digests.outbox import (
    COUNTED_STATUSES,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNREACHABLE,
    WITHDRAWN,
    Claim,
    NewMessage,
)
from bot.digests.queries import (
    CHUNK,
    OUTBOX,
    USERS,
    insert_messages,
    mark_digested,
    withdraw_unwanted,
)
from bot.digests.queries import unshareable as unshareable_items
from bot.digests.schedule import FREQUENCIES, DigestPlan
from bot.messages import ConversationRef, Platform
from bot.storage.store import Store
from bot.storage.tables import ConversationReference
from bot.suggestions.store import SuggestionStore

_REFS: Table = ConversationReference.__table__  # type: ignore[attr-defined]


RecordWritten = Callable[[Connection, list[int]], object]
"""Writes what goes with digests that went in, in the same transaction (given their users)."""
RecordSent = Callable[[Connection], object]
"""Writes what goes with a message that was sent, in the same transaction."""


@dataclass(frozen=True, kw_only=True)
class Subscriber:
    """A person opted in to digests, with their digest settings."""

    user_id: int
    platform: str
    language: str | None
    plan: DigestPlan
    last_digest_at: datetime | None


class DigestStore:
    """Reads and writes the digests' rows through one engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def from_store(cls, store: Store) -> DigestStore:
        """Digests and their outbox in ``store``'s database."""
        return cls(store.engine)

    @property
    def suggestions(self) -> SuggestionStore:
        """The suggestions' store on the same database, which ranks and renders the items."""
        return SuggestionStore(self._engine)

    def subscribers(self, *, platforms: Collection[str] | None = None) -> list[Subscriber]:
        """Everyone opted in to digests (on ``platforms``, if given), by user id, in one query."""
        columns = USERS.c
        statement = select(
            columns.id,
            columns.platform,
            columns.language,
            columns.timezone,
            columns.digest,
            columns.digest_time,
            columns.digest_weekday,
            columns.quiet_start,
            columns.quiet_end,
            columns.digest_cap,
            columns.last_digest_at,
        ).where(columns.digest.in_(sorted(FREQUENCIES)))
        if platforms is not None:
            statement = statement.where(columns.platform.in_(sorted(platforms)))
        with self._engine.connect() as connection:
            rows = connection.execute(statement.order_by(columns.id)).all()
        return [
            Subscriber(
                user_id=user_id,
                platform=platform,
                language=language,
                plan=DigestPlan(
                    frequency=frequency,
                    digest_time=at,
                    weekday=weekday,
                    quiet_start=quiet_start,
                    quiet_end=quiet_end,
                    timezone=zone,
                    cap=cap,
                ),
                last_digest_at=last_digest_at,
            )
            for (
                user_id,
                platform,
                language,
                zone,
                frequency,
                at,
                weekday,
                quiet_start,
                quiet_end,
                cap,
                last_digest_at,
            ) in rows
        ]

    def write_digests(
        self,
        messages: Sequence[NewMessage],
        *,
        now: datetime,
        record: RecordWritten | None = None,
    ) -> set[str]:
        """Write digests to the outbox in one transaction; return the keys that went in.

        For the people whose digest went in, ``record`` writes what goes with it (share
        links, events) and ``last_digest_at`` moves to ``now``, in the same transaction:
        a key already in the outbox (another process was first) brings nothing along.
        """
        with self._engine.begin() as connection:
            inserted = insert_messages(connection, messages, now=now)
            users = [m.user_id for m in messages if m.key in inserted]
            if record is not None:
                record(connection, users)
            mark_digested(connection, users, now=now)
        return inserted

    def insert_messages(self, messages: Sequence[NewMessage], *, now: datetime) -> set[str]:
        """Insert ``messages`` as ``pending``, due ``now``; return the keys actually inserted.

        A key that is already in the outbox is left as it is (and not returned).
        """
        with self._engine.begin() as connection:
            return insert_messages(connection, messages, now=now)

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are in the outbox already, whatever their status."""
        wanted = list(keys)
        found: set[str] = set()
        with self._engine.connect() as connection:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                found.update(
                    connection.execute(
                        select(OUTBOX.c.key).where(OUTBOX.c.key.in_(chunk))
                    ).scalars()
                )
        return found

    def recent_digests(self, *, since: datetime) -> dict[int, list[datetime]]:
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
        with self._engine.connect() as connection:
            for user_id, created_at in connection.execute(statement):
                found.setdefault(user_id, []).append(created_at)
        return found

    def withdraw_unwanted(self, *, now: datetime) -> int:
        """Withdraw the digests waiting for people who no longer want them; how many.

        Waiting are ``pending`` rows and ``sending`` rows whose lease ran out: a digest
        written before the person said "digest off", or switched between daily and
        weekly (or held back by retries, or by a platform no scheduler could send to),
        is not sent after all. Weekly periods are ISO weeks (``2026-W10``).
        """
        with self._engine.begin() as connection:
            return withdraw_unwanted(connection, now=now)

    def unshareable(
        self, item_ids: Collection[int], *, user_id: int | None, now: datetime
    ) -> set[int]:
        """Which of ``item_ids`` (a digest's items) ``user_id`` may not share at ``now``."""
        with self._engine.connect() as connection:
            return unshareable_items(connection, item_ids, user_id=user_id, now=now)

    def claim_due(
        self,
        *,
        now: datetime,
        lease: timedelta,
        platforms: Collection[str],
        limit: int = 50,
    ) -> list[Claim]:
        """Claim up to ``limit`` messages due by ``now`` for ``platforms``, for ``lease``.

        Due are ``pending`` rows whose ``next_attempt_at`` has come, and ``sending`` rows
        whose lease ran out (their pass died); those come back ``maybe_sent``. A row is
        claimed by at most one caller.
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
            # Picked once: as a plain subquery PostgreSQL may run it again for the rows
            # it updates, skip the rows it just claimed, and claim every due row, not
            # ``limit``.
            .cte("due")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        statement = (
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(select(due.c.id)))
            # Checked again on the row itself: on PostgreSQL the subquery may have read a row
            # that another pass claimed between its snapshot and our lock.
            .where(
                OUTBOX.c.status.in_((PENDING, SENDING)),
                OUTBOX.c.next_attempt_at <= now,
            )
            .values(
                status=SENDING,
                next_attempt_at=now + lease,
                attempts=OUTBOX.c.attempts + 1,
                # Still "sending": the pass that held it stopped without saying what happened.
                maybe_sent=case((OUTBOX.c.status == SENDING, true()), else_=OUTBOX.c.maybe_sent),
            )
            .returning(
                OUTBOX.c.id,
                OUTBOX.c.key,
                OUTBOX.c.user_id,
                OUTBOX.c.platform,
                OUTBOX.c.payload,
                OUTBOX.c.attempts,
                OUTBOX.c.created_at,
                OUTBOX.c.maybe_sent,
            )
        )
        with self._engine.begin() as connection:
            rows = connection.execute(statement).all()
        claims = [
            Claim(
                id=i,
                key=k,
                user_id=u,
                platform=p,
                payload=body,
                attempts=a,
                created_at=created,
                maybe_sent=bool(maybe),
            )
            for i, k, u, p, body, a, created, maybe in rows
        ]
        return sorted(claims, key=lambda claim: claim.id)

    def renew(self, claims: Sequence[Claim], *, until: datetime) -> int:
        """Extend the lease of those of ``claims`` still held to ``until``; how many were.

        A claim that was marked, or whose lease ran out and was claimed by another pass,
        is left alone.
        """
        if not claims:
            return 0
        held = or_(*(and_(OUTBOX.c.id == c.id, OUTBOX.c.attempts == c.attempts) for c in claims))
        statement = (
            update(OUTBOX).where(held, OUTBOX.c.status == SENDING).values(next_attempt_at=until)
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount

    def addresses(self, claims: Sequence[Claim]) -> dict[int, ConversationRef | None]:
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
            USERS.c.platform_user_id,
        ).join(USERS, USERS.c.id == _REFS.c.user_id)
        with self._engine.connect() as connection:
            for start in range(0, len(user_ids), CHUNK):
                chunk = user_ids[start : start + CHUNK]
                rows = connection.execute(statement.where(_REFS.c.user_id.in_(chunk)))
                for user_id, platform, conversation_id, data, platform_user_id in rows:
                    found[(user_id, platform)] = _reference(
                        platform, conversation_id, data, platform_user_id
                    )
        return {
            c.id: None if c.user_id is None else found.get((c.user_id, c.platform)) for c in claims
        }

    def _finish(
        self, claim: Claim, values: dict[str, object], then: RecordSent | None = None
    ) -> bool:
        statement = (
            update(OUTBOX)
            .where(
                OUTBOX.c.id == claim.id,
                OUTBOX.c.status == SENDING,
                OUTBOX.c.attempts == claim.attempts,
            )
            .values(**values)
        )
        with self._engine.begin() as connection:
            marked = connection.execute(statement).rowcount == 1
            if then is not None:
                then(connection)
        return marked

    def mark_sent(self, claim: Claim, *, now: datetime, then: RecordSent | None = None) -> bool:
        """Record that the claimed message was delivered, with ``then`` in the same
        transaction (run also when the claim was lost); False if the claim was lost."""
        return self._finish(claim, {"status": SENT, "sent_at": now, "last_error": None}, then)

    def mark_retry(
        self, claim: Claim, *, at: datetime, error: str, maybe_sent: bool = False
    ) -> bool:
        """Put the claimed message back to be tried again at ``at``; False if the claim was lost.

        ``maybe_sent``: the failed attempt may have reached the platform after all (it
        timed out), so the platform is asked before the next try. Once set, it stays set.
        """
        values: dict[str, object] = {
            "status": PENDING,
            "next_attempt_at": at,
            "last_error": error[:1000],
        }
        if maybe_sent:
            values["maybe_sent"] = True
        return self._finish(claim, values)

    def mark_given_up(self, claim: Claim, *, status: str, error: str) -> bool:
        """End the claimed message as failed, unreachable or withdrawn; False if claim lost."""
        if status not in (FAILED, UNREACHABLE, WITHDRAWN):
            raise ValueError(f"not a final status: {status!r}")
        return self._finish(claim, {"status": status, "last_error": error[:1000]})

    def status_counts(self, *, since: datetime | None = None) -> dict[str, int]:
        """How many outbox messages are in each status (written since ``since``, if given).

        For reports: ``unreachable`` counts people the bot could not reach.
        """
        statement = select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)
        if since is not None:
            statement = statement.where(OUTBOX.c.created_at >= since)
        with self._engine.connect() as connection:
            return {status: count for status, count in connection.execute(statement)}


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
