"""Buttons' ``action_id`` and ``value``: the core's action names in, and back out.

A ``Choice`` button gets ``action_id = "<action>#<n>"`` (the number keeps action ids
unique within a message, as Slack requires) and its ``value`` as is. Buttons the Slack
adapter adds itself start with ``@``, which no core action name does: ``@link`` for a
link (the press records that the link was opened) and ``@form`` for a form that can only
open as a modal after a press (a modal needs the press's trigger id).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from adapters.slack.limits import ACTION_ID, BUTTON_VALUE

LINK = "@link"
"""A press records ``bot.suggestions.actions.OPENED`` with the button's value."""
FORM = "@form"


def choice_action_id(action: str, index: int) -> str | None:
    """The ``action_id`` of the ``index``-th button for ``action``; None if it cannot fit."""
    action_id = f"{action}#{index}"
    return action_id if len(action_id) <= ACTION_ID else None


def action_of(action_id: str) -> str:
    """The core's action name of a button's ``action_id`` (the inverse of ``choice_action_id``)."""
    name, separator, number = action_id.rpartition("#")
    return name if separator and number.isdigit() else action_id


@dataclass(frozen=True, kw_only=True)
class FormSource:
    """How to get a form back when its button is pressed: from the home view or a message."""

    home: bool
    text: str = ""
    """The message that made the reply holding the form (when not from the home view)."""
    action: str = ""
    """The form's own action, to pick it out of the reply."""


def encode_form_source(source: FormSource) -> str | None:
    """The button ``value`` for ``source``; None when it would be too long for Slack."""
    value = json.dumps(
        ["home" if source.home else "text", source.text, source.action],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return value if len(value) <= BUTTON_VALUE else None


def decode_form_source(value: str) -> FormSource | None:
    """The ``FormSource`` of a button ``value``; None for anything else."""
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
