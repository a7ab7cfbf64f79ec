"""What a person does with a suggestion: opened a share link, shared it, or not for them.

``marked_shared`` and ``dismissed`` are recorded once per person and item (pressing the
button on an old message again changes nothing); a retried delivery is recognised by
its key either way.
"""

from __future__ import annotations

from datetime import datetime

from bot.suggestions.links import TOKEN, token_in_share_url
from bot.suggestions.model import DISMISS_REASONS, NETWORKS, Opened
from bot.suggestions.shares import event_key
from bot.suggestions.store import SuggestionStore

__all__ = [
    "Opened",
    "parse_item",
    "parse_opened",
    "parse_reason",
    "record_done",
    "record_opened",
    "record_reason",
]


def parse_item(value: str) -> int | None:
    """The item id in a button's value, or None when it is not one."""
    value = value.strip()
    if not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def parse_reason(value: str) -> tuple[int, str] | None:
    """``item_id:reason`` from a reason button, or None when malformed or not in the list."""
    item, _, reason = value.partition(":")
    item_id = parse_item(item)
    if item_id is None or reason not in DISMISS_REASONS:
        return None
    return item_id, reason


def parse_opened(store: SuggestionStore, value: str) -> Opened | None:
    """The link behind a ``share.opened`` value: ``item_id:network``, or the link's URL."""
    item, _, network = value.partition(":")
    item_id = parse_item(item)
    if item_id is not None and network in NETWORKS:
        return Opened(item_id=item_id, network=network)
    token = token_in_share_url(value)
    if token is None or not TOKEN.fullmatch(token):
        return None
    return store.opened_share(token)


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
