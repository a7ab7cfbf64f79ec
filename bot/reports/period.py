"""The period a report covers, and its ISO weeks in the configured time zone.

A period runs from ``since`` (included) up to ``until`` (not included), so consecutive
reports never count an event twice: ``--since 2026-03-01 --until 2026-04-01`` is March.
A date means midnight at the start of that day in the time zone. Weeks are ISO weeks
(Monday to Sunday) in that zone; the first and last week are cut off at the period's
ends, so they may be partial.

Every date Python knows works, 0001-01-01 to 9999-12-31. Where a time zone moves one of
them past the first or last moment Python can hold in UTC (midnight of 1 January of year
1 east of Greenwich, the end of 9999 west of it), the period starts or ends at that first
or last moment instead: nothing can have been recorded beyond it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_WEEKS = 4
"""A report without ``--since`` covers at most this many ISO weeks, the current one included.

It starts later when the data does: at the first day anything was recorded.
"""
MAX_DAYS = 3660
"""The longest period a report may cover: ten years, far beyond any useful report."""
EARLIEST = datetime.min.replace(tzinfo=UTC)
"""The first moment a period can start at."""
LATEST = datetime.max.replace(tzinfo=UTC)
"""The last moment a period can end at."""


class PeriodError(ValueError):
    """A period that cannot be reported on; ``key`` names the catalogue message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, kw_only=True)
class WeekSpan:
    """One ISO week of a period: its Monday, and the part of it inside the period (UTC)."""

    index: int
    monday: date
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """The ISO week, such as ``2026-W09``."""
        year, week, _ = self.monday.isocalendar()
        return f"{year:04d}-W{week:02d}"


@dataclass(frozen=True, kw_only=True)
class ReportPeriod:
    """From ``since`` (included) until ``until`` (excluded), weeks in ``timezone``."""

    since: datetime
    until: datetime
    timezone: str = "Europe/Amsterdam"

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware, got {value!r}")
            object.__setattr__(self, name, value.astimezone(UTC))
        zone(self.timezone)
        if self.since >= self.until:
            raise PeriodError("report.bad_period")
        if self.until - self.since > timedelta(days=MAX_DAYS):
            raise PeriodError("report.period_too_long", days=MAX_DAYS)

    @property
    def zone(self) -> ZoneInfo:
        """The time zone of the weeks."""
        return zone(self.timezone)

    def weeks(self) -> list[WeekSpan]:
        """The ISO weeks that overlap the period, in order, each cut to the period."""
        tz = self.zone
        monday = monday_of(local_day(self.since, tz))
        start = local_midnight(monday, tz)
        spans: list[WeekSpan] = []
        while start < self.until:
            end = _next_monday_midnight(monday, tz)
            spans.append(
                WeekSpan(
                    index=len(spans),
                    monday=monday,
                    start=max(start, self.since),
                    end=min(end, self.until),
                )
            )
            if end >= self.until:
                break
            monday += timedelta(days=7)
            start = end
        return spans

    def local_dates(self) -> tuple[date, date]:
        """The first and the last day (inclusive) of the period, in its time zone."""
        tz = self.zone
        return local_day(self.since, tz), local_day(self.until - timedelta(microseconds=1), tz)


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``; ``PeriodError`` when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PeriodError("report.bad_timezone", timezone=name) from None


def monday_of(day: date) -> date:
    """The Monday that starts the ISO week of ``day``."""
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The moment ``day`` starts in ``tz``, in UTC (``EARLIEST`` or ``LATEST`` beyond them)."""
    try:
        return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    except OverflowError:
        return EARLIEST if day.year == 1 else LATEST


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The day ``moment`` falls on in ``tz`` (the first or last day there is beyond them)."""
    try:
        return moment.astimezone(tz).date()
    except OverflowError:
        return date.min if moment.year == 1 else date.max


def _next_monday_midnight(monday: date, tz: ZoneInfo) -> datetime:
    try:
        return local_midnight(monday + timedelta(days=7), tz)
    except OverflowError:  # the last week of 9999 ends after the last day there is
        return LATEST


def parse_period_bound(text: str, tz: ZoneInfo) -> datetime:
    """A ``--since`` or ``--until`` option: a date (``2026-03-01``, midnight in ``tz``) or
    ISO date-time, as an aware UTC datetime.

    A date-time without an offset is read in ``tz``. A moment before the first or after the
    last one UTC can hold is ``EARLIEST`` or ``LATEST``. Raises ``PeriodError``
    (``report.bad_date``, naming the text) when the text is neither, empty included.
    (A content item's ``not_before``/``expires`` is read by
    ``bot.content.fields.parse_field_moment``.)
    """
    cleaned = text.strip()
    try:
        try:
            return local_midnight(date.fromisoformat(cleaned), tz)
        except ValueError:
            moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise PeriodError("report.bad_date", value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return EARLIEST if moment.year == 1 else LATEST


def period_from_options(
    since: str | None,
    until: str | None,
    *,
    timezone: str,
    now: datetime,
    first_data: datetime | None = None,
) -> ReportPeriod:
    """The period for ``--since``/``--until`` (either may be missing) at the moment ``now``.

    Without ``--until`` the period ends at the end of today. Without ``--since`` it starts
    on the Monday ``DEFAULT_WEEKS`` ISO weeks back (the week of the end included), or at
    the start of the day of ``first_data`` (the first thing recorded) when that is later
    and before the end: no rows of weeks in which nothing could have happened.
    Raises ``PeriodError`` for a text that is no date, or ``since`` not before ``until``.
    """
    tz = zone(timezone)
    end = (
        parse_period_bound(until, tz)
        if until is not None
        else local_midnight(now.astimezone(tz).date() + timedelta(days=1), tz)
    )
    if since is not None:
        start = parse_period_bound(since, tz)
    else:
        start = _default_start(end, tz)
        if first_data is not None:
            first_day = local_midnight(local_day(first_data, tz), tz)
            if start < first_day < end:
                start = first_day
    return ReportPeriod(since=start, until=end, timezone=timezone)


def _default_start(end: datetime, tz: ZoneInfo) -> datetime:
    first_day = local_midnight(date.min, tz)
    if end <= first_day:  # an --until of 1 January of year 1: the period is empty
        return first_day
    last_day = local_day(end - timedelta(microseconds=1), tz)
    try:
        return local_midnight(monday_of(last_day) - timedelta(weeks=DEFAULT_WEEKS - 1), tz)
    except OverflowError:  # an --until in the first weeks of year 1
        return first_day
