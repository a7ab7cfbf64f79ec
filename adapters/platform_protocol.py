"""What every chat platform provides, whatever its SDK: the protocol, without the registry.

- ``PlatformSetup.build``: a running ``ChatPlatform`` around the platform's adapter, for a
  bot (whose ``store`` is where the platform remembers conversations);
- ``ChatPlatform``: its web routes (none when it brings its own transport), a check of its
  credentials, and start/stop;
- ``TerminalPlatform``: a ``ChatPlatform`` whose transport is this process's standard input
  and output (the console) rather than web routes: ``converse`` runs the conversation in
  the foreground, and ``run_in_terminal`` drives it from start to stop.

Kept apart from the registry (``adapters.platform``), which imports every platform's
module: a command that runs one platform in the terminal loads no chat SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiohttp import web

    from bot.conversation import Merkwerker
    from bot.features import Sender
    from bot.guidelines.rules import NotifyTarget
    from bot.messages import ConversationRef


class ChatPlatform(Protocol):
    """A chat platform as a process runs it, wrapped around its adapter."""

    @property
    def label(self) -> str:
        """Its name for people: "Slack", "Teams"."""
        ...

    def add_routes(self, app: web.Application) -> None:
        """Add its web routes to ``app`` (none when it brings its own transport)."""
        ...

    async def check(self, *, language: str) -> None:
        """Make sure its credentials work; ``SettingsError`` with one sentence when not."""
        ...

    async def start(self) -> None:
        """Open its connections (and its own transport, if any) inside the running loop."""
        ...

    async def stop(self) -> None:
        """Finish its queued work and close its connections."""
        ...

    def notices(self, *, language: str) -> list[str]:
        """Sentences to print once the server listens, such as "Slack over Socket Mode"."""
        ...

    async def reach(self, target: NotifyTarget) -> tuple[Sender, ConversationRef] | None:
        """How to post to a guidelines contact's ``notify`` target: the sender and the
        conversation; None when the target is on another platform. Raises ``LookupError``
        saying why when it is on this platform but cannot be reached."""
        ...


class TerminalPlatform(ChatPlatform, Protocol):
    """A chat platform whose transport is standard input and output, not web routes."""

    async def converse(self) -> None:
        """Hold the conversation in the foreground until the person ends it."""
        ...


class PlatformSetup(Protocol):
    """A platform's settings, read before the bot exists; builds the running platform."""

    @property
    def label(self) -> str:
        """Its name for people: "Slack", "Teams"."""
        ...

    def build(self, bot: Merkwerker) -> ChatPlatform:
        """The running platform for ``bot``, remembering conversations in ``bot.store``."""
        ...


async def run_in_terminal(platform: TerminalPlatform, *, language: str) -> None:
    """Check, start, converse until the person is done, stop (also when interrupted)."""
    await platform.check(language=language)
    await platform.start()
    try:
        await platform.converse()
    finally:
        await platform.stop()
