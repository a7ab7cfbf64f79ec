"""People choose topics, digest and the rest in chat; every value is checked first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Chat, open_chat
from suggestions_fixtures import T0, add_item, add_user

from bot.people.commands import read_command
from bot.people.validation import parse_time, parse_timezone, parse_weekday, validate_settings

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
    with open_chat(tmp_path, database_url=database_url, now=T0) as conversation:
        yield conversation


def stored(chat: Chat, name: str = "U1") -> dict[str, Any]:
    """The person's settings as their privacy export shows them."""
    user: dict[str, Any] = chat.export(name)["user"]
    return user


def settings_changes(chat: Chat, name: str = "U1") -> list[dict[str, Any]]:
    return [e for e in chat.export(name)["events"] if e["kind"] == "settings_changed"]


def test_settings_shows_a_form_with_every_setting_filled_in(chat: Chat) -> None:
    add_user(chat.store, topics="Cycling")
    add_item(chat.engine, topics="Energie, AI")
    add_item(chat.engine, "Retired", status="retired", topics="Secret plans")
    anna = chat.person("U1")
    seen = anna.say("settings")
    form = seen.form
    assert form is not None and form.form.action == "settings.save"
    assert list(form.values) == [
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
    assert form.options("topics") == ["AI", "Cycling", "Energie"]
    assert form.field("topics").kind == "multiselect" and form.values["topics"] == "Cycling"
    assert form.options("digest") == ["off", "weekly", "daily"]
    assert form.values["digest"] == "off"
    assert form.values["timezone"] == "Europe/Amsterdam"
    assert "Topics you follow: Cycling" in seen
    dutch = anna.say("instellingen", language="nl").form
    assert dutch is not None and dutch.title == "Je instellingen"


def test_submitting_the_form_saves_everything_and_records_what_changed(chat: Chat) -> None:
    add_user(chat.store, team=None)
    add_item(chat.engine, topics="energie")
    anna = chat.person("U1")
    anna.say("settings")
    seen = anna.submit(**VALID_FORM)
    assert seen.kind == "settings.saved"
    saved = stored(chat)
    assert (saved["topics"], saved["digest"], saved["digest_time"], saved["digest_weekday"]) == (
        ["energie", "AI"],
        "daily",
        "08:30",
        4,
    )
    assert (saved["timezone"], saved["quiet_start"], saved["quiet_end"]) == (
        "Europe/London",
        "22:00",
        "07:00",
    )
    assert (saved["team"], saved["location"], saved["leaderboard"]) == ("Sales", "Amsterdam", True)
    assert "There's no content about AI right now" in seen
    changed = settings_changes(chat)
    assert len(changed) == 1
    assert changed[0]["detail"] == (
        "digest,digest_time,digest_weekday,leaderboard,location,"
        "quiet_end,quiet_start,team,timezone,topics"
    )
    reopened = anna.say("settings").form
    assert reopened is not None and reopened.values["digest_time"] == "08:30"
    assert "Nothing changed" in anna.submit(**VALID_FORM)
    assert len(settings_changes(chat)) == 1


def test_bad_values_are_named_and_nothing_is_saved(chat: Chat) -> None:
    add_user(chat.store)
    bad = {
        **VALID_FORM,
        "digest_time": "25:00",
        "timezone": "Mars/Olympus_Mons",
        "leaderboard": "perhaps",
        "team": "Sales, Marketing",
    }
    anna = chat.person("U1")
    anna.say("settings")
    seen = anna.submit(**bad)
    assert seen.kind == "settings.invalid"
    assert 'Digest time: "25:00" is not a time of day. Write it as HH:MM' in seen
    assert 'Time zone: "Mars/Olympus_Mons" is not a time zone I know' in seen
    assert "Answer yes or no" in seen
    assert "without commas" in seen
    saved = stored(chat)
    assert (saved["digest"], saved["timezone"], saved["topics"], saved["team"]) == (
        "off",
        "Europe/Amsterdam",
        [],
        None,
    )
    assert settings_changes(chat) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("topics energie, ai", {"topics": ["energie", "ai"]}),
        ("onderwerpen geen", {"topics": []}),
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
def test_settings_typed_as_text(chat: Chat, command: str, expected: dict[str, object]) -> None:
    add_user(chat.store)
    seen = chat.person("U1").say(command)
    assert seen.kind == "settings.saved", seen.text
    saved = stored(chat)
    assert {name: saved[name] for name in expected} == expected


def test_digest_off_and_bad_commands(chat: Chat) -> None:
    add_user(chat.store, digest="daily")
    anna = chat.person("U1")
    assert anna.say("digest off").kind == "settings.saved"
    assert stored(chat)["digest"] == "off"
    for command, message in (
        ("digest sometimes", '"sometimes" is not one of the choices'),
        ("digest daily 25:00", '"25:00" is not a time of day'),
        ("settings colour blue", 'I don\'t know the setting "colour"'),
        ("settings quiet 22:00", "should be two times"),
        ("topics " + "x" * 50, "can't be a topic"),
    ):
        seen = anna.say(command)
        assert seen.kind == "settings.invalid", command
        assert message in seen, seen.text
    assert stored(chat)["digest"] == "off"


def test_a_team_typed_in_lower_case_joins_the_existing_team(chat: Chat) -> None:
    add_user(chat.store, "U2", team="Sales")
    add_user(chat.store, "U1")
    anna = chat.person("U1")
    anna.say("settings team sales")
    assert stored(chat)["team"] == "Sales"
    anna.say("settings team Brand New")  # folded by the intent: a new team as typed
    assert stored(chat)["team"] == "brand new"


def test_home_shows_the_settings_with_a_button_to_change_them(chat: Chat) -> None:
    add_user(chat.store, digest="weekly", digest_weekday=2, digest_time="10:00")
    anna = chat.person("U1")
    home = anna.home()
    assert "Digest: weekly, on Wednesday at 10:00" in home
    assert home.button("Change settings").action == "settings.open"
    opened = anna.click("Change settings").form
    assert opened is not None and opened.form.action == "settings.save"


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
