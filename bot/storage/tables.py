"""The database tables, as SQLModel classes.

Every change here needs a migration in ``migrations/versions/`` (the schema test in
``tests/test_storage.py`` fails until the migrated schema and these classes agree).
Timestamps are timezone-aware UTC datetimes in Python; see ``UTCDateTime``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Index, Text, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints make later migrations possible on SQLite, where Alembic's batch
# mode can only drop or alter a constraint it can refer to by name.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

QUESTION_TEXT_MAX = 1000
"""Longest question text (and normalized text) kept; longer questions are truncated."""


class UTCDateTime(TypeDecorator[datetime]):
    """A ``DateTime(timezone=True)`` that always hands back aware UTC datetimes.

    SQLite has no time zone type: SQLAlchemy writes the wall-clock fields and reads
    them back naive, so values are converted to UTC before writing and naive values
    read back are taken to be UTC. PostgreSQL returns aware values in the session's
    time zone, which are converted to UTC too.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC; refuse a naive one (its zone is a guess)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored moment as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @property
    def python_type(self) -> type[Any]:
        """Python's ``datetime``, like the wrapped ``DateTime``."""
        return datetime


class User(SQLModel, table=True):
    """A person on a chat platform, known by the platform's own user id."""

    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str
    platform_user_id: str
    language: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    display_name: str | None = None
    """Only shown anywhere when ``leaderboard`` is on."""
    team: str | None = None
    location: str | None = None
    timezone: str = "Europe/Amsterdam"
    topics: str = ""
    """Topics the person follows, comma-separated."""
    digest: str = "off"
    """Digest frequency: ``off``, ``weekly`` or ``daily``."""
    digest_time: str = "09:00"
    """Local time of day (HH:MM) for the digest."""
    digest_weekday: int = 0
    """Day of the week for a weekly digest (0 = Monday)."""
    quiet_start: str = "18:00"
    quiet_end: str = "08:00"
    digest_cap: int = 1
    """At most this many digests a week."""
    tracking: bool = True
    """False when the person opted out of personal tracking."""
    leaderboard: bool = False
    tracking_explained_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_digest_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Question(SQLModel, table=True):
    """A "may I post this?" question and how it was answered."""

    __tablename__ = "question"
    # The digest of unanswered questions filters on ``answered`` within a time window.
    __table_args__ = (Index(None, "answered", "asked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="SET NULL", nullable=True, index=True
    )
    asked_at: datetime = Field(sa_type=UTCDateTime)
    language: str
    text: str = Field(max_length=QUESTION_TEXT_MAX)
    normalized: str = Field(max_length=QUESTION_TEXT_MAX)
    verdict: str
    rule_id: str | None = None
    related: str = ""
    """Ids of related rules, comma-separated."""
    guidelines_version: str
    answered: bool
    choices: str = Field(default="", sa_column_kwargs={"server_default": ""})
    """Ids of the rules offered as "did you mean", comma-separated, best first."""
    picked_rule_id: str | None = None
    """The rule the person picked from the choices."""
    feedback: str | None = Field(default=None, index=True)
    """``helpful``, ``not_helpful`` or ``something_else`` (none of the choices)."""
    feedback_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DraftCheck(SQLModel, table=True):
    """The outcome of checking a draft post; the draft itself only when asked to keep it."""

    __tablename__ = "draft_check"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="SET NULL", nullable=True, index=True
    )
    checked_at: datetime = Field(sa_type=UTCDateTime)
    language: str
    verdict: str
    rule_ids: str = ""
    """Ids of the rules that produced findings, comma-separated."""
    finding_count: int
    guidelines_version: str
    text: str | None = Field(default=None, sa_type=Text)


