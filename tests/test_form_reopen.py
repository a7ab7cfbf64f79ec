"""A form says which action gives it again, so a platform can open it later from a button."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from content_fixtures import START
from harness import Chat, Person, open_chat

from bot.messages import Form, FormAction, Reply
from bot.serialize import reply_from_json, reply_to_json


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, now=START) as conversation:
        yield conversation


def _form(person: Person, action: FormAction) -> Form:
    seen = person.press(action.action, action.value).form
    assert seen is not None, f"{action} gave no form"
    return seen.form


def test_the_settings_form_is_asked_for_again_with_settings_open(chat: Chat) -> None:
    anna = chat.person("U1", language="en-GB")
    shown = anna.say("settings").form
    assert shown is not None
    assert shown.form.reopen == FormAction(action="settings.open")
    assert _form(anna, shown.form.reopen) == shown.form


def test_the_queue_forms_are_asked_for_again_for_their_item_or_link(chat: Chat) -> None:
    comms = chat.person("UCOMMS", roles={"comms"}, language="en-GB")
    comms.say("queue https://example.com/news/launch We launched a thing")
    edit = comms.click("Edit").form
    assert edit is not None and edit.form.reopen is not None
    assert edit.form.reopen.action == "content.form" and edit.form.reopen.value.isdigit()
    assert _form(comms, edit.form.reopen) == edit.form
    new = comms.press("content.form", "Look: <https://example.com/story|story>!").form
    assert new is not None
    assert new.form.reopen == FormAction(action="content.form", value="https://example.com/story")
    assert _form(comms, new.form.reopen) == new.form


def test_a_stored_form_keeps_its_reopen_and_older_ones_read_without() -> None:
    form = Form(
        title="Settings",
        action="settings.save",
        submit_label="Save",
        fields=(),
        reopen=FormAction(action="settings.open"),
    )
    reply = Reply(parts=(form,), language="en")
    assert reply_from_json(reply_to_json(reply)) == reply
    older = json.loads(reply_to_json(reply))
    del older["parts"][0]["reopen"]
    [read] = reply_from_json(json.dumps(older)).parts
    assert isinstance(read, Form) and read.reopen is None
