"""What a person's button presses on a suggestion say: which item, which link, which reason.

Pure parsing of the values the buttons carry; ``offers`` records what they mean.
"""

from __future__ import annotations

from bot.suggestions.links import TOKEN, token_in_share_url
from bot.suggestions.suggestion import DISMISS_REASONS, NETWORKS, Opened


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


def parse_opened(value: str) -> Opened | None:
    """The link in a ``share.opened`` value of the form ``item_id:network``, else None."""
    item, _, network = value.partition(":")
    item_id = parse_item(item)
    if item_id is not None and network in NETWORKS:
        return Opened(item_id=item_id, network=network)
    return None


def opened_token(value: str) -> str | None:
    """The share token in a ``share.opened`` value that is the link's URL, else None."""
    token = token_in_share_url(value)
    if token is None or not TOKEN.fullmatch(token):
        return None
    return token
