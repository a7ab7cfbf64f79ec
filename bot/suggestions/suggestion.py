"""What a suggestion is, the networks it can be shared on, and why people say "not for me"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

NETWORKS: tuple[str, ...] = ("linkedin", "x", "email")
"""Where a suggestion can be shared; each gets its own tracked link."""

DISMISS_REASONS: tuple[str, ...] = ("topic", "team", "seen", "other")
"""The closed list of answers to "why not for you?", and what each does to the ranking.

- ``topic``: "not my topic" — every topic of the item counts against other items with
  that topic, for this person (``TOPIC_REASON_PENALTY`` in ``scoring``, per dismissal).
- ``team``: "not relevant to my team" — like ``topic``, at half the weight: the topic
  may be fine, this angle was not.
- ``seen``: "I've seen it already" — only this item goes; nothing else changes.
- ``other``: anything else — only this item goes.

Dismissing without giving a reason also removes only that item.
"""

SHARE_STATUSES: tuple[str, ...] = ("approved", "live")
"""Content in these states may be suggested (when within its embargo and expiry)."""


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """One content item picked for one person, with the caption variant meant for them."""

    item_id: int
    title: str
    url: str
    summary: str
    caption: str
    topics: tuple[str, ...]
    score: float


@dataclass(frozen=True, kw_only=True)
class Opened:
    """Which share link was opened."""

    item_id: int
    network: str
    share_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ClickTarget:
    """What a share token leads to: the share, whose it is, and the item's own URL."""

    share_id: int
    user_id: int | None
    network: str
    item_id: int
    url: str


@dataclass(frozen=True, kw_only=True)
class NewShare:
    """A share link to store: its token, the item, the network and whose it is."""

    token: str
    item_id: int
    user_id: int | None
    """None for the anonymous share of people who opted out."""
    network: str
    created_at: datetime
