"""A chat with the bot in the terminal: read a line, show the reply."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import sys

from rich.console import Console

from adapters.console.render import to_renderable
from bot.conversation import Merkwerker
from bot.i18n import t
from bot.models import ConversationRef, IncomingMessage, Platform, Reply

QUIT_WORDS = frozenset({"quit", "exit", "stop", "stoppen", "/quit", "/exit", "doei", "bye"})


class ConsoleChat:
    """Runs the real core against standard input and output."""

    def __init__(
        self,
        bot: Merkwerker,
        *,
        console: Console | None = None,
        user_id: str | None = None,
        locale: str | None = None,
    ) -> None:
        self.bot = bot
        self.console = console or Console(highlight=False)
        self.user_id = user_id or _local_user()
        self.locale = locale
        self.conversation = ConversationRef(
            platform=Platform.CONSOLE, conversation_id="console", user_id=self.user_id
        )

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        """Show a message the bot sends on its own initiative (such as a digest)."""
        del to  # one terminal, one conversation
        self.console.print(to_renderable(reply))
        self.console.print()

    async def run(self) -> None:
        """Chat until end of input or a quit word; guidelines edits are picked up live."""
        stop = asyncio.Event()
        watcher = asyncio.create_task(self.bot.library.watch(stop=stop))
        interactive = sys.stdin.isatty()
        language = self.bot.language_for("", self.locale)
        try:
            if interactive:
                await self.send(to=self.conversation, reply=_welcome(self.bot, language))
            while True:
                line = await asyncio.to_thread(_read_line, "» " if interactive else "")
                if line is None:
                    break
                if line.strip().casefold() in QUIT_WORDS:
                    break
                if not line.strip():
                    continue
                if not interactive:
                    self.console.print(f"» {line}", style="bold blue")
                reply = await self.bot.handle(
                    IncomingMessage(
                        platform=Platform.CONSOLE,
                        user_id=self.user_id,
                        conversation=self.conversation,
                        text=line,
                        locale=self.locale,
                    )
                )
                await self.send(to=self.conversation, reply=reply)
        finally:
            stop.set()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
        if interactive:
            self.console.print(t(language, "console.bye"), style="dim")


def _welcome(bot: Merkwerker, language: str) -> Reply:
    from bot.replies import help_reply

    reply = help_reply(bot.guidelines, language=language)
    return Reply(parts=(*reply.parts,), language=language, kind="welcome")


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
    except UnicodeDecodeError:
        return ""


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "console-user"
