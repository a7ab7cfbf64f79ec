"""Tracking explained on first contact, the privacy explanation, and opting out and in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from suggestions_fixtures import T0, Chat, add_item, add_user, events, make_chat, texts

from bot.storage import Store
from bot.storage.tables import User


@pytest.fixture
def chat(database_url: str, tmp_path: Path) -> Iterator[Chat]:
    store = Store.open(database_url, clock=lambda: T0)
    yield make_chat(store, tmp_path / "guidelines")
    store.close()


def user(chat: Chat, user_id: int = 1) -> User:
    with Session(chat.engine) as session:
        found = session.get(User, user_id)
        assert found is not None
        return found


async def test_tracking_is_explained_the_first_time_and_never_again(
    chat: Chat, tmp_path: Path
) -> None:
    first = await chat.say("Can I name our client?")
    assert "I keep a small log" in texts(first)
    assert "Ask first" in texts(first)  # the answer itself still comes
    assert user(chat).tracking_explained_at == T0
    second = await chat.say("What can I share?")
    assert "I keep a small log" not in texts(second)
    # A restarted bot (no memory) knows from the database.
    restarted = make_chat(chat.store, tmp_path / "again")
    assert "I keep a small log" not in texts(await restarted.say("help"))
    # A colleague gets the notice once too, in their language.
    dutch = await chat.say("Mag ik een foto van kantoor delen?", user="U2", locale="nl")
    assert "Goed om te weten" in texts(dutch)


async def test_privacy_explains_what_why_who_and_how(chat: Chat) -> None:
    reply = await chat.say("privacy")
    text = texts(reply)
    for words in (
        "clicks per link, not who clicked",
        "fewer than 5 people are merged",
        '"opt out"',
        '"forget me"',
        '"What do you know about me?"',
    ):
        assert words in text
    assert "[Opt out] | [Show my data] | [Forget me]" in text


@pytest.mark.parametrize("command", ["opt out", "tracking off", "privacy opt-out", "tracking uit"])
async def test_opting_out_keeps_events_without_identity_but_with_team(
    chat: Chat, command: str
) -> None:
    person = add_user(chat.store, "U1", team="Sales")
    item = add_item(chat.engine)
    await chat.say("share")
    reply = await chat.say(command)
    assert "tracking is off" in texts(reply).lower() or "bijhouden staat" in texts(reply).lower()
    assert user(chat, person).tracking is False
    before = len(events(chat.engine))
    await chat.say("share")
    await chat.press("share.shared", str(item))
    await chat.say("Can I name our client?")
    new = events(chat.engine)[before:]
    assert {e.kind for e in new} >= {"marked_shared", "question_asked"}
    assert all(e.user_id is None and e.team == "Sales" for e in new)


async def test_opting_back_in_links_events_again(chat: Chat) -> None:
    add_user(chat.store, "U1", tracking=False)
    assert "already off" in texts(await chat.say("opt out"))
    assert "on again" in texts(await chat.say("opt in"))
    assert user(chat).tracking is True
    await chat.say("Can I name our client?")
    assert events(chat.engine, "question_asked")[-1].user_id == 1
    assert "already on" in texts(await chat.press("privacy.opt_in"))
    assert "off for you" in texts(await chat.press("privacy.opt_out"))
    assert user(chat).tracking is False
