"""Clicks on tracked share links: where a token leads, and recording that it was clicked.

A click records that *a* click on that share happened — nothing about who clicked — so
a person's reach is counted without following their followers. A visitor counts once per
share per day: the click's key holds a keyed hash of their address and browser, with a
key that changes every day, so the same visitor cannot be recognised from one day to the
next and the address is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime

from bot.suggestions.links import TOKEN, is_preview_agent, tagged_url
from bot.suggestions.store import SuggestionSource, suggestion_store


def resolve_click(
    source: SuggestionSource,
    token: str,
    *,
    now: datetime,
    user_agent: str | None = None,
    record: bool = True,
    visitor: str | None = None,
    key: bytes = b"",
) -> str | None:
    """The tagged target URL for ``token``, recording one ``link_clicked``; None if unknown.

    With ``visitor`` (the client's address), a visitor's clicks on one share count once
    a day (see ``visitor_mark``, keyed with ``key``); without it, every click counts.
    Nothing is recorded for link-preview bots or when ``record`` is False (use that for
    HEAD requests), but the URL is still returned. The click counts for the share (and
    so for its sharer, unless they opted out or were forgotten).
    """
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    store = suggestion_store(source)
    found = store.click_target(token)
    if found is None:
        return None
    target = tagged_url(found.url, network=found.network, item_id=found.item_id, token=token)
    if record and not is_preview_agent(user_agent):
        store.events.record_event(
            "link_clicked",
            key=f"link_clicked:{found.share_id}:"
            + (
                visitor_mark(key, day=now.date(), visitor=visitor, user_agent=user_agent or "")
                if visitor
                else secrets.token_hex(8)
            ),
            user_id=found.user_id,
            item_id=found.item_id,
            share_id=found.share_id,
            network=found.network,
            occurred_at=now,
        )
    return target


def visitor_mark(key: bytes, *, day: date, visitor: str, user_agent: str) -> str:
    """The day and a keyed hash of ``visitor`` and ``user_agent`` under that day's key.

    The day's key is derived from ``key`` and the date, so the marks of two days cannot
    be matched; the address and the browser are never stored.
    """
    daily = hmac.new(key, day.isoformat().encode(), hashlib.sha256).digest()
    mark = hmac.new(daily, f"{visitor}\n{user_agent}".encode(), hashlib.sha256).hexdigest()
    return f"{day.isoformat()}:{mark[:24]}"
