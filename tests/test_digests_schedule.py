"""Who is due a digest when: the pure schedule, across time zones and clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digests.schedule import (
    DigestPlan,
    digest_key,
    due_digest,
    in_quiet_hours,
    parse_clock_time,
    under_cap,
)

AMS = ZoneInfo("Europe/Amsterdam")
STEP = 3  # minutes between the moments the sweeping test looks at; digest times are on :00/:30


def local(
    zone: ZoneInfo,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone, fold=fold).astimezone(UTC)


def daily(**overrides: object) -> DigestPlan:
    fields: dict[str, object] = {"frequency": "daily", "digest_time": "09:00", "cap": 7}
    fields.update(overrides)
    return DigestPlan(**fields)  # type: ignore[arg-type]


def minutes(start: datetime, end: datetime, step: int = 1) -> list[datetime]:
    out, moment = [], start
    while moment < end:
        out.append(moment)
        moment += timedelta(minutes=step)
    return out


def test_a_daily_digest_opens_at_the_local_time_and_closes_when_quiet_hours_start() -> None:
    plan = daily()
    assert due_digest(plan, local(AMS, 2025, 6, 2, 8, 59)) is None
    due = due_digest(plan, local(AMS, 2025, 6, 2, 9, 0))
    assert due is not None and due.period == "2025-06-02"
    # Missed at nine (the scheduler was down): still sent later that day ...
    late = due_digest(plan, local(AMS, 2025, 6, 2, 17, 59))
    assert late is not None and late.period == "2025-06-02"
    # ... but not once quiet hours started, nor at night.
    assert due_digest(plan, local(AMS, 2025, 6, 2, 18, 0)) is None
    assert due_digest(plan, local(AMS, 2025, 6, 3, 0, 30)) is None


def test_off_means_never() -> None:
    plan = daily(frequency="off")
    assert all(
        due_digest(plan, moment) is None
        for moment in minutes(local(AMS, 2025, 6, 2), local(AMS, 2025, 6, 3))[::7]
    )


def test_the_same_instant_is_a_different_local_time_in_each_zone() -> None:
    instant = datetime(2025, 6, 2, 7, 30, tzinfo=UTC)  # 09:30 Amsterdam, 03:30 New York
    assert due_digest(daily(timezone="Europe/Amsterdam"), instant) is not None
    assert due_digest(daily(timezone="America/New_York"), instant) is None
    tokyo = due_digest(daily(timezone="Asia/Tokyo"), instant)  # 16:30 on 2 June in Tokyo
    assert tokyo is not None and tokyo.period == "2025-06-02"
    # 23:30 UTC on 1 June is already 09:30 on 2 June in Sydney.
    sydney = due_digest(
        daily(timezone="Australia/Sydney"), datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    )
    assert sydney is not None and sydney.period == "2025-06-02"


def test_nine_local_is_a_different_utc_hour_after_clocks_go_forward() -> None:
    plan = daily()
    before = due_digest(plan, datetime(2025, 3, 29, 8, 0, tzinfo=UTC))  # 09:00 CET
    assert before is not None and before.opens == datetime(2025, 3, 29, 8, 0, tzinfo=UTC)
    after = due_digest(plan, datetime(2025, 3, 30, 7, 0, tzinfo=UTC))  # 09:00 CEST
    assert after is not None and after.opens == datetime(2025, 3, 30, 7, 0, tzinfo=UTC)
    assert due_digest(plan, datetime(2025, 3, 30, 6, 59, tzinfo=UTC)) is None


def test_a_digest_time_skipped_by_clocks_going_forward_goes_out_when_the_clock_jumps() -> None:
    plan = daily(digest_time="02:30", quiet_start="00:00", quiet_end="00:00")
    # 02:30 does not exist on 30 March 2025 in Amsterdam: 02:00 CET is 03:00 CEST.
    assert due_digest(plan, datetime(2025, 3, 30, 0, 59, tzinfo=UTC)) is None
    due = due_digest(plan, datetime(2025, 3, 30, 1, 30, tzinfo=UTC))  # 03:30 CEST
    assert due is not None and due.period == "2025-03-30"


def test_a_digest_time_repeated_by_clocks_going_back_is_one_period() -> None:
    plan = daily(digest_time="02:30", quiet_start="00:00", quiet_end="00:00")
    first = local(AMS, 2025, 10, 26, 2, 30, fold=0)  # 00:30 UTC, summer time
    second = local(AMS, 2025, 10, 26, 2, 30, fold=1)  # 01:30 UTC, winter time
    assert second - first == timedelta(hours=1)
    due_first, due_second = due_digest(plan, first), due_digest(plan, second)
    assert due_first is not None and due_second is not None
    assert due_first.period == due_second.period == "2025-10-26"
    assert due_digest(plan, first - timedelta(minutes=1)) is None


def test_a_digest_time_in_quiet_hours_waits_until_they_end() -> None:
    plan = daily(digest_time="07:00", quiet_start="22:00", quiet_end="08:00")
    assert due_digest(plan, local(AMS, 2025, 6, 2, 7, 0)) is None
    assert due_digest(plan, local(AMS, 2025, 6, 2, 7, 59)) is None
    due = due_digest(plan, local(AMS, 2025, 6, 2, 8, 0))
    assert due is not None and due.period == "2025-06-02"


def test_a_late_evening_digest_time_in_quiet_hours_goes_out_the_next_morning() -> None:
    plan = daily(digest_time="23:00", quiet_start="22:00", quiet_end="07:00")
    assert due_digest(plan, local(AMS, 2025, 6, 2, 23, 0)) is None
    morning = due_digest(plan, local(AMS, 2025, 6, 3, 7, 0))
    # The digest of 2 June, kept until quiet hours were over.
    assert morning is not None and morning.period == "2025-06-02"
    assert due_digest(plan, local(AMS, 2025, 6, 3, 22, 0)) is None


def test_quiet_hours_that_do_not_wrap_midnight_postpone_too() -> None:
    plan = daily(digest_time="12:30", quiet_start="12:00", quiet_end="13:00")
    assert due_digest(plan, local(AMS, 2025, 6, 2, 12, 30)) is None
    due = due_digest(plan, local(AMS, 2025, 6, 2, 13, 0))
    assert due is not None and due.period == "2025-06-02"
    # No quiet hours later that day: the window closes at midnight.
    assert due_digest(plan, local(AMS, 2025, 6, 2, 23, 59)) is not None
    assert due_digest(plan, local(AMS, 2025, 6, 3, 0, 0)) is None


def test_a_weekly_digest_comes_on_the_chosen_weekday_once_per_iso_week() -> None:
    plan = DigestPlan(frequency="weekly", weekday=2, digest_time="10:00", cap=1)  # Wednesday
    wednesday = due_digest(plan, local(AMS, 2025, 6, 4, 10, 0))
    assert wednesday is not None and wednesday.period == "2025-W23"
    assert due_digest(plan, local(AMS, 2025, 6, 3, 10, 0)) is None  # Tuesday
    assert due_digest(plan, local(AMS, 2025, 6, 5, 10, 0)) is None  # Thursday
    next_week = due_digest(plan, local(AMS, 2025, 6, 11, 10, 0))
    assert next_week is not None and next_week.period == "2025-W24"


@pytest.mark.parametrize(
    "zone", ["Europe/Amsterdam", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
)
@pytest.mark.parametrize(
    ("at", "quiet_start", "quiet_end"),
    [("09:00", "18:00", "08:00"), ("02:30", "22:00", "07:00"), ("23:30", "00:00", "00:00")],
)
def test_through_clock_changes_one_period_per_local_day_and_never_in_quiet_hours(
    zone: str, at: str, quiet_start: str, quiet_end: str
) -> None:
    plan = daily(timezone=zone, digest_time=at, quiet_start=quiet_start, quiet_end=quiet_end)
    tz = ZoneInfo(zone)
    quiet_from, quiet_until = parse_clock_time(quiet_start), parse_clock_time(quiet_end)
    assert quiet_from is not None and quiet_until is not None
    periods: dict[str, list[datetime]] = {}
    # Both European and American clock changes fall in these weeks (and Sydney's in April).
    for start in (
        datetime(2025, 3, 8, tzinfo=UTC),
        datetime(2025, 3, 28, tzinfo=UTC),
        datetime(2025, 4, 3, tzinfo=UTC),
        datetime(2025, 10, 24, tzinfo=UTC),
        datetime(2025, 10, 31, tzinfo=UTC),
    ):
        for moment in minutes(start, start + timedelta(days=4), STEP):
            due = due_digest(plan, moment)
            if due is None:
                continue
            assert not in_quiet_hours(moment.astimezone(tz).time(), quiet_from, quiet_until)
            assert due.opens <= moment < due.closes
            periods.setdefault(due.period, []).append(moment)
    for period, moments in periods.items():
        # Each period is one unbroken stretch of time, so one digest at most.
        assert moments[-1] - moments[0] == timedelta(minutes=STEP * (len(moments) - 1)), period
    assert len(periods) >= 4 * 5 - 5  # about one per day (first/last days may be cut off)


def test_malformed_settings_fall_back_to_the_defaults() -> None:
    plan = daily(digest_time="25:99", quiet_start="late", timezone="Mars/Olympus_Mons")
    due = due_digest(plan, local(AMS, 2025, 6, 2, 9, 0), default_timezone="Europe/Amsterdam")
    assert due is not None and due.period == "2025-06-02"
    assert due_digest(plan, local(AMS, 2025, 6, 2, 8, 59)) is None


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_digest(daily(), datetime(2025, 6, 2, 9, 0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09:00", time(9)),
        ("9:05", time(9, 5)),
        ("23:59", time(23, 59)),
        ("24:00", None),
        ("09:60", None),
        ("0900", None),
        ("", None),
        ("ab:cd", None),
        ("9:5", None),
    ],
)
def test_parse_clock_time(value: str, expected: time | None) -> None:
    assert parse_clock_time(value) == expected


@pytest.mark.parametrize(
    ("moment", "start", "end", "quiet"),
    [
        (time(23), time(22), time(7), True),
        (time(6, 59), time(22), time(7), True),
        (time(7), time(22), time(7), False),
        (time(12), time(22), time(7), False),
        (time(12), time(12), time(13), True),
        (time(13), time(12), time(13), False),
        (time(3), time(0), time(0), False),
    ],
)
def test_quiet_hours_may_wrap_midnight(moment: time, start: time, end: time, quiet: bool) -> None:
    assert in_quiet_hours(moment, start, end) is quiet


def test_cap_and_key() -> None:
    assert under_cap(daily(cap=2), 1) and not under_cap(daily(cap=2), 2)
    assert not under_cap(daily(cap=0), 0)
    assert digest_key(7, "2025-W23") == "digest:7:2025-W23"
