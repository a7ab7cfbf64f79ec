"""Slack's App Home shows what the person can type, by role: the same list as help."""

from __future__ import annotations

import json

import pytest
from slack_fixtures import COMMS_USER, SlackServer, fake_api, payload, slack_server

from bot.i18n import t

__all__ = ["fake_api", "slack_server"]

EVERYONE = ("ask", "check", "share", "settings", "privacy", "mydata", "forget")
COMMS = ("queue", "approve", "report")


async def _home_of(slack_server: SlackServer, user: str, locale: str) -> str:
    slack_server.fake.locales[user] = locale
    opened = payload("event_app_home_opened")
    opened["event"]["user"] = user
    assert (await slack_server.event(opened))[0] == 200
    [publish] = await slack_server.fake.wait_for("views.publish")
    assert publish.args["user_id"] == user
    return json.dumps(publish.json_arg("view")["blocks"], ensure_ascii=False)


@pytest.mark.parametrize("language", ["en", "nl"])
async def test_an_employees_app_home_lists_what_anyone_can_type(
    slack_server: SlackServer, language: str
) -> None:
    blocks = await _home_of(slack_server, "U0PERSON", f"{language}-NL")
    for item in EVERYONE:
        assert t(language, f"help.item.{item}.type").replace("<", "&lt;").split(" ")[0] in blocks
        assert t(language, f"help.item.{item}", example="").split('"')[0] in blocks
    for item in COMMS:
        assert t(language, f"help.item.{item}") not in blocks


async def test_the_comms_app_home_lists_queue_approve_and_report(
    slack_server: SlackServer,
) -> None:
    blocks = await _home_of(slack_server, COMMS_USER, "en-GB")
    assert t("en", "help.comms_heading") in blocks
    for item in COMMS:
        assert t("en", f"help.item.{item}") in blocks
