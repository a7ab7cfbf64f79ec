"""The comms team's content queue: add, edit, approve and retire items, and list them.

Methods are synchronous, each in its own short transaction (the async core calls them
through ``asyncio.to_thread``). Who may call them is the caller's business: the chat
feature checks roles, the command line trusts its operator.

Rules kept here: a URL is queued once among items that are not retired; every caption,
and the title (the e-mail subject, and the caption of an item without one), is checked
against the current guidelines when it is queued, edited and approved; text the
guidelines block cannot be approved, nor edited into an approved item.
Approval is the only manual step: an approved item shows from ``not_before`` until
``expires`` by the clock (see ``bot.content.items``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.content.captions import blocking_problems, check_captions
from bot.content.items import (
    CaptionFinding,
    Content,
    ContentError,
    ContentInput,
    ContentProblem,
    ContentStatus,
    Saved,
)
from bot.content.records import NewItem
from bot.content.store import ContentStore
from bot.content.validate import clean
from bot.guidelines.rules import Guidelines

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
        store: ContentStore,
        *,
        clock: Callable[[], datetime] = _utc_now,
        guidelines_provider: Callable[[], Guidelines],
        timezone: str | ZoneInfo = "Europe/Amsterdam",
    ) -> None:
        """Keep items in ``store``; ``guidelines_provider()`` gives the current guidelines.

        ``timezone`` is where a date without a time starts (``Settings.timezone``).
        """
        self.store = store
        self.clock = clock
        self.guidelines_provider = guidelines_provider
        self.timezone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)

    # Reading.

    def get(self, item_id: int) -> Content | None:
        """The item with this id, or ``None``."""
        return self.store.get(item_id)

    def list(
        self, *, status: str | None = None, topic: str | None = None, limit: int = 500
    ) -> tuple[Content, ...]:
        """Items, newest first; ``status`` is one of ``LIST_FILTERS`` (at now)."""
        items = self.store.list(status=status, now=self.clock(), limit=limit)
        if topic is not None:
            items = [item for item in items if topic in item.topics]
        return tuple(items)

    def live(self, *, now: datetime | None = None) -> tuple[Content, ...]:
        """Items employees may see at ``now`` (default: the clock), highest priority first."""
        return self.store.live(now or self.clock())

    def existing(self, urls: Iterable[str]) -> dict[str, int]:
        """For each of ``urls`` already queued in an item that is not retired: its id."""
        return self.store.existing(urls)

    def roles_of(self, platform: str, platform_user_id: str) -> frozenset[str]:
        """Roles granted to this person in the ``role`` table."""
        return self.store.roles_of(platform, platform_user_id)

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
        verdict, findings = check_captions(
            cleaned.captions, guidelines, today=today, title=cleaned.title
        )
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
        item = self.new_item(prepared, by=by, source=source, feed_id=feed_id, guid=guid)
        return Saved(item=self.store.add(item), findings=prepared.findings)

    def new_item(
        self,
        prepared: Prepared,
        *,
        by: str,
        source: str,
        feed_id: int | None = None,
        guid: str | None = None,
    ) -> NewItem:
        """A draft for a prepared item, dated by the clock, ready for the store."""
        return NewItem(
            content=prepared.content,
            created_at=self.clock(),
            added_by=by,
            source=source,
            feed_id=feed_id,
            guid=guid,
            check_verdict=prepared.verdict,
            check_version=self.guidelines_provider().version,
        )

    def _current(self, item_id: int) -> Content:
        item = self.store.get(item_id)
        if item is None:
            raise ContentError([ContentProblem(key="not_found", values={"id": item_id})])
        return item

    def update(self, item_id: int, content: ContentInput, *, by: str) -> Saved:
        """Replace the editable fields of an item; its status stays as it is.

        Raises ``ContentError`` for invalid values, a URL queued in another item, or a
        blocked caption on an approved item (it would be shown as it is).
        """
        current = self._current(item_id)
        prepared = self.prepare(content, expiry_matters=content.expires != current.expires)
        problems = list(prepared.problems)
        url = prepared.content.url
        other = self.existing([url]).get(url)
        if other is not None and other != item_id:
            problems.append(ContentProblem(key="duplicate_url", values={"id": other}))
        if current.status is ContentStatus.APPROVED:
            problems.extend(blocking_problems(prepared.findings))
        if problems:
            raise ContentError(problems)
        item = self.store.update(
            item_id,
            prepared.content,
            check_verdict=prepared.verdict,
            check_version=self.guidelines_provider().version,
        )
        log.info("content item %s edited by %s", item_id, by)
        return Saved(item=item, findings=prepared.findings)

    def approve(self, item_id: int, *, by: str) -> Saved:
        """Approve an item: it shows to employees from ``not_before`` until ``expires``.

        The captions are checked again first; the outcome is stored either way. Raises
        ``ContentError`` when a caption is blocked, the item is retired or has expired.
        Approving an approved item changes nothing.
        """
        current = self._current(item_id)
        if current.status is ContentStatus.RETIRED:
            raise ContentError([ContentProblem(key="approve_retired", values={"id": item_id})])
        if current.status is not ContentStatus.DRAFT:
            return Saved(item=current)
        prepared = self.prepare(current.to_input(), expiry_matters=False)
        now = self.clock()
        problems = blocking_problems(prepared.findings)
        if current.expires is not None and current.expires <= now:
            problems.append(ContentProblem(key="approve_expired", values={"id": item_id}))
        item = self.store.record_check(
            item_id,
            check_verdict=prepared.verdict,
            check_version=self.guidelines_provider().version,
            approved_by=None if problems else by,
            approved_at=None if problems else now,
        )
        if problems:
            raise ContentError(problems)
        return Saved(item=item, findings=prepared.findings)

    def retire(self, item_id: int, *, by: str) -> Content:
        """Stop showing an item and free its URL for queueing again; idempotent."""
        item, changed = self.store.retire(item_id)
        if changed:
            log.info("content item %s retired by %s", item_id, by)
        return item

    def add_many(
        self, items: Sequence[Prepared], *, by: str, source: str, approve: bool = False
    ) -> tuple[Content, ...]:
        """Store prepared, problem-free items in one transaction (all or none).

        With ``approve`` they are approved by ``by`` at once; the caller has made sure
        that no caption blocks.
        """
        new = [self.new_item(p, by=by, source=source) for p in items]
        return self.store.add_many(
            new, approved_by=by if approve else None, approved_at=self.clock()
        )