class ContentItem(SQLModel, table=True):
    """Company content that the comms team queues for employees to share."""

    __tablename__ = "content_item"
    __table_args__ = (
        UniqueConstraint("feed_id", "guid"),
        Index(None, "status", "not_before", "expires"),
        # One item per URL among those not retired, even when two people queue it at once.
        Index(
            "uq_content_item_active_url",
            "url",
            unique=True,
            sqlite_where=text("status != 'retired'"),
            postgresql_where=text("status != 'retired'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    title: str = Field(max_length=500)
    summary: str = Field(default="", sa_type=Text)
    captions: str = Field(default="{}", sa_type=Text)
    """JSON: language -> list of caption variants."""
    topics: str = ""
    """Comma-separated."""
    audience_teams: str = ""
    audience_locations: str = ""
    audience_languages: str = ""
    """Comma-separated; empty means everyone."""
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)
    """Embargo: never suggested or shown before this moment."""
    expires: datetime | None = Field(default=None, sa_type=UTCDateTime)
    priority: int = 0
    status: str = "draft"
    """``draft``, ``approved``, ``live`` or ``retired``."""
    added_by: str = ""
    approved_by: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    source: str = "manual"
    """``manual``, ``import`` or ``feed``."""
    feed_id: int | None = Field(default=None, foreign_key="feed.id", ondelete="SET NULL")
    guid: str | None = Field(default=None, max_length=1000)
    """The feed entry's id, so an entry is imported once."""
    check_verdict: str = "ok"
    """Outcome of checking the captions against the guidelines when queued."""
    check_version: str = ""


class Feed(SQLModel, table=True):
    """A newsroom or blog feed whose new entries arrive as draft content."""

    __tablename__ = "feed"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000, unique=True)
    title: str = ""
    topics: str = ""
    added_by: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = None
    etag: str | None = None
    modified: str | None = None


class Share(SQLModel, table=True):
    """A tracked share link: a pseudonymous token for one person, item and network."""

    __tablename__ = "share"
    # One link per person, item and network, even when two replies make it at once.
    # Anonymous links (no person) are not held to it: the database treats empty as distinct.
    __table_args__ = (
        Index("uq_share_item_user_network", "item_id", "user_id", "network", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)
    item_id: int = Field(foreign_key="content_item.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="SET NULL", nullable=True, index=True
    )
    network: str
    created_at: datetime = Field(sa_type=UTCDateTime)


class Event(SQLModel, table=True):
    """One entry of the participation log.

    ``user_id`` is empty for people who opted out of personal tracking and after a
    person asked to be forgotten; ``team`` keeps the aggregates meaningful then.
    """

    __tablename__ = "event"
    __table_args__ = (Index(None, "kind", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    kind: str
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="SET NULL", nullable=True, index=True
    )
    team: str | None = None
    item_id: int | None = Field(
        default=None, foreign_key="content_item.id", ondelete="SET NULL", index=True
    )
    share_id: int | None = Field(default=None, foreign_key="share.id", ondelete="SET NULL")
    network: str | None = None
    reason: str | None = None
    detail: str | None = None


class ConversationReference(SQLModel, table=True):
    """Where to reach a person proactively (a DM channel, a Teams conversation)."""

    __tablename__ = "conversation_reference"
    __table_args__ = (UniqueConstraint("user_id", "platform"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    platform: str
    conversation_id: str
    data: str = Field(default="{}", sa_type=Text)
    """JSON: the platform's own reference."""
    updated_at: datetime = Field(sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """A proactive message, written before sending and marked sent after.

    ``key`` makes a digest for one person and period unique, so a crash and restart
    resumes without losing or duplicating it.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index(None, "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="CASCADE", nullable=True
    )
    platform: str
    payload: str = Field(sa_type=Text)
    """JSON: the reply to send."""
    status: str = "pending"
    """``pending``, ``sending`` (claimed), ``sent``, ``failed`` (gave up) or ``unreachable``."""
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    last_error: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    maybe_sent: bool = False
    """An earlier attempt may have reached the platform (its pass died, or it timed out):
    the platform is asked before the message is sent again."""


class Role(SQLModel, table=True):
    """A person's role beyond employee (``comms`` or ``admin``), granted in the CLI."""

    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str
    platform_user_id: str
    role: str
    granted_by: str = ""
    granted_at: datetime = Field(sa_type=UTCDateTime)


class InboxItem(SQLModel, table=True):
    """Something a platform delivered, written before it is acknowledged.

    ``key`` is the platform's delivery id (Slack's ``event_id``, a Teams activity id, a
    digest of a slash command or button press): the insert fails for a repeat, in any
    process and after a restart, so each delivery is handled once. Workers claim
    ``pending`` rows (and ``working`` rows whose lease ran out: their process died) and
    mark them ``done``; old rows are deleted once no retry can arrive any more.
    """

    __tablename__ = "inbox"
    __table_args__ = (Index(None, "status", "lease_until"), Index(None, "received_at"))

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    platform: str
    kind: str
    payload: str = Field(sa_type=Text)
    """JSON: what the platform delivered, as the worker needs it."""
    status: str = "pending"
    """``pending``, ``working`` (claimed, with a lease), ``done`` or ``failed``."""
    attempts: int = 0
    lease_until: datetime = Field(sa_type=UTCDateTime)
    """When a pending row is due, or when a claimed row's lease runs out."""
    holder: str | None = None
    """Which process claimed the row (for the logs)."""
    last_error: str | None = None
    received_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SchedulerLock(SQLModel, table=True):
    """Which ``merkwerker scheduler`` is active: one row per lock, kept alive by heartbeats.

    On SQLite the active scheduler holds the row and renews ``heartbeat_at``; a standby
    takes the row over once the heartbeat is older than the lock's lifetime. PostgreSQL
    uses an advisory lock instead and writes the row for the record only.
    """

    __tablename__ = "scheduler_lock"

    name: str = Field(primary_key=True, max_length=100)
    holder: str
    acquired_at: datetime = Field(sa_type=UTCDateTime)
    heartbeat_at: datetime = Field(sa_type=UTCDateTime)
