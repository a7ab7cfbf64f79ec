"""Digests reach Teams users through the conversation reference stored when they met the bot."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from botframework.connector.models import ErrorResponseException
from sqlmodel import Session, select
from teams_fixtures import NOW, TENANT, USER_AAD, FakeConnector, activity, make_bot, serve

from adapters.teams import sender_from_env
from adapters.teams.platform import TeamsPlatform
from adapters.teams.sender import UnreachableReference
from adapters.teams.transport import ConnectorTransport
from bot.digests import DeliveryReport, DigestStore, deliver_outbox
from bot.digests.delivery import DEFAULT_LEASE
from bot.digests.outbox import NewMessage
from bot.guidelines.rules import NotifyTarget
from bot.messages import ConversationRef, Platform, Reply, Text
from bot.serialize import reply_to_json
from bot.storage import ConversationReference, Store, User

DIGEST = Reply(
    parts=(Text(text="Your weekly digest", style="heading"), Text(text="Three things to share.")),
    language="en",
    kind="digest",
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}", clock=lambda: NOW)
    yield store
    store.close()


def stored_reference(store: Store, platform_user_id: str) -> ConversationRef:
    """The reference as the outbox reads it back: the row's JSON, conversation id and user."""
    with Session(store.engine) as session:
        user = session.exec(select(User).where(User.platform_user_id == platform_user_id)).one()
        row = session.exec(
            select(ConversationReference).where(ConversationReference.user_id == user.id)
        ).one()
        return ConversationRef(
            platform=Platform(row.platform),
            conversation_id=row.conversation_id,
            user_id=user.platform_user_id,
            data=json.loads(row.data),
        )


async def test_digest_reaches_the_user_through_the_stored_reference(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("conversation_update_personal", connector.url))
        await connector.wait_for(1)  # the welcome
        await served.adapter.sender.send(to=stored_reference(store, USER_AAD), reply=DIGEST)
        digest = (await connector.wait_for(2))[1]
    assert digest.kind == "send"
    assert digest.conversation_id == activity("personal_message")["conversation"]["id"]
    assert digest.body["summary"] == "Your weekly digest"
    card = digest.body["attachments"][0]["content"]
    assert "Three things to share." in card["fallbackText"]


async def test_digest_is_delivered_exactly_once_when_the_connector_first_throttles(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("personal_message", connector.url))
        await connector.wait_for(1)
        connector.fail_next(429, retry_after="2")
        await served.adapter.sender.send(to=stored_reference(store, USER_AAD), reply=DIGEST)
        delivered = await connector.wait_for(2)
        sleeps = list(served.sleeps)
    digests = [r for r in delivered if r.kind == "send"]
    assert len(digests) == 1
    assert [r.status for r in connector.requests if r.kind == "send"] == [429, 200]
    assert sleeps == [2.0]


async def test_digest_that_keeps_failing_raises_and_is_sent_once_when_retried(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("personal_message", connector.url))
        await connector.wait_for(1)
        reference = stored_reference(store, USER_AAD)
        connector.fail_next(500, times=4)
        with pytest.raises(ErrorResponseException):
            await served.adapter.sender.send(to=reference, reply=DIGEST)
        assert [r for r in connector.delivered if r.kind == "send"] == []
        # The outbox tries again later:
        await served.adapter.sender.send(to=reference, reply=DIGEST)
    sends = [r for r in connector.requests if r.kind == "send"]
    assert [r.status for r in sends] == [500, 500, 500, 500, 200]
    assert len([r for r in connector.delivered if r.kind == "send"]) == 1


async def test_reference_from_a_team_opens_a_personal_chat_and_keeps_it(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    installer = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("installation_update_team", connector.url))
        await served.adapter.sender.send(to=stored_reference(store, installer), reply=DIGEST)
        await served.adapter.sender.send(to=stored_reference(store, installer), reply=DIGEST)
    kinds = [r.kind for r in connector.requests]
    assert kinds == ["create", "send", "send"]  # the second digest goes straight to the chat
    create = connector.requests[0].body
    teams_id = activity("installation_update_team")["from"]["id"]
    assert create["members"] == [{"id": teams_id}]
    assert create["isGroup"] is False
    assert create["channelData"] == {"tenant": {"id": TENANT}}
    assert connector.requests[1].conversation_id == f"a:personal-{teams_id}"
    assert stored_reference(store, installer).data["conversation"]["conversationType"] == "personal"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"serviceUrl": "http://127.0.0.1:9/", "bot": {"id": "28:x"}},
        {"conversation": {"id": "a:1"}, "bot": {"id": "28:x"}},
        {"serviceUrl": "http://127.0.0.1:9/", "conversation": {"id": "a:1"}},
    ],
)
async def test_a_reference_missing_parts_is_reported_unreachable(
    tmp_path: Path, data: dict[str, object]
) -> None:
    bot = make_bot(tmp_path)
    ref = ConversationRef(platform=Platform.TEAMS, conversation_id="a:1", user_id="u", data=data)
    async with serve(bot) as served:
        with pytest.raises(UnreachableReference):
            await served.adapter.sender.send(to=ref, reply=DIGEST)


