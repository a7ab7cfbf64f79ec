"""Clicks on tracked share links: where a token leads, and recording that it was clicked.

A click records that *a* click on that share happened — nothing about who clicked — so
a person's reach is counted without following their followers.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.suggestions.links import TOKEN, is_preview_agent, tagged_url
from bot.suggestions.store import SuggestionSource, suggestion_store


def resolve_click(
    source: SuggestionSource,
    token: str,
    *,
    now: datetime,
    user_agent: str | None = None,
    record: bool = True,
) -> str | None:
    """The tagged target URL for ``token``, recording one ``link_clicked``; None if unknown.

    Every real click counts. Nothing is recorded for link-preview bots or when ``record``
    is False (use that for HEAD requests), but the URL is still returned. Nothing about
    the visitor is stored; the click counts for the share (and so for its sharer, unless
    they opted out or were forgotten).
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
            key=f"link_clicked:{found.share_id}:{secrets.token_hex(8)}",
            user_id=found.user_id,
            item_id=found.item_id,
            share_id=found.share_id,
            network=found.network,
            occurred_at=now,
        )
    return target
