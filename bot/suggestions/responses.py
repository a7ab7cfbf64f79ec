"""What a person does with a suggestion: opened a share link, shared it, or not for them.

``marked_shared`` and ``dismissed`` are recorded once per person and item (pressing the
button on an old message again changes nothing); a retried delivery is recognised by
its key either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import col

from bot.storage.tables import ContentItem, Event, Share
from bot.suggestions.links import TOKEN, token_in_share_url
from bot.suggestions.model import DISMISS_REASONS, NETWORKS
from bot.suggestions.shares import event_key, is_tracked
from bot.tracking.log import EventLog


@dataclass(frozen=True, kw_only=True)
class Opened:
    """Which share link was opened."""

    item_id: int
    network: str
    share_id: int | None = None


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


def item_title(engine: Engine, item_id: int) -> str | None:
    """The title of a content item, or None when it no longer exists."""
    with engine.connect() as connection:
        title: str | None = connection.execute(
            select(col(ContentItem.title)).where(col(ContentItem.id) == item_id)
        ).scalar()
    return title


def parse_opened(engine: Engine, value: str) -> Opened | None:
    """The link behind a ``share.opened`` value: ``item_id:network``, or the link's URL."""
    item, _, network = value.partition(":")
    item_id = parse_item(item)
    if item_id is not None and network in NETWORKS:
        return Opened(item_id=item_id, network=network)
    token = token_in_share_url(value)
    if token is None or not TOKEN.fullmatch(token):
        return None
    with engine.connect() as connection:
        row = connection.execute(
            select(col(Share.id), col(Share.item_id), col(Share.network)).where(
                col(Share.token) == token
            )
        ).first()
    if row is None:
        return None
    return Opened(share_id=row[0], item_id=row[1], network=row[2])


def record_done(
    engine: Engine,
    kind: str,
    *,
    user_id: int,
    item_id: int,
    key: str,
    now: datetime,
    secret: str,
) -> bool:
    """Record ``marked_shared`` or ``dismissed``; False when it was recorded before."""
    tracked = is_tracked(engine, user_id)
    if tracked:
        with engine.connect() as connection:
            seen = connection.execute(
                select(col(Event.id))
                .where(
                    col(Event.user_id) == user_id,
                    col(Event.kind) == kind,
                    col(Event.item_id) == item_id,
                )
                .limit(1)
            ).first()
        if seen is not None:
            return False
    return EventLog(engine, clock=lambda: now).record_event(
        kind,
        key=event_key(key, tracked=tracked, secret=secret),
        user_id=user_id,
        item_id=item_id,
        occurred_at=now,
    )


def record_opened(
    engine: Engine, opened: Opened, *, user_id: int, key: str, now: datetime, secret: str
) -> bool:
    """Record ``share_link_opened`` for ``opened``; False for a retried delivery."""
    tracked = is_tracked(engine, user_id)
    return EventLog(engine, clock=lambda: now).record_event(
        "share_link_opened",
        key=event_key(key, tracked=tracked, secret=secret),
        user_id=user_id,
        item_id=opened.item_id,
        share_id=opened.share_id,
        network=opened.network,
        occurred_at=now,
    )


def record_reason(engine: Engine, *, user_id: int, item_id: int, reason: str) -> bool:
    """Attach ``reason`` to the person's dismissal of ``item_id``."""
    return EventLog(engine).add_reason("dismissed", user_id=user_id, item_id=item_id, reason=reason)
