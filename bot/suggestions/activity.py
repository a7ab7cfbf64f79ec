"""A person's own activity this month: what they shared and the clicks on their links.

Counted by ``SuggestionStore.month_activity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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