async def test_sender_from_env(tmp_path: Path, store: Store) -> None:
    assert sender_from_env({}, store) is None
    env = {"MERKWERKER_ENV": "development", "MERKWERKER_TEAMS": "1"}

    async def no_wait(seconds: float) -> None:
        return None

    sender = sender_from_env(env, store, transport=ConnectorTransport(sleep=no_wait))
    assert sender is not None
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("personal_message", connector.url))
        await connector.wait_for(1)
        try:
            await sender.send(to=stored_reference(store, USER_AAD), reply=DIGEST)
        finally:
            await sender.close()
        await connector.wait_for(2)
    assert [r.kind for r in connector.delivered] == ["reply", "send"]


async def test_a_person_who_removed_the_app_is_reported_unreachable(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("personal_message", connector.url))
        await connector.wait_for(1)
        connector.fail_next(403)
        with pytest.raises(UnreachableReference, match="403"):
            await served.adapter.sender.send(to=stored_reference(store, USER_AAD), reply=DIGEST)
    assert [r.status for r in connector.requests if r.kind == "send"] == [403]  # not retried


async def test_a_guidelines_notice_goes_to_the_channel_the_bot_was_mentioned_in(
    tmp_path: Path, store: Store
) -> None:
    """``notify: teams:<channel id>`` posts a new message in that channel, through the
    reference stored when someone mentioned the bot there (in a thread of it)."""
    bot = make_bot(tmp_path, store=store)
    channel = "19:f3a8c2d1e4b54c6f8a9b0c1d2e3f4a5b@thread.tacv2"
    async with FakeConnector() as connector, serve(bot) as served:
        platform = TeamsPlatform(served.adapter)
        target = NotifyTarget(platform="teams", conversation_id=channel)
        with pytest.raises(LookupError, match="no conversation reference"):
            await platform.reach(target)
        await served.post(activity("channel_mention", connector.url))
        answered = len(await connector.wait_for(1))
        found = await platform.reach(target)
        assert found is not None
        sender, conversation = found
        await sender.send(to=conversation, reply=DIGEST)
        notice = (await connector.wait_for(answered + 1))[-1]
    assert notice.kind == "send"
    assert notice.conversation_id == channel  # a new post in the channel, not a reply
    assert [r.kind for r in connector.requests].count("create") == 0  # no personal chat


async def test_after_a_crash_a_digest_is_sent_again_once_when_its_lease_runs_out(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    digests = DigestStore(store.engine)
    async with FakeConnector() as connector, serve(bot) as served:
        await served.post(activity("conversation_update_personal", connector.url))
        await connector.wait_for(1)  # the welcome
        to = stored_reference(store, USER_AAD)
        with Session(store.engine) as session:
            user = session.exec(select(User).where(User.platform_user_id == USER_AAD)).one()
            user.digest = "daily"  # a digest waiting for someone who turned them off is withdrawn
            session.add(user)
            session.commit()
            session.refresh(user)
        assert user.id is not None
        message = NewMessage(
            key="digest:1:crash", user_id=user.id, platform="teams", payload=reply_to_json(DIGEST)
        )
        digests.insert_messages([message], now=NOW)
        # A scheduler claims the digest, sends it, and dies before marking it sent.
        digests.claim_due(now=NOW, lease=DEFAULT_LEASE, platforms={"teams"})
        await served.adapter.sender.send(to=to, reply=DIGEST)
        await connector.wait_for(2)
        senders = {"teams": served.adapter.sender}

        early = await deliver_outbox(
            digests, senders, clock=lambda: NOW + DEFAULT_LEASE - timedelta(seconds=1)
        )
        late = await deliver_outbox(digests, senders, clock=lambda: NOW + DEFAULT_LEASE)
        later = await deliver_outbox(digests, senders, clock=lambda: NOW + timedelta(hours=1))
        sent = await connector.wait_for(3)
    # Teams cannot say whether the first one arrived: it is sent again, once, after the lease.
    assert (early, later) == (DeliveryReport(), DeliveryReport())
    assert (late.sent, late.already_there) == (1, 0)
    assert len(sent) == 3
    assert DEFAULT_LEASE.total_seconds() <= 60  # as the README says
    assert digests.status_counts() == {"sent": 1}
