"""People choose topics, digest and the rest in chat; every value is checked first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from suggestions_fixtures import T0, Chat, add_item, add_user, events, make_chat, texts

from bot.models import ConversationRef, Form, Platform, Reply
from bot.people.commands import read_command
from bot.people.validation import parse_time, parse_timezone, parse_weekday, validate_settings
from bot.storage import Store
from bot.storage.tables import User

VALID_FORM = {
    "topics": "energie,AI",
    "digest": "daily",
    "digest_time": "8:30",
    "digest_weekday": "4",
    "timezone": "europe/london",
    "quiet_start": "22:00",
    "quiet_end": "07:00",
    "team": "Sales",
    "location": "Amsterdam",
    "leaderboard": "yes",
}


@pytest.fixture
def chat(database_url: str, tmp_path: Path) -> Iterator[Chat]:
    store = Store.open(database_url, clock=lambda: T0)
    yield make_chat(store, tmp_path / "guidelines")
    store.close()


def person(chat: Chat, name: str = "U1") -> User:
    with Session(chat.engine) as session:
        return session.exec(select(User).where(User.platform_user_id == name)).one()


def form(reply: Reply | None) -> Form:
    assert reply is not None
    return next(p for p in reply.parts if isinstance(p, Form))


async def test_settings_shows_a_form_with_every_setting_filled_in(chat: Chat) -> None:
    add_user(chat.store, topics="Cycling")
    add_item(chat.engine, topics="Energie, AI")
    add_item(chat.engine, "Retired", status="retired", topics="Secret plans")
    reply = await chat.say("settings")
    settings_form = form(reply)
    assert settings_form.action == "settings.save"
    fields = {f.id: f for f in settings_form.fields}
    assert list(fields) == [
        "topics",
        "digest",
        "digest_time",
        "digest_weekday",
        "timezone",
        "quiet_start",
        "quiet_end",
        "team",
        "location",
        "leaderboard",
    ]
    assert [o.value for o in fields["topics"].options] == ["AI", "Cycling", "Energie"]
    assert fields["topics"].kind == "multiselect" and fields["topics"].value == "Cycling"
    assert [o.value for o in fields["digest"].options] == ["off", "weekly", "daily"]
    assert fields["digest"].value == "off"
    assert fields["timezone"].value == "Europe/Amsterdam"
    assert "Topics you follow: Cycling" in texts(reply)
    dutch = await chat.say("instellingen", locale="nl")
    assert form(dutch).title == "Je instellingen"


async def test_submitting_the_form_saves_everything_and_records_what_changed(chat: Chat) -> None:
    add_user(chat.store, team=None)
    add_item(chat.engine, topics="energie")
    reply = await chat.press("settings.save", form=VALID_FORM)
    assert reply is not None and reply.kind == "settings.saved"
    saved = person(chat)
    assert (saved.topics, saved.digest, saved.digest_time, saved.digest_weekday) == (
        "energie,AI",
        "daily",
        "08:30",
        4,
    )
    assert (saved.timezone, saved.quiet_start, saved.quiet_end) == (
        "Europe/London",
        "22:00",
        "07:00",
    )
    assert (saved.team, saved.location, saved.leaderboard) == ("Sales", "Amsterdam", True)
    assert "There's no content about AI right now" in texts(reply)
    changed = events(chat.engine, "settings_changed")
    assert len(changed) == 1
    assert changed[0].detail == (
        "digest,digest_time,digest_weekday,leaderboard,location,"
        "quiet_end,quiet_start,team,timezone,topics"
    )
    again = await chat.press("settings.save", form=VALID_FORM)
    assert again is not None and "Nothing changed" in texts(again)
    assert len(events(chat.engine, "settings_changed")) == 1


async def test_bad_values_are_named_and_nothing_is_saved(chat: Chat) -> None:
    add_user(chat.store)
    bad = {
        **VALID_FORM,
        "digest_time": "25:00",
        "timezone": "Mars/Olympus_Mons",
        "leaderboard": "perhaps",
        "team": "Sales, Marketing",
    }
    reply = await chat.press("settings.save", form=bad)
    assert reply is not None and reply.kind == "settings.invalid"
    text = texts(reply)
    assert 'Digest time: "25:00" is not a time of day. Write it as HH:MM' in text
    assert 'Time zone: "Mars/Olympus_Mons" is not a time zone I know' in text
    assert "Answer yes or no" in text
    assert "without commas" in text
    saved = person(chat)
    assert (saved.digest, saved.timezone, saved.topics, saved.team) == (
        "off",
        "Europe/Amsterdam",
        "",
        None,
    )
    assert events(chat.engine, "settings_changed") == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("topics energie, ai", {"topics": "energie,ai"}),
        ("onderwerpen geen", {"topics": ""}),
        ("digest weekly", {"digest": "weekly"}),
        ("digest daily 08:30", {"digest": "daily", "digest_time": "08:30"}),
        (
            "digest wekelijks vrijdag 16:00",
            {"digest": "weekly", "digest_weekday": 4, "digest_time": "16:00"},
        ),
        ("digest 07:45", {"digest": "weekly", "digest_time": "07:45"}),  # opting in: weekly
        ("digest on", {"digest": "weekly"}),
        ("settings timezone europe/london", {"timezone": "Europe/London"}),
        ("settings quiet 22:00-07:00", {"quiet_start": "22:00", "quiet_end": "07:00"}),
        ("instellingen ranglijst ja", {"leaderboard": True}),
    ],
)
async def test_settings_typed_as_text(
    chat: Chat, command: str, expected: dict[str, object]
) -> None:
    add_user(chat.store)
    reply = await chat.say(command)
    assert reply.kind == "settings.saved", texts(reply)
    saved = person(chat)
    assert {name: getattr(saved, name) for name in expected} == expected


async def test_digest_off_and_bad_commands(chat: Chat) -> None:
    add_user(chat.store, digest="daily")
    assert (await chat.say("digest off")).kind == "settings.saved"
    assert person(chat).digest == "off"
    for command, message in (
        ("digest sometimes", '"sometimes" is not one of the choices'),
        ("digest daily 25:00", '"25:00" is not a time of day'),
        ("settings colour blue", 'I don\'t know the setting "colour"'),
        ("settings quiet 22:00", "should be two times"),
        ("topics " + "x" * 50, "can't be a topic"),
    ):
        reply = await chat.say(command)
        assert reply.kind == "settings.invalid", command
        assert message in texts(reply), texts(reply)
    assert person(chat).digest == "off"


async def test_a_team_typed_in_lower_case_joins_the_existing_team(chat: Chat) -> None:
    add_user(chat.store, "U2", team="Sales")
    add_user(chat.store, "U1")
    await chat.say("settings team sales")
    assert person(chat).team == "Sales"
    await chat.say("settings team Brand New")  # folded by the intent: a new team as typed
    assert person(chat).team == "brand new"


async def test_home_shows_the_settings_with_a_button_to_change_them(chat: Chat) -> None:
    add_user(chat.store, digest="weekly", digest_weekday=2, digest_time="10:00")
    home = await chat.bot.home(
        platform=Platform.SLACK,
        platform_user_id="U1",
        locale="en",
        conversation=ConversationRef(platform=Platform.SLACK, conversation_id="D", user_id="U1"),
    )
    assert "Digest: weekly, on Wednesday at 10:00" in texts(home)
    assert "[Change settings]" in texts(home)
    opened = await chat.press("settings.open")
    assert form(opened).action == "settings.save"


def test_validators() -> None:
    assert parse_time("8:05") == "08:05"
    assert parse_time("23.59") == "23:59"
    for bad in ("24:00", "25:00", "12:60", "noon", "", "1:2"):
        assert parse_time(bad) is None
    assert parse_timezone("EUROPE/AMSTERDAM") == "Europe/Amsterdam"
    for bad in ("Mars/Base", "../../etc/passwd", "", "/etc/localtime"):
        assert parse_timezone(bad) is None
    assert parse_weekday("Zondag") == 6
    assert parse_weekday("7") is None
    changes, problems = validate_settings({"topics": ", ".join(f"t{n}" for n in range(21))})
    assert changes == {} and [p.key for p in problems] == ["settings.too_many_topics"]
    assert read_command("settings").show and read_command("digest").show
