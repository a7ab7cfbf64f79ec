"""Slack payloads into the core's types: small pure ``is_*`` and ``to_*`` functions.

Each takes the JSON Slack sends (as documented for the Events API, slash commands and
interactivity) and never raises on a payload of an unexpected shape: a missing field
gives ``None`` or an empty value, and the caller answers with something sensible.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import emoji

from bot.messages import ConversationRef, IncomingMessage, Platform

Payload = Mapping[str, Any]

# Subtypes of message events that are still a person writing to the bot.
_PERSON_SUBTYPES = frozenset({"file_share", "thread_broadcast"})
_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_URL = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def event_of(body: Payload) -> Mapping[str, Any]:
    """The ``event`` of an Events API envelope (empty when there is none)."""
    return _dict(body.get("event"))


def team_of(body: Payload) -> str:
    """The workspace id of any payload: events, slash commands or interactivity."""
    team = body.get("team_id") or _dict(body.get("team")).get("id")
    return _str(team) or _str(_dict(body.get("user")).get("team_id"))


def is_message_for_bot(event: Payload, *, bot_user_id: str | None) -> bool:
    """True for a direct message a person wrote to the bot.

    Edits, deletions, joins, the bot's own messages and other bots' messages are not:
    answering those would make the bot talk to itself or to other bots.
    """
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return False
    return _from_a_person(event, bot_user_id=bot_user_id)


def is_mention_for_bot(event: Payload, *, bot_user_id: str | None) -> bool:
    """True for an @mention of the bot by a person in a channel.

    A mention inside a direct message is left to the ``message.im`` event, so the same
    message is never answered twice.
    """
    if event.get("type") != "app_mention":
        return False
    if _str(event.get("channel")).startswith("D"):
        return False
    return _from_a_person(event, bot_user_id=bot_user_id)


def _from_a_person(event: Payload, *, bot_user_id: str | None) -> bool:
    subtype = event.get("subtype")
    if subtype is not None and subtype not in _PERSON_SUBTYPES:
        return False
    if event.get("bot_id") or event.get("bot_profile"):
        return False
    user = _str(event.get("user"))
    return bool(user) and user != bot_user_id and bool(_str(event.get("channel")))


def to_plain_text(text: str, *, bot_user_id: str | None = None) -> str:
    """Slack's message markup as the text a person typed.

    The bot's own mention is removed; ``<https://x|x>`` becomes ``https://x``,
    ``<#C1|general>`` becomes ``#general``, ``<!here>`` becomes ``@here``, the
    ``&amp;``, ``&lt;`` and ``&gt;`` escapes are undone, and emoji shortcodes become the
    emoji the person picked (``:pray::skin-tone-3:`` is "🙏🏼"; a workspace's own emoji
    stay as they are).
    """

    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            if bot_user_id and target[1:] == bot_user_id:
                return ""
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return target

    plain = _SLACK_LINK.sub(replace, text)
    return emoji_text(html.unescape(plain)).strip()


_SKIN_TONE = re.compile(r":skin-tone-([2-6]):")


def emoji_text(text: str) -> str:
    """``text`` with Slack's emoji shortcodes as emoji (``:+1:`` is "👍")."""
    if ":" not in text:
        return text
    toned = _SKIN_TONE.sub(lambda m: chr(0x1F3FB + int(m.group(1)) - 2), text)
    return str(emoji.emojize(toned, language="alias"))


def first_url(text: str) -> str | None:
    """The first http(s) link in a Slack message's text, or None."""
    for match in _SLACK_LINK.finditer(text):
        if _URL.fullmatch(match.group(1)):
            return match.group(1)
    plain = _URL.search(html.unescape(text))
    return plain.group(0) if plain else None


def message_id(event: Payload) -> str | None:
    """A stable id of a message (channel and timestamp), the same on Slack's retries."""
    channel, ts = _str(event.get("channel")), _str(event.get("ts"))
    return f"{channel}/{ts}" if channel and ts else None


def reply_thread(event: Payload) -> str | None:
    """The thread to answer in: a mention is answered in its thread, a DM where it was."""
    thread = _str(event.get("thread_ts"))
    if thread:
        return thread
    if event.get("type") == "app_mention":
        return _str(event.get("ts")) or None
    return None


def to_conversation(
    *, channel: str, user: str, team: str, thread: str | None = None
) -> ConversationRef:
    """Where a person talks to the bot, to answer there now and to find them later."""
    data: dict[str, object] = {"team_id": team} if team else {}
    return ConversationRef(
        platform=Platform.SLACK,
        conversation_id=channel,
        user_id=user,
        thread_id=thread,
        data=data,
    )


def to_incoming_message(
    body: Payload,
    *,
    bot_user_id: str | None,
    locale: str | None = None,
    user_name: str | None = None,
) -> IncomingMessage:
    """An Events API message or mention as the core's ``IncomingMessage``."""
    event = event_of(body)
    user = _str(event.get("user"))
    conversation = to_conversation(
        channel=_str(event.get("channel")),
        user=user,
        team=team_of(body),
        thread=reply_thread(event),
    )
    return IncomingMessage(
        platform=Platform.SLACK,
        user_id=user,
        conversation=conversation,
        text=to_plain_text(_str(event.get("text")), bot_user_id=bot_user_id),
        locale=locale,
        message_id=message_id(event),
        user_name=user_name,
    )


def user_of(body: Payload) -> str:
    """The person behind an interactivity payload or a slash command."""
    return _str(_dict(body.get("user")).get("id")) or _str(body.get("user_id"))


def channel_of(body: Payload) -> str:
    """The channel an interaction or command happened in ("" for a home tab or a modal)."""
    channel = _dict(body.get("channel")).get("id") or body.get("channel_id")
    return _str(channel) or _str(_dict(body.get("container")).get("channel_id"))


def container_of(body: Payload) -> tuple[str, str | None]:
    """Where a button was pressed: ``("message", ts)``, ``("home", None)`` or ``("modal", None)``.

    Unknown containers are ``("", None)``.
    """
    container = _dict(body.get("container"))
    kind = _str(container.get("type"))
    if kind == "message":
        return "message", _str(container.get("message_ts")) or None
    if kind == "view":
        view_type = _str(_dict(body.get("view")).get("type"))
        return ("home" if view_type == "home" else "modal"), None
    return "", None


def is_ephemeral(body: Payload) -> bool:
    """True when the button was in an ephemeral message (only replaceable via response_url)."""
    return _dict(body.get("container")).get("is_ephemeral") is True


def actions_of(body: Payload) -> list[Mapping[str, Any]]:
    """The actions of a ``block_actions`` payload (usually one)."""
    actions = body.get("actions")
    if not isinstance(actions, list):
        return []
    return [a for a in actions if isinstance(a, Mapping)]
