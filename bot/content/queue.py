"""The comms team's content queue: add, edit, approve and retire items, and list them.

Methods are synchronous, each in its own short transaction (the async core calls them
through ``asyncio.to_thread``). Who may call them is the caller's business: the chat
feature checks roles, the command line trusts its operator.

Rules kept here: a URL is queued once among items that are not retired; every caption
is checked against the current guidelines when it is queued, edited and approved; a
caption the guidelines block cannot be approved, nor edited into an approved item.
Approval is the only manual step: an approved item shows from ``not_before`` until
``expires`` by the clock (see ``bot.content.model``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.content.captions import blocking_problems, check_captions
from bot.content.model import (
    CaptionFinding,
    Content,
    ContentError,
    ContentInput,
    ContentProblem,
    ContentStatus,
    Saved,
)
from bot.content.queries import live_condition, status_condition
from bot.content.records import status_of, to_content, write_fields
from bot.content.validate import clean
from bot.guidelines.model import Guidelines
from bot.storage.tables import ContentItem, Role

log = logging.getLogger(__name__)

MANAGER_ROLES = frozenset({"comms", "admin"})
"""Roles that may queue, edit, approve and retire content."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """An item checked and ready to store: tidied values, findings, and any problems."""

    content: ContentInput
    verdict: str
    findings: tuple[CaptionFinding, ...]
    problems: tuple[ContentProblem, ...]


class ContentQueue:
    """Content items in the database, handed out as ``Content`` values."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = _utc_now,
        guidelines_provider: Callable[[], Guidelines],
        timezone: str | ZoneInfo = "Europe/Amsterdam",
    ) -> None:
        """Use ``engine`` (migrated); ``guidelines_provider()`` gives the current guidelines.

        ``timezone`` is where a date without a time starts (``Settings.timezone``).
        """
        self.engine = engine
        self.clock = clock
        self.guidelines_provider = guidelines_provider
        self.timezone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)

    # Reading.

    def get(self, item_id: int) -> Content | None:
        """The item with this id, or ``None``."""
        with Session(self.engine) as session:
            row = session.get(ContentItem, item_id)
            return to_content(row) if row is not None else None

    def list(
        self, *, status: str | None = None, topic: str | None = None, limit: int = 500
    ) -> tuple[Content, ...]:
        """Items, newest first; ``status`` is one of ``queries.LIST_FILTERS`` (at now)."""
        statement = select(ContentItem).order_by(col(ContentItem.id).desc()).limit(limit)
        if status is not None:
            statement = statement.where(status_condition(status, self.clock()))
        with Session(self.engine) as session:
            items = [to_content(row) for row in session.exec(statement)]
        if topic is not None:
            items = [item for item in items if topic in item.topics]
        return tuple(items)

    def live(self, *, now: datetime | None = None) -> tuple[Content, ...]:
        """Items employees may see at ``now`` (default: the clock), highest priority first."""
        statement = (
            select(ContentItem)
            .where(live_condition(now or self.clock()))
            .order_by(col(ContentItem.priority).desc(), col(ContentItem.id).desc())
        )
        with Session(self.engine) as session:
            return tuple(to_content(row) for row in session.exec(statement))

    def existing(self, urls: Iterable[str]) -> dict[str, int]:
        """For each of ``urls`` already queued in an item that is not retired: its id."""
        wanted = list(dict.fromkeys(urls))
        if not wanted:
            return {}
        statement = select(col(ContentItem.url), col(ContentItem.id)).where(
            col(ContentItem.url).in_(wanted),
            col(ContentItem.status) != ContentStatus.RETIRED.value,
        )
        with Session(self.engine) as session:
            return {url: item_id for url, item_id in session.exec(statement) if item_id is not None}

    def roles_of(self, platform: str, platform_user_id: str) -> frozenset[str]:
        """Roles granted to this person in the ``role`` table."""
        statement = select(col(Role.role)).where(
            col(Role.platform) == platform, col(Role.platform_user_id) == platform_user_id
        )
        with Session(self.engine) as session:
            return frozenset(session.exec(statement))

    # Changing.

    def prepare(self, content: ContentInput, *, expiry_matters: bool = True) -> Prepared:
        """Tidy and validate ``content`` and check its captions; nothing is stored."""
        guidelines = self.guidelines_provider()
        now = self.clock()
        cleaned, problems = clean(
            content,
            languages=guidelines.languages,
            timezone=self.timezone,
            now=now if expiry_matters else None,
        )
        today = now.astimezone(self.timezone).date()
        verdict, findings = check_captions(cleaned.captions, guidelines, today=today)
        return Prepared(
            content=cleaned, verdict=verdict.value, findings=findings, problems=tuple(problems)
        )

    def add(
        self,
        content: ContentInput,
        *,
        by: str,
        source: str = "manual",
        feed_id: int | None = None,
        guid: str | None = None,
    ) -> Saved:
        """Queue ``content`` as a draft; raise ``ContentError`` with every problem.

        A URL already queued in an item that is not retired is refused (the problem
        names that item). Blocked captions are stored, shown, and stop approval later.
        """
        prepared = self.prepare(content)
        if prepared.problems:
            raise ContentError(prepared.problems)
        duplicate = self.existing([prepared.content.url])
        if duplicate:
            item_id = duplicate[prepared.content.url]
            raise ContentError([ContentProblem(key="duplicate_url", values={"id": item_id})])
        with Session(self.engine) as session:
            row = self.new_row(prepared, by=by, source=source, feed_id=feed_id, guid=guid)
            session.add(row)
            session.commit()
            session.refresh(row)
            return Saved(item=to_content(row), findings=prepared.findings)

    def new_row(
        self,
        prepared: Prepared,
        *,
        by: str,
        source: str,
        feed_id: int | None = None,
        guid: str | None = None,
    ) -> ContentItem:
        """A draft row for a prepared item, not yet added to any session."""
        guidelines_version = self.guidelines_provider().version
        row = ContentItem(
            url="",
            title="",
            created_at=self.clock(),
            added_by=by,
            source=source,
            feed_id=feed_id,
            guid=guid,
            check_verdict=prepared.verdict,
            check_version=guidelines_version,
        )
        write_fields(row, prepared.content)
        return row

    def update(self, item_id: int, content: ContentInput, *, by: str) -> Saved:
        """Replace the editable fields of an item; its status stays as it is.

        Raises ``ContentError`` for invalid values, a URL queued in another item, or a
        blocked caption on an approved item (it would be shown as it is).
        """
        with Session(self.engine) as session:
            row = self._row(session, item_id)
            prepared = self.prepare(content, expiry_matters=content.expires != row.expires)
            problems = list(prepared.problems)
            url = prepared.content.url
            other = self.existing([url]).get(url)
            if other is not None and other != item_id:
                problems.append(ContentProblem(key="duplicate_url", values={"id": other}))
            if row.status in (ContentStatus.APPROVED.value, ContentStatus.LIVE.value):
                problems.extend(blocking_problems(prepared.findings))
            if problems:
                raise ContentError(problems)
            write_fields(row, prepared.content)
            row.check_verdict = prepared.verdict
            row.check_version = self.guidelines_provider().version
            session.commit()
            session.refresh(row)
            log.info("content item %s edited by %s", item_id, by)
            return Saved(item=to_content(row), findings=prepared.findings)

    def approve(self, item_id: int, *, by: str) -> Saved:
        """Approve an item: it shows to employees from ``not_before`` until ``expires``.

        The captions are checked again first; the outcome is stored either way. Raises
        ``ContentError`` when a caption is blocked, the item is retired or has expired.
        Approving an approved item changes nothing.
        """
        with Session(self.engine) as session:
            row = self._row(session, item_id)
            status = status_of(row.status)
            if status is ContentStatus.RETIRED:
                raise ContentError([ContentProblem(key="approve_retired", values={"id": item_id})])
            if status is not ContentStatus.DRAFT:
                return Saved(item=to_content(row))
            content = to_content(row)
            prepared = self.prepare(content.to_input(), expiry_matters=False)
            row.check_verdict = prepared.verdict
            row.check_version = self.guidelines_provider().version
            now = self.clock()
            problems = blocking_problems(prepared.findings)
            if row.expires is not None and row.expires <= now:
                problems.append(ContentProblem(key="approve_expired", values={"id": item_id}))
            if not problems:
                row.status = ContentStatus.APPROVED.value
                row.approved_by = by
                row.approved_at = now
            session.commit()
            if problems:
                raise ContentError(problems)
            session.refresh(row)
            return Saved(item=to_content(row), findings=prepared.findings)

    def retire(self, item_id: int, *, by: str) -> Content:
        """Stop showing an item and free its URL for queueing again; idempotent."""
        with Session(self.engine) as session:
            row = self._row(session, item_id)
            if row.status != ContentStatus.RETIRED.value:
                row.status = ContentStatus.RETIRED.value
                session.commit()
                session.refresh(row)
                log.info("content item %s retired by %s", item_id, by)
            return to_content(row)

    def add_many(
        self, items: Sequence[Prepared], *, by: str, source: str, approve: bool = False
    ) -> tuple[Content, ...]:
        """Store prepared, problem-free items in one transaction (all or none).

        With ``approve`` they are approved by ``by`` at once; the caller has made sure
        that no caption blocks.
        """
        with Session(self.engine) as session:
            rows = [self.new_row(p, by=by, source=source) for p in items]
            if approve:
                now = self.clock()
                for row in rows:
                    row.status = ContentStatus.APPROVED.value
                    row.approved_by, row.approved_at = by, now
            session.add_all(rows)
            session.flush()
            ids = [row.id for row in rows]
            session.commit()
            # One query reads them all back (a refresh per row would be one each).
            stored = session.exec(select(ContentItem).where(col(ContentItem.id).in_(ids)))
            by_id = {row.id: to_content(row) for row in stored}
            return tuple(by_id[item_id] for item_id in ids)

    @staticmethod
    def _row(session: Session, item_id: int) -> ContentItem:
        row = session.get(ContentItem, item_id)
        if row is None:
            raise ContentError([ContentProblem(key="not_found", values={"id": item_id})])
        return row
