"""Where to reach a person later: their conversation reference, one per person and platform.

The typed way for an adapter to write down a conversation it opened or was added to,
without knowing tables or sessions: it hands over a ``ConversationRef`` and gets the
person's row id back. Reading references back is the outbox's business (``bot.digests``),
except finding one by its conversation (a guidelines contact's ``notify:`` target).
Synchronous like ``Store``; call it through ``asyncio.to_thread``.
"""

from __future__ import annotations

from datetime import datetime

from bot.messages import ConversationRef, Platform
from bot.storage.store import Store


class ConversationReferences:
    """Writes conversation references through ``store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def remember(self, ref: ConversationRef, *, now: datetime) -> int:
        """Store ``ref`` as the way to reach ``ref.user_id`` on ``ref.platform``.

        Creates the person's user row when they are new, replaces the reference stored
        for them on that platform before, and returns the person's user id. ``now``
        (timezone-aware) dates the reference.
        """
        user_id = self._store.ensure_user(platform=ref.platform.value, platform_user_id=ref.user_id)
        self._store.save_conversation(user_id=user_id, ref=ref, now=now)
        return user_id

    def of_conversation(self, platform: Platform, conversation_id: str) -> ConversationRef | None:
        """The newest stored reference to the conversation ``conversation_id`` (or to a
        thread in it) as a reference to the conversation itself (no person); None when
        the bot has none."""
        return self._store.conversation(platform=platform.value, conversation_id=conversation_id)
