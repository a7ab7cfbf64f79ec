"""Report periods: dates in the time zone, ISO weeks, defaults and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.reports import PeriodError, ReportPeriod, period_from_options

AMSTERDAM = "Europe/Amsterdam"
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # Wednesday of ISO week 2026-W10


def test_a_date_is_midnight_in_the_time_zone_and_until_is_not_included() -> None:
    period = period_from_options("2026-03-01", "2026-04-01", timezone=AMSTERDAM, now=NOW)

    assert period.since == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # CET
    assert period.until == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # CEST
    assert period.local_dates() == (date(2026, 3, 1), date(2026, 3, 31))


def test_date_times_with_and_without_offset() -> None:
    period = period_from_options(
        "2026-03-01T12:30", "2026-03-02T00:00+00:00", timezone=AMSTERDAM, now=NOW
    )

    assert period.since == datetime(2026, 3, 1, 11, 30, tzinfo=UTC)
    assert period.until == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def test_the_default_is_four_iso_weeks_up_to_today() -> None:
    period = period_from_options(None, None, timezone=AMSTERDAM, now=NOW)
    weeks = period.weeks()

    assert period.until == datetime(2026, 3, 4, 23, 0, tzinfo=UTC)  # tomorrow, 00:00 CET
    assert len(weeks) == 4
    assert weeks[0].monday == date(2026, 2, 9) and weeks[0].label == "2026-W07"
    assert weeks[-1].label == "2026-W10"
    assert weeks[-1].end == period.until  # the current week is cut off at the period's end


def test_the_default_starts_at_the_first_data_when_that_is_later() -> None:
    first = datetime(2026, 2, 25, 14, 30, tzinfo=UTC)  # Wednesday of 2026-W09
    period = period_from_options(None, None, timezone=AMSTERDAM, now=NOW, first_data=first)

    assert period.since == datetime(2026, 2, 24, 23, 0, tzinfo=UTC)  # that day, 00:00 CET
    assert [w.label for w in period.weeks()] == ["2026-W09", "2026-W10"]


@pytest.mark.parametrize(
    "first",
    [
        datetime(2025, 6, 1, tzinfo=UTC),  # long ago: four weeks back is later
        datetime(2026, 3, 9, tzinfo=UTC),  # after the period: nothing to start at
        None,  # nothing recorded yet
    ],
)
def test_the_default_is_four_weeks_when_the_first_data_is_not_later(
    first: datetime | None,
) -> None:
    period = period_from_options(None, None, timezone=AMSTERDAM, now=NOW, first_data=first)

    assert period.weeks()[0].label == "2026-W07" and len(period.weeks()) == 4


def test_an_explicit_since_wins_over_the_first_data() -> None:
    first = datetime(2026, 2, 25, tzinfo=UTC)
    period = period_from_options(
        "2025-12-01", "2026-01-01", timezone=AMSTERDAM, now=NOW, first_data=first
    )

    assert period.local_dates() == (date(2025, 12, 1), date(2025, 12, 31))


def test_weeks_are_cut_to_the_period_and_follow_daylight_saving() -> None:
    period = ReportPeriod(
        since=datetime(2026, 3, 25, 23, 0, tzinfo=UTC),  # Thursday 26 March 00:00 CET
        until=datetime(2026, 4, 1, 22, 0, tzinfo=UTC),  # Thursday 2 April 00:00 CEST
        timezone=AMSTERDAM,
    )
    first, second = period.weeks()

    assert (first.label, first.start) == ("2026-W13", period.since)
    assert first.end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # Monday 00:00 CEST
    assert (second.label, second.start, second.end) == ("2026-W14", first.end, period.until)


def test_iso_week_one_can_start_in_december() -> None:
    period = ReportPeriod(
        since=datetime(2025, 12, 28, 23, 0, tzinfo=UTC), until=datetime(2026, 1, 5, tzinfo=UTC)
    )

    assert [w.label for w in period.weeks()] == ["2026-W01", "2026-W02"]


@pytest.mark.parametrize(
    ("since", "until", "key"),
    [
        ("2026-03-02", "2026-03-01", "report.bad_period"),
        ("2026-03-02", "2026-03-02", "report.bad_period"),
        ("morgen", None, "report.bad_date"),
        ("2026-02-30", None, "report.bad_date"),
        ("0001-01-01", None, "report.period_too_long"),
        ("2000-01-01", "2026-01-01", "report.period_too_long"),
    ],
)
def test_bad_periods_are_refused_with_a_message_key(
    since: str | None, until: str | None, key: str
) -> None:
    with pytest.raises(PeriodError) as refused:
        period_from_options(since, until, timezone=AMSTERDAM, now=NOW)

    assert refused.value.key == key


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(PeriodError) as refused:
        period_from_options(None, None, timezone="Mars/Olympus", now=NOW)

    assert refused.value.key == "report.bad_timezone"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ReportPeriod(since=datetime(2026, 3, 1), until=datetime(2026, 3, 2, tzinfo=UTC))
    assert ReportPeriod(since=NOW - timedelta(days=1), until=NOW).timezone == AMSTERDAM
