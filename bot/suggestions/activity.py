"""A person's own activity this month: what they shared and the clicks on their links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, func, select
from sqlmodel import col

from bot.storage.tables import Event, User


@dataclass(frozen=True, kw_only=True)
class Activity:
    """Counts for the calendar month so far, in the person's time zone."""

    tracked: bool
    shared: int = 0
    clicks: int = 0


def month_start(now: datetime, timezone: str) -> datetime:
    """The start of ``now``'s month in ``timezone`` (UTC when unknown), as UTC."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC)


def month_activity(engine: Engine, *, user_id: int, now: datetime) -> Activity:
    """How many items the person marked shared this month and how many clicks their links got.

    Nothing is counted for someone who opted out: their events carry no identity.
    """
    with engine.connect() as connection:
        row = connection.execute(
            select(col(User.tracking), col(User.timezone)).where(col(User.id) == user_id)
        ).first()
        if row is None or not row[0]:
            return Activity(tracked=False)
        counts = dict(
            connection.execute(
                select(col(Event.kind), func.count())
                .where(
                    col(Event.user_id) == user_id,
                    col(Event.kind).in_(("marked_shared", "link_clicked")),
                    col(Event.occurred_at) >= month_start(now, row[1]),
                )
                .group_by(col(Event.kind))
            ).all()
        )
    return Activity(
        tracked=True, shared=counts.get("marked_shared", 0), clicks=counts.get("link_clicked", 0)
    )
