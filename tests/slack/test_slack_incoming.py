"""One way in: what a payload is, read once, and Socket Mode answered like HTTP."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from slack_fixtures import SlackServer, fake_api, payload, slack_server
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from adapters.slack import SlackAdapter, slack_settings_from_env
from adapters.slack.incoming import (
    ButtonPress,
    Challenge,
    Event,
    Shortcut,
    SlashCommand,
    Unhandled,
    to_incoming,
)
from adapters.slack.ingress import QUEUE_SHORTCUT, Ack
from adapters.slack.socket_mode import answer
from adapters.slack.work import WorkQueue

__all__ = ["fake_api", "slack_server"]


def test_events_are_read_with_their_id_and_type() -> None:
    message = to_incoming(payload("event_message_im"))
    assert isinstance(message, Event)
    assert message.is_message and not message.opens_home
    assert message.event_id == payload("event_message_im")["event_id"]
    assert isinstance(mention := to_incoming(payload("event_app_mention")), Event)
    assert mention.is_message
    home = to_incoming(payload("event_app_home_opened"))
    assert isinstance(home, Event) and home.opens_home
    messages_tab = payload("event_app_home_opened")
    messages_tab["event"]["tab"] = "messages"
    assert isinstance(tab := to_incoming(messages_tab), Event) and not tab.opens_home
    reaction = to_incoming(payload("event_reaction_added"))
    assert isinstance(reaction, Event) and not reaction.is_message and not reaction.opens_home


def test_commands_interactivity_and_the_challenge_are_told_apart() -> None:
    assert isinstance(to_incoming(payload("command")), SlashCommand)
    assert isinstance(to_incoming(payload("block_actions_message")), ButtonPress)
    shortcut = to_incoming(payload("message_action"))
    assert isinstance(shortcut, Shortcut) and shortcut.callback_id == QUEUE_SHORTCUT
    challenge = payload("url_verification")
    assert to_incoming(challenge) == Challenge(challenge=challenge["challenge"])


def test_what_the_bot_does_not_handle_is_named_not_refused() -> None:
    foreign = payload("view_submission")
    foreign["view"]["callback_id"] = "someone_elses_modal"
    assert to_incoming(foreign) == Unhandled(kind="view_submission")
    assert to_incoming({"ssl_check": "1", "token": "x"}) == Unhandled(kind="ssl_check")
    assert to_incoming({}) == Unhandled(kind="unknown")
    assert to_incoming({"type": "view_closed"}) == Unhandled(kind="view_closed")
    assert to_incoming({"type": "event_callback", "event": "junk"}) == Event(
        body={"type": "event_callback", "event": "junk"}, event_id=None, type=""
    )


class Responder:
    """Records what would go back over the WebSocket."""

    def __init__(self) -> None:
        self.sent: list[SocketModeResponse] = []

    async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)


async def test_an_envelope_is_acknowledged_with_its_id_and_the_ack_body() -> None:
    seen: list[Mapping[str, Any]] = []

    async def receive(body: Mapping[str, Any]) -> Ack:
        seen.append(body)
        return Ack({"response_action": "errors", "errors": {"team": "Too long"}})

    responder = Responder()
    work = WorkQueue()
    request = SocketModeRequest(type="interactive", envelope_id="env-1", payload={"type": "x"})
    await answer(responder, request, receive=receive, work=work)
    [sent] = responder.sent
    assert sent.envelope_id == "env-1"
    assert sent.payload == {"response_action": "errors", "errors": {"team": "Too long"}}
    assert seen == [{"type": "x"}]
    await work.close()


async def test_a_direct_message_over_socket_mode_is_answered_like_one_over_http(
    slack_server: SlackServer,
) -> None:
    responder = Responder()
    event = payload("event_message_im")
    for envelope in ("env-1", "env-2"):  # the second delivery is a retry
        request = SocketModeRequest(type="events_api", envelope_id=envelope, payload=event)
        await answer(
            responder,
            request,
            receive=slack_server.adapter.receive,
            work=slack_server.adapter.work,
        )
    assert [(r.envelope_id, r.payload) for r in responder.sent] == [
        ("env-1", None),
        ("env-2", None),
    ]
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "D0PERSON"
    assert "Dat mag, let op schermen." in json.dumps(post.json_arg("blocks"), ensure_ascii=False)
    await slack_server.settle()
    assert len(slack_server.fake.of("chat.postMessage")) == 1


async def test_socket_mode_connects_and_answers_over_the_websocket(
    slack_server: SlackServer,
) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_API_URL": slack_server.fake.base_url,
    }
    settings = slack_settings_from_env(env)
    assert settings is not None and settings.socket_mode
    adapter = SlackAdapter(slack_server.bot, settings)
    fake = slack_server.fake
    await adapter.start_socket_mode()
    try:
        [opened] = fake.of("apps.connections.open")
        assert opened.token == "xapp-test"
        event = payload("event_message_im")
        first = fake.send_envelope("events_api", event)
        retry = fake.send_envelope("events_api", event)
        foreign = payload("view_submission")
        foreign["view"]["callback_id"] = "someone_elses_modal"
        closed = fake.send_envelope("interactive", foreign)
        acks = await fake.wait_for_acks(3)
        assert sorted(a["envelope_id"] for a in acks) == sorted([first, retry, closed])
        assert all("payload" not in a for a in acks)
        [post] = await fake.wait_for("chat.postMessage")
        assert post.args["channel"] == "D0PERSON"
        assert await adapter.work.drain(10.0)
        assert len(fake.of("chat.postMessage")) == 1  # the retry was recognised
    finally:
        await adapter.close()
