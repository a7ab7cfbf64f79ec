"""Merkwerker in Slack: events, the slash command, buttons, modals and App Home.

``slack_settings_from_env`` reads the settings, ``SlackAdapter`` is the Bolt app with
its listeners (``add_routes`` serves ``/slack/events``; ``start_socket_mode`` connects
over Socket Mode instead), and ``sender_from_env`` gives the scheduler a ``Sender``
that delivers digests as direct messages.
"""

from __future__ import annotations

from adapters.slack.app import SlackAdapter
from adapters.slack.sender import DeliveryFailed, SlackSender, sender_from_env
from adapters.slack.settings import SlackSettings, slack_settings_from_env

__all__ = [
    "DeliveryFailed",
    "SlackAdapter",
    "SlackSender",
    "SlackSettings",
    "sender_from_env",
    "slack_settings_from_env",
]
