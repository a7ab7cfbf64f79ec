"""What a suggestion is, the networks it can be shared on, and why people say "not for me"."""

from __future__ import annotations

from dataclasses import dataclass

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
