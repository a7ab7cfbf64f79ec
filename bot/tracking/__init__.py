"""The participation log and people's control over what is kept about them."""

from bot.tracking.log import EVENT_KINDS, EventLog

__all__ = ["EVENT_KINDS", "EventLog"]
