"""Help lists what this person can type, by role and in their language; the home view
shows the same list."""

from __future__ import annotations

import pytest
from harness import Chat

from bot.i18n import t
from bot.intents import Intent, understand

EVERYONE = ("ask", "check", "share", "settings", "privacy", "mydata", "forget")
COMMS = ("queue", "approve", "report")


def typed(language: str, item: str) -> str:
    return t(language, f"help.item.{item}.type")


def does(language: str, item: str) -> str:
    # The ask item quotes an example from the guidelines; its line starts the same.
    return t(language, f"help.item.{item}", example="").split('"')[0]


@pytest.mark.parametrize(("language", "word"), [("en", "help"), ("nl", "hulp")])
def test_an_employee_sees_what_anyone_can_type_and_no_comms_items(
    chat: Chat, language: str, word: str
) -> None:
    seen = chat.person("anna", language=language).say(word)
    assert seen.kind == "help"
    for item in EVERYONE:
        assert f"{typed(language, item)}: {does(language, item)}" in seen.text
    for item in COMMS:
        assert typed(language, item) not in seen.text
        assert does(language, item) not in seen.text
    assert t(language, "help.comms_heading") not in seen.headings


@pytest.mark.parametrize(("language", "word"), [("en", "help"), ("nl", "hulp")])
def test_the_comms_team_also_sees_queue_approve_and_report(
    chat: Chat, language: str, word: str
) -> None:
    seen = chat.person("carla", roles={"comms"}, language=language).say(word)
    for item in (*EVERYONE, *COMMS):
        assert f"{typed(language, item)}: {does(language, item)}" in seen.text
    assert t(language, "help.comms_heading") in seen.headings
    # Their items come after everyone's, under their own heading.
    assert seen.text.index(typed(language, "forget")) < seen.text.index(typed(language, "queue"))


def test_an_admin_sees_the_comms_items_too(chat: Chat) -> None:
    boss = chat.person("boss", roles={"admin"})
    assert typed("en", "report") in boss.say("help").text


def test_dutch_help_speaks_dutch_only(chat: Chat) -> None:
    seen = chat.person("anna", language="nl").say("hulp")
    for item in EVERYONE:
        assert typed("en", item) not in seen.text or typed("en", item) == typed("nl", item)
    assert "vergeet mij" in seen.text and "forget me" not in seen.text


@pytest.mark.parametrize("roles", [frozenset(), frozenset({"comms"})])
def test_the_home_view_shows_the_same_list_as_help(chat: Chat, roles: frozenset[str]) -> None:
    person = chat.person("carla" if roles else "anna", roles=roles, language="nl")
    help_lines = _item_lines(person.say("hulp").text)
    assert help_lines  # the list is there
    assert _item_lines(person.home().text) == help_lines


def _item_lines(text: str) -> list[str]:
    labels = [typed("nl", item) for item in (*EVERYONE, *COMMS)]
    return [line for line in text.splitlines() if any(line.startswith(f"{x}:") for x in labels)]


INTENTS = {
    "ask": Intent.ASK,
    "check": Intent.CHECK,
    "share": Intent.SHARE,
    "settings": Intent.SETTINGS,
    "privacy": Intent.PRIVACY,
    "mydata": Intent.MYDATA,
    "forget": Intent.FORGET,
    "queue": Intent.QUEUE,
}
FILLED = {
    "<your question>": "Can I name the client I work for?",
    "<je vraag>": "Mag ik zeggen voor welke klant ik werk?",
    "<your draft>": "Proud of our team's new wind farm!",
    "<je concept>": "Trots op ons nieuwe windpark!",
    "<link>": "https://example.com/news",
    " [title]": "",
    " [titel]": "",
}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("item", sorted(INTENTS))
def test_what_help_says_to_type_does_what_it_says(language: str, item: str) -> None:
    text = typed(language, item)
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    assert "<" not in text and "[" not in text
    assert understand(text).intent is INTENTS[item]
