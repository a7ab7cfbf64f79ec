"""Bot Framework activities (the JSON Teams posts) as the core's own types.

Small pure functions over the activity as a plain dict, one direction each, tested with
recorded JSON. Nothing here talks to the network or imports the Bot Framework SDK.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from bot.messages import ConversationRef, IncomingAction, IncomingMessage, Platform

ACTION_KEY = "merkwerker_action"
"""The key in an ``Action.Submit``'s data that names the core action."""
VALUE_KEY = "value"
FIELD_PREFIX = "field_"
"""Form inputs are named ``field_<id>`` so they cannot collide with the keys above."""
HANDLED_TYPES = frozenset({"message", "conversationUpdate", "installationUpdate", "invoke"})
MAX_FIELDS = 100
MAX_FIELD_CHARS = 10_000
PERSONAL = "personal"

Activity = Mapping[str, Any]


def is_json(content_type: str | None) -> bool:
    """True for ``application/json`` (with or without a charset) and ``…+json``."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _account(activity: Activity, key: str) -> Mapping[str, Any]:
    value = activity.get(key)
    return value if isinstance(value, Mapping) else {}


def problem(activity: object) -> str | None:
    """Why ``activity`` cannot be handled (for the log), or None when it can.

    Only the shape is checked: an activity of a type the bot does not handle passes,
    and is acknowledged without being handled.
    """
    if not isinstance(activity, Mapping):
        return "the body is not a JSON object"
    kind = activity.get("type")
    if not isinstance(kind, str) or not kind:
        return "the activity has no type"
    if kind not in HANDLED_TYPES:
        return None
    if not _text(_account(activity, "conversation").get("id")):
        return "the activity has no conversation id"
    if not _text(_account(activity, "from").get("id")):
        return "the activity has no sender id"
    if not _text(_account(activity, "recipient").get("id")):
        return "the activity has no recipient id"
    service_url = activity.get("serviceUrl")
    if not isinstance(service_url, str):
        return "the activity has no serviceUrl"
    parts = urlsplit(service_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "the serviceUrl is not an http(s) URL"
    for key in ("text", "locale", "id", "replyToId"):
        if activity.get(key) is not None and not isinstance(activity.get(key), str):
            return f"{key} is not a string"
    return None


def is_handled(activity: Activity) -> bool:
    """True for the activity types the bot does something with."""
    return activity.get("type") in HANDLED_TYPES


class TurnKind(Enum):
    """What an activity asks of the bot."""

    MESSAGE = "message"
    """A message: an answer, or the card action it carries."""
    MEMBERS_ADDED = "members added"
    """Someone joined a conversation; the bot itself, when it was just added."""
    INSTALLED = "installed"
    """The app was installed (or upgraded) for a person, a chat or a team."""
    INVOKE = "invoke"
    """An invoke (a Teams extension point the bot does not implement): botbuilder answers."""
    NOTHING = "nothing"
    """Any other update: acknowledged, nothing to do."""


def turn_kind(activity: Activity) -> TurnKind:
    """What ``activity`` (one that passed ``problem``) asks of the bot."""
    kind = activity.get("type")
    if kind == "message":
        return TurnKind.MESSAGE
    if kind == "invoke":
        return TurnKind.INVOKE
    if kind == "conversationUpdate":
        added = activity.get("membersAdded")
        return TurnKind.MEMBERS_ADDED if added else TurnKind.NOTHING
    if kind == "installationUpdate" and activity.get("action") in ("add", "add-upgrade"):
        return TurnKind.INSTALLED
    return TurnKind.NOTHING


def locale(activity: Activity) -> str | None:
    """The locale the activity says the person uses, as given."""
    value = activity.get("locale")
    return value if isinstance(value, str) else None


def platform_user_id(activity: Activity) -> str:
    """The sender's stable id: the Entra ID object id when given, else the Teams id."""
    sender = _account(activity, "from")
    return _text(sender.get("aadObjectId")) or str(sender.get("id", ""))


def tenant_id(activity: Activity) -> str | None:
    """The Microsoft 365 tenant the activity comes from, if it says."""
    channel_data = activity.get("channelData")
    if isinstance(channel_data, Mapping):
        tenant = channel_data.get("tenant")
        if isinstance(tenant, Mapping) and _text(tenant.get("id")):
            return str(tenant["id"])
    return _text(_account(activity, "conversation").get("tenantId"))


def conversation_type(activity: Activity) -> str:
    """``personal``, ``channel`` or ``groupChat``."""
    return _text(_account(activity, "conversation").get("conversationType")) or PERSONAL


