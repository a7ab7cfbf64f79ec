"""``merkwerker scheduler``: the one process that sends digests."""

from __future__ import annotations


def scheduler() -> None:
    """Run the digest scheduler (not yet available)."""
    raise SystemExit("the scheduler is not available in this version")
