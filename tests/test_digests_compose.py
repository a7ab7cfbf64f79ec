"""Composing digests: who gets one, what is in it, and what is written to the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from digests_fixtures import RecordingSender, add_item, add_person, outbox_rows
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.digests import (
    ComposeReport,
    DigestStore,
    NothingNewMemo,
    compose_due_digests,
    deliver_outbox,
)
from bot.serialize import reply_from_json
from bot.settings import Settings
from bot.storage import Store
from bot.storage.tables import Event, User

AMS = ZoneInfo("Europe/Amsterdam")
SETTINGS = Settings()


def at(day: int, hour: int, minute: int = 0, *, month: int = 6) -> datetime:
    """A moment in June 2025, Amsterdam time (2 June is a Monday)."""
    return datetime(2025, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    yield store.engine
    store.close()


def compose(engine: Engine, now: datetime, **options: Any) -> ComposeReport:
    return compose_due_digests(DigestStore(engine), now=now, settings=SETTINGS, **options)


def test_a_due_person_gets_one_digest_row_for_the_day(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    add_item(engine, "New office in Utrecht")
    report = compose(engine, at(2, 9))
    assert report.written == 1
    [row] = outbox_rows(engine)
    assert row.key == f"digest:{ann}:2025-06-02"
    assert (row.status, row.platform, row.user_id, row.attempts) == ("pending", "console", ann, 0)
    reply = reply_from_json(row.payload)
    text = reply.plain_text()
    assert "Your daily digest" in text
    assert "New office in Utrecht" in text
    assert 'Type "settings" to change or stop it.' in text
    with Session(engine) as session:
        user = session.get(User, ann)
        assert user is not None and user.last_digest_at == at(2, 9)

    # Composing again the same day (next minute, or after a restart) writes nothing more.
    again = compose(engine, at(2, 9, 1))
    assert again.written == 0 and again.already_written == 1
    assert len(outbox_rows(engine)) == 1


def test_nobody_is_due_before_their_time_and_off_means_never(engine: Engine) -> None:
    add_person(engine, "early", digest_time="10:00")
    add_person(engine, "off", digest="off")
    add_person(engine, "weekly-on-friday", digest="weekly", weekday=4)
    add_item(engine, "Open day")
    report = compose(engine, at(2, 9, 30))
    assert report.opted_in == 2 and report.due == 0
    assert outbox_rows(engine) == []


def test_nothing_new_means_no_digest_and_no_row(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    add_item(engine, "First news")
    compose(engine, at(2, 9))
    report = compose(engine, at(3, 9))  # nothing became visible since yesterday's digest
    assert report.nothing_new == 1 and report.written == 0
    assert [r.key for r in outbox_rows(engine)] == [f"digest:{ann}:2025-06-02"]

    add_item(engine, "Second news", approved_at=at(3, 10))
    compose(engine, at(3, 11))  # later that same day: the new item goes out
    rows = outbox_rows(engine)
    assert [r.key for r in rows] == [f"digest:{ann}:2025-06-02", f"digest:{ann}:2025-06-03"]
    text = reply_from_json(rows[1].payload).plain_text()
    assert "Second news" in text and "First news" not in text


def test_the_cap_counts_the_last_seven_local_days_of_the_outbox(engine: Engine) -> None:
    ann = add_person(engine, "ann", cap=2)
    for day in range(2, 12):
        add_item(engine, f"News {day}", approved_at=at(day, 8))
    for day in range(2, 12):
        compose(engine, at(day, 9))
    days = [r.key.rsplit(":", 1)[1] for r in outbox_rows(engine)]
    # At most two in any seven days (today and the six before): the 2nd and 3rd, then
    # the 9th (the 3rd still counts) and the 10th.
    assert days == ["2025-06-02", "2025-06-03", "2025-06-09", "2025-06-10"]
    assert all(r.user_id == ann for r in outbox_rows(engine))


def test_a_digest_due_in_quiet_hours_waits_for_their_end(engine: Engine) -> None:
    add_person(engine, "ann", digest_time="07:00", quiet=("22:00", "08:00"))
    add_item(engine, "Early news")
    assert compose(engine, at(2, 7, 30)).due == 0
    assert outbox_rows(engine) == []
    assert compose(engine, at(2, 8)).written == 1


def test_only_platforms_that_can_be_sent_to_are_composed(engine: Engine) -> None:
    add_person(engine, "ann", platform="console")
    add_person(engine, "U123", platform="slack")
    add_item(engine, "News")
    compose(engine, at(2, 9), platforms={"console"})
    assert [r.platform for r in outbox_rows(engine)] == ["console"]
    compose(engine, at(2, 9, 1), platforms={"console", "slack"})
    assert sorted(r.platform for r in outbox_rows(engine)) == ["console", "slack"]


def test_the_digest_is_in_the_persons_language(engine: Engine) -> None:
    add_person(engine, "bram", language="nl")
    add_person(engine, "nobody-knows", language=None)
    add_item(engine, "Nieuws")
    compose(engine, at(2, 9), default_language="nl")
    for row in outbox_rows(engine):
        reply = reply_from_json(row.payload)
        assert reply.language == "nl"
        assert "Je dagelijkse overzicht" in reply.plain_text()


def test_delivering_not_composing_records_each_suggestion_once(engine: Engine) -> None:
    add_person(engine, "ann")
    add_item(engine, "One")
    add_item(engine, "Two")
    compose(engine, at(2, 9))
    compose(engine, at(2, 9, 1))

    def kinds() -> list[str]:
        with Session(engine) as session:
            return [e.kind for e in session.exec(select(Event)).all()]

    assert kinds() == []
    for moment in (at(2, 9, 2), at(2, 9, 3)):  # sent, then nothing left to send
        senders = {"console": RecordingSender()}
        asyncio.run(deliver_outbox(DigestStore(engine), senders, clock=lambda m=moment: m))
    assert kinds() == ["suggested", "suggested"]


def test_someone_with_nothing_new_is_asked_again_only_after_the_recheck(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    memo = NothingNewMemo(recheck=timedelta(minutes=15))
    assert compose(engine, at(2, 9), memo=memo).nothing_new == 1
    add_item(engine, "Arrived at five past", approved_at=at(2, 9, 5))
    assert compose(engine, at(2, 9, 6), memo=memo).written == 0
    assert compose(engine, at(2, 9, 15), memo=memo).written == 1
    assert [r.key for r in outbox_rows(engine)] == [f"digest:{ann}:2025-06-02"]


def test_one_persons_broken_settings_do_not_stop_the_others(engine: Engine) -> None:
    add_person(engine, "odd", timezone="Not/A_Zone", digest_time="nine", quiet=("x", "y"))
    add_person(engine, "ann")
    add_item(engine, "News")
    report = compose(engine, at(2, 9))
    # Malformed settings fall back to the defaults (09:00 in the default time zone).
    assert report.written == 2


def test_a_late_weekly_digest_does_not_push_next_weeks_later(engine: Engine) -> None:
    ann = add_person(engine, "ann", digest="weekly", weekday=0, cap=1)
    add_item(engine, "This week")
    assert compose(engine, at(2, 17)).written == 1  # Monday, caught up just before quiet hours
    add_item(engine, "Next week", approved_at=at(5, 12))
    # Next Monday at nine: less than 168 hours later, but a new week of local days.
    assert compose(engine, at(9, 9)).written == 1
    assert [r.key for r in outbox_rows(engine)] == [
        f"digest:{ann}:2025-W23",
        f"digest:{ann}:2025-W24",
    ]
