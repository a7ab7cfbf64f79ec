"""Feedback on an answer the bot was unsure of: the choices it offered stay in reach."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Chat, Person, open_chat
from test_answer_feedback import OTHER, UNSURE, questions

from bot.messages import Platform


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, shipped_guidelines=True) as conversation:
        yield conversation


@pytest.fixture
def ann(chat: Chat) -> Person:
    return chat.person("ann", language=None, platform=Platform.CONSOLE)


def test_thumbs_down_on_a_guess_keeps_the_choices_and_a_pick_still_counts(
    chat: Chat, ann: Person
) -> None:
    """A 👎 on the rule the bot guessed took "Did you mean" away with the buttons, so the
    person could no longer say which rule they meant."""
    ann.say(UNSURE)
    down = ann.click("👎")
    assert "Ik heb het doorgegeven aan de eigenaren van deze regel" in down
    assert "Bedoelde je:" in down and "Iets anders" in down
    assert "👍" not in down.text
    picked = ann.click(OTHER)
    assert f"Regel: {OTHER}" in picked
    [asked] = questions(chat)
    assert (asked["rule"], asked["picked_rule"], asked["answered"]) == (
        "vacancies",
        "disclose-employer",
        True,
    )


def test_thumbs_up_on_a_guess_needs_no_choices(chat: Chat, ann: Person) -> None:
    ann.say(UNSURE)
    up = ann.click("👍")
    assert "Bedoelde je:" not in up and "Ik weet niet zeker" not in up
    [asked] = questions(chat)
    assert (asked["rule"], asked["feedback"]) == ("vacancies", "helpful")
