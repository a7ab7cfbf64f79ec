"""The console adapter: the real core in a terminal, for trying Merkwerker locally."""

from adapters.console.chat import ConsoleChat
from adapters.console.render import to_renderable

__all__ = ["ConsoleChat", "to_renderable"]
