"""The participation log and people's control over what is kept about them."""

from bot.tracking.store import EVENT_KINDS, EventLog, NewEvent

__all__ = ["EVENT_KINDS", "EventLog", "NewEvent"]
