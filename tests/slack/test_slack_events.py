"""Events API over real HTTP: direct messages, mentions, App Home, retries and bad requests."""

from __future__ import annotations

import json

from slack_fixtures import SlackServer, fake_api, payload, slack_server
from sqlalchemy import text

__all__ = ["fake_api", "slack_server"]


def _texts(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_a_direct_message_is_answered_in_the_direct_message(
    slack_server: SlackServer,
) -> None:
    status, _ = await slack_server.event(payload("event_message_im"))
    assert status == 200
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "D0PERSON"
    assert "thread_ts" not in post.args
    assert post.token == "xoxb-test-token"
    # Answered from the office-photos rule, in Dutch (the message's language).
    assert "Dat mag, let op schermen." in _texts(post.json_arg("blocks"))
    assert "Foto's van kantoor" in post.args["text"]


async def test_the_slack_locale_decides_the_language(slack_server: SlackServer) -> None:
    slack_server.fake.locales["U0PERSON"] = "en-GB"
    await slack_server.event(payload("event_message_im"))
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    assert "Go ahead, mind the screens." in _texts(post.json_arg("blocks"))
    [info] = slack_server.fake.of("users.info")
    assert info.args["user"] == "U0PERSON" and info.args["include_locale"] in ("1", "true", True)


async def test_the_profile_is_looked_up_once_per_person(slack_server: SlackServer) -> None:
    first = payload("event_message_im")
    second = payload("event_message_im")
    second["event_id"] = "Ev0MESSAGE2"
    second["event"]["ts"] = "1700000101.000101"
    await slack_server.event(first)
    await slack_server.event(second)
    await slack_server.fake.wait_for("chat.postMessage", 2)
    assert len(slack_server.fake.of("users.info")) == 1


async def test_a_mention_is_answered_in_its_thread(slack_server: SlackServer) -> None:
    status, _ = await slack_server.event(payload("event_app_mention"))
    assert status == 200
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0GENERAL"
    assert post.args["thread_ts"] == "1700000200.000200"
    assert "Go ahead, mind the screens." in _texts(post.json_arg("blocks"))


async def test_a_retried_event_is_handled_once(slack_server: SlackServer) -> None:
    event = payload("event_message_im")
    assert (await slack_server.event(event))[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await slack_server.event(event, headers=retry))[0] == 200
    assert (await slack_server.event(event, headers={**retry, "X-Slack-Retry-Num": "2"}))[0] == 200
    await slack_server.settle()
    assert len(slack_server.fake.of("chat.postMessage")) == 1
    with slack_server.store.engine.connect() as connection:
        asked = connection.execute(text("SELECT count(*) FROM question")).scalar_one()
        logged = connection.execute(
            text("SELECT count(*) FROM event WHERE kind = 'question_asked'")
        ).scalar_one()
    assert asked == 1
    assert logged == 1


async def test_a_bad_signature_is_refused_and_changes_nothing(slack_server: SlackServer) -> None:
    body = json.dumps(payload("event_message_im")).encode()
    status, _ = await slack_server.post(
        body,
        content_type="application/json",
        headers={"X-Slack-Signature": "v0=" + "0" * 64},
    )
    assert status == 401
    await slack_server.settle()
    assert slack_server.fake.calls == []


async def test_a_missing_or_garbled_signature_is_refused(slack_server: SlackServer) -> None:
    body = json.dumps(payload("event_message_im")).encode()
    for headers in (
        {"X-Slack-Signature": ""},
        {"X-Slack-Request-Timestamp": "yesterday"},
        {"X-Slack-Request-Timestamp": "9" * 400},
        {"X-Slack-Request-Timestamp": "-1"},
        {"X-Slack-Request-Timestamp": "１２３"},
        {"X-Slack-Signature": "v0=é"},
    ):
        status, _ = await slack_server.post(body, content_type="application/json", headers=headers)
        assert status == 401
    await slack_server.settle()
    assert slack_server.fake.calls == []


async def test_a_stale_request_is_refused(slack_server: SlackServer) -> None:
    status, _ = await slack_server.event(payload("event_message_im"), age=6 * 60)
    assert status == 401
    await slack_server.settle()
    assert slack_server.fake.calls == []


async def test_malformed_bodies_get_400(slack_server: SlackServer) -> None:
    for body, content_type in (
        (b'{"type": "event_callback", "event": ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"", "application/json"),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"no equals sign here", "application/x-www-form-urlencoded"),
    ):
        status, _ = await slack_server.post(body, content_type=content_type)
        assert status == 400, body
    await slack_server.settle()
    assert slack_server.fake.calls == []


async def test_an_unknown_event_type_gets_200(slack_server: SlackServer) -> None:
    status, _ = await slack_server.event(payload("event_reaction_added"))
    assert status == 200
    await slack_server.settle()
    assert slack_server.fake.of("chat.postMessage") == []


async def test_edits_own_messages_and_other_bots_are_not_answered(
    slack_server: SlackServer,
) -> None:
    for name in ("event_message_changed", "event_bot_message", "event_own_message"):
        status, _ = await slack_server.event(payload(name))
        assert status == 200
    await slack_server.settle()
    assert slack_server.fake.of("chat.postMessage") == []


async def test_the_url_verification_challenge_is_answered(slack_server: SlackServer) -> None:
    challenge = payload("url_verification")
    status, text = await slack_server.event(challenge)
    assert status == 200
    assert challenge["challenge"] in text


async def test_opening_app_home_publishes_the_home_view(slack_server: SlackServer) -> None:
    status, _ = await slack_server.event(payload("event_app_home_opened"))
    assert status == 200
    [publish] = await slack_server.fake.wait_for("views.publish")
    assert publish.args["user_id"] == "U0PERSON"
    view = publish.json_arg("view")
    assert view["type"] == "home"
    assert 0 < len(view["blocks"]) <= 100
    assert "Testbedrijf" in _texts(view["blocks"])


async def test_the_messages_tab_publishes_nothing(slack_server: SlackServer) -> None:
    opened = payload("event_app_home_opened")
    opened["event"]["tab"] = "messages"
    assert (await slack_server.event(opened))[0] == 200
    await slack_server.settle()
    assert slack_server.fake.of("views.publish") == []


async def test_a_failing_answer_is_told_not_swallowed(slack_server: SlackServer) -> None:
    from fake_slack_api import error

    # The reply itself is refused once; the person still hears that something went wrong.
    slack_server.fake.script("chat.postMessage", error("invalid_blocks"))
    await slack_server.event(payload("event_message_im"))
    calls = await slack_server.fake.wait_for("chat.postMessage", 2)
    assert calls[1].args["channel"] == "D0PERSON"
    assert "Probeer het zo nog eens" in calls[1].args["text"]
