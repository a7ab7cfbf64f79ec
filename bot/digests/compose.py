"""Composing due digests: who gets one now, what is in it, written to the outbox.

One pass reads every opted-in person in one query, decides with pure functions who is
due (``schedule``), leaves out whoever already has this period's digest or reached
their cap, asks the suggestions for what is new since their last digest, and writes
the rendered replies to the outbox in batches. A person with nothing new gets no
digest and no outbox row. ``last_digest_at`` moves to the moment of composing, in the
same transaction as the outbox row, so the next digest holds only what came after.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Table, select, update

from bot.digests import outbox
from bot.digests.schedule import (
    CAP_DAYS,
    FREQUENCIES,
    DigestPlan,
    cap_window_start,
    digest_key,
    due_digest,
    under_cap,
)
from bot.i18n import SUPPORTED, t
from bot.models import Reply, Text
from bot.serialize import reply_to_json
from bot.settings import Settings
from bot.storage.tables import User
from bot.suggestions import suggest, suggestions_reply

log = logging.getLogger(__name__)

_USERS: Table = User.__table__  # type: ignore[attr-defined]
_WRITE_BATCH = 500


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """An opted-in person whose digest window is open now."""

    user_id: int
    platform: str
    language: str
    frequency: str
    key: str
    plan: DigestPlan
    last_digest_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class ComposeReport:
    """What one compose pass did, counted in people."""

    opted_in: int = 0
    due: int = 0
    already_written: int = 0
    over_cap: int = 0
    nothing_new: int = 0
    written: int = 0
    errors: int = 0


class NothingNewMemo:
    """Who had nothing new, and when that was checked, so a pass doesn't ask every minute.

    Kept in memory by the scheduler process: a restart checks everyone again, which
    costs time, not correctness.
    """

    def __init__(self, recheck: timedelta = timedelta(minutes=15)) -> None:
        self.recheck = recheck
        self._checked: dict[str, datetime] = {}

    def recently_empty(self, key: str, now: datetime) -> bool:
        """Whether ``key``'s digest was found empty less than ``recheck`` ago."""
        checked = self._checked.get(key)
        return checked is not None and checked <= now < checked + self.recheck

    def note_empty(self, key: str, now: datetime) -> None:
        """Remember that ``key``'s digest had nothing in it at ``now``."""
        self._checked[key] = now

    def keep_only(self, keys: Collection[str]) -> None:
        """Forget every key not in ``keys`` (windows that closed)."""
        self._checked = {k: v for k, v in self._checked.items() if k in keys}


def due_candidates(
    engine: Engine,
    *,
    now: datetime,
    settings: Settings,
    platforms: Collection[str] | None = None,
) -> tuple[int, list[Candidate]]:
    """Everyone opted in (on ``platforms``, if given), and those of them due at ``now``.

    Returns the number opted in and the candidates whose window is open now, in one
    query for the people; cap and existing digests are not checked here.
    """
    columns = _USERS.c
    statement = select(
        columns.id, columns.platform, columns.language, columns.timezone, columns.digest,
        columns.digest_time, columns.digest_weekday, columns.quiet_start, columns.quiet_end,
        columns.digest_cap, columns.last_digest_at,
    ).where(columns.digest.in_(sorted(FREQUENCIES)))
    if platforms is not None:
        statement = statement.where(columns.platform.in_(sorted(platforms)))
    with engine.connect() as connection:
        rows = connection.execute(statement.order_by(columns.id)).all()
    candidates: list[Candidate] = []
    for (user_id, platform, language, zone, frequency, at, weekday, quiet_start, quiet_end,
         cap, last_digest_at) in rows:
        plan = DigestPlan(
            frequency=frequency, digest_time=at, weekday=weekday, quiet_start=quiet_start,
            quiet_end=quiet_end, timezone=zone, cap=cap,
        )
        due = due_digest(plan, now, default_timezone=settings.timezone)
        if due is None:
            continue
        candidates.append(
            Candidate(
                user_id=user_id, platform=platform,
                language=language if language in SUPPORTED else "",
                frequency=frequency, key=digest_key(user_id, due.period), plan=plan,
                last_digest_at=last_digest_at,
            )
        )
    return len(rows), candidates


