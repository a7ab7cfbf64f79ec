"""Recorded Teams activities turned into the core's types, by pure functions."""

from __future__ import annotations

import pytest
from teams_fixtures import BOT_ID, TENANT, USER_AAD, activity

from adapters.teams import activities
from adapters.teams.activities import delivery_key
from bot.dedupe import RecentKeys
from bot.messages import Platform


def test_personal_message() -> None:
    message = activities.to_message(activity("personal_message"))
    assert message.platform is Platform.TEAMS
    assert message.text == "Mag ik een foto van ons kantoor delen?"
    assert message.locale == "nl-NL"
    assert message.user_id == USER_AAD  # the Entra ID object id, stable across Teams ids
    assert message.user_name == "Anna de Vries"
    assert message.message_id == "1714641331532"
    ref = message.conversation
    assert ref.thread_id is None
    assert ref.data["serviceUrl"] == "https://smba.trafficmanager.net/emea/"
    assert ref.data["bot"] == {"id": BOT_ID, "name": "Merkwerker"}
    assert ref.data["conversation"] == {
        "id": ref.conversation_id,
        "conversationType": "personal",
        "tenantId": TENANT,
    }


def test_channel_mention_loses_the_mention_and_knows_its_thread() -> None:
    message = activities.to_message(activity("channel_mention"))
    assert message.text == "can I post a picture of the office?"
    assert message.conversation.thread_id == "1714641611123"
    assert message.conversation.data["conversation"]["conversationType"] == "channel"


def test_mentions_of_other_people_stay_in_the_text() -> None:
    raw = activity(
        "channel_mention",
        text="<at>Merkwerker</at> may I tag <at>Piet</at> in a post?",
        entities=[
            {
                "type": "mention",
                "mentioned": {"id": BOT_ID, "name": "Merkwerker"},
                "text": "<at>Merkwerker</at>",
            },
            {
                "type": "mention",
                "mentioned": {"id": "29:piet", "name": "Piet"},
                "text": "<at>Piet</at>",
            },
        ],
    )
    assert activities.strip_bot_mention(raw) == "may I tag <at>Piet</at> in a post?"


def test_mention_without_its_text_is_found_by_name() -> None:
    raw = activity(
        "channel_mention",
        text="<at>Merkwerker</at>&nbsp;help",
        entities=[{"type": "mention", "mentioned": {"id": BOT_ID, "name": "Merkwerker"}}],
    )
    assert activities.strip_bot_mention(raw) == "help"


def test_card_action() -> None:
    action = activities.to_action(activity("card_shared"))
    assert action is not None
    assert (action.action, action.value, action.form) == ("content.shared", "42", {})
    assert action.action_id == "1714641900000"
    assert action.locale == "en-US"


def test_form_submission_values_become_the_form() -> None:
    action = activities.to_action(
        activity(
            "card_queue_form",
            value={
                "merkwerker_action": "settings.save",
                "value": 7,
                "field_topics": ["ai", "hiring"],
                "field_leaderboard": True,
                "field_empty": None,
                "field_": "no id",
                "unrelated": "x",
                "field_long": "y" * 20_000,
            },
        )
    )
    assert action is not None
    assert action.value == "7"
    assert action.form == {
        "topics": "ai,hiring",
        "leaderboard": "true",
        "empty": "",
        "long": "y" * activities.MAX_FIELD_CHARS,
    }


@pytest.mark.parametrize(
    "value", [None, "text", {"merkwerker_action": ""}, {"merkwerker_action": 3}, {"x": "y"}]
)
def test_other_values_are_not_actions(value: object) -> None:
    assert activities.to_action(activity("card_shared", value=value)) is None


def test_installs() -> None:
    assert activities.bot_was_added(activity("conversation_update_personal"))
    assert activities.bot_was_added(activity("installation_update_team"))
    assert not activities.bot_was_added(activity("installation_update_team", action="remove"))
    assert not activities.bot_was_added(
        activity("conversation_update_personal", membersAdded=[{"id": "29:someone"}])
    )
    assert not activities.bot_was_added(activity("personal_message"))
    team = activities.conversation_ref(activity("installation_update_team"))
    assert team.user_id == "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    assert team.data["user"]["id"].startswith("29:")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([], "not a JSON object"),
        ({}, "no type"),
        ({"type": 3}, "no type"),
        ({"type": "message"}, "no conversation id"),
        (activity("personal_message", **{"from": {}}), "no sender id"),
        (activity("personal_message", recipient=None), "no recipient id"),
        (activity("personal_message", serviceUrl=None), "no serviceUrl"),
        (activity("personal_message", serviceUrl="javascript:alert(1)"), "not an http(s) URL"),
        (activity("personal_message", text=5), "text is not a string"),
    ],
)
def test_problems(body: object, problem: str) -> None:
    found = activities.problem(body)
    assert found is not None and problem in found


def test_fine_and_unknown_activities_have_no_problem() -> None:
    for name in (
        "personal_message",
        "channel_mention",
        "card_shared",
        "conversation_update_personal",
    ):
        assert activities.problem(activity(name)) is None
    assert activities.problem({"type": "somethingNew"}) is None
    assert not activities.is_handled({"type": "somethingNew"})


@pytest.mark.parametrize(
    ("content_type", "json"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("Application/JSON", True),
        ("application/activity+json", True),
        ("text/json", False),
        ("text/plain", False),
        (None, False),
    ],
)
def test_content_types(content_type: str | None, json: bool) -> None:
    assert activities.is_json(content_type) is json


def test_duplicate_deliveries_are_recognised_for_a_while() -> None:
    now = [0.0]
    seen = RecentKeys(ttl=60, max_entries=3, clock=lambda: now[0])
    key = delivery_key(activity("personal_message"))
    assert key == f"msteams|{activity('personal_message')['conversation']['id']}|1714641331532"
    assert seen.first_time(key)
    assert not seen.first_time(key)
    now[0] = 61
    assert seen.first_time(key)  # forgotten after its time to live
    for other in ("a", "b", "c"):
        seen.first_time(other)
    assert len(seen) == 3 and seen.first_time(key)  # bounded: the oldest went first
    seen.forget(key)
    assert seen.first_time(key)
    assert delivery_key({"type": "message"}) is None


@pytest.mark.parametrize(
    ("name", "change", "kind"),
    [
        ("personal_message", {}, activities.TurnKind.MESSAGE),
        ("card_shared", {}, activities.TurnKind.MESSAGE),
        ("conversation_update_personal", {}, activities.TurnKind.MEMBERS_ADDED),
        ("conversation_update_personal", {"membersAdded": []}, activities.TurnKind.NOTHING),
        ("installation_update_team", {}, activities.TurnKind.INSTALLED),
        ("installation_update_team", {"action": "add-upgrade"}, activities.TurnKind.INSTALLED),
        ("installation_update_team", {"action": "remove"}, activities.TurnKind.NOTHING),
        ("card_shared", {"type": "invoke"}, activities.TurnKind.INVOKE),
        ("personal_message", {"type": "typing"}, activities.TurnKind.NOTHING),
    ],
)
def test_turn_kind(name: str, change: dict[str, object], kind: activities.TurnKind) -> None:
    assert activities.turn_kind(activity(name, **change)) is kind
