"""The content area's SQL: content items, feeds and granted roles, in and out as plain values.

Everything else in ``bot.content`` works on ``Content``, ``NewItem``, ``FeedInfo`` and
``FeedSource``; the ``content_item`` and ``feed`` rows never leave this module. Methods
are synchronous, each in its own short transaction (the async core calls them through
``asyncio.to_thread``).

``live_condition(now)`` (in ``bot.content.queries``) is the one definition of "employees
may see this item now" in SQL; ``bot.content.items.Content.is_live`` is the same rule for
a value in hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.content.items import (
    Content,
    ContentError,
    ContentInput,
    ContentProblem,
    ContentStatus,
)
from bot.content.queries import live_condition, status_condition
from bot.content.records import (
    FeedInfo,
    FeedSource,
    NewItem,
    dump_captions,
    join,
    load_captions,
    split,
    status_of,
)
from bot.storage import Store
from bot.storage.errors import StorageError
from bot.storage.tables import ContentItem, Feed, Role

__all__ = ["ContentStore", "StorageError", "live_condition", "status_condition"]


def _content(row: ContentItem) -> Content:
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


def _write_fields(row: ContentItem, content: ContentInput) -> None:
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


def _new_row(item: NewItem) -> ContentItem:
    row = ContentItem(
        url="",
        title="",
        created_at=item.created_at,
        added_by=item.added_by,
        source=item.source,
        feed_id=item.feed_id,
        guid=item.guid,
        check_verdict=item.check_verdict,
        check_version=item.check_version,
    )
    _write_fields(row, item.content)
    return row


def _feed_info(row: Feed) -> FeedInfo:
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


def _item_row(session: Session, item_id: int) -> ContentItem:
    row = session.get(ContentItem, item_id)
    if row is None:
        raise ContentError([ContentProblem(key="not_found", values={"id": item_id})])
    return row


class ContentStore:
    """Content items and feeds in the database, handed out as plain values."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine``, whose schema must be migrated (``open_database`` does that)."""
        self._engine = engine

    @classmethod
    def from_store(cls, store: Store) -> ContentStore:
        """The content store on ``store``'s database."""
        return cls(store.engine)

    @property
    def url(self) -> str:
        """The database's URL with the password hidden, for messages."""
        return str(self._engine.url)

    # Items.

    def get(self, item_id: int) -> Content | None:
        """The item with this id, or ``None``."""
        with Session(self._engine) as session:
            row = session.get(ContentItem, item_id)
            return _content(row) if row is not None else None

    def list(self, *, status: str | None, now: datetime, limit: int) -> list[Content]:
        """Items, newest first; ``status`` is one of ``LIST_FILTERS`` at ``now``."""
        statement = select(ContentItem).order_by(col(ContentItem.id).desc()).limit(limit)
        if status is not None:
            statement = statement.where(status_condition(status, now))
        with Session(self._engine) as session:
            return [_content(row) for row in session.exec(statement)]

    def live(self, now: datetime) -> tuple[Content, ...]:
        """Items employees may see at ``now``, highest priority first."""
        statement = (
            select(ContentItem)
            .where(live_condition(now))
            .order_by(col(ContentItem.priority).desc(), col(ContentItem.id).desc())
        )
        with Session(self._engine) as session:
            return tuple(_content(row) for row in session.exec(statement))

    def existing(self, urls: Iterable[str]) -> dict[str, int]:
        """For each of ``urls`` already queued in an item that is not retired: its id."""
        wanted = list(dict.fromkeys(urls))
        if not wanted:
            return {}
        statement = select(col(ContentItem.url), col(ContentItem.id)).where(
            col(ContentItem.url).in_(wanted),
            col(ContentItem.status) != ContentStatus.RETIRED.value,
        )
        with Session(self._engine) as session:
            return {url: item_id for url, item_id in session.exec(statement) if item_id is not None}

    def roles_of(self, platform: str, platform_user_id: str) -> frozenset[str]:
        """Roles granted to this person in the ``role`` table."""
        statement = select(col(Role.role)).where(
            col(Role.platform) == platform, col(Role.platform_user_id) == platform_user_id
        )
        with Session(self._engine) as session:
            return frozenset(session.exec(statement))

    def add(self, item: NewItem) -> Content:
        """Store ``item`` as a draft and return it as stored.

        Raises ``ContentError`` (``duplicate_url``, naming the other item) when an item
        that is not retired has the URL, also when it was queued a moment ago.
        """
        with Session(self._engine) as session:
            row = _new_row(item)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise self._url_taken([item.content.url]) from None
            session.refresh(row)
            return _content(row)

    def _url_taken(self, urls: Iterable[str]) -> Exception:
        """The problem to raise when storing an item hit the one-URL-per-item rule."""
        taken = self.existing(urls)
        if not taken:  # another unique key: nothing a person can fix by hand
            return StorageError("an item could not be stored: a unique key is taken")
        problems = [ContentProblem(key="duplicate_url", values={"id": i}) for i in taken.values()]
        return ContentError(problems)

    def add_once(self, item: NewItem) -> Content | None:
        """Like ``add``, but ``None`` when a unique key (a feed entry's id) is taken."""
        with Session(self._engine) as session:
            row = _new_row(item)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                return None
            session.refresh(row)
            return _content(row)

    def add_many(
        self, items: Sequence[NewItem], *, approved_by: str | None, approved_at: datetime
    ) -> tuple[Content, ...]:
        """Store ``items`` in one transaction (all or none), in order.

        With ``approved_by`` they are stored approved, by that person at ``approved_at``.
        """
        with Session(self._engine) as session:
            rows = [_new_row(item) for item in items]
            if approved_by is not None:
                for row in rows:
                    row.status = ContentStatus.APPROVED.value
                    row.approved_by, row.approved_at = approved_by, approved_at
            session.add_all(rows)
            try:
                session.flush()
                ids = [row.id for row in rows]
                session.commit()
            except IntegrityError:
                session.rollback()
                raise self._url_taken(item.content.url for item in items) from None
            # One query reads them all back (a refresh per row would be one each).
            stored = session.exec(select(ContentItem).where(col(ContentItem.id).in_(ids)))
            by_id = {row.id: _content(row) for row in stored}
            return tuple(by_id[item_id] for item_id in ids)

    def update(
        self, item_id: int, content: ContentInput, *, check_verdict: str, check_version: str
    ) -> Content:
        """Replace the editable fields of an item and its check outcome; status stays.

        Raises ``ContentError`` (``not_found``) when the item is gone.
        """
        with Session(self._engine) as session:
            row = _item_row(session, item_id)
            _write_fields(row, content)
            row.check_verdict = check_verdict
            row.check_version = check_version
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise self._url_taken([content.url]) from None
            session.refresh(row)
            return _content(row)

    def record_check(
        self,
        item_id: int,
        *,
        check_verdict: str,
        check_version: str,
        approved_by: str | None = None,
        approved_at: datetime | None = None,
    ) -> Content:
        """Store a new check outcome; with ``approved_by`` the item is approved too.

        Raises ``ContentError`` (``not_found``) when the item is gone.
        """
        with Session(self._engine) as session:
            row = _item_row(session, item_id)
            row.check_verdict = check_verdict
            row.check_version = check_version
            if approved_by is not None:
                row.status = ContentStatus.APPROVED.value
                row.approved_by = approved_by
                row.approved_at = approved_at
            session.commit()
            session.refresh(row)
            return _content(row)

    def retire(self, item_id: int) -> tuple[Content, bool]:
        """Mark an item retired; the item, and whether it was not retired before.

        Raises ``ContentError`` (``not_found``) when there is no such item.
        """
        with Session(self._engine) as session:
            row = _item_row(session, item_id)
            if row.status == ContentStatus.RETIRED.value:
                return _content(row), False
            row.status = ContentStatus.RETIRED.value
            session.commit()
            session.refresh(row)
            return _content(row), True

    # Feeds.

    def feed(self, feed_id: int) -> FeedInfo | None:
        """The feed with this id, or ``None``."""
        with Session(self._engine) as session:
            row = session.get(Feed, feed_id)
            return _feed_info(row) if row is not None else None

    def feed_by_url(self, url: str) -> FeedInfo | None:
        """The feed followed at exactly ``url``, or ``None``."""
        with Session(self._engine) as session:
            row = session.exec(select(Feed).where(col(Feed.url) == url)).first()
            return _feed_info(row) if row is not None else None

    def feeds(self) -> tuple[FeedInfo, ...]:
        """Every feed, oldest first."""
        with Session(self._engine) as session:
            rows = session.exec(select(Feed).order_by(col(Feed.id)))
            return tuple(_feed_info(row) for row in rows)

    def add_feed(
        self, url: str, *, topics: tuple[str, ...], added_by: str, created_at: datetime
    ) -> FeedInfo | None:
        """Follow the feed at ``url``; ``None`` when it is followed already."""
        with Session(self._engine) as session:
            row = Feed(url=url, topics=join(topics), added_by=added_by, created_at=created_at)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                return None
            session.refresh(row)
            return _feed_info(row)

    def feed_source(self, feed_id: int) -> FeedSource | None:
        """Where to fetch the feed and the validators of its last fetch, or ``None``."""
        with Session(self._engine) as session:
            row = session.get(Feed, feed_id)
            if row is None:
                return None
            return FeedSource(url=row.url, etag=row.etag, modified=row.modified)

    def feed_failed(self, feed_id: int, *, error: str, at: datetime) -> FeedInfo:
        """Record that fetching the feed at ``at`` failed with ``error``."""
        with Session(self._engine) as session:
            row = self._feed_row(session, feed_id)
            row.last_error = error
            row.last_fetched_at = at
            session.commit()
            session.refresh(row)
            return _feed_info(row)

    def feed_fetched(
        self,
        feed_id: int,
        *,
        etag: str | None,
        modified: str | None,
        title: str | None,
        at: datetime,
    ) -> FeedInfo:
        """Record a fetch that worked: its validators and, when given, the feed's title."""
        with Session(self._engine) as session:
            row = self._feed_row(session, feed_id)
            row.etag, row.modified = etag, modified
            row.last_error = None
            row.last_fetched_at = at
            if title:
                row.title = title
            session.commit()
            session.refresh(row)
            return _feed_info(row)

    def feed_guids(self, feed_id: int) -> set[str | None]:
        """The entry ids already imported from the feed."""
        statement = select(col(ContentItem.guid)).where(col(ContentItem.feed_id) == feed_id)
        with Session(self._engine) as session:
            return set(session.exec(statement))

    @staticmethod
    def _feed_row(session: Session, feed_id: int) -> Feed:
        row = session.get(Feed, feed_id)
        if row is None:
            raise ContentError([ContentProblem(key="feed_not_found", values={"id": feed_id})])
        return row
