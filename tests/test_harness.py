"""The conversation harness itself: what a reply looks like, and pressing by label."""

from __future__ import annotations

import pytest
from harness import Chat
from seen import Seen, seen_text

from bot.messages import Choice, Choices, Divider, Fact, Field, Form, Link, Reply, Text


def _choices(*labels: str, value: str = "") -> Choices:
    return Choices(choices=tuple(Choice(label=x, action=f"a.{x}", value=value) for x in labels))


REPLY = Reply(
    parts=(
        Text(text="First", style="heading"),
        Text(text="A caption to copy", style="quote"),
        Fact(label="Verdict", value="ok"),
        Link(label="Share on LinkedIn", url="https://example.com/1"),
        _choices("Yes", "No", value="1"),
        Divider(),
        Text(text="Second", style="heading"),
        _choices("Yes", value="2"),
        Form(
            title="Your settings",
            action="settings.save",
            submit_label="Save",
            fields=(Field(id="team", label="Team", value="Sales"),),
        ),
    ),
    language="en",
)


def test_a_reply_reads_as_the_console_shows_it() -> None:
    assert seen_text(REPLY).splitlines() == [
        "First",
        "  A caption to copy",
        "Verdict: ok",
        "Share on LinkedIn: https://example.com/1",
        "[1] Yes  [2] No",
        "───",
        "Second",
        "[3] Yes",
        "Your settings",
    ]
    assert seen_text(None) == ""
    seen = Seen(REPLY)
    assert "Verdict: ok" in seen
    assert seen.headings == ["First", "Second"]
    assert seen.links == [("Share on LinkedIn", "https://example.com/1")]
    assert seen.buttons == ["Yes", "No", "Yes"]
    assert seen.form is not None and seen.form.values == {"team": "Sales"}


def test_a_button_is_found_by_number_by_label_and_by_heading() -> None:
    seen = Seen(REPLY)
    assert seen.button(3).value == "2"
    assert seen.button("No").value == "1"
    assert seen.button("Yes", of="Second").value == "2"
    with pytest.raises(AssertionError, match="2 buttons 'Yes'"):
        seen.button("Yes")
    with pytest.raises(AssertionError, match="no button 'Maybe'"):
        seen.button("Maybe")
    with pytest.raises(AssertionError, match=r"no button \[4\]"):
        seen.button(4)


def test_people_talk_click_submit_and_the_clock_moves(chat: Chat) -> None:
    anna = chat.person("anna")
    assert chat.person("anna") is anna
    settings = anna.say("settings")
    assert settings.form is not None
    with pytest.raises(AssertionError, match="no field"):
        anna.submit(colour="blue")
    assert anna.submit(team="Sales").kind == "settings.saved"
    assert chat.export("anna")["user"]["team"] == "Sales"
    before = chat.clock()
    chat.later(hours=2)
    assert (chat.clock() - before).total_seconds() == 7200
    assert anna.redeliver().kind == "settings.saved"  # the same delivery, answered again


def test_roles_are_given_before_the_first_conversation(chat: Chat) -> None:
    comms = chat.person("carla", roles={"comms"})
    assert comms.say("queue https://example.com/a Launch").kind == "content.queued"
    with pytest.raises(AssertionError, match="before the first conversation"):
        chat.person("dave", roles={"comms"})
