"""The SQL of one message: the person read in one query, what it leaves behind written
in one transaction.

Every question the bot answers passes through here, so the statements are few and
plain Core: one SELECT for the person and their roles, and in the write one INSERT for
the question or check, plus an UPDATE of the language or an upsert of the conversation
reference only when those changed. The participation event joins the same transaction
(``bot.tracking.EventLog.record_message``).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, Table, and_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

from bot.messages import CheckVerdict, ConversationRef, Verdict
from bot.records import CheckRecord, MessageRecord, Person, QuestionRecord
from bot.storage.tables import (
    QUESTION_TEXT_MAX,
    ConversationReference,
    DraftCheck,
    Question,
    Role,
    User,
)

_QUESTIONS: Table = Question.__table__  # type: ignore[attr-defined]
_CHECKS: Table = DraftCheck.__table__  # type: ignore[attr-defined]
_REFERENCES: Table = ConversationReference.__table__  # type: ignore[attr-defined]
_ROLES: Table = Role.__table__  # type: ignore[attr-defined]
_USERS: Table = User.__table__  # type: ignore[attr-defined]

ID_SEPARATOR = ","
"""Joins rule ids in the ``related``, ``choices`` and ``rule_ids`` columns."""


def require_aware(value: datetime, name: str) -> datetime:
    """``value`` in UTC; raises ``ValueError`` for a naive datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value.astimezone(UTC)


def normalize_question(text: str) -> str:
    """The grouping key of a question: NFKC, case-folded, whitespace collapsed, truncated.

    Questions that differ only in case, spacing or Unicode presentation get the same key.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())[:QUESTION_TEXT_MAX]


def join_ids(ids: Sequence[str], name: str) -> str:
    """``ids`` as stored in one column; raises for an id holding the separator."""
    if isinstance(ids, str):
        # A lone string is a Sequence[str] too; joining its characters is never meant.
        raise TypeError(f"{name} must be a sequence of ids, not a string")
    for rule_id in ids:
        if ID_SEPARATOR in rule_id:
            raise ValueError(f"{name}: rule id {rule_id!r} contains {ID_SEPARATOR!r}")
    return ID_SEPARATOR.join(ids)


def _truncate(text: str) -> str:
    if len(text) <= QUESTION_TEXT_MAX:
        return text
    return text[: QUESTION_TEXT_MAX - 1] + "…"


def question_values(
    question: QuestionRecord, *, user_id: int | None, asked_at: datetime
) -> dict[str, object]:
    """The row of ``question``, checked: a known verdict, ids without the separator."""
    return {
        "user_id": user_id,
        "asked_at": require_aware(asked_at, "asked_at"),
        "language": question.language,
        "text": _truncate(question.text),
        "normalized": normalize_question(question.text),
        "verdict": Verdict(question.verdict).value,
        "rule_id": question.rule_id,
        "related": join_ids(question.related, "related"),
        "guidelines_version": question.guidelines_version,
        "answered": question.answered,
        "choices": join_ids(question.choices, "choices"),
    }


def check_values(
    check: CheckRecord,
    *,
    user_id: int | None,
    checked_at: datetime,
    text: str | None = None,
) -> dict[str, object]:
    """The row of ``check``, checked; ``text`` is the draft, only when it is to be kept."""
    if check.finding_count < 0:
        raise ValueError(f"finding_count must not be negative, got {check.finding_count}")
    return {
        "user_id": user_id,
        "checked_at": require_aware(checked_at, "checked_at"),
        "language": check.language,
        "verdict": CheckVerdict(check.verdict).value,
        "rule_ids": join_ids(check.rule_ids, "rule_ids"),
        "finding_count": check.finding_count,
        "guidelines_version": check.guidelines_version,
        "text": text,
    }


# The statements of every message are built once, with their values bound at execution:
# building a statement around literal values costs more CPU than SQLite takes to run it.
_INSERTS: dict[str, Insert] = {"question": insert(_QUESTIONS), "draft_check": insert(_CHECKS)}
_READ_PERSON = (
    select(_USERS.c.id, _USERS.c.language, _USERS.c.team, _USERS.c.tracking, _ROLES.c.role)
    .select_from(
        _USERS.outerjoin(
            _ROLES,
            and_(
                _ROLES.c.platform == _USERS.c.platform,
                _ROLES.c.platform_user_id == _USERS.c.platform_user_id,
            ),
        )
    )
    .where(
        _USERS.c.platform == bindparam("platform"),
        _USERS.c.platform_user_id == bindparam("platform_user_id"),
    )
)
_SET_LANGUAGE = (
    update(_USERS).where(_USERS.c.id == bindparam("user_id")).values(language=bindparam("language"))
)


def _upsert_reference(
    insert_for: Callable[[Table], postgresql.Insert | sqlite.Insert],
) -> ReturningInsert[int]:
    statement = insert_for(_REFERENCES)
    replaced = ("conversation_id", "data", "updated_at")
    return statement.on_conflict_do_update(
        index_elements=["user_id", "platform"],
        set_={name: statement.excluded[name] for name in replaced},
    ).returning(_REFERENCES.c.id)


_UPSERT_REFERENCE = {
    "postgresql": _upsert_reference(postgresql.insert),
    "sqlite": _upsert_reference(sqlite.insert),
}


def insert_row(connection: Connection, table: Table, values: dict[str, object]) -> int:
    """Insert one row into ``table`` (questions, checks); its id."""
    key = connection.execute(_INSERTS[table.name], values).inserted_primary_key
    assert key is not None and key[0] is not None  # assigned by the database
    return int(key[0])


def read_person(connection: Connection, platform: str, platform_user_id: str) -> Person | None:
    """The person's row and roles, in one query; None when they have no row yet."""
    parameters = {"platform": platform, "platform_user_id": platform_user_id}
    rows = connection.execute(_READ_PERSON, parameters).all()
    if not rows:
        return None
    first = rows[0]
    return Person(
        user_id=int(first.id),
        language=first.language,
        team=first.team,
        tracking=bool(first.tracking),
        roles=with_implied({str(row.role) for row in rows if row.role is not None}),
    )


