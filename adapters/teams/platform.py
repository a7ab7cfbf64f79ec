"""Teams as a ``ChatPlatform``: ``POST /api/messages`` and proactive digests.

Translates the platform protocol of ``adapters.platform`` to ``TeamsAdapter`` and
``TeamsSender``. botbuilder is imported only when an adapter or a sender is built, so
reading the settings stays fast and works without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.teams import sender_from_env as teams_sender_from_env
from adapters.teams.credentials import TeamsSettings, teams_settings_from_env
from bot.messages import Platform

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.teams.adapter import TeamsAdapter
    from adapters.teams.sender import TeamsSender
    from bot.conversation import Merkwerker
    from bot.database_access import Store
    from bot.guidelines.rules import NotifyTarget
    from bot.messages import ConversationRef

LABEL = "Teams"


def setup_from_env(
    env: Mapping[str, str], *, socket_mode: bool, language: str
) -> TeamsSetup | None:
    """Teams' settings, or None when Teams is not configured; ``SettingsError`` when partial.

    ``socket_mode`` and ``language`` are Slack's concern; Teams' sentences are English.
    """
    del socket_mode, language
    settings = teams_settings_from_env(env)
    return None if settings is None else TeamsSetup(settings)


def sender_from_env(env: Mapping[str, str], *, store: Store) -> TeamsSender | None:
    """A ``TeamsSender`` for digests (call ``close()`` when done), or None when not configured.

    A personal chat it opens from a channel reference is remembered in ``store``.
    """
    return teams_sender_from_env(env, store)


@dataclass(frozen=True)
class TeamsSetup:
    """Teams' settings, before the bot exists."""

    settings: TeamsSettings
    label: str = LABEL

    def build(self, bot: Merkwerker) -> TeamsPlatform:
        """A ``TeamsAdapter`` for ``bot``, wrapped as a ``ChatPlatform``.

        Conversation references are kept in ``bot.store`` (none without one).
        """
        from adapters.teams.adapter import TeamsAdapter  # botbuilder: only when served

        return TeamsPlatform(TeamsAdapter(bot, self.settings))


class TeamsPlatform:
    """A running ``TeamsAdapter`` as a ``ChatPlatform``."""

    label = LABEL

    def __init__(self, adapter: TeamsAdapter) -> None:
        self.adapter = adapter

    def add_routes(self, app: web.Application) -> None:
        """``POST /api/messages``."""
        self.adapter.add_routes(app)

    async def check(self, *, language: str) -> None:
        """Nothing to ask up front: the Bot Connector is only called to answer."""
        del language

    async def start(self) -> None:
        """Fetch Microsoft's signing keys (a few seconds at most); connections to the Bot
        Connector are made on the first message."""
        await self.adapter.fetch_signing_keys()

    async def stop(self) -> None:
        """Close the connections to the Bot Connector."""
        await self.adapter.close()

    def notices(self, *, language: str) -> list[str]:
        """None."""
        del language
        return []

    async def reach(self, target: NotifyTarget) -> tuple[TeamsSender, ConversationRef] | None:
        """A ``teams:`` target is a conversation id; posting there needs the Bot
        Connector's service URL for it, taken from the conversation reference the bot
        stored when someone wrote to it there. ``LookupError`` when there is none."""
        if target.platform != Platform.TEAMS.value:
            return None
        found = await self.adapter.sender.conversation(target.conversation_id)
        if found is None:
            raise LookupError(
                "the bot has no conversation reference for it yet: someone must first "
                "write to the bot in that chat or channel"
            )
        return self.adapter.sender, found
