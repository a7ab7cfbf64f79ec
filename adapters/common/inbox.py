"""Which inbox a platform writes its deliveries to: the bot's database, else memory."""

from __future__ import annotations

from bot.conversation import Merkwerker
from bot.database_access import Store
from bot.inbox import Inbox, InboxStore, MemoryInbox


def inbox_of(bot: Merkwerker) -> Inbox:
    """The inbox in the bot's database; one in this process's memory when it has none
    (then a repeat is recognised only by the process that took the first delivery)."""
    store = bot.store
    return InboxStore.from_store(store) if isinstance(store, Store) else MemoryInbox()