def compose_due_digests(
    engine: Engine,
    *,
    now: datetime,
    settings: Settings,
    platforms: Collection[str] | None = None,
    default_language: str = "en",
    limit: int = 3,
    memo: NothingNewMemo | None = None,
) -> ComposeReport:
    """Write to the outbox the digest of everyone due at ``now``; return what was done.

    Safe to run again for the same moment, or from two processes: a period's digest is
    written at most once. One person's failure is logged and does not stop the others.
    With a ``memo``, people found to have nothing new are asked again only after the
    memo's recheck interval.
    """
    opted_in, candidates = due_candidates(engine, now=now, settings=settings, platforms=platforms)
    existing = outbox.existing_keys(engine, (c.key for c in candidates))
    # One query for everyone's recent digests; each person's own window (local days)
    # is applied below. A day more than the window covers every time zone.
    recent = outbox.recent_digests(engine, since=now - timedelta(days=CAP_DAYS + 1))
    written = over_cap = nothing_new = errors = 0
    pending: list[tuple[outbox.NewMessage, int]] = []
    for candidate in candidates:
        if candidate.key in existing:
            continue
        since = cap_window_start(candidate.plan, now, default_timezone=settings.timezone)
        count = sum(1 for written_at in recent.get(candidate.user_id, ()) if written_at >= since)
        if not under_cap(candidate.plan, count):
            over_cap += 1
            continue
        if memo is not None and memo.recently_empty(candidate.key, now):
            nothing_new += 1
            continue
        try:
            message = _compose_one(engine, candidate, now=now, settings=settings,
                                   default_language=default_language, limit=limit)
        except Exception:  # one person's bad data must not stop everyone's digests
            log.exception("digest for user %s could not be composed", candidate.user_id)
            errors += 1
            if memo is not None:  # try again later, not every minute with a stack trace
                memo.note_empty(candidate.key, now)
            continue
        if message is None:
            nothing_new += 1
            if memo is not None:
                memo.note_empty(candidate.key, now)
            continue
        pending.append((message, candidate.user_id))
        if len(pending) >= _WRITE_BATCH:
            written += _write(engine, pending, now=now)
            pending = []
    written += _write(engine, pending, now=now)
    if memo is not None:
        memo.keep_only({c.key for c in candidates})
    return ComposeReport(
        opted_in=opted_in, due=len(candidates), already_written=len(existing),
        over_cap=over_cap, nothing_new=nothing_new, written=written, errors=errors,
    )


def _compose_one(
    engine: Engine,
    candidate: Candidate,
    *,
    now: datetime,
    settings: Settings,
    default_language: str,
    limit: int,
) -> outbox.NewMessage | None:
    found = suggest(
        engine, user_id=candidate.user_id, now=now, limit=limit,
        new_since=candidate.last_digest_at,
    )
    if not found:
        return None
    language = candidate.language or default_language
    reply = suggestions_reply(
        engine,
        user_id=candidate.user_id,
        language=language,
        now=now,
        suggestions=found,
        settings=settings,
        delivery_key=candidate.key,
        intro=t(language, f"digests.intro.{candidate.frequency}", count=len(found)),
    )
    # Say why the message came and how to stop it: the bot never nags beyond what a
    # person chose, and says so.
    footer = Text(text=t(language, f"digests.footer.{candidate.frequency}"), style="note")
    digest = Reply(parts=(*reply.parts, footer), language=reply.language, kind="digest")
    return outbox.NewMessage(
        key=candidate.key, user_id=candidate.user_id, platform=candidate.platform,
        payload=reply_to_json(digest),
    )


def _write(engine: Engine, batch: list[tuple[outbox.NewMessage, int]], *, now: datetime) -> int:
    if not batch:
        return 0
    with engine.begin() as connection:
        inserted = outbox.insert_messages(connection, [m for m, _ in batch], now=now)
        users = sorted({user_id for m, user_id in batch if m.key in inserted})
        for start in range(0, len(users), _WRITE_BATCH):
            chunk = users[start : start + _WRITE_BATCH]
            connection.execute(
                update(_USERS).where(_USERS.c.id.in_(chunk)).values(last_digest_at=now)
            )
    return len(inserted)
