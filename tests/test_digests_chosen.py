"""Digests as a person chose them in chat: as often as they said, and none they stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from alembic import command
from digests_fixtures import RecordingSender
from harness import Chat, Person, open_chat
from sqlalchemy import text
from suggestions_fixtures import add_item

from bot.digests import ComposeReport, DigestStore, compose_due_digests, deliver_outbox
from bot.storage.database import alembic_config, create_database_engine

AMS = ZoneInfo("Europe/Amsterdam")


def morning(chat: Chat, day: int) -> None:
    """Set the clock to 09:00 in Amsterdam on ``day`` March 2026 (2 March is a Monday)."""
    chat.clock.now = datetime(2026, 3, day, 9, 0, tzinfo=AMS).astimezone(UTC)


def compose(chat: Chat) -> ComposeReport:
    """The scheduler's compose pass at the chat's clock."""
    return compose_due_digests(DigestStore(chat.engine), now=chat.clock(), settings=chat.settings)


def deliver(chat: Chat) -> RecordingSender:
    """The scheduler's delivery pass at the chat's clock; what reached Slack."""
    sender = RecordingSender()
    chat.run(deliver_outbox(DigestStore(chat.engine), {"slack": sender}, clock=chat.clock))
    return sender


def news_each_morning(chat: Chat, anna: Person, days: range) -> list[str]:
    """Something new each morning of ``days``; the digests Anna got, one title each."""
    got: list[str] = []
    for day in days:
        morning(chat, day)
        add_item(chat.engine, f"News {day}", approved_at=chat.clock() - timedelta(hours=1))
        compose(chat)
        got.extend(s.reply.plain_text().split("\n")[2] for s in deliver(chat).sent)
    return got


def test_a_daily_digest_chosen_in_chat_comes_every_day(chat: Chat) -> None:
    anna = chat.person("U1")
    assert "Digest: daily at 09:00" in anna.say("digest daily").text
    assert news_each_morning(chat, anna, range(3, 7)) == ["NEWS 3", "NEWS 4", "NEWS 5", "NEWS 6"]


def test_a_daily_digest_chosen_in_the_form_comes_every_day(chat: Chat) -> None:
    anna = chat.person("U1")
    anna.say("settings")
    assert "Digest: daily at 09:00" in anna.submit(digest="daily").text
    assert news_each_morning(chat, anna, range(3, 5)) == ["NEWS 3", "NEWS 4"]


def test_a_digest_written_before_the_person_turned_digests_off_is_not_sent(chat: Chat) -> None:
    anna = chat.person("U1")
    anna.say("digest daily")
    morning(chat, 3)
    add_item(chat.engine, "News", approved_at=chat.clock() - timedelta(hours=1))
    assert compose(chat).written == 1  # in the outbox, not sent yet
    assert "Digest: Off" in anna.say("digest off").text
    assert deliver(chat).sent == []
    # Turned on again later: only what comes from then on, nothing held back from before.
    anna.say("digest daily")
    assert deliver(chat).sent == []


def test_never_in_dutch_or_english_turns_digests_off(chat: Chat) -> None:
    anna = chat.person("U1", language="nl")
    anna.say("digest dagelijks")
    assert "Digest: Uit" in anna.say("digest nooit").text
    ben = chat.person("U2")
    ben.say("digest weekly")
    assert "Digest: Off" in ben.say("digest Never").text


def test_a_digest_time_in_quiet_hours_says_when_the_digest_really_comes(chat: Chat) -> None:
    anna = chat.person("U1")
    early = anna.say("digest daily 07:00").text
    assert "07:00 is in your quiet hours (18:00–08:00): your digest comes at 08:00." in early
    morning(chat, 3)
    chat.clock.now -= timedelta(hours=2)  # 07:00 in Amsterdam
    add_item(chat.engine, "News", approved_at=chat.clock() - timedelta(hours=1))
    assert compose(chat).written == 0
    chat.later(hours=1)
    assert compose(chat).written == 1

    late = anna.say("digest weekly friday 21:00").text
    assert "the next morning at 08:00" in late
    assert "in your quiet hours" not in anna.say("digest 09:00").text

    bram = chat.person("U2", language="nl")
    said = bram.say("digest dagelijks 6:30").text
    assert "06:30 valt in je stille uren (18:00–08:00): je overzicht komt om 08:00." in said


def test_a_daily_digest_chosen_on_an_older_version_comes_every_day_after_the_update(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'merkwerker.db'}"
    engine = create_database_engine(url)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        connection.execute(
            text(
                """INSERT INTO "user" (platform, platform_user_id, created_at, digest, digest_cap)
                VALUES ('slack', 'U1', '2026-03-01 08:00:00', 'daily', 1),
                ('slack', 'U2', '2026-03-01 08:00:00', 'weekly', 1)"""
            )
        )
    engine.dispose()
    with open_chat(tmp_path, database_url=url) as chat:  # opening brings it up to date
        anna = chat.person("U1")
        anna.say("hello")  # her conversation is stored from now on
        assert news_each_morning(chat, anna, range(3, 6)) == ["NEWS 3", "NEWS 4", "NEWS 5"]
        with chat.engine.connect() as connection:
            caps = connection.execute(text('SELECT digest_cap FROM "user" ORDER BY id')).all()
        assert [cap for (cap,) in caps] == [7, 1]


def test_an_item_retired_after_the_digest_was_written_is_left_out_of_it(chat: Chat) -> None:
    anna = chat.person("U1")
    anna.say("digest daily")
    morning(chat, 3)
    kept = add_item(chat.engine, "Open day", approved_at=chat.clock() - timedelta(hours=1))
    gone = add_item(chat.engine, "Wrong figures", approved_at=chat.clock() - timedelta(hours=1))
    assert compose(chat).written == 1
    retire(chat, gone)
    [digest] = deliver(chat).sent
    text = digest.reply.plain_text()
    assert "OPEN DAY" in text and "WRONG FIGURES" not in text
    assert 'Type "settings" to change or stop it.' in text
    assert kept

    # Nothing left in it: not sent at all.
    morning(chat, 4)
    last = add_item(chat.engine, "Pulled", approved_at=chat.clock() - timedelta(hours=1))
    assert compose(chat).written == 1
    retire(chat, last)
    assert deliver(chat).sent == []


def retire(chat: Chat, item_id: int) -> None:
    """The comms team retires an item (``merkwerker content retire``)."""
    done = chat.cli("content", "retire", str(item_id), "-g", str(chat.guidelines))
    assert done.returncode == 0, done.stdout + done.stderr


def test_after_a_team_change_a_written_digest_holds_only_what_is_for_the_new_team(
    chat: Chat,
) -> None:
    anna = chat.person("U1")
    anna.say("settings team Sales")
    anna.say("digest daily")
    morning(chat, 3)
    hour_ago = chat.clock() - timedelta(hours=1)
    add_item(chat.engine, "Sales kick-off", approved_at=hour_ago, audience_teams="Sales")
    add_item(chat.engine, "Open day", approved_at=hour_ago)
    assert compose(chat).written == 1
    anna.say("settings team Finance")
    [digest] = deliver(chat).sent
    text = digest.reply.plain_text()
    assert "OPEN DAY" in text and "SALES KICK-OFF" not in text


def test_a_misspelt_topic_is_saved_as_typed_and_the_reply_names_the_likely_one(
    chat: Chat,
) -> None:
    add_item(chat.engine, "Wind farm", topics="Energy, Sustainability")
    anna = chat.person("U1")
    said = anna.say("topics enrgy, sustainability, knitting").text
    assert "Topics you follow: enrgy, sustainability, knitting" in said
    assert "There's no content about enrgy, knitting right now" in said
    assert 'Did you mean energy instead of enrgy? Type "topics energy, sustainability, ' in said
    bram = chat.person("U2", language="nl")
    said = bram.say("onderwerpen energi").text
    assert 'Bedoel je energy in plaats van energi? Typ "onderwerpen energy"' in said


def test_a_digest_time_or_day_written_as_a_sentence_is_understood(chat: Chat) -> None:
    anna = chat.person("U1")
    assert "Digest: daily at 08:30" in anna.say("digest daily at 8:30").text
    assert "Digest: weekly, on Friday at 16:00" in anna.say("digest weekly on friday at 16:00").text
    bram = chat.person("U2", language="nl")
    said = bram.say("digest wekelijks op vrijdag om 7:45").text
    assert "Digest: wekelijks, op vrijdag om 07:45" in said
    assert '"maandelijks" is geen van de keuzes' in bram.say("digest maandelijks om 9:00").text


def test_a_day_given_for_a_daily_digest_makes_it_weekly_on_that_day(chat: Chat) -> None:
    anna = chat.person("U1")
    anna.say("digest daily 08:30")
    assert "Digest: weekly, on Friday at 08:30" in anna.say("digest friday").text
    assert "Digest: daily at 10:00" in anna.say("digest daily 10:00").text


def test_a_daily_digest_written_before_the_switch_to_weekly_is_not_sent(chat: Chat) -> None:
    anna, ben = chat.person("U1"), chat.person("U2")
    anna.say("digest daily")
    ben.say("digest daily")
    morning(chat, 3)
    add_item(chat.engine, "News", approved_at=chat.clock() - timedelta(hours=1))
    assert compose(chat).written == 2
    anna.say("digest weekly")
    assert [s.to.user_id for s in deliver(chat).sent] == ["U2"]
