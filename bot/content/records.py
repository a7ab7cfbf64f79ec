"""The values the content store takes and returns besides ``Content``, and how fields are
written in a column.

Lists are stored comma-separated and captions as JSON ``{lang: [variants]}``; a
malformed JSON value (edited by hand) reads as no captions rather than an error.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.content.items import ContentInput, ContentStatus

log = logging.getLogger(__name__)


def join(values: tuple[str, ...]) -> str:
    """Values as the comma-separated text stored in a column."""
    return ",".join(values)


def split(text: str) -> tuple[str, ...]:
    """The values of a comma-separated column."""
    return tuple(part for part in (p.strip() for p in text.split(",")) if part)


def dump_captions(captions: dict[str, tuple[str, ...]] | Any) -> str:
    """Captions as the JSON text stored in the ``captions`` column."""
    return json.dumps({lang: list(v) for lang, v in captions.items()}, ensure_ascii=False)


def load_captions(text: str, item_id: int | None = None) -> dict[str, tuple[str, ...]]:
    """The captions stored as JSON; empty when the column cannot be read."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        log.warning("content item %s: captions are not valid JSON; shown as none", item_id)
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for lang, variants in data.items():
        if isinstance(variants, str):
            variants = [variants]
        if isinstance(variants, list):
            out[str(lang)] = tuple(str(v) for v in variants if str(v).strip())
    return out


def status_of(text: str) -> ContentStatus:
    """The stored status; ``live`` reads as approved (see ``bot.content.items``)."""
    try:
        status = ContentStatus(text)
    except ValueError:
        log.warning("unknown content status %r read as draft", text)
        return ContentStatus.DRAFT
    return ContentStatus.APPROVED if status is ContentStatus.LIVE else status


@dataclass(frozen=True, kw_only=True)
class NewItem:
    """An item to store as a draft: cleaned values and how its captions were checked."""

    content: ContentInput
    created_at: datetime
    added_by: str
    source: str
    """``manual``, ``import`` or ``feed``."""
    check_verdict: str
    check_version: str
    feed_id: int | None = None
    guid: str | None = None
    """The feed entry's id, so an entry is imported once."""


@dataclass(frozen=True, kw_only=True)
class FeedInfo:
    """A feed as stored: where it is, its topics, and how the last fetch went."""

    id: int
    url: str
    title: str
    topics: tuple[str, ...]
    added_by: str
    created_at: datetime
    last_fetched_at: datetime | None
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        fetched = self.last_fetched_at.isoformat() if self.last_fetched_at else None
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "topics": list(self.topics),
            "added_by": self.added_by,
            "created_at": self.created_at.isoformat(),
            "last_fetched_at": fetched,
            "last_error": self.last_error,
        }


@dataclass(frozen=True, kw_only=True)
class FeedSource:
    """Where to fetch a feed, and what the last fetch said to ask for next time."""

    url: str
    etag: str | None
    modified: str | None
