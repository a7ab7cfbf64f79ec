"""Content items as the rest of the bot sees them: plain, typed and immutable.

The database rows (``bot.storage.tables.ContentItem``) never leave ``bot.content.store``;
the queue hands out ``Content`` values and takes ``ContentInput`` values.

Status and state
----------------
``status`` is what a person decided and is stored: ``draft`` (queued, waiting for
approval), ``approved`` or ``retired``. ``live`` is accepted in the column as a synonym
of ``approved`` but this package never writes it: whether an approved item is shown is
decided by the clock, never by a second manual step. ``state(now)`` combines the two:

* ``draft``, ``retired``: as stored;
* ``scheduled``: approved, but ``not_before`` (the embargo) is still in the future;
* ``live``: approved and ``not_before <= now < expires`` (either end may be open);
* ``expired``: approved and ``expires <= now``.

Only ``live`` items may be suggested or shown to employees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.i18n import t


class ContentStatus(StrEnum):
    """What a person decided about an item (stored)."""

    DRAFT = "draft"
    APPROVED = "approved"
    LIVE = "live"
    """Never written by this package; read as ``APPROVED``."""
    RETIRED = "retired"


class ContentState(StrEnum):
    """Where an item stands at a given moment (computed from status and dates)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    LIVE = "live"
    EXPIRED = "expired"
    RETIRED = "retired"


APPROVED_STATUSES = (ContentStatus.APPROVED.value, ContentStatus.LIVE.value)
"""Stored statuses that mean "approved"; shown when the moment is inside the window."""

LIST_FILTERS = (
    "draft",
    "approved",
    "scheduled",
    "live",
    "expired",
    "retired",
)
"""What ``ContentQueue.list(status=...)`` accepts: ``approved`` covers scheduled, live
and expired; the others are ``ContentState`` values."""


@dataclass(frozen=True, kw_only=True)
class ContentInput:
    """What a person gives to queue or edit an item, already parsed into values.

    Naive datetimes are taken to be in the queue's time zone. Empty audience tuples
    mean everyone.
    """

    url: str
    title: str
    summary: str = ""
    captions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Caption variants per language code."""
    topics: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    not_before: datetime | None = None
    expires: datetime | None = None
    priority: int = 0


@dataclass(frozen=True, kw_only=True)
class Content:
    """A queued content item. Datetimes are aware UTC."""

    id: int
    url: str
    title: str
    summary: str
    captions: Mapping[str, tuple[str, ...]]
    topics: tuple[str, ...]
    teams: tuple[str, ...]
    locations: tuple[str, ...]
    languages: tuple[str, ...]
    not_before: datetime | None
    expires: datetime | None
    priority: int
    status: ContentStatus
    added_by: str
    approved_by: str | None
    created_at: datetime
    approved_at: datetime | None
    source: str
    """``manual``, ``import`` or ``feed``."""
    feed_id: int | None
    guid: str | None
    check_verdict: str
    """The worst outcome of checking the captions (``ok``, ``warn``, ``block``)."""
    check_version: str
    """The guidelines version the captions were last checked against."""

    def state(self, now: datetime) -> ContentState:
        """Where the item stands at ``now`` (see the module docstring)."""
        if self.status is ContentStatus.DRAFT:
            return ContentState.DRAFT
        if self.status is ContentStatus.RETIRED:
            return ContentState.RETIRED
        if self.not_before is not None and now < self.not_before:
            return ContentState.SCHEDULED
        if self.expires is not None and now >= self.expires:
            return ContentState.EXPIRED
        return ContentState.LIVE

    def is_live(self, now: datetime) -> bool:
        """Whether employees may see the item at ``now``."""
        return self.state(now) is ContentState.LIVE

    def to_input(self) -> ContentInput:
        """The editable fields, to change and save again."""
        return ContentInput(
            url=self.url,
            title=self.title,
            summary=self.summary,
            captions=dict(self.captions),
            topics=self.topics,
            teams=self.teams,
            locations=self.locations,
            languages=self.languages,
            not_before=self.not_before,
            expires=self.expires,
            priority=self.priority,
        )

    def to_json(self, now: datetime) -> dict[str, Any]:
        """A JSON-ready dict of every field plus ``state`` at ``now``."""

        def moment(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "summary": self.summary,
            "captions": {lang: list(v) for lang, v in self.captions.items()},
            "topics": list(self.topics),
            "audience": {
                "teams": list(self.teams),
                "locations": list(self.locations),
                "languages": list(self.languages),
            },
            "not_before": moment(self.not_before),
            "expires": moment(self.expires),
            "priority": self.priority,
            "status": self.status.value,
            "state": self.state(now).value,
            "added_by": self.added_by,
            "approved_by": self.approved_by,
            "created_at": moment(self.created_at),
            "approved_at": moment(self.approved_at),
            "source": self.source,
            "feed_id": self.feed_id,
            "guid": self.guid,
            "check_verdict": self.check_verdict,
            "check_version": self.check_version,
        }


TITLE_VARIANT = 0
"""The ``variant`` of a finding in the title, which employees are offered as the
e-mail subject, and as the caption when an item has none."""


@dataclass(frozen=True, kw_only=True)
class CaptionFinding:
    """One guidelines finding in one caption variant (``variant`` counts from 1), or in
    the title (``variant`` is ``TITLE_VARIANT``)."""

    language: str
    variant: int
    severity: str
    """``block`` or ``warn``."""
    rule_id: str
    rule_title: str
    message: str
    match: str


@dataclass(frozen=True, kw_only=True)
class Saved:
    """An item after a change, with what the guidelines found in its captions."""

    item: Content
    findings: tuple[CaptionFinding, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ContentProblem:
    """One thing wrong with what was given, worded from the catalogue.

    ``key`` names the message ``content.problem.<key>``; ``file`` and ``line`` say
    where it was when it came from an import file.
    """

    key: str
    values: Mapping[str, object] = field(default_factory=dict)
    file: str = ""
    line: int = 0

    def message(self, language: str) -> str:
        """The sentence that says what is wrong and what to do instead."""
        return t(language, "content.problem." + self.key, **self.values)

    def render(self, language: str) -> str:
        """``file:line: message`` for import problems, else just the message."""
        if self.file and self.line > 0:
            return f"{self.file}:{self.line}: {self.message(language)}"
        if self.file:
            return f"{self.file}: {self.message(language)}"
        return self.message(language)


class ContentError(Exception):
    """Raised when a change cannot be made; ``problems`` say why, all at once."""

    def __init__(self, problems: tuple[ContentProblem, ...] | list[ContentProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.render("en") for p in self.problems))

    def lines(self, language: str) -> list[str]:
        """Every problem, one sentence each, in ``language``."""
        return [p.render(language) for p in self.problems]

    @property
    def keys(self) -> tuple[str, ...]:
        """The problem keys, for callers that branch on the kind of problem."""
        return tuple(p.key for p in self.problems)
