"""Who is due a digest, and for which period: pure functions of a person's settings and a clock.

A digest belongs to a *period*: a day (``2025-03-30``) or an ISO week (``2025-W13``) in
the person's own time zone. Each period has a *window* in which its digest may go out:

- it opens at the person's digest time on the day of the period (for a weekly digest,
  on their chosen weekday), postponed to the end of quiet hours when that time falls
  inside them;
- it closes when quiet hours start, and at the latest at local midnight, so a digest
  missed while the scheduler was down still goes out later that day, never at night.

Keys made from the period (``digest:<user>:<period>``) are unique in the outbox, so a
period gets at most one digest however often the scheduler looks. Wall-clock times
are turned into instants with ``zoneinfo``: a digest time skipped by a clock change
(02:30 on the night clocks go forward) opens the window an hour later in local time,
and a repeated one (the night clocks go back) counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FREQUENCIES = frozenset({"daily", "weekly"})
"""The digest settings that mean "send me digests"; anything else (``off``) means never."""

CAP_DAYS = 7
"""``digest_cap`` counts the digests of the last seven local days (today and six before)."""

WEEKLY_CAP = 1
"""The cap of everyone not on a daily digest: one digest in any seven days."""

_DEFAULT_TIME = time(9, 0)
_DEFAULT_QUIET = (time(18, 0), time(8, 0))


@dataclass(frozen=True, kw_only=True)
class DigestPlan:
    """A person's digest settings, as stored on their ``User`` row."""

    frequency: str
    """``daily``, ``weekly`` or ``off``."""
    digest_time: str = "09:00"
    weekday: int = 0
    """0 = Monday; only for weekly digests."""
    quiet_start: str = "18:00"
    quiet_end: str = "08:00"
    timezone: str = "Europe/Amsterdam"
    cap: int = WEEKLY_CAP
    """At most this many digests in any seven days."""


@dataclass(frozen=True, kw_only=True)
class DueDigest:
    """A digest that may go out now: its period and the window it may go out in (UTC)."""

    period: str
    opens: datetime
    closes: datetime


def parse_clock_time(value: str) -> time | None:
    """``HH:MM`` (24-hour) as a ``time``; None when it is not a valid time of day."""
    hours, separator, minutes = value.strip().partition(":")
    if not separator or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    hour, minute = int(hours), int(minutes)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def zone_for(name: str, default: str) -> ZoneInfo:
    """The time zone called ``name``, or ``default`` when that is not a known zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def in_quiet_hours(moment: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether a local time of day falls in quiet hours, which may wrap midnight.

    Quiet hours include their start and exclude their end; equal start and end mean
    there are none.
    """
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= moment < quiet_end
    return moment >= quiet_start or moment < quiet_end


def digest_key(user_id: int, period: str) -> str:
    """The outbox key of a person's digest for one period; unique per person and period."""
    return f"digest:{user_id}:{period}"


def under_cap(plan: DigestPlan, recent: int) -> bool:
    """Whether one more digest keeps the person within their cap.

    ``recent`` counts their digests since ``cap_window_start``.
    """
    return recent < max(plan.cap, 0)


def cap_window_start(
    plan: DigestPlan, now: datetime, *, default_timezone: str = "Europe/Amsterdam"
) -> datetime:
    """Local midnight six days before today: the cap counts the digests since then.

    Counting whole local days, not the last 168 hours, keeps a digest that went out
    late (after a catch-up) from pushing next week's digest later too.
    """
    zone = zone_for(plan.timezone, default_timezone)
    first_day = now.astimezone(zone).date() - timedelta(days=CAP_DAYS - 1)
    return _instant(first_day, time(0, 0), zone)


def due_digest(
    plan: DigestPlan, now: datetime, *, default_timezone: str = "Europe/Amsterdam"
) -> DueDigest | None:
    """The period whose digest window contains ``now``, or None when nothing is due.

    Ignores the cap and whether a digest was already written: callers check those.
    Malformed settings fall back to the defaults (09:00, quiet 18:00-08:00,
    ``default_timezone``) instead of silencing the person.
    """
    if plan.frequency not in FREQUENCIES:
        return None
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
    zone = zone_for(plan.timezone, default_timezone)
    at = parse_clock_time(plan.digest_time) or _DEFAULT_TIME
    quiet = _quiet_hours(plan)
    weekday = plan.weekday if 0 <= plan.weekday <= 6 else 0
    today = now.astimezone(zone).date()
    # A window opens at most a day after its slot, so today's and yesterday's are enough.
    for day in (today, today - timedelta(days=1)):
        if plan.frequency == "weekly" and day.weekday() != weekday:
            continue
        opens, closes = _window(day, at, quiet, zone)
        if opens <= now < closes:
            return DueDigest(period=_period(plan.frequency, day), opens=opens, closes=closes)
    return None


def _quiet_hours(plan: DigestPlan) -> tuple[time, time]:
    start, end = parse_clock_time(plan.quiet_start), parse_clock_time(plan.quiet_end)
    if start is None or end is None:
        return _DEFAULT_QUIET
    return start, end


def _period(frequency: str, day: date) -> str:
    if frequency == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0: a wall time that happens twice counts at its first occurrence; one that
    # never happens (clocks forward) lands the length of the jump later.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _window(
    day: date, at: time, quiet: tuple[time, time], zone: ZoneInfo
) -> tuple[datetime, datetime]:
    quiet_start, quiet_end = quiet
    start_day, start_time = day, at
    if in_quiet_hours(at, quiet_start, quiet_end):
        start_time = quiet_end
        if quiet_start > quiet_end and at >= quiet_start:
            start_day = day + timedelta(days=1)  # quiet until tomorrow morning
    opens = _instant(start_day, start_time, zone)
    closes = _instant(start_day + timedelta(days=1), time(0, 0), zone)
    if quiet_start != quiet_end:
        quiet_begins = _instant(start_day, quiet_start, zone)
        if opens < quiet_begins < closes:
            closes = quiet_begins
    return opens, closes
