"""Small pure helpers between Slack's payloads and the core: where a request came from,
a press as the core's action, and a one-line notice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.slack import payloads as p
from adapters.slack.profiles import Profile
from bot.i18n import t
from bot.messages import ConversationRef, IncomingAction, Platform, Reply, Text

Payload = Mapping[str, Any]


def notice(language: str, key: str) -> Reply:
    """The text ``key`` in ``language`` as a notice."""
    return Reply(parts=(Text(text=t(language, key)),), language=language, kind="notice")


def where(body: Payload, user: str) -> ConversationRef:
    """The conversation of a command or interaction (the person's DM when there is none)."""
    return p.to_conversation(channel=p.channel_of(body) or user, user=user, team=p.team_of(body))


def pressed(
    body: Payload, *, user: str, profile: Profile, action: str, value: str
) -> IncomingAction:
    """The core's ``action`` with ``value``, pressed by ``user`` (a button or a shortcut).

    Its delivery id is Slack's ``action_ts`` (of the button, else of the shortcut), else the
    trigger id, so a press Slack delivers again is recognised.
    """
    buttons = p.actions_of(body)
    stamp = (buttons[0].get("action_ts") if buttons else None) or body.get("action_ts")
    return IncomingAction(
        platform=Platform.SLACK,
        user_id=user,
        conversation=where(body, user),
        action=action,
        value=value,
        locale=profile.locale,
        action_id=f"{user}/{stamp or body.get('trigger_id') or ''}",
        user_name=profile.name,
    )
