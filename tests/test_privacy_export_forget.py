""" "What do you know about me?" and "forget me": in chat and on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from suggestions_fixtures import (
    T0,
    Chat,
    add_item,
    add_user,
    cli,
    count,
    events,
    make_chat,
    texts,
)

from bot.people import PeopleStore
from bot.storage import Store
from bot.storage.tables import (
    ConversationReference,
    DraftCheck,
    Event,
    OutboxMessage,
    Question,
    Role,
    Share,
    User,
)
from bot.suggestions import resolve_click

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def chat(database_url: str, tmp_path: Path) -> Iterator[Chat]:
    store = Store.open(database_url, clock=lambda: T0)
    yield make_chat(store, tmp_path / "guidelines")
    store.close()


async def busy_person(chat: Chat) -> int:
    """U1 asked, checked a draft, got suggestions, shared one, has a role and a queued digest."""
    person = add_user(chat.store, "U1", team="Sales", topics="energie", digest="weekly")
    colleague = add_user(chat.store, "U2", team="Sales")
    item = add_item(chat.engine, "Wind farm opens", topics="energie")
    await chat.say("Can I name our client?")
    await chat.say("check: We are live with Acme Bank today!")
    await chat.say("What can I share?")
    await chat.press("share.shared", str(item))
    await chat.say("Can I post a picture of the office?", user="U2")
    with Session(chat.engine) as session:
        token = session.exec(
            select(Share.token).where(Share.user_id == person, Share.network == "linkedin")
        ).one()
        session.add(
            OutboxMessage(
                key="digest:U1:w10",
                user_id=person,
                platform="slack",
                payload="{}",
                next_attempt_at=T0,
                created_at=T0,
            )
        )
        session.commit()
    resolve_click(chat.engine, token, now=T0 + timedelta(hours=1), user_agent="Mozilla/5.0")
    PeopleStore(chat.engine).grant_role(
        platform="slack", user_id="U1", role="comms", granted_by="test", now=T0
    )
    assert colleague
    return person


async def test_the_export_holds_everything_stored_about_the_person(chat: Chat) -> None:
    person = await busy_person(chat)
    document = PeopleStore(chat.engine).export(person, now=T0)
    assert document is not None
    assert document["user"]["platform_user_id"] == "U1"
    assert document["user"]["team"] == "Sales"
    assert document["user"]["topics"] == ["energie"]
    assert document["user"]["digest"] == "weekly"
    assert [(q["text"], q["verdict"]) for q in document["questions"]] == [
        ("Can I name our client?", "ask_first")
    ]
    assert document["questions"][0]["asked_at"].startswith("2026-03-02")
    assert document["questions"][0]["feedback"] is None
    assert document["questions"][0]["picked_rule"] is None
    assert [c["verdict"] for c in document["draft_checks"]] == ["block"]
    assert "text" not in document["draft_checks"][0]
    kinds = sorted(e["kind"] for e in document["events"])
    assert kinds == sorted(
        ["question_asked", "draft_checked", "suggested", "marked_shared", "link_clicked"]
    )
    assert {s["network"] for s in document["shares"]} == {"linkedin", "x", "email"}
    assert document["shares"][0]["title"] == "Wind farm opens"
    assert [r["role"] for r in document["roles"]] == ["comms"]
    assert document["conversations"][0]["conversation_id"] == "D-U1"
    assert len(document["outbox"]) == 1
    json.dumps(document)  # plain JSON values only
    # Nothing of the colleague's.
    assert "Can I post a picture of the office?" not in json.dumps(document)


async def test_the_export_holds_the_persons_feedback_on_answers(chat: Chat) -> None:
    from bot.answering.feedback import Feedback
    from bot.answering.store import FeedbackStore

    person = await busy_person(chat)
    with Session(chat.engine) as session:
        question_id = session.exec(select(Question.id).where(Question.user_id == person)).one()
    assert question_id is not None
    feedback = FeedbackStore(chat.engine)
    assert feedback.record_pick(question_id, user_id=person, rule_id="client-names", now=T0)
    assert feedback.record_feedback(
        question_id, user_id=person, feedback=Feedback.NOT_HELPFUL, now=T0
    )
    assert not feedback.record_feedback(  # not theirs: nothing changes
        question_id, user_id=person + 1000, feedback=Feedback.HELPFUL, now=T0
    )
    document = PeopleStore(chat.engine).export(person, now=T0)
    assert document is not None
    [question] = document["questions"]
    assert (question["picked_rule"], question["feedback"]) == ("client-names", "not_helpful")


async def test_what_do_you_know_about_me_summarises_in_chat(chat: Chat) -> None:
    await busy_person(chat)
    reply = await chat.say("What do you know about me?")
    text = texts(reply)
    assert "Questions you asked: 1" in text
    assert "Can I name our client?" in text
    assert "Drafts you had checked: 1 (block 1)" in text
    assert "never your text" in text
    assert "Your share links: 3" in text
    assert "merkwerker privacy export --platform slack --user U1" in text
    dutch = await chat.say("wat weet je over mij", locale="nl")
    assert "Vragen die je stelde: 1" in texts(dutch)


async def test_forget_me_asks_first_and_cancel_deletes_nothing(chat: Chat) -> None:
    await busy_person(chat)
    reply = await chat.say("forget me")
    assert "can't be undone" in texts(reply)
    assert "[Yes, forget me] | [Cancel]" in texts(reply)
    assert "nothing was deleted" in texts(await chat.press("privacy.forget_cancel")).lower()
    assert count(chat.engine, Question) == 2


async def test_forget_me_removes_personal_rows_and_keeps_anonymous_totals(chat: Chat) -> None:
    person = await busy_person(chat)
    total_events = count(chat.engine, Event)
    theirs = sum(1 for e in events(chat.engine) if e.user_id == person)
    by_kind = sorted(e.kind for e in events(chat.engine))
    reply = await chat.press("privacy.forget_confirm", delivery="F1")
    assert "I've forgotten you" in texts(reply)
    assert "1 question(s)" in texts(reply)
    shares = count(chat.engine, Share)
    # The person is told how much stays as anonymous totals: all of their events and links.
    assert theirs > 0 and f"{theirs} event(s)" in texts(reply)
    assert f"{shares} share link(s)" in texts(reply)
    with Session(chat.engine) as session:
        assert session.get(User, person) is None
        assert session.exec(select(Question.text)).all() == ["Can I post a picture of the office?"]
        assert session.exec(select(ConversationReference.user_id)).all() != []  # U2's
        assert (
            session.exec(
                select(ConversationReference).where(ConversationReference.user_id == person)
            ).all()
            == []
        )
        assert session.exec(select(OutboxMessage)).all() == []
        assert session.exec(select(Role)).all() == []
        assert all(s.user_id is None for s in session.exec(select(Share)).all())
        checks = session.exec(select(DraftCheck)).all()
        assert [(c.user_id, c.verdict) for c in checks] == [(None, "block")]
        forgotten = session.exec(select(Event).where(col(Event.user_id).is_(None))).all()
    # The totals are unchanged: the same events, now without identity (team kept).
    assert count(chat.engine, Event) == total_events
    assert sorted(e.kind for e in events(chat.engine)) == by_kind
    assert {e.team for e in forgotten} == {"Sales"}
    assert all(e.idempotency_key.startswith("forgotten:") for e in forgotten)
    # The links already posted keep working; their clicks count for the item only.
    with Session(chat.engine) as session:
        token = session.exec(select(Share.token)).first()
    assert token is not None
    assert resolve_click(chat.engine, token, now=T0, user_agent="Mozilla/5.0") is not None
    assert events(chat.engine, "link_clicked")[-1].user_id is None
    # Talking again starts afresh, with the notice again.
    assert "I keep a small log" in texts(await chat.say("help"))


async def test_cli_export_and_forget(chat: Chat, database_url: str, tmp_path: Path) -> None:
    await busy_person(chat)
    printed = cli("privacy", "export", "--platform", "slack", "--user", "U1", database=database_url)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["questions"][0]["text"] == "Can I name our client?"
    target = tmp_path / "u1.json"
    written = cli(
        "privacy",
        "export",
        "--platform",
        "slack",
        "--user",
        "U1",
        "--output",
        str(target),
        database=database_url,
    )
    assert written.returncode == 0, written.stderr
    assert json.loads(target.read_text())["user"]["team"] == "Sales"
    unknown = cli("privacy", "export", "--platform", "slack", "--user", "U9", database=database_url)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "No one with slack id U9 is known here."
    bad = cli("privacy", "export", "--platform", "myspace", "--user", "U1", database=database_url)
    assert bad.returncode == 2 and "--platform myspace" in bad.stderr
    assert "Traceback" not in bad.stderr

    no_terminal = cli(
        "privacy", "forget", "--platform", "slack", "--user", "U1", database=database_url
    )
    assert no_terminal.returncode == 2
    assert "--yes" in no_terminal.stderr
    assert count(chat.engine, Question) == 2
    forgot = cli(
        "privacy", "forget", "--platform", "slack", "--user", "U1", "--yes", database=database_url
    )
    assert forgot.returncode == 0, forgot.stderr
    assert "Forgot slack user U1." in forgot.stdout
    assert count(chat.engine, Question) == 1


async def test_cli_opt_out_and_in(chat: Chat, database_url: str) -> None:
    out = cli("privacy", "opt-out", "--platform", "slack", "--user", "U7", database=database_url)
    assert out.returncode == 0, out.stderr
    assert "Tracking is now off for slack user U7." in out.stdout
    with Session(chat.engine) as session:
        person = session.exec(select(User).where(User.platform_user_id == "U7")).one()
        assert person.tracking is False
    back = cli("privacy", "opt-in", "--platform", "slack", "--user", "U7", database=database_url)
    assert back.returncode == 0
    with Session(chat.engine) as session:
        person = session.exec(select(User).where(User.platform_user_id == "U7")).one()
        assert person.tracking is True


def test_export_as_a_real_process(database_url: str, tmp_path: Path) -> None:
    store = Store.open(database_url, clock=lambda: T0)
    add_user(store, "U1", team="Sales")
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MERKWERKER_", "DATABASE"))}
    env["MERKWERKER_EMBEDDING_CACHE"] = os.environ["MERKWERKER_EMBEDDING_CACHE"]
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "privacy",
            "export",
            "--platform",
            "slack",
            "--user",
            "U1",
            "--database",
            database_url,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["user"]["team"] == "Sales"
