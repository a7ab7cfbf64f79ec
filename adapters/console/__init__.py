"""The console adapter: the real core in a terminal, for trying Merkwerker locally.

A chat platform like Slack and Teams (``platform.ConsoleSetup``, a ``TerminalPlatform``),
whose transport is standard input and output; ``sender.ConsoleSender`` prints the
messages the bot starts itself (digests) for the scheduler.
"""

from adapters.console.chat import ConsoleChat
from adapters.console.platform import ConsolePlatform, ConsoleSetup
from adapters.console.render import to_renderable

__all__ = ["ConsoleChat", "ConsolePlatform", "ConsoleSetup", "to_renderable"]
