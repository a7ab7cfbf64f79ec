"""Merkwerker in Slack: events, the slash command, buttons, modals and App Home.

``slack_settings_from_env`` reads the settings; ``SlackAdapter`` puts the Slack side
together: everything Slack sends goes through one ``receive(payload) -> Ack``
(``ingress.py``), served at ``/slack/events`` by ``add_routes`` (``http.py``) or over
Socket Mode by ``start_socket_mode`` (``socket_mode.py``), and the work after each
acknowledgement (``jobs.py``) runs from the work queue (``work.py``).
``sender_from_env`` gives the scheduler a ``Sender`` that delivers digests as direct
messages.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from adapters.slack.credentials import SlackSettings, slack_settings_from_env

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter
    from adapters.slack.sender import DeliveryFailed, SlackSender, sender_from_env

__all__ = [
    "DeliveryFailed",
    "SlackAdapter",
    "SlackSender",
    "SlackSettings",
    "sender_from_env",
    "slack_settings_from_env",
]

# Slack's SDK is imported on first use of these, not with the package: reading the
# settings (``merkwerker serve`` deciding which platforms run, ``merkwerker doctor``)
# must not load it when only Teams is configured.
_LAZY = {
    "SlackAdapter": "adapters.slack.app",
    "DeliveryFailed": "adapters.slack.sender",
    "SlackSender": "adapters.slack.sender",
    "sender_from_env": "adapters.slack.sender",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
