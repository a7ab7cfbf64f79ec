"""The outbox through ``SlackSender``: a message an interrupted attempt posted is not posted again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from digests_fixtures import add_person, outbox_rows
from fake_slack_api import FakeSlackApi, error
from slack_fixtures import fake_api
from sqlalchemy import Engine

from adapters.slack import SlackSender, sender_from_env
from bot.digests import DeliveryReport, DigestStore, deliver_outbox, delivering
from bot.digests.outbox import NewMessage
from bot.messages import ConversationRef, Platform, Reply, Text
from bot.serialize import reply_to_json
from bot.storage import open_database

__all__ = ["fake_api"]

T0 = datetime(2025, 6, 2, 7, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
KEY = "digest:1:2025-06-02"
DIGEST = Reply(parts=(Text(text="Your daily digest", style="heading"),), language="en")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def _sender(api: FakeSlackApi) -> SlackSender:
    sender = sender_from_env({"SLACK_BOT_TOKEN": "xoxb-digest", "SLACK_API_URL": api.base_url})
    assert sender is not None
    return sender


def _write(engine: Engine) -> None:
    ann = add_person(engine, "U0ANN", platform="slack")
    message = NewMessage(key=KEY, user_id=ann, platform="slack", payload=reply_to_json(DIGEST))
    assert DigestStore(engine).insert_messages([message], now=T0) == {KEY}


ANN = ConversationRef(platform=Platform.SLACK, conversation_id="DU0ANN", user_id="U0ANN")


async def _deliver(engine: Engine, sender: SlackSender, at: datetime) -> DeliveryReport:
    return await deliver_outbox(
        DigestStore(engine), {"slack": sender}, clock=lambda: at, lease=LEASE
    )


async def test_a_message_the_dead_pass_posted_is_marked_sent_without_a_second_post(
    engine: Engine, fake_api: FakeSlackApi
) -> None:
    _write(engine)
    sender = _sender(fake_api)
    # A pass claims the digest, posts it, and dies before marking it sent.
    DigestStore(engine).claim_due(now=T0, lease=LEASE, platforms={"slack"})
    with delivering(KEY):
        await sender.send(to=ANN, reply=DIGEST)

    too_early = await _deliver(engine, sender, T0 + LEASE - timedelta(seconds=1))
    report = await _deliver(engine, sender, T0 + LEASE)

    assert fake_api.of("conversations.history") and too_early == DeliveryReport()
    assert (report.already_there, report.sent) == (1, 0)
    assert len(fake_api.of("chat.postMessage")) == 1
    assert len(fake_api.messages_in("DU0ANN")) == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_a_message_the_dead_pass_did_not_post_is_posted_once(
    engine: Engine, fake_api: FakeSlackApi
) -> None:
    _write(engine)
    sender = _sender(fake_api)
    DigestStore(engine).claim_due(now=T0, lease=LEASE, platforms={"slack"})  # and died

    report = await _deliver(engine, sender, T0 + LEASE)

    assert (report.already_there, report.sent) == (0, 1)
    assert len(fake_api.of("conversations.history")) == 1  # asked first
    [post] = fake_api.of("chat.postMessage")
    assert post.json_arg("metadata")["event_payload"] == {"key": KEY}
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("sent", 2)
    assert await _deliver(engine, sender, T0 + timedelta(hours=1)) == DeliveryReport()
    assert len(fake_api.of("chat.postMessage")) == 1


async def test_a_first_attempt_does_not_ask_slack_first(
    engine: Engine, fake_api: FakeSlackApi
) -> None:
    _write(engine)
    report = await _deliver(engine, _sender(fake_api), T0)
    assert report.sent == 1
    assert fake_api.of("conversations.history") == []


async def test_after_slack_refused_a_post_the_retry_does_not_ask_first(
    engine: Engine, fake_api: FakeSlackApi
) -> None:
    _write(engine)
    sender = _sender(fake_api)
    fake_api.script("chat.postMessage", error("internal_error"))
    assert (await _deliver(engine, sender, T0)).retrying == 1
    assert outbox_rows(engine)[0].maybe_sent is False
    assert (await _deliver(engine, sender, T0 + timedelta(minutes=1))).sent == 1
    assert fake_api.of("conversations.history") == []
    assert len(fake_api.messages_in("DU0ANN")) == 1


async def test_a_post_that_timed_out_after_slack_took_it_is_not_posted_again(
    engine: Engine, fake_api: FakeSlackApi
) -> None:
    _write(engine)
    sender = _sender(fake_api)
    fake_api.delays["chat.postMessage"] = 1.0  # Slack posts it, the answer comes too late
    first = await deliver_outbox(
        DigestStore(engine), {"slack": sender}, clock=lambda: T0, lease=LEASE, send_timeout=0.3
    )
    assert first.retrying == 1
    assert outbox_rows(engine)[0].maybe_sent is True
    fake_api.delays.clear()

    again = await _deliver(engine, sender, T0 + timedelta(minutes=1))

    assert (again.already_there, again.sent) == (1, 0)
    assert len(fake_api.messages_in("DU0ANN")) == 1
    assert outbox_rows(engine)[0].status == "sent"
