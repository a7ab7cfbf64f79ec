"""The database tables, as SQLModel classes.

Every change here needs a migration in ``migrations/versions/`` (the schema test in
``tests/test_storage.py`` fails until the migrated schema and these classes agree).
Timestamps are timezone-aware UTC datetimes in Python; see ``UTCDateTime``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Index, Text, UniqueConstraint
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
