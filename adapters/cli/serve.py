"""``merkwerker serve``: the web process for Slack and Teams."""

from __future__ import annotations


def serve() -> None:
    """Run the web server (not yet available)."""
    raise SystemExit("serve is not available in this version")
