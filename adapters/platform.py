"""The chat platforms a process can serve over the web: the registry of them.

Every served platform (Slack, Teams) provides the same four things, whatever its SDK:

- ``setup_from_env``: its settings from the environment, or None when it is not configured;
- ``PlatformSetup.build``: a running ``ChatPlatform`` around the platform's adapter, for a bot;
- ``ChatPlatform``: its web routes or its own transport (Slack's Socket Mode), a check of
  its credentials, and start/stop;
- ``sender_from_env``: a ``Sender`` for the scheduler's proactive messages (digests).

The protocols live in ``adapters.platform_protocol`` (re-exported here). ``merkwerker
serve`` uses ``platforms_from_env`` and ``Platforms.build``; ``merkwerker scheduler`` walks
``CHAT_PLATFORMS`` for senders. Each platform's module (``adapters/<platform>/platform.py``)
translates to its existing adapter classes. The console (``adapters/console/platform.py``)
implements the same protocol as a ``TerminalPlatform``; ``merkwerker chat`` builds it from
its command-line options, not from the environment, so it is not in this registry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from adapters.platform_protocol import (
    ChatPlatform,
    PlatformSetup,
    TerminalPlatform,
    run_in_terminal,
)
from adapters.slack import platform as slack
from adapters.teams import platform as teams
from bot.i18n import t
from bot.settings import SettingsError

if TYPE_CHECKING:
    from bot.conversation import Merkwerker
    from bot.database_access import Store
    from bot.features import Sender

__all__ = [
    "CHAT_PLATFORMS",
    "ChatPlatform",
    "PlatformSetup",
    "PlatformSupport",
    "Platforms",
    "SenderFromEnv",
    "SetupFromEnv",
    "TerminalPlatform",
    "platforms_from_env",
    "run_in_terminal",
]


class SetupFromEnv(Protocol):
    """Reads a platform's settings; None when it is not configured at all."""

    def __call__(
        self, env: Mapping[str, str], *, socket_mode: bool, language: str
    ) -> PlatformSetup | None:
        """Raise ``SettingsError`` (one sentence) for a partial or malformed setting."""
        ...


class SenderFromEnv(Protocol):
    """Builds a platform's ``Sender`` for proactive messages; None when not configured."""

    def __call__(self, env: Mapping[str, str], *, store: Store) -> Sender | None:
        """Raise ``SettingsError`` (one sentence) for a malformed setting."""
        ...


@dataclass(frozen=True, kw_only=True)
class PlatformSupport:
    """One entry of the registry: how a platform is found and reached."""

    name: str
    """Its key in outbox rows and conversation references: "slack", "teams"."""
    setup_from_env: SetupFromEnv
    sender_from_env: SenderFromEnv


CHAT_PLATFORMS: tuple[PlatformSupport, ...] = (
    PlatformSupport(
        name="slack", setup_from_env=slack.setup_from_env, sender_from_env=slack.sender_from_env
    ),
    PlatformSupport(
        name="teams", setup_from_env=teams.setup_from_env, sender_from_env=teams.sender_from_env
    ),
)
"""Every chat platform, in the order they are read, served and reported."""


@dataclass(frozen=True)
class Platforms:
    """Which chat platforms this process serves, with their settings."""

    setups: tuple[PlatformSetup, ...]

    def names(self) -> str:
        """ "Slack + Teams", "Slack" or "Teams"."""
        return " + ".join(setup.label for setup in self.setups)

    def build(self, bot: Merkwerker) -> list[ChatPlatform]:
        """The running platforms for ``bot``, in registry order."""
        return [setup.build(bot) for setup in self.setups]


def platforms_from_env(
    env: Mapping[str, str] | None = None, *, socket_mode: bool = False, language: str = "en"
) -> Platforms:
    """The platforms whose settings are present; ``SettingsError`` when none or one is partial."""
    env = os.environ if env is None else env
    setups = []
    for support in CHAT_PLATFORMS:
        setup = support.setup_from_env(env, socket_mode=socket_mode, language=language)
        if setup is not None:
            setups.append(setup)
    if not setups:
        raise SettingsError(t(language, "serve.no_platform"))
    return Platforms(tuple(setups))
