"""Who could get a digest now: everyone opted in, read in one query, and the schedule applied."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Table, select

from bot.digests.schedule import FREQUENCIES, DigestPlan, digest_key, due_digest
from bot.i18n import SUPPORTED
from bot.settings import Settings
from bot.storage.tables import User

_USERS: Table = User.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """An opted-in person whose digest window is open now."""

    user_id: int
    platform: str
    language: str
    """Their language when the bot speaks it, else empty (the pass's default applies)."""
    frequency: str
    key: str
    plan: DigestPlan
    last_digest_at: datetime | None


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
    with engine.connect() as connection:
        rows = connection.execute(statement.order_by(columns.id)).all()
    candidates: list[Candidate] = []
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
    ) in rows:
        plan = DigestPlan(
            frequency=frequency,
            digest_time=at,
            weekday=weekday,
            quiet_start=quiet_start,
            quiet_end=quiet_end,
            timezone=zone,
            cap=cap,
        )
        due = due_digest(plan, now, default_timezone=settings.timezone)
        if due is None:
            continue
        candidates.append(
            Candidate(
                user_id=user_id,
                platform=platform,
                language=language if language in SUPPORTED else "",
                frequency=frequency,
                key=digest_key(user_id, due.period),
                plan=plan,
                last_digest_at=last_digest_at,
            )
        )
    return len(rows), candidates
