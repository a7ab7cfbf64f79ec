"""Newsroom and blog feeds whose new entries arrive in the queue as drafts.

Each entry is imported once per feed (by its id, or its link when it has none); an entry
whose link is already queued is left alone. A feed that cannot be read keeps its
entries, records ``last_error`` and is tried again next time; nothing here raises for
a bad feed. Synchronous, like the queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.content.download import DownloadFailed, download, local_path
from bot.content.entries import MAX_ENTRIES, FeedEntry, parse_feed
from bot.content.items import Content, ContentError, ContentInput, ContentProblem
from bot.content.queue import ContentQueue
from bot.content.records import FeedInfo
from bot.content.validate import TOPIC, slug, url_problem
from bot.i18n import t

log = logging.getLogger(__name__)


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
    left_out: int = 0
    """Entries past the most read in one fetch (``MAX_ENTRIES``), not looked at."""
    error: ContentProblem | None = None
    warning: ContentProblem | None = None


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
        store = self.queue.store
        existing = store.feed_by_url(url)
        if existing is not None:
            raise ContentError([ContentProblem(key="feed_duplicate", values={"id": existing.id})])
        added = store.add_feed(url, topics=clean_topics, added_by=by, created_at=self.queue.clock())
        if added is None:  # added by someone else just now
            raise ContentError([ContentProblem(key="feed_duplicate", values={"id": "?"})])
        return added

    def get(self, feed_id: int) -> FeedInfo | None:
        """The feed with this id, or ``None``."""
        return self.queue.store.feed(feed_id)

    def list(self) -> tuple[FeedInfo, ...]:
        """Every feed, oldest first."""
        return self.queue.store.feeds()

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
        store = self.queue.store
        source = store.feed_source(feed_id)
        assert source is not None  # checked by the caller
        try:
            got = download(
                source.url, etag=source.etag, modified=source.modified, timeout=self.timeout
            )
            parsed = (
                None
                if got.not_modified
                else parse_feed(got.body, got.headers, base=got.url or source.url)
            )
        except DownloadFailed as failed:
            error = ContentProblem(key=failed.key, values=failed.values)
            failed_info = store.feed_failed(
                feed_id, error=error.message("en"), at=self.queue.clock()
            )
            # Info, not a warning: the caller reports the outcome to a person.
            log.info("feed %s (%s): %s", feed_id, failed_info.url, failed_info.last_error)
            return FetchOutcome(feed=failed_info, error=error)
        if parsed is None:
            info = store.feed_fetched(
                feed_id, etag=got.etag, modified=got.modified, title=None, at=self.queue.clock()
            )
            return FetchOutcome(feed=info, not_modified=True)
        feed = store.feed(feed_id)
        assert feed is not None  # checked by the caller
        added, known, skipped = self._store_entries(feed, parsed.entries)
        # The validators are saved only now: had they been saved before the entries and
        # storing failed (unreadable guidelines, the database), the next fetch would get
        # "304 not modified" and the entries would never arrive. Until then the previous
        # validators stay, which name an older version of the feed: the next fetch is full.
        info = store.feed_fetched(
            feed_id, etag=got.etag, modified=got.modified, title=parsed.title, at=self.queue.clock()
        )
        warning = None
        if parsed.problem is not None:
            warning = ContentProblem(
                key="feed_bozo", values={"detail": parsed.problem, "count": len(parsed.entries)}
            )
        return FetchOutcome(
            feed=info,
            added=added,
            known=known,
            skipped=skipped + parsed.skipped,
            left_out=parsed.left_out,
            warning=warning,
        )

    def _store_entries(
        self, feed: FeedInfo, entries: tuple[FeedEntry, ...]
    ) -> tuple[tuple[Content, ...], int, int]:
        seen = self.queue.store.feed_guids(feed.id)
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
            item = self.queue.new_item(
                prepared, by=f"feed:{feed.id}", source="feed", feed_id=feed.id, guid=entry.guid
            )
            stored = self.queue.store.add_once(item)
            if stored is None:  # another fetch of this feed stored it just now
                known += 1
                continue
            added.append(stored)
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
    fetched = t(
        language,
        "content.feed.fetched",
        feed=name,
        added=len(outcome.added),
        known=outcome.known,
        skipped=outcome.skipped,
    )
    if not outcome.left_out:
        return fetched
    left_out = t(language, "content.feed.left_out", count=outcome.left_out, limit=MAX_ENTRIES)
    return f"{fetched} {left_out}"
