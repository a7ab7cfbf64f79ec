"""Keeping where to reach a Teams user later (the conversation reference), for digests.

Messages are remembered by the core itself (``Merkwerker.handle``); an install, which is
not a message, is remembered here through the same ``remember_conversation``.
"""

from __future__ import annotations

import asyncio
import logging

from bot.conversation import Merkwerker
from bot.models import ConversationRef, Platform

log = logging.getLogger(__name__)


async def remember(bot: Merkwerker, ref: ConversationRef) -> None:
    """Store ``ref`` for the person ``ref.user_id``, creating their user row if new.

    Never raises: not being able to write this down must not cost the person a reply.
    """
    store = bot.store
    if store is None:
        return
    try:
        user_id = await asyncio.to_thread(
            store.ensure_user, platform=Platform.TEAMS.value, platform_user_id=ref.user_id
        )
        await bot.remember_conversation(ref, user_id=user_id)
    except Exception:
        log.exception("could not store the Teams conversation reference")
