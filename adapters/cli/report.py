"""``merkwerker report``: what people did with the content, aggregated."""

from __future__ import annotations


def report() -> None:
    """Print the participation report (not yet available)."""
    raise SystemExit("reports are not available in this version")
