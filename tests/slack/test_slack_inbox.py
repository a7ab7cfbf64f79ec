"""The Slack inbox in one process: what it writes, what it keeps, and a form a dead
process left (answered as a direct message, since its modal is long closed)."""

from __future__ import annotations

import json
from datetime import timedelta

from slack_fixtures import SlackServer, fake_api, payload, slack_server
from sqlalchemy import text
from test_slack_interactivity import _opened_settings_form, _submission

from adapters.slack.ingress import FORM, PLATFORM, inbox_key
from bot.inbox import DONE, InboxStore

__all__ = ["fake_api", "slack_server"]


def _rows(server: SlackServer) -> list[dict[str, object]]:
    with server.store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(text("SELECT * FROM inbox"))]


async def test_an_answered_message_leaves_a_key_and_nothing_about_the_person(
    slack_server: SlackServer,
) -> None:
    await slack_server.event(payload("event_message_im"))
    await slack_server.fake.wait_for("chat.postMessage")
    await slack_server.settle()
    [row] = _rows(slack_server)
    assert (row["key"], row["status"], row["attempts"]) == ("slack:event:Ev0MESSAGE1", DONE, 1)
    # Forgetting the person has nothing to find here: no id, no text.
    assert "U0PERSON" not in json.dumps(row, default=str)
    assert "kantoor" not in json.dumps(row, default=str)


async def test_a_retried_event_is_answered_once(slack_server: SlackServer) -> None:
    message = payload("event_message_im")
    await slack_server.event(message)
    await slack_server.event(message, headers={"X-Slack-Retry-Num": "1"})
    await slack_server.fake.wait_for("chat.postMessage")
    await slack_server.settle()
    assert len(slack_server.fake.of("chat.postMessage")) == 1


async def test_events_the_bot_does_not_answer_are_not_written(slack_server: SlackServer) -> None:
    status, _ = await slack_server.event(payload("event_reaction_added"))
    assert status == 200
    await slack_server.settle()
    assert _rows(slack_server) == []


async def test_a_form_a_dead_process_left_is_answered_as_a_direct_message(
    slack_server: SlackServer,
) -> None:
    view = await _opened_settings_form(slack_server)
    submitted = _submission(view, {"team": "Marketing"})
    key = inbox_key(submitted, FORM)
    inbox = InboxStore.from_store(slack_server.store)
    # Written by a process that died before answering; its lease has run out.
    assert inbox.add(key, PLATFORM, FORM, submitted, holder="dead", lease=timedelta(0))
    [post] = await slack_server.fake.wait_for("chat.postMessage", timeout=20)
    assert post.args["channel"] == "U0PERSON"
    assert "Marketing" in json.dumps(post.json_arg("blocks"), ensure_ascii=False)
    await slack_server.settle()
    # The same submission arriving again (Slack's replay) is only acknowledged.
    status, body = await slack_server.interaction(submitted)
    assert (status, body) == (200, "")
    assert inbox.status_of(key) == (DONE, 2)
    assert len(slack_server.fake.of("chat.postMessage")) == 1
