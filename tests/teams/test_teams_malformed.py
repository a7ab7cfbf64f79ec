"""Teams end to end: what a broken or unexpected delivery gets back (never a crash)."""

from __future__ import annotations

from pathlib import Path

import pytest
from teams_fixtures import FakeConnector, ShareFeature, activity, make_bot, serve

from bot.i18n import t
from bot.inputs import MAX_TEXT_CHARS


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", b'{"type": "message"}', 415),
        ("application/x-www-form-urlencoded", b"type=message", 415),
        ("application/json", b"{not json", 400),
        ("application/json", b"\xff\xfe\x00", 400),
        ("application/json", b"[1, 2, 3]", 400),
        ("application/json", b'{"text": "no type"}', 400),
        ("application/json", b'{"type": "message", "text": "no conversation"}', 400),
    ],
)
async def test_malformed_requests_get_a_clean_answer(
    tmp_path: Path, content_type: str, body: bytes, status: int
) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        response = await served.post(None, raw=body, headers={"Content-Type": content_type})
    assert response.status == status
    assert connector.requests == []


async def test_activity_fields_of_the_wrong_type_are_refused(tmp_path: Path) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        statuses = [
            (
                await served.post(activity("personal_message", connector.url, id=str(i), **change))
            ).status
            for i, change in enumerate(
                [
                    {"text": ["a", "list"]},
                    {"serviceUrl": "file:///etc/passwd"},
                    {"from": "anna"},
                    {"timestamp": "yesterday"},
                    {"entities": "none"},
                    {"conversation": {"id": ""}},
                ]
            )
        ]
    assert statuses == [400] * 6
    assert connector.requests == []


async def test_unknown_activity_types_are_acknowledged_and_ignored(tmp_path: Path) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        typing = await served.post(activity("personal_message", connector.url, type="typing"))
        strange = await served.post({"type": "somethingNew"})
        reaction = await served.post(
            activity("personal_message", connector.url, type="messageReaction")
        )
    assert [typing.status, strange.status, reaction.status] == [200, 200, 200]
    assert connector.requests == []


async def test_huge_text_gets_a_polite_reply_and_a_huge_body_is_refused(tmp_path: Path) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        long_text = await served.post(
            activity("personal_message", connector.url, text="woord " * 20_000)
        )
        (reply,) = await connector.wait_for(1)
        huge = await served.post(
            activity("personal_message", connector.url, id="9", text="x" * 2_000_000)
        )
    assert long_text.status == 200
    expected = t(
        "nl", "input.too_long", length=len(("woord " * 20_000).strip()), limit=MAX_TEXT_CHARS
    )
    assert reply.body["text"] == expected
    assert huge.status == 413
    assert len(connector.requests) == 1


async def test_card_submit_from_another_app_is_ignored(tmp_path: Path) -> None:
    bot = make_bot(tmp_path, feature=ShareFeature())
    async with FakeConnector() as connector, serve(bot) as served:
        response = await served.post(
            activity("card_shared", connector.url, value={"someone_else": "1"})
        )
    assert response.status == 200
    assert connector.requests == []


async def test_an_invoke_the_bot_does_not_know_gets_a_clean_answer(tmp_path: Path) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        response = await served.post(
            activity(
                "card_shared", connector.url, type="invoke", name="composeExtension/query", value={}
            )
        )
    assert response.status == 501, response.status
    assert connector.requests == []
