"""The digest cap follows the frequency a person chose: back to one a week when they
leave daily, however they say so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from digests_fixtures import RecordingSender
from harness import Chat, Person, open_chat
from sqlalchemy import text
from suggestions_fixtures import add_item

from bot.digests import ComposeReport, DigestStore, compose_due_digests, deliver_outbox
from bot.storage.database import alembic_config, create_database_engine

AMS = ZoneInfo("Europe/Amsterdam")


def morning(chat: Chat, day: int) -> None:
    """09:00 in Amsterdam on ``day`` March 2026 (8 March is a Sunday, 9 March a Monday)."""
    chat.clock.now = datetime(2026, 3, day, 9, 0, tzinfo=AMS).astimezone(UTC)


def digests_this_morning(chat: Chat, day: int) -> tuple[ComposeReport, list[str]]:
    """Something new on ``day``; the scheduler's compose and delivery passes, and whom
    a digest reached."""
    morning(chat, day)
    add_item(chat.engine, f"News {day}", approved_at=chat.clock() - timedelta(hours=1))
    composed = compose_due_digests(
        DigestStore(chat.engine), now=chat.clock(), settings=chat.settings
    )
    sender = RecordingSender()
    chat.run(deliver_outbox(DigestStore(chat.engine), {"slack": sender}, clock=chat.clock))
    return composed, [s.to.user_id for s in sender.sent]


def by_form(**fields: str) -> Callable[[Person], str]:
    def submit(person: Person) -> str:
        person.say("settings")
        return person.submit(**fields).text

    return submit


def said(words: str) -> Callable[[Person], str]:
    return lambda person: person.say(words).text


WAYS_TO_WEEKLY_ON_SUNDAY_THEN_MONDAY = {
    "day only": ("en", said("digest sunday"), said("digest monday")),
    "weekly and day": ("en", said("digest weekly sunday"), said("digest weekly monday")),
    "in Dutch": ("nl", said("digest wekelijks zondag"), said("digest maandag")),
    "in the form": (
        "en",
        by_form(digest="weekly", digest_weekday="6"),
        by_form(digest_weekday="0"),
    ),
}


@pytest.mark.parametrize(
    ("language", "to_sunday", "to_monday"),
    WAYS_TO_WEEKLY_ON_SUNDAY_THEN_MONDAY.values(),
    ids=WAYS_TO_WEEKLY_ON_SUNDAY_THEN_MONDAY.keys(),
)
def test_after_leaving_daily_a_new_weekday_brings_no_second_digest_within_the_week(
    chat: Chat,
    language: str,
    to_sunday: Callable[[Person], str],
    to_monday: Callable[[Person], str],
) -> None:
    anna = chat.person("U1", language=language)
    anna.say("digest dagelijks" if language == "nl" else "digest daily")
    assert ("op zondag" if language == "nl" else "on Sunday") in to_sunday(anna)
    assert digests_this_morning(chat, 8)[1] == ["U1"]
    to_monday(anna)
    composed, reached = digests_this_morning(chat, 9)
    assert reached == [] and composed.over_cap == 1
    # A week after Sunday's, Monday's digest comes as chosen.
    assert digests_this_morning(chat, 16)[1] == ["U1"]


def test_going_daily_again_after_weekly_still_brings_one_every_day(chat: Chat) -> None:
    anna = chat.person("U1")
    anna.say("digest daily")
    anna.say("digest weekly")
    anna.say("digest daily")
    assert [digests_this_morning(chat, day)[1] for day in (3, 4, 5)] == [["U1"]] * 3


def test_a_weekly_digest_left_with_the_daily_cap_before_the_update_comes_once_a_week(
    tmp_path: Path, database_url: str
) -> None:
    engine = create_database_engine(database_url)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        connection.execute(
            text(
                """INSERT INTO "user"
                (platform, platform_user_id, created_at, digest, digest_weekday, digest_cap)
                VALUES ('slack', 'U1', '2026-03-01 08:00:00', 'weekly', 6, 7),
                ('slack', 'U2', '2026-03-01 08:00:00', 'daily', 0, 7),
                ('slack', 'U3', '2026-03-01 08:00:00', 'off', 0, 7),
                ('slack', 'U4', '2026-03-01 08:00:00', 'weekly', 0, 1)"""
            )
        )
    engine.dispose()
    with open_chat(tmp_path, database_url=database_url) as chat:  # brings it up to date
        with chat.engine.connect() as connection:
            caps = connection.execute(text('SELECT digest_cap FROM "user" ORDER BY id')).all()
        assert [cap for (cap,) in caps] == [1, 7, 1, 1]
        anna = chat.person("U1")
        anna.say("hello")  # her conversation is stored from now on
        assert digests_this_morning(chat, 8)[1] == ["U1"]
        anna.say("digest monday")
        assert digests_this_morning(chat, 9)[1] == []
