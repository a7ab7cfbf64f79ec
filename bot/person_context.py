"""The ``Context`` features get for the person behind a message or button press: their
stored row read once, their roles, the guidelines served and the moment."""

from __future__ import annotations

import asyncio

from bot.clock import Clock
from bot.features import Context
from bot.guidelines.library import GuidelinesLibrary
from bot.messages import ConversationRef, Platform
from bot.recording import Recorder
from bot.records import Person
from bot.settings import Settings


async def person_context(
    recorder: Recorder,
    *,
    settings: Settings,
    clock: Clock,
    library: GuidelinesLibrary,
    platform: Platform,
    platform_user_id: str,
    conversation: ConversationRef,
    language: str,
    user_name: str | None,
    delivery_id: str | None,
    store_language: bool,
) -> tuple[Context, Person | None]:
    """The context for this person and the person as stored (None without storage).

    Their roles are those ``settings`` give and those stored; the time is read from
    ``clock`` after the person. With ``store_language`` a changed ``language`` is
    written at once, else it is left to the message's ``Turn``.
    """
    # One trip to a worker thread and one query for the person and their roles:
    # this runs for every message.
    person = await asyncio.to_thread(
        recorder.person,
        platform.value,
        platform_user_id,
        language,
        store_language=store_language,
    )
    stored_roles = person.roles if person is not None else frozenset()
    ctx = Context(
        platform=platform,
        platform_user_id=platform_user_id,
        user_id=person.user_id if person is not None else None,
        conversation=conversation,
        language=language,
        now=clock(),
        guidelines=library.current,
        roles=settings.roles_for(platform.value, platform_user_id) | stored_roles,
        user_name=user_name,
        delivery_id=delivery_id,
        tracking=person.tracking if person is not None else True,
    )
    return ctx, person
