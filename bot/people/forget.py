"""Forgetting a person (``PeopleStore.forget``): their personal rows go, the anonymous totals stay.

Deleted: the user row (settings), their questions (the texts are theirs), conversation
references, queued messages and roles. Kept without identity: their events (so the
team totals stay right; idempotency keys are replaced too, as keys may hold ids), their
draft checks (outcome only; any kept text is removed) and their share links (links
already posted keep working; clicks count for the item only). Where content, a feed or
a role names them as who added, approved or granted it, "forgotten" stands instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Forgotten:
    """What forgetting did: rows deleted, and rows kept without identity."""

    questions: int
    conversations: int
    outbox: int
    roles: int
    events_anonymised: int
    checks_anonymised: int
    shares_anonymised: int
    credits_removed: int = 0
    """Content items, feeds and roles that named them as who added, approved or granted."""