def reference(activity: Activity) -> dict[str, object]:
    """The serialised ConversationReference to reach this conversation again later.

    Only ids are kept (no names): it is stored for digests and forgotten with the person.
    """
    conversation = _account(activity, "conversation")
    stored_conversation: dict[str, object] = {
        "id": conversation.get("id"),
        "conversationType": conversation_type(activity),
    }
    if conversation.get("isGroup") is not None:
        stored_conversation["isGroup"] = bool(conversation.get("isGroup"))
    tenant = tenant_id(activity)
    if tenant:
        stored_conversation["tenantId"] = tenant
    sender = _account(activity, "from")
    user: dict[str, object] = {"id": sender.get("id")}
    if _text(sender.get("aadObjectId")):
        user["aadObjectId"] = sender["aadObjectId"]
    recipient = _account(activity, "recipient")
    data: dict[str, object] = {
        "channelId": _text(activity.get("channelId")) or "msteams",
        "serviceUrl": activity.get("serviceUrl"),
        "conversation": stored_conversation,
        "bot": {"id": recipient.get("id"), "name": recipient.get("name")},
        "user": user,
    }
    if _text(activity.get("locale")):
        data["locale"] = activity["locale"]
    return data


def conversation_ref(activity: Activity) -> ConversationRef:
    """Where this activity happened, as the core's reference (with the Teams one in ``data``)."""
    conversation_id = str(_account(activity, "conversation").get("id", ""))
    thread_id = None
    if conversation_type(activity) != PERSONAL:
        _, _, root = conversation_id.partition(";messageid=")
        thread_id = root or _text(activity.get("id"))
    return ConversationRef(
        platform=Platform.TEAMS,
        conversation_id=conversation_id,
        user_id=platform_user_id(activity),
        thread_id=thread_id,
        data=reference(activity),
    )


def strip_bot_mention(activity: Activity) -> str:
    """The message text without the ``<at>Bot</at>`` mention of the bot itself."""
    text = activity.get("text")
    if not isinstance(text, str):
        return ""
    bot_id = _account(activity, "recipient").get("id")
    entities = activity.get("entities")
    for entity in entities if isinstance(entities, list) else ():
        if not isinstance(entity, Mapping) or str(entity.get("type", "")).lower() != "mention":
            continue
        mentioned = entity.get("mentioned")
        if not isinstance(mentioned, Mapping) or mentioned.get("id") != bot_id:
            continue
        mention_text = _text(entity.get("text"))
        if mention_text:
            text = text.replace(mention_text, " ")
        elif _text(mentioned.get("name")):
            text = re.sub(rf"<at>\s*{re.escape(str(mentioned['name']))}\s*</at>", " ", text)
    return text.replace("&nbsp;", " ").strip()


def action_data(activity: Activity) -> Mapping[str, Any] | None:
    """The data of a Merkwerker ``Action.Submit`` in this message, if it is one."""
    value = activity.get("value")
    if isinstance(value, Mapping) and isinstance(value.get(ACTION_KEY), str) and value[ACTION_KEY]:
        return value
    return None


def _field_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return text[:MAX_FIELD_CHARS]


def to_action(activity: Activity) -> IncomingAction | None:
    """A card button press or form submission as an ``IncomingAction``; None if it is not one."""
    data = action_data(activity)
    if data is None:
        return None
    form = {
        key[len(FIELD_PREFIX) :]: _field_value(value)
        for key, value in list(data.items())[: MAX_FIELDS + 2]
        if isinstance(key, str) and key.startswith(FIELD_PREFIX) and len(key) > len(FIELD_PREFIX)
    }
    return IncomingAction(
        platform=Platform.TEAMS,
        user_id=platform_user_id(activity),
        conversation=conversation_ref(activity),
        action=str(data[ACTION_KEY])[:200],
        value=_field_value(data.get(VALUE_KEY)),
        form=form,
        locale=_text(activity.get("locale")),
        action_id=_text(activity.get("id")),
        user_name=_text(_account(activity, "from").get("name")),
    )


def to_message(activity: Activity) -> IncomingMessage:
    """A message to the bot (personal chat, or a channel @mention) as an ``IncomingMessage``."""
    return IncomingMessage(
        platform=Platform.TEAMS,
        user_id=platform_user_id(activity),
        conversation=conversation_ref(activity),
        text=strip_bot_mention(activity),
        locale=_text(activity.get("locale")),
        message_id=_text(activity.get("id")),
        user_name=_text(_account(activity, "from").get("name")),
    )


def bot_was_added(activity: Activity) -> bool:
    """True when this activity says the bot was just installed or added to a conversation."""
    kind = activity.get("type")
    if kind == "installationUpdate":
        return str(activity.get("action", "")).lower() in ("add", "add-upgrade")
    if kind != "conversationUpdate":
        return False
    bot_id = _account(activity, "recipient").get("id")
    added = activity.get("membersAdded")
    return isinstance(added, list) and any(
        isinstance(member, Mapping) and member.get("id") == bot_id for member in added
    )


def delivery_key(activity: Mapping[str, object]) -> str | None:
    """``channel|conversation|activity id`` of an activity, or None when it has no id.

    The Bot Framework delivers an activity again when it thinks the first delivery
    failed (a slow answer, a dropped connection); this key recognises the repeat.
    """
    activity_id = activity.get("id")
    conversation = activity.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, Mapping) else None
    if not isinstance(activity_id, str) or not activity_id:
        return None
    channel = activity.get("channelId")
    return f"{channel if isinstance(channel, str) else ''}|{conversation_id or ''}|{activity_id}"
