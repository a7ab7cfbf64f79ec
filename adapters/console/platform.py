"""The console as a chat platform: the real core over this terminal's input and output.

Implements the platform protocol of ``adapters.platform_protocol`` as a
``TerminalPlatform``: no web routes and nothing to check, open or close; ``converse``
runs ``ConsoleChat`` until the person stops. ``merkwerker chat`` builds it with
``ConsoleSetup`` from its command-line options and runs it with ``run_in_terminal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.console.chat import ConsoleChat

if TYPE_CHECKING:
    from aiohttp import web

    from bot.conversation import Merkwerker
    from bot.features import Sender
    from bot.guidelines.rules import NotifyTarget
    from bot.messages import ConversationRef

LABEL = "Console"


@dataclass(frozen=True, kw_only=True)
class ConsoleSetup:
    """Who is chatting and in which language, before the bot exists."""

    user_id: str
    locale: str | None = None
    label: str = LABEL

    def build(self, bot: Merkwerker) -> ConsolePlatform:
        """A ``ConsoleChat`` with ``bot`` for ``user_id``, as a ``TerminalPlatform``."""
        return ConsolePlatform(ConsoleChat(bot, user_id=self.user_id, locale=self.locale))


class ConsolePlatform:
    """A ``ConsoleChat`` as a ``TerminalPlatform``."""

    label = LABEL

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    def add_routes(self, app: web.Application) -> None:
        """None: standard input and output are its transport."""
        del app

    async def check(self, *, language: str) -> None:
        """Nothing to check: there are no credentials."""
        del language

    async def start(self) -> None:
        """Nothing to open."""

    async def converse(self) -> None:
        """Chat until end of input or a quit word (``ConsoleChat.run``)."""
        await self.chat.run()

    async def stop(self) -> None:
        """Nothing to close."""

    def notices(self, *, language: str) -> list[str]:
        """None."""
        del language
        return []

    async def reach(self, target: NotifyTarget) -> tuple[Sender, ConversationRef] | None:
        """None: the console posts nowhere but this terminal."""
        del target
        return None
