"""What one message leaves behind in the records, as plain values.

A message is read about once (``Person``: the row, the stored language, team, tracking
choice and roles, in one query) and written once (``MessageRecord``: the person's new
language, where to reach them, the question or check, and its participation event, in
one transaction). ``bot.recording`` builds these; ``bot.storage.Store`` and
``bot.tracking.EventLog`` write them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.messages import ConversationRef


@dataclass(frozen=True, kw_only=True)
class Person:
    """The person who wrote, as their row stood when the message arrived."""

    user_id: int
    language: str | None
    """The language stored for them (None when never known)."""
    team: str | None
    tracking: bool
    """False when they opted out of personal tracking: their events carry no identity."""
    roles: frozenset[str]
    """The roles granted in the database (an admin is comms too)."""


@dataclass(frozen=True, kw_only=True)
class QuestionRecord:
    """A question and how it was answered (``Store.record_question``'s values)."""

    text: str
    language: str
    verdict: str
    rule_id: str | None
    related: Sequence[str]
    guidelines_version: str
    answered: bool
    choices: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class CheckRecord:
    """The outcome of a draft check, never the draft (``Store.record_check``'s values)."""

    language: str
    verdict: str
    rule_ids: Sequence[str]
    finding_count: int
    guidelines_version: str


@dataclass(frozen=True, kw_only=True)
class LoggedEvent:
    """A participation-log event of the message (``question_asked``, ``draft_checked``)."""

    kind: str
    key: str
    """Its idempotency key: a second delivery of the same message is logged once."""
    detail: str | None = None


@dataclass(frozen=True, kw_only=True)
class MessageRecord:
    """Everything one message writes, in one transaction.

    ``person`` is None when the person could not be read (or there is no person, as on
    the command line): the question or check is then stored without one, and nothing
    about a person is written.
    """

    person: Person | None
    at: datetime
    """When the message was handled (timezone-aware): dates every row written."""
    language: str | None = None
    """The person's language, when it differs from the stored one."""
    conversation: ConversationRef | None = None
    """Where to reach the person later, when it is not stored yet."""
    question: QuestionRecord | None = None
    check: CheckRecord | None = None
    event: LoggedEvent | None = None

    @property
    def empty(self) -> bool:
        """True when there is nothing to write."""
        return (
            self.language is None
            and self.conversation is None
            and self.question is None
            and self.check is None
            and self.event is None
        )
