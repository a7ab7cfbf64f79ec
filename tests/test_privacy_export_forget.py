""" "What do you know about me?" and "forget me": in chat and on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Chat, open_chat
from sqlmodel import Session, col, select
from suggestions_fixtures import T0, add_item, add_user, count, events

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
    with open_chat(tmp_path, database_url=database_url, now=T0) as conversation:
        yield conversation


def busy_person(chat: Chat) -> int:
    """U1 asked, checked a draft, got suggestions, shared one, has a role and a queued digest."""
    person = add_user(chat.store, "U1", team="Sales", topics="energie", digest="weekly")
    add_user(chat.store, "U2", team="Sales")
    add_item(chat.engine, "Wind farm opens", topics="energie")
    anna, colleague = chat.person("U1"), chat.person("U2")
    anna.say("Can I name our client?")
    anna.say("check: We are live with Acme Bank today!")
    offered = anna.say("What can I share?")
    anna.click("I shared it")
    colleague.say("Can I post a picture of the office?")
    with Session(chat.engine) as session:  # a digest waiting to go out
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
    chat.later(hours=1)
    assert chat.open_link(next(url for label, url in offered.links if "LinkedIn" in label))
    chat.later(hours=-1)
    granted = chat.cli("people", "grant", "--platform", "slack", "--user", "U1", "--role", "comms")
    assert granted.returncode == 0, granted.stderr
    return person


def test_the_export_holds_everything_stored_about_the_person(chat: Chat) -> None:
    busy_person(chat)
    document = chat.export("U1")
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
    # Nothing of the colleague's.
    assert "Can I post a picture of the office?" not in json.dumps(document)


def test_the_export_holds_the_persons_feedback_on_answers(chat: Chat) -> None:
    # Stored straight away: in chat a pick replaces the message that had the 👎 on it.
    from bot.answering.feedback import Feedback
    from bot.answering.store import FeedbackStore

    person = busy_person(chat)
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
    [question] = chat.export("U1")["questions"]
    assert (question["picked_rule"], question["feedback"]) == ("client-names", "not_helpful")


def test_a_thumbs_down_in_chat_is_in_the_export_and_a_colleague_cannot_change_it(
    chat: Chat,
) -> None:
    anna, colleague = chat.person("U1"), chat.person("U2")
    answer = anna.say("Can I name our client?")
    assert "passed it on to the owners" in anna.click("👎")
    colleague.click("👍", on=answer)  # the same button, pressed on a forwarded message
    [question] = chat.export("U1")["questions"]
    assert (question["rule"], question["feedback"]) == ("client-names", "not_helpful")


def test_what_do_you_know_about_me_summarises_in_chat(chat: Chat) -> None:
    busy_person(chat)
    anna = chat.person("U1")
    seen = anna.say("What do you know about me?")
    assert "Questions you asked: 1" in seen
    assert "Can I name our client?" in seen
    assert "Drafts you had checked: 1 (block 1)" in seen
    assert "never your text" in seen
    assert "Your share links: 3" in seen
    assert "merkwerker privacy export --platform slack --user U1" in seen
    assert "Vragen die je stelde: 1" in anna.say("wat weet je over mij", language="nl")


def test_forget_me_asks_first_and_cancel_deletes_nothing(chat: Chat) -> None:
    busy_person(chat)
    anna = chat.person("U1")
    seen = anna.say("forget me")
    assert "can't be undone" in seen
    assert seen.buttons == ["Yes, forget me", "Cancel"]
    assert "nothing was deleted" in anna.click("Cancel").text.lower()
    assert len(chat.export("U1")["questions"]) == 1
    assert len(chat.export("U2")["questions"]) == 1


def test_forget_me_removes_personal_rows_and_keeps_anonymous_totals(chat: Chat) -> None:
    # What stays in the database after forgetting is the point here, so the tables are read.
    person = busy_person(chat)
    anna = chat.person("U1")
    anna.say("forget me")
    total_events = count(chat.engine, Event)
    theirs = sum(1 for e in events(chat.engine) if e.user_id == person)
    by_kind = sorted(e.kind for e in events(chat.engine))
    seen = anna.click("Yes, forget me")
    assert "I've forgotten you" in seen
    assert "1 question(s)" in seen
    shares = count(chat.engine, Share)
    # The person is told how much stays as anonymous totals: all of their events and links.
    assert theirs > 0 and f"{theirs} event(s)" in seen
    assert f"{shares} share link(s)" in seen
    unknown = chat.cli("privacy", "export", "--platform", "slack", "--user", "U1")
    assert unknown.returncode == 1
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
    assert "I keep a small log" in anna.say("help")


def test_cli_export_and_forget(chat: Chat, tmp_path: Path) -> None:
    busy_person(chat)
    printed = chat.cli("privacy", "export", "--platform", "slack", "--user", "U1")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["questions"][0]["text"] == "Can I name our client?"
    target = tmp_path / "u1.json"
    written = chat.cli(
        "privacy", "export", "--platform", "slack", "--user", "U1", "--output", str(target)
    )
    assert written.returncode == 0, written.stderr
    assert json.loads(target.read_text())["user"]["team"] == "Sales"
    unknown = chat.cli("privacy", "export", "--platform", "slack", "--user", "U9")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "No one with slack id U9 is known here."
    bad = chat.cli("privacy", "export", "--platform", "myspace", "--user", "U1")
    assert bad.returncode == 2 and "--platform myspace" in bad.stderr
    assert "Traceback" not in bad.stderr

    no_terminal = chat.cli("privacy", "forget", "--platform", "slack", "--user", "U1")
    assert no_terminal.returncode == 2
    assert "--yes" in no_terminal.stderr
    assert len(chat.export("U1")["questions"]) == 1
    forgot = chat.cli("privacy", "forget", "--platform", "slack", "--user", "U1", "--yes")
    assert forgot.returncode == 0, forgot.stderr
    assert "Forgot slack user U1." in forgot.stdout
    gone = chat.cli("privacy", "export", "--platform", "slack", "--user", "U1")
    assert gone.returncode == 1
    assert len(chat.export("U2")["questions"]) == 1


def test_cli_opt_out_and_in(chat: Chat) -> None:
    add_user(chat.store, "U7")
    out = chat.cli("privacy", "opt-out", "--platform", "slack", "--user", "U7")
    assert out.returncode == 0, out.stderr
    assert "Tracking is now off for slack user U7." in out.stdout
    assert chat.export("U7")["user"]["tracking"] is False
    again = chat.cli("privacy", "opt-out", "--platform", "slack", "--user", "U7")
    assert again.returncode == 0
    assert again.stdout.strip() == "Tracking was already off for slack user U7; nothing changed."
    back = chat.cli("privacy", "opt-in", "--platform", "slack", "--user", "U7")
    assert back.returncode == 0
    assert "Tracking is now on for slack user U7." in back.stdout
    assert chat.export("U7")["user"]["tracking"] is True
    still = chat.cli("privacy", "opt-in", "--platform", "slack", "--user", "U7")
    assert "already on" in still.stdout and "now on" not in still.stdout


def test_cli_opt_out_of_an_id_not_known_yet_says_so(chat: Chat) -> None:
    mistyped = chat.cli("privacy", "opt-out", "--platform", "slack", "--user", "u555")
    assert mistyped.returncode == 0, mistyped.stderr
    assert "No one with slack id u555 was known here yet." in mistyped.stdout
    assert "now off" not in mistyped.stdout
    # Honoured when they arrive: the opt-out is kept for that id.
    assert chat.export("u555")["user"]["tracking"] is False
    again = chat.cli("privacy", "opt-out", "--platform", "slack", "--user", "u555")
    assert "already off" in again.stdout
    opt_in = chat.cli("privacy", "opt-in", "--platform", "slack", "--user", "U556")
    assert opt_in.returncode == 1
    assert opt_in.stderr.strip() == "No one with slack id U556 is known here."


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


def test_forget_me_removes_the_person_from_content_they_queued_and_approved(
    chat: Chat,
) -> None:
    comms = chat.person("UCOMMS", roles={"comms"})
    queued = comms.click("Approve", on=comms.say("queue https://example.com/news/a Our news"))
    assert "Approved" in queued.text
    feed = chat.cli("feeds", "add", "https://example.com/feed.xml", "--as", "slack:UCOMMS")
    assert feed.returncode == 0, feed.stderr
    granted = chat.cli("people", "grant", "--platform", "slack", "--user", "U2", "--role", "comms")
    assert granted.returncode == 0, granted.stderr
    (item,) = chat.queue()
    assert (item["added_by"], item["approved_by"]) == ("slack:UCOMMS", "slack:UCOMMS")
    comms.say("forget me")
    assert "I've forgotten you" in comms.click("Yes, forget me")
    shown = chat.cli("content", "show", str(item["id"]), "--json")
    assert shown.returncode == 0, shown.stderr
    assert "UCOMMS" not in shown.stdout
    assert json.loads(shown.stdout)["added_by"] == "forgotten"
    feeds = chat.cli("feeds", "list", "--json")
    assert feeds.returncode == 0, feeds.stderr
    assert "UCOMMS" not in feeds.stdout


def test_someone_known_only_by_a_granted_role_can_be_exported_and_forgotten(
    chat: Chat,
) -> None:
    granted = chat.cli(
        "people", "grant", "--platform", "slack", "--user", "U777", "--role", "admin"
    )
    assert granted.returncode == 0, granted.stderr

    exported = chat.cli("privacy", "export", "--platform", "slack", "--user", "U777")
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert document["user"] == {"platform": "slack", "platform_user_id": "U777"}
    assert [r["role"] for r in document["roles"]] == ["admin"]

    forgot = chat.cli("privacy", "forget", "--platform", "slack", "--user", "U777", "--yes")
    assert forgot.returncode == 0, forgot.stderr
    assert "Forgot slack user U777." in forgot.stdout
    assert count(chat.engine, Role) == 0
    again = chat.cli("privacy", "export", "--platform", "slack", "--user", "U777")
    assert again.returncode == 1
    assert again.stderr.strip() == "No one with slack id U777 is known here."


def test_forget_reaches_names_given_with_as_on_the_command_line(chat: Chat) -> None:
    added = chat.cli("content", "add", "https://example.com/news/b", "--as", "bob")
    assert added.returncode == 0, added.stderr
    (item,) = chat.queue()
    approved = chat.cli("content", "approve", str(item["id"]), "--as", "bob")
    assert approved.returncode == 0, approved.stderr
    assert "bob" in chat.cli("content", "show", str(item["id"])).stdout

    forgot = chat.cli("privacy", "forget", "--platform", "console", "--user", "bob", "--yes")

    assert forgot.returncode == 0, forgot.stderr
    shown = chat.cli("content", "show", str(item["id"]))
    assert "bob" not in shown.stdout
    assert "approved by forgotten" in shown.stdout


def test_the_export_and_my_data_hold_what_a_comms_person_added_and_their_settings(
    chat: Chat,
) -> None:
    add_user(chat.store, "UCOMMS", leaderboard=True, display_name="Carla")
    comms = chat.person("UCOMMS", roles={"comms"})
    comms.click("Approve", on=comms.say("queue https://example.com/news/a Our news"))
    feed = chat.cli("feeds", "add", "https://example.com/feed.xml", "--as", "slack:UCOMMS")
    assert feed.returncode == 0, feed.stderr

    document = chat.export("UCOMMS")
    [item] = document["content"]
    assert (item["url"], item["added"], item["approved"]) == (
        "https://example.com/news/a",
        True,
        True,
    )
    assert [f["url"] for f in document["feeds"]] == ["https://example.com/feed.xml"]

    seen = comms.say("What do you know about me?")
    assert "Your name: Carla" in seen
    assert "Show my name on the leaderboard: Yes" in seen
    assert "Content you added or approved: 1" in seen
    assert "Feeds you added: 1" in seen
    dutch = comms.say("wat weet je over mij", language="nl")
    assert "Je naam: Carla" in dutch and "Feeds die je toevoegde: 1" in dutch
