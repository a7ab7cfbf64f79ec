"""Buttons' ``action_id`` and ``value``: the core's action names in, and back out.

A ``Choice`` button gets ``action_id = "<action>#<n>"`` (the number keeps action ids
unique within a message, as Slack requires) and its ``value`` as is. Buttons the Slack
adapter adds itself start with ``@``, which no core action name does: ``@link`` for a
link (the press records that the link was opened) and ``@form:<action>`` for a form that
can only open as a modal after a press (a modal needs the press's trigger id): the
press sends the form's ``reopen`` action with the button's value, and the form in the
reply opens. ``@form`` buttons without an action were posted before forms carried
``reopen``; their value says where the form came from (``FormSource``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from adapters.slack.limits import ACTION_ID, BUTTON_VALUE
from bot.messages import FormAction

LINK = "@link"
"""A press records ``bot.suggestions.actions.OPENED`` with the button's value."""
FORM = "@form"
"""A press opens a form as a modal: ``@form:<action>#<n>``, or ``@form#<n>`` from before."""
_REOPEN = FORM + ":"


def choice_action_id(action: str, index: int) -> str | None:
    """The ``action_id`` of the ``index``-th button for ``action``; None if it cannot fit."""
    action_id = f"{action}#{index}"
    return action_id if len(action_id) <= ACTION_ID else None


def action_of(action_id: str) -> str:
    """The core's action name of a button's ``action_id`` (the inverse of ``choice_action_id``)."""
    name, separator, number = action_id.rpartition("#")
    return name if separator and number.isdigit() else action_id


def reopen_button(reopen: FormAction, index: int) -> tuple[str, str] | None:
    """``action_id`` and ``value`` of the ``index``-th button opening a form through
    ``reopen``; None when they cannot fit within Slack's limits."""
    action_id = choice_action_id(_REOPEN + reopen.action, index)
    if action_id is None or len(reopen.value) > BUTTON_VALUE:
        return None
    return action_id, reopen.value


def reopen_of(action_id: str, value: str) -> FormAction | None:
    """The ``FormAction`` a form button sends (the inverse of ``reopen_button``); None for
    any other button, including form buttons posted before forms carried ``reopen``."""
    name = action_of(action_id)
    if not name.startswith(_REOPEN) or name == _REOPEN:
        return None
    return FormAction(action=name.removeprefix(_REOPEN), value=value)


@dataclass(frozen=True, kw_only=True)
class FormSource:
    """Where a reply was made, so its forms can become buttons (else they show their title).

    For a form without ``reopen``, and for buttons posted before forms carried
    ``reopen``, it is also how to get the form back: from the home view or by replaying
    the message.
    """

    home: bool
    text: str = ""
    """The message that made the reply holding the form (when not from the home view)."""
    action: str = ""
    """The form's own action, to pick it out of the reply."""


def encode_form_source(source: FormSource) -> str | None:
    """The button ``value`` for ``source``; None when it would be too long for Slack.

    Only for a form without ``reopen``: every other form button sends its ``reopen``.
    """
    value = json.dumps(
        ["home" if source.home else "text", source.text, source.action],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return value if len(value) <= BUTTON_VALUE else None


def decode_form_source(value: str) -> FormSource | None:
    """The ``FormSource`` of a button ``value``; None for anything else.

    For buttons posted before forms carried ``reopen`` (``["text", ...]`` and
    ``["home", ...]`` values, still in people's direct messages), and for forms without
    ``reopen``.
    """
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not (isinstance(data, list) and len(data) == 3 and all(isinstance(v, str) for v in data)):
        return None
    kind, text, action = data
    if kind not in ("home", "text"):
        return None
    return FormSource(home=kind == "home", text=text, action=action)
