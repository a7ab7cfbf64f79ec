"""Microsoft Teams: ``POST /api/messages`` and proactive digests, through the Bot Framework.

Everything that knows about botbuilder lives in this package, so moving to another SDK
(the Microsoft 365 Agents SDK) changes this folder only. The web server uses:

- ``teams_settings_from_env(env)``: the settings, or None when Teams is not configured;
- ``TeamsAdapter(bot, settings, engine)``: ``add_routes(app)`` and ``close()``;
- ``sender_from_env(env, engine)``: a ``Sender`` for the scheduler's digests, or None.

botbuilder is imported only when one of the last two is used, so the settings and the
app package (``merkwerker teams package``) work without the ``teams`` extra installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from adapters.teams.settings import TeamsSettings, teams_settings_from_env

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from adapters.teams.adapter import TeamsAdapter
    from adapters.teams.sender import TeamsSender, UnreachableReference
    from adapters.teams.transport import ConnectorTransport

__all__ = [
    "ConnectorTransport",
    "TeamsAdapter",
    "TeamsSender",
    "TeamsSettings",
    "UnreachableReference",
    "sender_from_env",
    "teams_settings_from_env",
]

_LAZY = {
    "TeamsAdapter": "adapters.teams.adapter",
    "ConnectorTransport": "adapters.teams.transport",
    "TeamsSender": "adapters.teams.sender",
    "UnreachableReference": "adapters.teams.sender",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'adapters.teams' has no attribute {name!r}")


def sender_from_env(
    env: Mapping[str, str],
    engine: Engine | None = None,
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
        cloud_adapter(settings, transport), settings.app_id, engine=engine, transport=transport
    )
