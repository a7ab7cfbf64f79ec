"""The slash command, buttons, modals and the message shortcut, over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_slack_api import Call
from slack_fixtures import COMMS_USER, SlackServer, fake_api, payload, slack_server

__all__ = ["fake_api", "slack_server"]


def _command(server: SlackServer, text: str, user: str = "U0PERSON") -> dict[str, str]:
    fields: dict[str, str] = payload("command", server.fake)
    fields["text"] = text
    fields["user_id"] = user
    return fields


async def _run(
    server: SlackServer, text: str, user: str = "U0PERSON", locale: str = "en-US"
) -> Call:
    server.fake.locales[user] = locale
    status, body = await server.form(_command(server, text, user))
    assert status == 200
    assert body == ""  # acknowledged without a visible message; the answer follows
    [answer] = await server.fake.wait_for("response_url")
    return answer


def _shown(call: Call) -> str:
    return json.dumps(call.args.get("blocks"), ensure_ascii=False) + call.args.get("text", "")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("", "en-US", "Merkwerker"),
        ("help", "en-US", "Merkwerker"),
        ("ask Can I post a picture of the office?", "en-US", "Go ahead, mind the screens."),
        ("vraag Mag ik een foto van ons kantoor delen?", "nl-NL", "Dat mag, let op schermen."),
        ("check Proud to help Acme Bank today!", "en-US", "Acme Bank"),
        ("ask", "en-US", "Add your question after ask"),
        ("check", "nl-NL", "Zet je concept achter check"),
        ("queue", "en-US", "Add the link after queue"),
    ],
)
async def test_the_slash_command_answers_only_the_person(
    slack_server: SlackServer, text: str, locale: str, expected: str
) -> None:
    answer = await _run(slack_server, text, locale=locale)
    assert answer.args["response_type"] == "ephemeral"
    assert expected in _shown(answer)


async def test_check_reports_the_finding_with_the_offending_text(slack_server: SlackServer) -> None:
    answer = await _run(slack_server, "check Proud to help Acme Bank with Project Falcon today!")
    shown = _shown(answer)
    assert "Don't post this as it is" in shown or "Niet posten" in shown or "⛔" in shown
    assert "&gt; " in shown  # the offending text is quoted


@pytest.mark.parametrize("text", ["share", "mydata", "forget", "privacy"])
async def test_the_people_and_sharing_subcommands_answer(
    slack_server: SlackServer, text: str
) -> None:
    answer = await _run(slack_server, text)
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args.get("blocks")


async def test_forget_asks_to_confirm_with_buttons(slack_server: SlackServer) -> None:
    answer = await _run(slack_server, "forget")
    action_ids = [
        element["action_id"]
        for block in answer.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert any(a.startswith("privacy.forget_confirm#") for a in action_ids)


async def test_settings_opens_a_modal(slack_server: SlackServer) -> None:
    status, _ = await slack_server.form(_command(slack_server, "settings"))
    assert status == 200
    [opened] = await slack_server.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == payload("command")["trigger_id"]
    view = opened.json_arg("view")
    assert view["type"] == "modal" and view["callback_id"] == "merkwerker.form"
    assert len(view["title"]["text"]) <= 24
    assert [b for b in view["blocks"] if b["type"] == "input"]
    assert json.loads(view["private_metadata"])["a"] == "settings.save"


async def test_queue_is_for_the_comms_team(slack_server: SlackServer) -> None:
    refused = await _run(slack_server, "queue https://example.com/news/new-office")
    assert "Only the comms team" in _shown(refused)


async def test_comms_can_queue_a_link(slack_server: SlackServer) -> None:
    answer = await _run(slack_server, "queue https://example.com/news/new-office", user=COMMS_USER)
    assert "example.com/news/new-office" in _shown(answer)
    action_ids = [
        e["action_id"]
        for b in answer.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert any(a.startswith("content.approve#") for a in action_ids)


async def test_a_button_press_replaces_its_message(slack_server: SlackServer) -> None:
    status, _ = await slack_server.interaction(payload("block_actions_message", slack_server.fake))
    assert status == 200
    [replaced] = await slack_server.fake.wait_for("response_url")
    assert replaced.args["replace_original"] is True
    assert replaced.args["blocks"]


async def test_without_a_response_url_the_message_is_updated(slack_server: SlackServer) -> None:
    press = payload("block_actions_message")
    del press["response_url"]
    await slack_server.interaction(press)
    [update] = await slack_server.fake.wait_for("chat.update")
    assert update.args["channel"] == "D0PERSON"
    assert update.args["ts"] == "1700000700.000700"


async def test_a_press_in_app_home_opens_the_form_and_refreshes_home(
    slack_server: SlackServer,
) -> None:
    await slack_server.interaction(payload("block_actions_home"))
    [opened] = await slack_server.fake.wait_for("views.open")
    assert opened.json_arg("view")["type"] == "modal"
    await slack_server.fake.wait_for("views.publish")


async def test_opening_a_link_keeps_the_message(slack_server: SlackServer) -> None:
    status, _ = await slack_server.interaction(payload("block_actions_link", slack_server.fake))
    assert status == 200
    await slack_server.settle()
    assert slack_server.fake.of("response_url") == []
    assert slack_server.fake.of("chat.update") == []


async def _opened_settings_form(server: SlackServer) -> dict[str, Any]:
    server.fake.locales["U0PERSON"] = "en-US"
    await server.form(_command(server, "settings"))
    [opened] = await server.fake.wait_for("views.open")
    view: dict[str, Any] = opened.json_arg("view")
    return view


def _submission(view: dict[str, Any], typed: dict[str, str]) -> dict[str, Any]:
    """A view_submission of ``view`` as Slack sends it, with ``typed`` in its text inputs."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "static_select":
            state["selected_option"] = element.get("initial_option")
        elif element["type"] == "multi_static_select":
            state["selected_options"] = element.get("initial_options", [])
        else:
            state["value"] = typed.get(block["block_id"], element.get("initial_value"))
        values[block["block_id"]] = {element["action_id"]: state}
    submitted = payload("view_submission")
    submitted["view"].update(
        {k: view[k] for k in ("blocks", "private_metadata", "callback_id", "title", "submit")}
    )
    submitted["view"]["state"] = {"values": values}
    return submitted


