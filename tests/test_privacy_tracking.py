"""Tracking explained on first contact, the privacy explanation, and opting out and in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Chat, open_chat
from suggestions_fixtures import T0, add_item, add_user, events


@pytest.fixture
def chat(database_url: str, tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, database_url=database_url, now=T0) as conversation:
        yield conversation


def stored(chat: Chat, name: str = "U1") -> dict[str, Any]:
    """What the person's privacy export says about them."""
    user: dict[str, Any] = chat.export(name)["user"]
    return user


def test_tracking_is_explained_the_first_time_and_never_again(chat: Chat, tmp_path: Path) -> None:
    anna = chat.person("U1")
    first = anna.say("Can I name our client?")
    assert "I keep a small log" in first
    assert "Ask first" in first  # the answer itself still comes
    assert stored(chat)["tracking_explained_at"].startswith(T0.isoformat()[:19])
    assert "I keep a small log" not in anna.say("What can I share?")
    # A restarted bot (no memory) knows from the database.
    with open_chat(tmp_path / "again", database_url=chat.database_url, now=T0) as restarted:
        assert "I keep a small log" not in restarted.person("U1").say("help")
    # A colleague gets the notice once too, in their language.
    dutch = chat.person("U2", language="nl").say("Mag ik een foto van kantoor delen?")
    assert "Goed om te weten" in dutch


def test_privacy_explains_what_why_who_and_how(chat: Chat) -> None:
    seen = chat.person("U1").say("privacy")
    for words in (
        "clicks per link, not who clicked",
        "fewer than 5 people are merged",
        '"opt out"',
        '"forget me"',
        '"What do you know about me?"',
    ):
        assert words in seen
    assert seen.buttons == ["Opt out", "Show my data", "Forget me"]


@pytest.mark.parametrize("command", ["opt out", "tracking off", "privacy opt-out", "tracking uit"])
def test_opting_out_keeps_events_without_identity_but_with_team(chat: Chat, command: str) -> None:
    # What is stored after opting out is the point here, so the event log is read.
    add_user(chat.store, "U1", team="Sales")
    add_item(chat.engine)
    anna = chat.person("U1")
    anna.say("share")
    said = anna.say(command).text.lower()
    assert "tracking is off" in said or "bijhouden staat" in said
    assert stored(chat)["tracking"] is False
    before = len(events(chat.engine))
    anna.say("share")
    anna.click("I shared it")
    anna.say("Can I name our client?")
    new = events(chat.engine)[before:]
    assert {e.kind for e in new} >= {"marked_shared", "question_asked"}
    assert all(e.user_id is None and e.team == "Sales" for e in new)


def test_opting_back_in_links_events_again(chat: Chat) -> None:
    add_user(chat.store, "U1", tracking=False)
    anna = chat.person("U1")
    assert "already off" in anna.say("opt out")
    assert "on again" in anna.say("opt in")
    assert stored(chat)["tracking"] is True
    anna.say("Can I name our client?")
    assert "question_asked" in [e["kind"] for e in chat.export("U1")["events"]]
    # Buttons on older messages still work, and say how things stand.
    assert "already on" in anna.press("privacy.opt_in")
    assert "off for you" in anna.press("privacy.opt_out")
    assert stored(chat)["tracking"] is False


def test_after_opting_out_questions_and_checks_are_kept_without_the_person(
    chat: Chat,
) -> None:
    """ "Opt out stops linking anything to you": the questions and checks stay for the
    owners, but not under the person; the buttons on their answers still work."""
    anna = chat.person("U1")
    anna.say("Can I name our client?")
    anna.say("opt out")
    anna.say("Can I post a photo of the office?")
    assert "passed it on to the owners of this rule" in anna.click("👎")
    anna.say("check: Live bij Acme Bank!")
    export = chat.export("U1")
    assert [q["text"] for q in export["questions"]] == ["Can I name our client?"]
    assert export["draft_checks"] == []
    from sqlalchemy import text

    with chat.engine.connect() as connection:
        rows = connection.execute(
            text("select user_id, text, feedback from question order by id")
        ).all()
        checks = connection.execute(text("select user_id from draft_check")).all()
    assert [tuple(row) for row in rows][-1] == (
        None,
        "Can I post a photo of the office?",
        "not_helpful",
    )
    assert [tuple(row) for row in checks] == [(None,)]


def test_opting_out_unlinks_links_shared_before(chat: Chat) -> None:
    from sqlmodel import Session, select

    from bot.storage.tables import Share

    add_user(chat.store, "U1", team="Sales")
    add_item(chat.engine, "Wind farm opens")
    anna = chat.person("U1")
    offered = anna.say("What can I share?")
    link = next(url for label, url in offered.links if "LinkedIn" in label)
    assert chat.export("U1")["shares"]  # linked to her until she opts out
    anna.say("opt out")

    assert chat.open_link(link)  # someone clicks the link she posted earlier

    assert chat.export("U1")["shares"] == []
    assert [e["kind"] for e in chat.export("U1")["events"]] == ["suggested"]
    with Session(chat.engine) as session:
        assert all(s.user_id is None for s in session.exec(select(Share)))
    clicks = [e for e in events(chat.engine) if e.kind == "link_clicked"]
    assert len(clicks) == 1 and clicks[0].user_id is None and clicks[0].item_id is not None


def test_forget_me_and_stop_tracking_me_in_own_words_are_not_stored_as_questions(
    chat: Chat,
) -> None:
    anna = chat.person("U1")
    assert "Yes, forget me" in anna.say("FORGET ME PLEASE").buttons
    assert "Ja, vergeet mij" in anna.say("vergeet mij alsjeblieft", language="nl").buttons
    assert "tracking is off" in anna.say("stop tracking me").text.lower()
    assert stored(chat)["tracking"] is False
    assert chat.export("U1")["questions"] == []
    report = chat.cli("report", "--format", "json")
    assert report.returncode == 0, report.stderr
    assert "FORGET" not in report.stdout and "stop tracking" not in report.stdout
