"""Microsoft Teams: ``POST /api/messages`` and proactive digests, through the Bot Framework.

Everything that knows about botbuilder lives in this package, so moving to another SDK
(the Microsoft 365 Agents SDK) changes this folder only. The web server uses:

- ``teams_settings_from_env(env)``: the settings, or None when Teams is not configured;
- ``adapters.teams.adapter.TeamsAdapter(bot, settings)``: ``add_routes(app)`` and
  ``close()``;
- ``sender_from_env(env, store)``: a ``Sender`` for the scheduler's digests, or None.

The path of one message: ``adapter`` (HTTP checks, botbuilder's token check, a repeated
activity written to the inbox, ``bot.inbox``, and a repeat dropped) →
``activities`` (the JSON as the core's ``IncomingMessage``/``IncomingAction``) →
``handler`` → the core (``bot.conversation.Merkwerker``) → ``cards`` and ``outgoing``
(the reply, through the Bot Connector client and ``connector``/``transport``).

botbuilder is imported only by the adapter, outgoing, connector and sender modules (and
inside ``sender_from_env``), so reading the settings and building the app package
(``merkwerker teams package``) do not pay for loading it. No module here touches the
database: conversation references are written through ``bot.storage.references``, the
inbox through ``bot.inbox``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from adapters.teams.credentials import TeamsSettings, teams_settings_from_env

if TYPE_CHECKING:
    from adapters.teams.sender import TeamsSender
    from adapters.teams.transport import ConnectorTransport
    from bot.database_access import Store

__all__ = ["TeamsSettings", "sender_from_env", "teams_settings_from_env"]


def sender_from_env(
    env: Mapping[str, str],
    store: Store | None = None,
    *,
    transport: ConnectorTransport | None = None,
) -> TeamsSender | None:
    """A ``TeamsSender`` for the scheduler, or None when Teams is not configured.

    Raises ``SettingsError`` like ``teams_settings_from_env``. Call ``close()`` on it when done.
    """
    settings = teams_settings_from_env(env)
    if settings is None:
        return None
    from adapters.teams.adapter import cloud_adapter
    from adapters.teams.sender import TeamsSender
    from adapters.teams.transport import ConnectorTransport

    transport = transport or ConnectorTransport()
    return TeamsSender(
        cloud_adapter(settings, transport), settings.app_id, store=store, transport=transport
    )
