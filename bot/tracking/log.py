"""Where the participation log used to live; ``bot.tracking.store`` holds it now."""

from __future__ import annotations

from bot.tracking.store import EVENT_KINDS, EventLog, NewEvent

__all__ = ["EVENT_KINDS", "EventLog", "NewEvent"]
