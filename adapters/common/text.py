"""Cutting text to a platform's length limits."""

from __future__ import annotations

ELLIPSIS = "…"


def cut(text: str, limit: int, *, trim: bool = False) -> str:
    """``text`` if it fits in ``limit`` characters, else its start and an ellipsis.

    With ``trim``, whitespace before the ellipsis is dropped (Slack's blocks read better
    so; Teams' cards keep it), so a cut text may be shorter than ``limit``.
    """
    if len(text) <= limit:
        return text
    start = text[: max(limit - len(ELLIPSIS), 0)]
    return (start.rstrip() if trim else start) + ELLIPSIS
