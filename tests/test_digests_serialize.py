"""Replies survive being written to the outbox and read back after a restart."""

from __future__ import annotations

import json

import pytest

from bot.messages import (
    Choice,
    Choices,
    Divider,
    Fact,
    Field,
    Form,
    Link,
    Option,
    Reply,
    Text,
)
from bot.serialize import ReplyFormatError, reply_from_json, reply_to_json

EVERY_PART = Reply(
    parts=(
        Text(text="Je dagelijkse overzicht — nieuw om te delen", style="heading"),
        Text(text='Plain words, "quoted" and\nmultiline'),
        Text(text="Kijk: ons nieuwe kantoor 🎉", style="quote"),
        Text(text='Typ "instellingen" om te stoppen.', style="note"),
        Fact(label="Verdict", value="ask first"),
        Link(label="LinkedIn", url="https://www.linkedin.com/sharing/share-offsite/?url=x&y=1"),
        Choices(
            choices=(
                Choice(label="I shared it", action="share.shared", value="12"),
                Choice(label="Not for me", action="share.dismiss"),
            )
        ),
        Divider(),
        Form(
            title="Settings",
            action="settings.save",
            submit_label="Save",
            value="v1",
            fields=(
                Field(
                    id="digest",
                    label="Digest",
                    kind="select",
                    required=True,
                    options=(
                        Option(value="off", label="Off"),
                        Option(value="daily", label="Daily"),
                    ),
                    value="daily",
                ),
                Field(
                    id="topics",
                    label="Topics",
                    kind="multiselect",
                    value="ai,events",
                    placeholder="pick some",
                ),
                Field(id="note", label="Note", kind="textarea"),
            ),
        ),
    ),
    language="nl",
    kind="digest",
)


def test_every_part_comes_back_equal() -> None:
    text = reply_to_json(EVERY_PART)
    assert reply_from_json(text) == EVERY_PART
    assert reply_from_json(text).plain_text() == EVERY_PART.plain_text()


def test_the_payload_is_readable_json() -> None:
    data = json.loads(reply_to_json(EVERY_PART))
    assert data["language"] == "nl"
    assert data["parts"][0] == {
        "type": "text",
        "text": "Je dagelijkse overzicht — nieuw om te delen",
        "style": "heading",
    }


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "[]",
        '{"v": 2, "language": "en", "kind": "text", "parts": []}',
        '{"v": 1, "language": "en", "kind": "text"}',
        '{"v": 1, "language": "en", "kind": "text", "parts": [{"type": "video"}]}',
        '{"v": 1, "language": "en", "kind": "text", "parts": [{"type": "text", "text": 3, '
        '"style": "plain"}]}',
        '{"v": 1, "language": "en", "kind": "text", "parts": [{"type": "text", "text": "x", '
        '"style": "blink"}]}',
        '{"v": 1, "language": "en", "kind": "text", "parts": ["text"]}',
    ],
)
def test_a_payload_that_cannot_be_read_is_refused_whole(payload: str) -> None:
    with pytest.raises(ReplyFormatError):
        reply_from_json(payload)
