"""Digests through ``SlackSender``: direct messages, rate limits and failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fake_slack_api import FakeSlackApi, error, rate_limited
from slack_fixtures import fake_api

from adapters.slack import DeliveryFailed, SlackSender, sender_from_env
from adapters.slack.delivery_keys import already_sent, delivery_metadata
from bot.digests import delivering
from bot.features import Unreachable
from bot.messages import ConversationRef, Platform, Reply, Text
from bot.settings import SettingsError

__all__ = ["fake_api"]

DIGEST = Reply(parts=(Text(text="Your weekly digest", style="heading"),), language="en")


def _sender(api: FakeSlackApi, waits: list[float]) -> SlackSender:
    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    sender = sender_from_env(
        {"SLACK_BOT_TOKEN": "xoxb-digest", "SLACK_API_URL": api.base_url}, sleep=no_wait
    )
    assert sender is not None
    return sender


def _to(conversation: str) -> ConversationRef:
    return ConversationRef(
        platform=Platform.SLACK, conversation_id=conversation, user_id="U0PERSON"
    )


async def test_a_rate_limited_digest_is_delivered_once_after_waiting(
    fake_api: FakeSlackApi,
) -> None:
    waits: list[float] = []
    fake_api.script("chat.postMessage", rate_limited(1), rate_limited(1))
    await _sender(fake_api, waits).send(to=_to("D0PERSON"), reply=DIGEST)
    posts = fake_api.of("chat.postMessage")
    assert len(posts) == 3  # two refused, one delivered
    assert waits == [1.0, 1.0]  # as long as Slack asked, each time
    assert posts[-1].args["channel"] == "D0PERSON"
    assert posts[-1].json_arg("blocks")[0]["text"]["text"] == "Your weekly digest"


async def test_a_digest_still_rate_limited_raises_so_it_stays_in_the_outbox(
    fake_api: FakeSlackApi,
) -> None:
    fake_api.script("chat.postMessage", *[rate_limited(0)] * 4)
    with pytest.raises(DeliveryFailed):
        await _sender(fake_api, []).send(to=_to("D0PERSON"), reply=DIGEST)


async def test_a_person_who_left_the_workspace_is_unreachable(fake_api: FakeSlackApi) -> None:
    fake_api.script("chat.postMessage", error("account_inactive"))
    with pytest.raises(Unreachable):
        await _sender(fake_api, []).send(to=_to("D0PERSON"), reply=DIGEST)
    fake_api.script("chat.postMessage", error("internal_error"))
    with pytest.raises(DeliveryFailed) as failed:
        await _sender(fake_api, []).send(to=_to("D0PERSON"), reply=DIGEST)
    assert not isinstance(failed.value, Unreachable)


async def test_a_long_retry_after_is_not_waited_out(fake_api: FakeSlackApi) -> None:
    waits: list[float] = []
    fake_api.script("chat.postMessage", rate_limited(3600))
    with pytest.raises(DeliveryFailed):
        await _sender(fake_api, waits).send(to=_to("D0PERSON"), reply=DIGEST)
    assert waits == []


async def test_a_channel_reference_gets_its_digest_in_a_direct_message(
    fake_api: FakeSlackApi,
) -> None:
    await _sender(fake_api, []).send(to=_to("C0GENERAL"), reply=DIGEST)
    [opened] = fake_api.of("conversations.open")
    assert opened.args["users"] == "U0PERSON"
    [post] = fake_api.of("chat.postMessage")
    assert post.args["channel"] == "DU0PERSON"


async def test_an_error_from_slack_raises(fake_api: FakeSlackApi) -> None:
    fake_api.script("chat.postMessage", error("channel_not_found"))
    with pytest.raises(DeliveryFailed, match="channel_not_found"):
        await _sender(fake_api, []).send(to=_to("D0PERSON"), reply=DIGEST)


async def test_an_unreachable_slack_raises(fake_api: FakeSlackApi) -> None:
    url = fake_api.base_url
    await fake_api.close()
    sender = sender_from_env({"SLACK_BOT_TOKEN": "xoxb-digest", "SLACK_API_URL": url})
    assert sender is not None
    with pytest.raises(DeliveryFailed):
        await sender.send(to=_to("D0PERSON"), reply=DIGEST)


def test_no_token_means_no_sender_and_a_bad_one_is_named() -> None:
    assert sender_from_env({}) is None
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        sender_from_env({"SLACK_BOT_TOKEN": "xoxp-user-token"})


SINCE = datetime.now(UTC) - timedelta(minutes=1)


async def test_a_digest_from_the_outbox_carries_its_key_and_is_found_again(
    fake_api: FakeSlackApi,
) -> None:
    sender = _sender(fake_api, [])
    with delivering("digest:7:2025-06-02"):
        await sender.send(to=_to("D0PERSON"), reply=DIGEST)
    [post] = fake_api.of("chat.postMessage")
    assert post.json_arg("metadata") == {
        "event_type": "merkwerker_delivery",
        "event_payload": {"key": "digest:7:2025-06-02"},
    }
    found = await sender.delivered(to=_to("D0PERSON"), key="digest:7:2025-06-02", since=SINCE)
    other = await sender.delivered(to=_to("D0PERSON"), key="digest:7:2025-06-03", since=SINCE)
    elsewhere = await sender.delivered(to=_to("D0OTHER"), key="digest:7:2025-06-02", since=SINCE)
    assert (found, other, elsewhere) == (True, False, False)
    [history, *_] = fake_api.of("conversations.history")
    assert history.args["channel"] == "D0PERSON"
    assert history.args["include_all_metadata"] in ("1", "true")


async def test_a_message_sent_outside_the_outbox_has_no_metadata(fake_api: FakeSlackApi) -> None:
    await _sender(fake_api, []).send(to=_to("D0PERSON"), reply=DIGEST)
    [post] = fake_api.of("chat.postMessage")
    assert "metadata" not in post.args


async def test_the_lookup_pages_through_a_busy_conversation(fake_api: FakeSlackApi) -> None:
    sender = _sender(fake_api, [])
    with delivering("digest:7:2025-06-02"):
        await sender.send(to=_to("D0PERSON"), reply=DIGEST)
    for _ in range(450):  # later messages: the one we look for is on the third page
        await sender.send(to=_to("D0PERSON"), reply=DIGEST)
    assert await sender.delivered(to=_to("D0PERSON"), key="digest:7:2025-06-02", since=SINCE)
    assert len(fake_api.of("conversations.history")) == 3
    # Beyond the pages it reads, it says it cannot tell rather than "not there".
    beyond = await already_sent(
        sender.client, channel="D0PERSON", key="digest:7:2025-06-02", since=SINCE, pages=2
    )
    missing = await sender.delivered(to=_to("D0PERSON"), key="digest:8:2025-06-02", since=SINCE)
    assert (beyond, missing) == (None, False)


async def test_only_the_bots_own_messages_count(fake_api: FakeSlackApi) -> None:
    fake_api.messages["D0PERSON"].append(
        {
            "type": "message",
            "ts": f"{datetime.now(UTC).timestamp():.6f}",
            "user": "U0PERSON",
            "text": "copied",
            "metadata": delivery_metadata("digest:7:2025-06-02"),
        }
    )
    sender = _sender(fake_api, [])
    assert (
        await sender.delivered(to=_to("D0PERSON"), key="digest:7:2025-06-02", since=SINCE) is False
    )


async def test_a_failing_lookup_raises_like_a_failing_send(fake_api: FakeSlackApi) -> None:
    fake_api.script("conversations.history", error("internal_error"))
    with pytest.raises(DeliveryFailed):
        await _sender(fake_api, []).delivered(to=_to("D0PERSON"), key="k", since=SINCE)
    fake_api.script("conversations.history", error("channel_not_found"))
    with pytest.raises(Unreachable):
        await _sender(fake_api, []).delivered(to=_to("D0PERSON"), key="k", since=SINCE)