async def test_a_form_with_a_problem_stays_open_as_filled_in(slack_server: SlackServer) -> None:
    view = await _opened_settings_form(slack_server)
    typed = {"timezone": "Mars/Olympus", "team": "Marketing"}
    status, text = await slack_server.interaction(_submission(view, typed))
    assert status == 200
    response = json.loads(text)
    assert response["response_action"] == "update"
    shown = response["view"]
    assert "Mars/Olympus" in json.dumps(
        [b for b in shown["blocks"] if b["type"] != "input"], ensure_ascii=False
    )
    inputs = {b["block_id"]: b["element"] for b in shown["blocks"] if b["type"] == "input"}
    assert inputs["team"]["initial_value"] == "Marketing"
    assert inputs["timezone"]["initial_value"] == "Mars/Olympus"
    assert shown["private_metadata"] == view["private_metadata"]
    with slack_server.store.engine.connect() as connection:
        from sqlalchemy import text as sql

        teams = connection.execute(sql("SELECT team FROM user")).scalars().all()
    assert "Marketing" not in teams  # nothing was saved


async def test_a_good_form_is_saved_and_confirmed(slack_server: SlackServer) -> None:
    view = await _opened_settings_form(slack_server)
    status, text = await slack_server.interaction(_submission(view, {"team": "Marketing"}))
    assert status == 200
    response = json.loads(text)
    assert response["response_action"] == "update"
    assert "submit" not in response["view"]
    assert "Marketing" in json.dumps(response["view"]["blocks"], ensure_ascii=False)
    with slack_server.store.engine.connect() as connection:
        from sqlalchemy import text as sql

        teams = connection.execute(sql("SELECT team FROM user")).scalars().all()
    assert teams == ["Marketing"]


async def test_a_foreign_view_is_closed_quietly(slack_server: SlackServer) -> None:
    submitted = payload("view_submission")
    submitted["view"]["callback_id"] = "someone_elses_modal"
    status, text = await slack_server.interaction(submitted)
    assert (status, text) == (200, "")


async def test_the_shortcut_opens_the_queue_form_with_the_link(slack_server: SlackServer) -> None:
    status, _ = await slack_server.interaction(payload("message_action", slack_server.fake))
    assert status == 200
    [opened] = await slack_server.fake.wait_for("views.open")
    view = opened.json_arg("view")
    assert "https://example.com/news/new-office" in json.dumps(view)