def with_implied(granted: set[str]) -> frozenset[str]:
    """``granted`` with the roles they imply: an admin may do what comms may."""
    if "admin" in granted:
        granted = granted | {"comms"}
    return frozenset(granted)


def save_reference(
    connection: Connection, *, user_id: int, ref: ConversationRef, now: datetime
) -> int:
    """Store ``ref`` as the way to reach ``user_id`` on its platform, replacing the one
    stored before, in one statement (safe against a concurrent save); the row's id."""
    values: dict[str, Any] = {
        "user_id": user_id,
        "platform": ref.platform.value,
        "conversation_id": ref.conversation_id,
        "data": json.dumps(
            {**ref.data, "conversation_id": ref.conversation_id, "thread_id": ref.thread_id},
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        ),
        "updated_at": require_aware(now, "now"),
    }
    upsert = _UPSERT_REFERENCE.get(connection.dialect.name)
    if upsert is None:
        raise NotImplementedError(f"not supported on {connection.dialect.name}")
    return int(connection.execute(upsert, values).scalar_one())


def write_message(connection: Connection, record: MessageRecord) -> int | None:
    """Write ``record`` (all but its event) on ``connection``, committing nothing; the id
    of the question or check written, if any."""
    person = record.person
    user_id = person.user_id if person is not None else None
    if person is not None and record.language is not None:
        connection.execute(_SET_LANGUAGE, {"user_id": person.user_id, "language": record.language})
    if person is not None and record.conversation is not None:
        save_reference(connection, user_id=person.user_id, ref=record.conversation, now=record.at)
    # Someone who opted out: their question or check is kept (the owners need the
    # question), but not linked to them.
    owner = user_id if person is not None and person.tracking else None
    if record.question is not None:
        values = question_values(record.question, user_id=owner, asked_at=record.at)
        return insert_row(connection, _QUESTIONS, values)
    if record.check is not None:
        values = check_values(record.check, user_id=owner, checked_at=record.at)
        return insert_row(connection, _CHECKS, values)
    return None
