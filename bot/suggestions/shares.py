"""The keys events are stored under, so that none of them names a person it should not.

(Share links themselves, one token per person, item and network, are kept by
``SuggestionStore.share_tokens``: a person gets the same token for an item and network
every time, so their clicks add up on one link; people who opted out share one
anonymous link per item and network.)
"""

from __future__ import annotations

import hashlib
import hmac

MAX_KEY = 200


def event_key(key: str, *, tracked: bool, secret: str) -> str:
    """The idempotency key to store for ``key``: as is, or keyed-hashed.

    Keys may hold ids that point at a person (a digest key names its recipient). For
    people who opted out, and for keys too long to store, the key is replaced by an HMAC
    of it: still the same for a retried delivery, but it names nobody.
    """
    if tracked and len(key) <= MAX_KEY:
        return key
    kind = key.split(":", 1)[0][:40]
    digest = hmac.new(secret.encode() or b"merkwerker", key.encode(), hashlib.sha256)
    return f"{kind}:h:{digest.hexdigest()[:40]}"
