"""Between ``Content`` values and the ``content_item`` rows they are stored in.

Lists are stored comma-separated and captions as JSON ``{lang: [variants]}``; a
malformed JSON value (edited by hand) reads as no captions rather than an error.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.content.model import Content, ContentInput, ContentStatus
from bot.storage.tables import ContentItem

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
    """The stored status; ``live`` reads as approved (see ``bot.content.model``)."""
    try:
        status = ContentStatus(text)
    except ValueError:
        log.warning("unknown content status %r read as draft", text)
        return ContentStatus.DRAFT
    return ContentStatus.APPROVED if status is ContentStatus.LIVE else status


def to_content(row: ContentItem) -> Content:
    """The neutral value for a stored row."""
    assert row.id is not None  # rows handed out were read from the database
    return Content(
        id=row.id,
        url=row.url,
        title=row.title,
        summary=row.summary,
        captions=load_captions(row.captions, row.id),
        topics=split(row.topics),
        teams=split(row.audience_teams),
        locations=split(row.audience_locations),
        languages=split(row.audience_languages),
        not_before=row.not_before,
        expires=row.expires,
        priority=row.priority,
        status=status_of(row.status),
        added_by=row.added_by,
        approved_by=row.approved_by,
        created_at=row.created_at,
        approved_at=row.approved_at,
        source=row.source,
        feed_id=row.feed_id,
        guid=row.guid,
        check_verdict=row.check_verdict,
        check_version=row.check_version,
    )


def write_fields(row: ContentItem, content: ContentInput) -> None:
    """Copy the editable fields of ``content`` (already cleaned) onto ``row``."""
    row.url = content.url
    row.title = content.title
    row.summary = content.summary
    row.captions = dump_captions(content.captions)
    row.topics = join(content.topics)
    row.audience_teams = join(content.teams)
    row.audience_locations = join(content.locations)
    row.audience_languages = join(content.languages)
    row.not_before = content.not_before
    row.expires = content.expires
    row.priority = content.priority
