"""Offering suggestions to a person, and recording what they did with them.

An offer records one ``suggested`` event per item and gets the person's share tokens
from the store, then builds the reply with ``reply.render_parts`` from those values.
``marked_shared`` and ``dismissed`` are recorded once per person and item (pressing the
button on an old message again changes nothing); a retried delivery is recognised by
its key either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.messages import Part, Reply
from bot.settings import Settings
from bot.suggestions.reply import empty_parts, opening_parts, render_parts, suggested_key
from bot.suggestions.shares import event_key
from bot.suggestions.store import SuggestionSource, SuggestionStore, suggestion_store
from bot.suggestions.suggestion import Opened, Suggestion


def suggestion_parts(
    source: SuggestionSource,
    *,
    user_id: int,
    language: str,
    now: datetime,
    suggestions: Sequence[Suggestion],
    settings: Settings,
) -> tuple[Part, ...]:
    """The parts for ``suggestions`` (creating share tokens as needed), recording nothing."""
    store = suggestion_store(source)
    tracked = store.is_tracked(user_id)
    tokens = store.share_tokens(
        user_id=user_id if tracked else None,
        item_ids=[s.item_id for s in suggestions],
        now=now,
    )
    return render_parts(
        language=language, suggestions=suggestions, tokens=tokens, settings=settings
    )


def suggestions_reply(
    source: SuggestionSource,
    *,
    user_id: int,
    language: str,
    now: datetime,
    suggestions: Sequence[Suggestion],
    settings: Settings,
    delivery_key: str,
    intro: str | None = None,
) -> Reply:
    """The reply offering ``suggestions``, with tracked share links; records ``suggested``.

    One ``suggested`` event per item, under the key ``suggested:{delivery_key}:{item_id}``,
    so delivering the same message twice records it once. Without suggestions, the
    kind "nothing to share right now" reply (and nothing is recorded).
    """
    store = suggestion_store(source)
    tracked = store.is_tracked(user_id) if suggestions else False
    for suggestion in suggestions:
        key = suggested_key(delivery_key, suggestion.item_id)
        store.events.record_event(
            "suggested",
            key=event_key(key, tracked=tracked, secret=settings.secret),
            user_id=user_id,
            item_id=suggestion.item_id,
            occurred_at=now,
        )
    return offer_reply(
        store,
        user_id=user_id,
        language=language,
        now=now,
        suggestions=suggestions,
        settings=settings,
        intro=intro,
    )


def offer_reply(
    source: SuggestionSource,
    *,
    user_id: int,
    language: str,
    now: datetime,
    suggestions: Sequence[Suggestion],
    settings: Settings,
    intro: str | None = None,
) -> Reply:
    """The reply ``suggestions_reply`` gives, recording no ``suggested`` event.

    For a message that may never reach the person as it is (a digest waiting in the
    outbox): its suggestions are recorded when it is delivered.
    """
    if not suggestions:
        return Reply(parts=empty_parts(language), language=language, kind="suggestions.empty")
    store = suggestion_store(source)
    parts = list(opening_parts(language, intro))
    parts.extend(
        suggestion_parts(
            store,
            user_id=user_id,
            language=language,
            now=now,
            suggestions=suggestions,
            settings=settings,
        )
    )
    return Reply(parts=tuple(parts), language=language, kind="suggestions")


def record_done(
    store: SuggestionStore,
    kind: str,
    *,
    user_id: int,
    item_id: int,
    key: str,
    now: datetime,
    secret: str,
) -> bool:
    """Record ``marked_shared`` or ``dismissed``; False when it was recorded before."""
    tracked = store.is_tracked(user_id)
    if tracked and store.has_event(user_id=user_id, kind=kind, item_id=item_id):
        return False
    return store.events.record_event(
        kind,
        key=event_key(key, tracked=tracked, secret=secret),
        user_id=user_id,
        item_id=item_id,
        occurred_at=now,
    )


def record_opened(
    store: SuggestionStore,
    opened: Opened,
    *,
    user_id: int,
    key: str,
    now: datetime,
    secret: str,
) -> bool:
    """Record ``share_link_opened`` for ``opened``; False for a retried delivery."""
    tracked = store.is_tracked(user_id)
    return store.events.record_event(
        "share_link_opened",
        key=event_key(key, tracked=tracked, secret=secret),
        user_id=user_id,
        item_id=opened.item_id,
        share_id=opened.share_id,
        network=opened.network,
        occurred_at=now,
    )


def record_reason(store: SuggestionStore, *, user_id: int, item_id: int, reason: str) -> bool:
    """Attach ``reason`` to the person's dismissal of ``item_id``."""
    return store.events.add_reason("dismissed", user_id=user_id, item_id=item_id, reason=reason)
