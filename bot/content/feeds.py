"""Newsroom and blog feeds whose new entries arrive in the queue as drafts.

Each entry is imported once per feed (by its id, or its link when it has none); an entry
whose link is already queued is left alone. A feed that cannot be read keeps its
entries, records ``last_error`` and is tried again next time; nothing here raises for
a bad feed. Synchronous, like the queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.content.download import DownloadFailed, download, local_path
from bot.content.entries import FeedEntry, parse_feed
from bot.content.model import Content, ContentError, ContentInput, ContentProblem
from bot.content.queue import ContentQueue
from bot.content.records import join, split, to_content
from bot.content.validate import TOPIC, slug, url_problem
from bot.i18n import t
from bot.storage.tables import ContentItem, Feed

log = logging.getLogger(__name__)


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
class FetchOutcome:
    """What one fetch of one feed did."""

    feed: FeedInfo
    added: tuple[Content, ...] = ()
    known: int = 0
    """Entries seen before, or whose link is already queued."""
    skipped: int = 0
    """Entries that cannot be shared (no link, or not a web link)."""
    not_modified: bool = False
    error: ContentProblem | None = None
    warning: ContentProblem | None = None


def _info(row: Feed) -> FeedInfo:
    assert row.id is not None  # read from the database
    return FeedInfo(
        id=row.id,
        url=row.url,
        title=row.title,
        topics=split(row.topics),
        added_by=row.added_by,
        created_at=row.created_at,
        last_fetched_at=row.last_fetched_at,
        last_error=row.last_error,
    )


class Feeds:
    """The feeds in the database, and fetching them into a ``ContentQueue``."""

    def __init__(self, queue: ContentQueue, *, timeout: float = 10.0) -> None:
        self.queue = queue
        self.timeout = timeout

    def add(self, url: str, *, by: str, topics: tuple[str, ...] = ()) -> FeedInfo:
        """Start following the feed at ``url`` (http(s), ``file://`` or a local path).

        A local path is stored as an absolute ``file://`` URL. Raises ``ContentError``
        for a URL that is not a feed address, a missing file, bad topics or a feed
        that is already followed.
        """
        url = url.strip()
        problems: list[ContentProblem] = []
        try:
            path = local_path(url) if url else None
        except DownloadFailed:
            path = None
            problems.append(ContentProblem(key="bad_feed_url", values={"value": url}))
        if path is not None:
            if not path.is_file():
                problems.append(ContentProblem(key="feed_missing_file", values={"path": str(path)}))
            url = Path(path).resolve().as_uri()
        elif not problems and url_problem(url) is not None:
            problems.append(ContentProblem(key="bad_feed_url", values={"value": url}))
        clean_topics = tuple(
            dict.fromkeys(topic.strip().lower() for topic in topics if topic.strip())
        )
        problems.extend(
            ContentProblem(
                key="bad_topic", values={"value": topic, "suggestion": slug(topic) or "news"}
            )
            for topic in clean_topics
            if not TOPIC.match(topic)
        )
        if problems:
            raise ContentError(problems)
        with Session(self.queue.engine) as session:
            existing = session.exec(select(Feed).where(col(Feed.url) == url)).first()
            if existing is not None:
                raise ContentError(
                    [ContentProblem(key="feed_duplicate", values={"id": existing.id})]
                )
            row = Feed(
                url=url, topics=join(clean_topics), added_by=by, created_at=self.queue.clock()
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # added by someone else just now
                raise ContentError(
                    [ContentProblem(key="feed_duplicate", values={"id": "?"})]
                ) from None
            session.refresh(row)
            return _info(row)

    def get(self, feed_id: int) -> FeedInfo | None:
        """The feed with this id, or ``None``."""
        with Session(self.queue.engine) as session:
            row = session.get(Feed, feed_id)
            return _info(row) if row is not None else None

    def list(self) -> tuple[FeedInfo, ...]:
        """Every feed, oldest first."""
        with Session(self.queue.engine) as session:
            return tuple(_info(row) for row in session.exec(select(Feed).order_by(col(Feed.id))))

    def fetch(self, feed_id: int | None = None) -> tuple[FetchOutcome, ...]:
        """Fetch one feed (or all), adding new entries as drafts; never raises for a bad feed.

        Raises ``ContentError`` only when ``feed_id`` names no feed.
        """
        if feed_id is not None:
            if self.get(feed_id) is None:
                raise ContentError([ContentProblem(key="feed_not_found", values={"id": feed_id})])
            ids = [feed_id]
        else:
            ids = [feed.id for feed in self.list()]
        return tuple(self._fetch_one(i) for i in ids)

    def _fetch_one(self, feed_id: int) -> FetchOutcome:
        with Session(self.queue.engine) as session:
            feed = session.get(Feed, feed_id)
            assert feed is not None  # checked by the caller
            try:
                got = download(
                    feed.url, etag=feed.etag, modified=feed.modified, timeout=self.timeout
                )
                parsed = None if got.not_modified else parse_feed(got.body, got.headers)
            except DownloadFailed as failed:
                error = ContentProblem(key=failed.key, values=failed.values)
                feed.last_error = error.message("en")
                feed.last_fetched_at = self.queue.clock()
                session.commit()
                session.refresh(feed)
                # Info, not a warning: the caller reports the outcome to a person.
                log.info("feed %s (%s): %s", feed_id, feed.url, feed.last_error)
                return FetchOutcome(feed=_info(feed), error=error)
            feed.etag, feed.modified = got.etag, got.modified
            feed.last_error = None
            feed.last_fetched_at = self.queue.clock()
            if parsed is not None and parsed.title:
                feed.title = parsed.title
            session.commit()
            session.refresh(feed)
            info = _info(feed)
        if parsed is None:
            return FetchOutcome(feed=info, not_modified=True)
        added, known, skipped = self._store_entries(info, parsed.entries)
        warning = None
        if parsed.problem is not None:
            warning = ContentProblem(
                key="feed_bozo", values={"detail": parsed.problem, "count": len(parsed.entries)}
            )
        return FetchOutcome(
            feed=info, added=added, known=known, skipped=skipped + parsed.skipped, warning=warning
        )

    def _store_entries(
        self, feed: FeedInfo, entries: tuple[FeedEntry, ...]
    ) -> tuple[tuple[Content, ...], int, int]:
        with Session(self.queue.engine) as session:
            seen = set(
                session.exec(
                    select(col(ContentItem.guid)).where(col(ContentItem.feed_id) == feed.id)
                )
            )
        queued = self.queue.existing(e.url for e in entries)
        added: list[Content] = []
        known = skipped = 0
        for entry in entries:
            if entry.guid in seen or entry.url in queued:
                known += 1
                continue
            content = ContentInput(
                url=entry.url, title=entry.title, summary=entry.summary, topics=feed.topics
            )
            prepared = self.queue.prepare(content)
            if prepared.problems:
                skipped += 1
                reason = prepared.problems[0].message("en")
                log.info("feed %s: entry %s skipped: %s", feed.id, entry.guid, reason)
                continue
            row = self.queue.new_row(
                prepared, by=f"feed:{feed.id}", source="feed", feed_id=feed.id, guid=entry.guid
            )
            with Session(self.queue.engine) as session:
                session.add(row)
                try:
                    session.commit()
                except IntegrityError:  # another fetch of this feed stored it just now
                    known += 1
                    continue
                session.refresh(row)
                added.append(to_content(row))
            seen.add(entry.guid)
            queued[entry.url] = added[-1].id
        return tuple(added), known, skipped


def describe(outcome: FetchOutcome, language: str) -> str:
    """One sentence about a fetch, for the command line and chat."""
    name = outcome.feed.title or outcome.feed.url
    if outcome.error is not None:
        return t(language, "content.feed.failed", feed=name, reason=outcome.error.message(language))
    if outcome.not_modified:
        return t(language, "content.feed.not_modified", feed=name)
    return t(
        language,
        "content.feed.fetched",
        feed=name,
        added=len(outcome.added),
        known=outcome.known,
        skipped=outcome.skipped,
    )
