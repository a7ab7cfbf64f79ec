"""The console's ``Sender``: messages the bot starts (digests, notices) printed in a terminal."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console

from adapters.console.render import to_renderable
from bot.i18n import t
from bot.messages import ConversationRef, Reply


class ConsoleSender:
    """Prints each message once, headed by who it is for; never fails to deliver."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        """Print ``reply`` for the person ``to`` names, with a blank line after it."""
        self.console.print(
            t(reply.language, "digests.console.to", user=to.user_id), style="dim", markup=False
        )
        self.console.print(to_renderable(reply))
        self.console.print()

    async def delivered(self, *, to: ConversationRef, key: str, since: datetime) -> bool | None:
        """None: a terminal keeps no record of what it printed."""
        return None
