"""Teams end to end: activities POSTed to /api/messages on loopback, replies at a fake connector.

Authentication is off (as with ``MERKWERKER_ENV=development``); the bot's replies go to
the activity's ``serviceUrl``, a local fake of the Bot Connector.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from teams_fixtures import (
    BOT_ID,
    TENANT,
    USER_AAD,
    FakeConnector,
    ShareFeature,
    activity,
    make_bot,
    serve,
)

from bot.messages import Platform
from bot.storage import ConversationReference, Store, User


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    yield store
    store.close()


def card_of(body: dict[str, Any]) -> dict[str, Any]:
    attachments = body.get("attachments") or []
    assert attachments, f"expected an Adaptive Card, got {body}"
    assert attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachments[0]["content"]
    return card


def texts(card: dict[str, Any]) -> str:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value", "label"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body"))
    return "\n".join(found)


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a for element in card["body"] if element["type"] == "ActionSet" for a in element["actions"]
    ]


async def test_personal_message_gets_an_answer_card_in_dutch(tmp_path: Path, store: Store) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        response = await served.post(activity("personal_message", connector.url))
        assert response.status == 200
        (reply,) = await connector.wait_for(1)
    assert reply.kind == "reply"
    assert reply.conversation_id == activity("personal_message")["conversation"]["id"]
    assert reply.activity_id == "1714641331532"
    card = card_of(reply.body)
    assert card["version"] == "1.5"
    assert "Mag" in texts(card)  # verdict, in Dutch from the nl-NL locale
    assert "Foto's van kantoor" in texts(card)  # the rule
    assert "Security Office" in texts(card)  # the contact
    assert "Foto's van kantoor" in card["fallbackText"]
    assert reply.body["summary"]


async def test_channel_mention_is_answered_in_the_thread_without_the_mention(
    tmp_path: Path,
) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("channel_mention", connector.url))
        (reply,) = await connector.wait_for(1)
    # Replying to the post's activity id puts the answer in that post's thread.
    assert reply.kind == "reply"
    assert reply.activity_id == "1714641611123"
    assert reply.conversation_id.startswith("19:f3a8c2d1e4b54c6f8a9b0c1d2e3f4a5b@thread.tacv2")
    card = card_of(reply.body)
    assert "Office photos" in texts(card)  # answered in English, the mention did not confuse it
    assert "Allowed" in texts(card)


async def test_share_suggestion_buttons_and_links(tmp_path: Path) -> None:
    bot = make_bot(tmp_path, feature=ShareFeature())
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(
            activity("personal_message", connector.url, text="what can I share?", locale="en-US")
        )
        (reply,) = await connector.wait_for(1)
    buttons = actions(card_of(reply.body))
    links = {b["title"]: b["url"] for b in buttons if b["type"] == "Action.OpenUrl"}
    assert set(links) == {"LinkedIn", "X", "E-mail"}
    assert links["E-mail"].startswith("mailto:")
    submits = [b for b in buttons if b["type"] == "Action.Submit"]
    assert [(b["title"], b["data"]) for b in submits] == [
        ("I shared it", {"merkwerker_action": "content.shared", "value": "42"}),
        ("Not for me", {"merkwerker_action": "content.dismiss", "value": "42"}),
    ]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("content.shared", "Thanks for sharing item 42!"),
        ("content.dismiss", "Fine, item 42 is not for you."),
    ],
)
async def test_card_button_updates_the_card_in_place(
    tmp_path: Path, action: str, expected: str
) -> None:
    feature = ShareFeature()
    bot = make_bot(tmp_path, feature=feature)
    pressed = activity("card_shared", value={"merkwerker_action": action, "value": "42"})
    async with FakeConnector() as connector, serve(bot) as served:
        pressed["serviceUrl"] = connector.url
        response = await served.post(pressed)
        assert response.status == 200
        (update,) = await connector.wait_for(1)
    assert update.method == "PUT"
    assert update.activity_id == "1714641800777"  # the card the button was on
    assert expected in texts(card_of(update.body))
    (received,) = feature.actions
    assert (received.action, received.value, received.platform) == (action, "42", Platform.TEAMS)
    assert received.user_id == USER_AAD
    assert received.action_id == "1714641900000"


async def test_settings_form_is_a_card_with_inputs_and_its_submission_reaches_the_core(
    tmp_path: Path,
) -> None:
    feature = ShareFeature()
    bot = make_bot(tmp_path, feature=feature)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(
            activity("personal_message", connector.url, text="settings", locale="en-US")
        )
        (shown,) = await connector.wait_for(1)
        card = card_of(shown.body)
        inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
        assert inputs["field_digest"]["type"] == "Input.ChoiceSet"
        assert inputs["field_topics"]["isMultiSelect"] is True
        (submit,) = [a for a in actions(card) if a["type"] == "Action.Submit"]
        # Teams sends the button's data with the inputs' values merged in.
        value = {**submit["data"], "field_digest": "weekly", "field_topics": "ai,hiring"}
        await served.post(
            activity(
                "card_shared", connector.url, id="1714650000000", replyToId="sent-card", value=value
            )
        )
        updated = (await connector.wait_for(2))[1]
    assert updated.method == "PUT" and updated.activity_id == "sent-card"
    assert "Saved: digest weekly, topics ai,hiring." in texts(card_of(updated.body))
    (received,) = feature.actions
    assert received.action == "content.settings"
    assert received.form == {"digest": "weekly", "topics": "ai,hiring"}


async def test_queue_form_submission_carries_every_field(tmp_path: Path) -> None:
    feature = ShareFeature()
    bot = make_bot(tmp_path, feature=feature)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(
            activity(
                "personal_message",
                connector.url,
                text="queue https://www.example.com/news/new-office",
            )
        )
        (shown,) = await connector.wait_for(1)
        inputs = {e["id"]: e for e in card_of(shown.body)["body"] if e["type"].startswith("Input.")}
        assert inputs["field_url"]["style"] == "Url"
        assert inputs["field_url"]["value"] == "https://www.example.com/news/new-office"
        assert inputs["field_url"]["isRequired"] is True
        assert inputs["field_embargo"]["type"] == "Input.Date"
        assert inputs["field_note"]["isMultiline"] is True
        await served.post(activity("card_queue_form", connector.url))
        updated = (await connector.wait_for(2))[1]
    assert "Queued: We opened our new office in Utrecht" in texts(card_of(updated.body))
    assert feature.actions[0].form == {
        "url": "https://www.example.com/news/new-office",
        "title": "We opened our new office in Utrecht",
        "topics": "offices,hiring",
        "embargo": "2026-05-01",
        "note": "Share from Monday",
    }


async def test_card_that_cannot_be_edited_anymore_gets_a_new_message(tmp_path: Path) -> None:
    bot = make_bot(tmp_path, feature=ShareFeature())
    async with FakeConnector() as connector, serve(bot) as served:
        connector.fail_next(404)
        await served.post(activity("card_shared", connector.url))
        delivered = await connector.wait_for(1)
    assert [r.kind for r in connector.requests] == ["update", "reply"]
    assert "Thanks for sharing item 42!" in texts(card_of(delivered[0].body))


async def test_install_in_personal_scope_stores_the_reference_and_welcomes(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        response = await served.post(activity("conversation_update_personal", connector.url))
        assert response.status == 200
        (welcome,) = await connector.wait_for(1)
    assert welcome.kind == "send"  # a conversationUpdate has nothing to reply to
    assert "Merkwerker" in texts(card_of(welcome.body))
    with Session(store.engine) as session:
        user = session.exec(select(User).where(User.platform_user_id == USER_AAD)).one()
        row = session.exec(
            select(ConversationReference).where(ConversationReference.user_id == user.id)
        ).one()
    assert row.platform == "teams"
    data = json.loads(row.data)
    assert data["serviceUrl"] == connector.url
    assert data["bot"]["id"] == BOT_ID
    assert data["conversation"]["tenantId"] == TENANT
    assert data["conversation"]["conversationType"] == "personal"
    assert data["user"]["aadObjectId"] == USER_AAD
    assert "name" not in data["user"]  # only ids are kept


async def test_team_install_stores_the_installer_without_posting_in_the_channel(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        response = await served.post(activity("installation_update_team", connector.url))
        assert response.status == 200
    assert connector.requests == []
    with Session(store.engine) as session:
        row = session.exec(select(ConversationReference)).one()
    assert json.loads(row.data)["conversation"]["conversationType"] == "channel"


async def test_a_message_stores_the_reference_too(tmp_path: Path, store: Store) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("personal_message", connector.url))
        await connector.wait_for(1)
    with Session(store.engine) as session:
        row = session.exec(select(ConversationReference)).one()
    assert row.conversation_id == activity("personal_message")["conversation"]["id"]


async def test_duplicate_delivery_is_handled_once(tmp_path: Path, store: Store) -> None:
    feature = ShareFeature()
    bot = make_bot(tmp_path, feature=feature, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        first = await served.post(activity("card_shared", connector.url))
        second = await served.post(activity("card_shared", connector.url))
        again = await served.post(activity("personal_message", connector.url))
        again_twice = await served.post(activity("personal_message", connector.url))
        await connector.wait_for(2)
    assert [first.status, second.status, again.status, again_twice.status] == [200, 200, 200, 200]
    assert len(feature.actions) == 1
    assert len(connector.delivered) == 2
    with Session(store.engine) as session:
        from bot.storage import Question

        assert len(session.exec(select(Question)).all()) == 1


async def test_a_reply_the_connector_throttles_is_retried_after_retry_after(tmp_path: Path) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        connector.fail_next(429, retry_after="3")
        connector.fail_next(503)
        await served.post(activity("personal_message", connector.url))
        delivered = await connector.wait_for(1)
        sleeps = served.sleeps
    assert len(delivered) == 1
    assert [r.status for r in connector.requests] == [429, 503, 200]
    assert sleeps[0] == 3.0  # Retry-After honoured
    assert 0 < sleeps[1] <= 10


async def test_someone_else_joining_a_team_is_not_looked_up_or_answered(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    joined = activity(
        "installation_update_team",
        type="conversationUpdate",
        membersAdded=[{"id": "29:newcolleague"}],
    )
    del joined["action"]
    async with FakeConnector() as connector, serve(bot) as served:
        joined["serviceUrl"] = connector.url
        response = await served.post(joined)
    assert response.status == 200
    assert connector.requests == []  # botbuilder would fetch each new member; not needed
    with Session(store.engine) as session:
        assert session.exec(select(ConversationReference)).all() == []
