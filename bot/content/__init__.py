"""The comms team's content queue: items to share, their approval, imports and feeds.

``ContentQueue`` stores and hands out ``Content`` values; ``import_file`` reads YAML and
CSV files; ``Feeds`` follows newsroom feeds; ``ContentFeature`` is the queue in chat.
An item is shown to employees when ``live_condition(now)`` holds: approved, embargo
(``not_before``) passed, not expired.
"""

from __future__ import annotations

from bot.content.chat import ContentFeature
from bot.content.feeds import FeedInfo, Feeds, FetchOutcome, describe
from bot.content.fields import input_from_values, parse_moment
from bot.content.importer import ImportResult, Skipped, import_file
from bot.content.model import (
    APPROVED_STATUSES,
    CaptionFinding,
    Content,
    ContentError,
    ContentInput,
    ContentProblem,
    ContentState,
    ContentStatus,
    Saved,
)
from bot.content.queries import LIST_FILTERS, live_condition
from bot.content.queue import MANAGER_ROLES, ContentQueue, Prepared

__all__ = [
    "APPROVED_STATUSES",
    "LIST_FILTERS",
    "MANAGER_ROLES",
    "CaptionFinding",
    "Content",
    "ContentError",
    "ContentFeature",
    "ContentInput",
    "ContentProblem",
    "ContentQueue",
    "ContentState",
    "ContentStatus",
    "FeedInfo",
    "Feeds",
    "FetchOutcome",
    "ImportResult",
    "Prepared",
    "Saved",
    "Skipped",
    "describe",
    "import_file",
    "input_from_values",
    "live_condition",
    "parse_moment",
]
