"""The comms team's content queue: items to share, their approval, imports and feeds.

``ContentQueue`` checks and hands out ``Content`` values, kept by a ``ContentStore`` (the
area's only SQL); ``import_file`` reads YAML and CSV files; ``Feeds`` follows newsroom
feeds; ``ContentFeature`` is the queue in chat.
An item is shown to employees when ``live_condition(now)`` holds: approved, embargo
(``not_before``) passed, not expired.
"""

from __future__ import annotations

from bot.content.chat import ContentFeature
from bot.content.feeds import Feeds, FetchOutcome, describe
from bot.content.fields import input_from_values, parse_field_moment
from bot.content.importer import ImportResult, Skipped, import_file
from bot.content.items import (
    APPROVED_STATUSES,
    LIST_FILTERS,
    CaptionFinding,
    Content,
    ContentError,
    ContentInput,
    ContentProblem,
    ContentState,
    ContentStatus,
    Saved,
)
from bot.content.queue import MANAGER_ROLES, ContentQueue, Prepared
from bot.content.records import FeedInfo
from bot.content.store import ContentStore, StorageError, live_condition

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
    "ContentStore",
    "FeedInfo",
    "Feeds",
    "FetchOutcome",
    "ImportResult",
    "Prepared",
    "Saved",
    "Skipped",
    "StorageError",
    "describe",
    "import_file",
    "input_from_values",
    "live_condition",
    "parse_field_moment",
]