async def test_the_shortcut_on_a_message_without_a_link_says_so(slack_server: SlackServer) -> None:
    shortcut = payload("message_action", slack_server.fake)
    shortcut["message"]["text"] = "Great news everyone!"
    slack_server.fake.locales[COMMS_USER] = "en-US"
    await slack_server.interaction(shortcut)
    [answer] = await slack_server.fake.wait_for("response_url")
    assert "found no link" in _shown(answer)


async def test_a_slow_form_closes_and_the_answer_follows_as_a_message(
    slack_server: SlackServer,
) -> None:
    view = await _opened_settings_form(slack_server)
    slack_server.adapter.submit_deadline = 0.0
    status, text = await slack_server.interaction(_submission(view, {"team": "Marketing"}))
    assert (status, text) == (200, "")
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    # The command was typed in a channel: the answer goes to the person's direct message.
    assert post.args["channel"] == "U0PERSON"
    assert "Marketing" in json.dumps(post.json_arg("blocks"), ensure_ascii=False)


async def test_a_form_in_a_direct_message_opens_from_its_button(slack_server: SlackServer) -> None:
    slack_server.fake.locales["U0PERSON"] = "en-US"
    message = payload("event_message_im")
    message["event"]["text"] = "settings"
    await slack_server.event(message)
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    [button] = [
        e
        for b in post.json_arg("blocks")
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("@form")
    ]
    press = payload("block_actions_message", slack_server.fake)
    press["actions"] = [{**button, "type": "button", "action_ts": "1700000720.000720"}]
    await slack_server.interaction(press)
    [opened] = await slack_server.fake.wait_for("views.open")
    assert json.loads(opened.json_arg("view")["private_metadata"])["a"] == "settings.save"
    await slack_server.settle()
    assert slack_server.fake.of("response_url") == []  # the message with the button stays


async def _form_button_in_reply_to(server: SlackServer, text: str) -> dict[str, Any]:
    message = payload("event_message_im")
    message["event"]["text"] = text
    await server.event(message)
    [post] = await server.fake.wait_for("chat.postMessage")
    buttons = [
        e
        for b in post.json_arg("blocks")
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("@form")
    ]
    assert len(buttons) == 1
    return buttons[0]


async def _press(server: SlackServer, button: dict[str, Any]) -> None:
    press = payload("block_actions_message", server.fake)
    press["actions"] = [{**button, "type": "button", "action_ts": "1700000720.000720"}]
    status, _ = await server.interaction(press)
    assert status == 200


async def test_a_form_button_asks_for_the_form_by_its_action_not_the_message(
    slack_server: SlackServer,
) -> None:
    slack_server.fake.locales["U0PERSON"] = "nl-NL"
    button = await _form_button_in_reply_to(slack_server, "instellingen")
    # The button carries the settings feature's own action, not the message to replay.
    assert button["action_id"].startswith("@form:settings.open#")
    assert "instellingen" not in button["action_id"] + button.get("value", "")
    await _press(slack_server, button)
    [opened] = await slack_server.fake.wait_for("views.open")
    view = opened.json_arg("view")
    assert json.loads(view["private_metadata"])["a"] == "settings.save"
    assert view["title"]["text"] == "Je instellingen"
    await slack_server.settle()
    assert slack_server.fake.of("response_url") == []  # the message with the button stays


async def test_a_form_button_posted_before_typed_actions_still_opens_the_form(
    slack_server: SlackServer,
) -> None:
    slack_server.fake.locales["U0PERSON"] = "en-US"
    old_button = {
        "action_id": "@form#3",
        "text": {"type": "plain_text", "text": "Open: Settings", "emoji": True},
        "value": '["text","settings","settings.save"]',
    }
    await _press(slack_server, old_button)
    [opened] = await slack_server.fake.wait_for("views.open")
    assert json.loads(opened.json_arg("view")["private_metadata"])["a"] == "settings.save"
    await slack_server.settle()
    assert slack_server.fake.of("response_url") == []


async def test_an_old_form_button_whose_form_is_gone_says_so(slack_server: SlackServer) -> None:
    slack_server.fake.locales["U0PERSON"] = "en-US"
    old_button = {"action_id": "@form#1", "value": '["home","","settings.save"]'}
    await _press(slack_server, old_button)
    [notice] = await slack_server.fake.wait_for("response_url")
    assert "That button no longer works here" in _shown(notice)
    assert slack_server.fake.of("views.open") == []
