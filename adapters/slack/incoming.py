"""What Slack sent, read once: one typed item per kind of request.

``to_incoming`` is pure. It takes a payload as it arrives (the Events API envelope, a
slash command's form fields or an interactivity payload; the same over HTTP and over
Socket Mode) and names what it is: a message or mention, App Home opened, another
event, the slash command, a button press, a submitted form, a shortcut, Slack's URL
challenge, or something the bot does not handle (acknowledged and left alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.slack import payloads as p
from adapters.slack.modals import FormContext, form_context, form_values

Payload = Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Event:
    """An Events API event: ``message`` and ``app_mention`` are answered, others only acked."""

    body: Payload
    event_id: str | None
    """Slack's id of the event, the same on its retries."""
    type: str

    @property
    def is_message(self) -> bool:
        """A message or a mention (whether it is for the bot is decided with the bot's id)."""
        return self.type in ("message", "app_mention")

    @property
    def opens_home(self) -> bool:
        """The person opened the Home tab of App Home (not its Messages tab)."""
        return self.type == "app_home_opened" and p.event_of(self.body).get("tab", "home") == "home"


@dataclass(frozen=True, kw_only=True)
class SlashCommand:
    """``/merkwerker ...``; the text after the command word is read by the core."""

    body: Payload


@dataclass(frozen=True, kw_only=True)
class ButtonPress:
    """A ``block_actions`` payload: a button pressed in a message, App Home or a modal."""

    body: Payload


@dataclass(frozen=True, kw_only=True)
class FormSubmission:
    """A submitted modal the bot opened: what it was for and the values entered."""

    body: Payload
    view: Payload
    context: FormContext
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Shortcut:
    """A global or message shortcut, by its ``callback_id``."""

    body: Payload
    callback_id: str


@dataclass(frozen=True, kw_only=True)
class Challenge:
    """Slack's ``url_verification`` when the events URL is set: echo the challenge."""

    challenge: str


@dataclass(frozen=True, kw_only=True)
class Unhandled:
    """Anything else Slack may send (a foreign modal, ``ssl_check``, ...): acked, ignored."""

    kind: str


Incoming = Event | SlashCommand | ButtonPress | FormSubmission | Shortcut | Challenge | Unhandled


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def to_incoming(body: Payload) -> Incoming:
    """What ``body`` is; never raises on a payload of an unexpected shape."""
    kind = _str(body.get("type"))
    if kind == "event_callback":
        return Event(
            body=body,
            event_id=_str(body.get("event_id")) or None,
            type=_str(p.event_of(body).get("type")),
        )
    if kind == "url_verification":
        return Challenge(challenge=_str(body.get("challenge")))
    if kind == "block_actions":
        return ButtonPress(body=body)
    if kind == "view_submission":
        view = body.get("view")
        context = form_context(view) if isinstance(view, Mapping) else None
        if context is None or not isinstance(view, Mapping):
            return Unhandled(kind="view_submission")
        return FormSubmission(body=body, view=view, context=context, values=form_values(view))
    if kind in ("shortcut", "message_action"):
        return Shortcut(body=body, callback_id=_str(body.get("callback_id")))
    if not kind and _str(body.get("command")):
        return SlashCommand(body=body)
    return Unhandled(kind=kind or ("ssl_check" if body.get("ssl_check") else "unknown"))
