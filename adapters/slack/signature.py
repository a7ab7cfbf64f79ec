"""Slack's v0 request signatures: computing one, and checking a request's.

Slack signs ``v0:<timestamp>:<raw body>`` with the app's signing secret (HMAC-SHA256)
and sends the result in ``X-Slack-Signature``. A request older than five minutes is
refused even with a right signature, so a recorded request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

MAX_AGE_SECONDS = 60 * 5
"""Requests whose timestamp is further than this from now are stale."""
MAX_TIMESTAMP_DIGITS = 12
"""Seconds since 1970 fit in 10 digits until the year 2286; longer is not a timestamp."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Slack-Signature`` value Slack sends for ``body`` at ``timestamp``."""
    base = b"v0:" + timestamp.encode("ascii", "replace") + b":" + body
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return "v0=" + digest


def is_valid_signature(
    secret: str, *, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> bool:
    """True when ``signature`` is Slack's for ``body`` and ``timestamp`` is fresh.

    Missing, malformed or stale headers are simply invalid, never an exception.
    """
    if not timestamp or not signature or not signature.isascii():
        return False
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    if len(timestamp) > MAX_TIMESTAMP_DIGITS or abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
