"""The ``Store``: what the bot writes down about its users, questions and draft checks.

Methods are synchronous and each runs in its own short transaction; the async core
calls them through ``asyncio.to_thread``, and the engine is shared between threads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, false, func
from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.answering.feedback import UnansweredQuestion
from bot.messages import ConversationRef, Platform
from bot.records import CheckRecord, MessageRecord, Person, QuestionRecord
from bot.storage.database import SchemaState, open_database, schema_state
from bot.storage.messages import (
    ID_SEPARATOR,
    check_values,
    insert_row,
    normalize_question,
    question_values,
    read_person,
    require_aware,
    save_reference,
    with_implied,
    write_message,
)
from bot.storage.tables import ConversationReference, DraftCheck, Question, Role, User

__all__ = ["ID_SEPARATOR", "Store", "normalize_question"]

_QUESTIONS = Question.__table__  # type: ignore[attr-defined]
_CHECKS = DraftCheck.__table__  # type: ignore[attr-defined]
_ROLES = Role.__table__  # type: ignore[attr-defined]
_USERS = User.__table__  # type: ignore[attr-defined]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Reads and writes the bot's records through one engine."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utc_now) -> None:
        """Use ``engine``, whose schema must be migrated (``open_database`` does that).

        ``clock`` gives the time for records that the caller does not date, such as a
        new user's ``created_at``.
        """
        self._engine = engine
        self._clock = clock

    @classmethod
    def open(cls, url: str, *, clock: Callable[[], datetime] = _utc_now) -> Store:
        """Open (creating or migrating as needed) the database at ``url``."""
        return cls(open_database(url), clock=clock)

    @staticmethod
    def schema_state(url: str) -> SchemaState:
        """Which migration the database at ``url`` is at and which is newest; changes nothing.

        Raises ``DatabaseError`` when the database cannot be reached or read.
        """
        return schema_state(url)

    @property
    def engine(self) -> Engine:
        """The engine this store writes through."""
        return self._engine

    @property
    def url(self) -> str:
        """The database's URL, the password masked."""
        return str(self._engine.url)

    def ping(self) -> bool:
        """True when the database answers a trivial query; raises when it cannot be reached."""
        with self._engine.connect() as connection:
            connection.execute(sa_text("SELECT 1"))
        return True

    def close(self) -> None:
        """Close every pooled connection; the store is not to be used afterwards."""
        self._engine.dispose()

    def ensure_user(
        self, *, platform: str, platform_user_id: str, language: str | None = None
    ) -> int:
        """Return the id of the user, creating the user if new.

        A ``language`` that is given replaces the stored one; ``None`` keeps it. Safe
        to call from several threads or processes for the same user at once: exactly
        one row is created and every caller gets its id.
        """
        # The common case, a known person with the same language, is one indexed read.
        known = sa_select(_USERS.c.id, _USERS.c.language).where(
            _USERS.c.platform == platform, _USERS.c.platform_user_id == platform_user_id
        )
        with self._engine.connect() as connection:
            row = connection.execute(known).first()
        if row is not None and (language is None or row.language == language):
            return int(row.id)
        with Session(self._engine) as session:
            user = self._find_user(session, platform, platform_user_id)
            if user is None:
                user = User(
                    platform=platform,
                    platform_user_id=platform_user_id,
                    language=language,
                    created_at=require_aware(self._clock(), "clock()"),
                )
                session.add(user)
                try:
                    session.flush()
                except IntegrityError:
                    # Another caller created the same user between our select and insert:
                    # theirs is the row to use.
                    session.rollback()
                    user = self._find_user(session, platform, platform_user_id)
                    if user is None:  # the insert failed for another reason
                        raise
                else:
                    user_id = user.id
                    session.commit()
                    assert user_id is not None  # assigned by the flush
                    return user_id
            user_id = user.id
            if language is not None and user.language != language:
                user.language = language
                session.commit()
            assert user_id is not None  # a primary key read from the database
            return user_id

    @staticmethod
    def _find_user(session: Session, platform: str, platform_user_id: str) -> User | None:
        statement = select(User).where(
            col(User.platform) == platform, col(User.platform_user_id) == platform_user_id
        )
        return session.exec(statement).first()

    def save_conversation(self, *, user_id: int, ref: ConversationRef, now: datetime) -> int:
        """Remember where to reach ``user_id`` on ``ref``'s platform; return the row's id.

        One row per person and platform, replaced by the newest conversation. ``data``
        holds the platform's own reference plus ``conversation_id`` and ``thread_id``.
        """
        with self._engine.begin() as connection:
            return save_reference(connection, user_id=user_id, ref=ref, now=now)

    def person(self, *, platform: str, platform_user_id: str, language: str | None) -> Person:
        """The person, their stored language, team, tracking choice and roles: one query
        for someone known. Someone new is created first (with ``language``); the stored
        language of someone known is left as it is (``record_message`` changes it)."""
        with self._engine.connect() as connection:
            found = read_person(connection, platform, platform_user_id)
        if found is not None:
            return found
        self.ensure_user(platform=platform, platform_user_id=platform_user_id, language=language)
        with self._engine.connect() as connection:
            created = read_person(connection, platform, platform_user_id)
        if created is None:  # forgotten the moment after it was created
            raise LookupError(f"{platform} user {platform_user_id!r} vanished")
        return created

    def record_message(self, record: MessageRecord) -> int | None:
        """Write what one message leaves behind in one transaction (its event aside: see
        ``bot.tracking.EventLog.record_message``); the id of its question or check."""
        if record.empty:
            return None
        with self._engine.begin() as connection:
            return write_message(connection, record)

    def conversation(self, *, platform: str, conversation_id: str) -> ConversationRef | None:
        """The newest stored reference to the conversation ``conversation_id`` on
        ``platform``, or to a thread in it (stored as ``<id>;...``), as a reference to the
        conversation itself: ``user_id`` empty, ``data`` the platform's own reference.
        None when the bot has no reference to it."""
        statement = (
            select(ConversationReference)
            .where(
                col(ConversationReference.platform) == platform,
                (col(ConversationReference.conversation_id) == conversation_id)
                | col(ConversationReference.conversation_id).startswith(
                    conversation_id + ";", autoescape=True
                ),
            )
            .order_by(col(ConversationReference.updated_at).desc())
            .limit(1)
        )
        with Session(self._engine) as session:
            row = session.exec(statement).first()
        if row is None:
            return None
        try:
            data = json.loads(row.data or "{}")
        except ValueError:
            return None
        return ConversationRef(
            platform=Platform(platform),
            conversation_id=conversation_id,
            user_id="",
            data=data if isinstance(data, dict) else {},
        )

    def user_language(self, platform: str, platform_user_id: str) -> str | None:
        """The language last used by this person, or None when unknown."""
        with Session(self._engine) as session:
            user = self._find_user(session, platform, platform_user_id)
            return user.language if user is not None else None

    def roles_of(self, platform: str, platform_user_id: str) -> set[str]:
        """The roles granted to this person in the database (``comms``, ``admin``).

        An admin may do what comms may, as with the configured roles.
        """
        statement = sa_select(_ROLES.c.role).where(
            _ROLES.c.platform == platform, _ROLES.c.platform_user_id == platform_user_id
        )
        with self._engine.connect() as connection:
            granted = {str(role) for role in connection.execute(statement).scalars()}
        return set(with_implied(granted))

    def record_question(
        self,
        *,
        user_id: int | None,
        text: str,
        language: str,
        verdict: str,
        rule_id: str | None,
        related: Sequence[str],
        guidelines_version: str,
        answered: bool,
        asked_at: datetime,
        choices: Sequence[str] = (),
    ) -> int:
        """Store a question and how it was answered; return its id.

        ``choices`` are the rule ids offered as "did you mean", best first.

        Text longer than ``QUESTION_TEXT_MAX`` characters is truncated. ``verdict`` must
        be a ``Verdict`` value and ``asked_at`` timezone-aware.
        """
        question = QuestionRecord(
            text=text,
            language=language,
            verdict=verdict,
            rule_id=rule_id,
            related=related,
            guidelines_version=guidelines_version,
            answered=answered,
            choices=choices,
        )
        values = question_values(question, user_id=user_id, asked_at=asked_at)
        with self._engine.begin() as connection:
            return insert_row(connection, _QUESTIONS, values)

    def record_check(
        self,
        *,
        user_id: int | None,
        language: str,
        verdict: str,
        rule_ids: Sequence[str],
        finding_count: int,
        guidelines_version: str,
        checked_at: datetime,
        text: str | None = None,
        store_text: bool = False,
    ) -> int:
        """Store the outcome of a draft check; return its id.

        The draft ``text`` is kept only when ``store_text`` is true: drafts can hold
        unpublished news, so by default only the outcome is written. ``verdict`` must
        be a ``CheckVerdict`` value and ``checked_at`` timezone-aware.
        """
        check = CheckRecord(
            language=language,
            verdict=verdict,
            rule_ids=rule_ids,
            finding_count=finding_count,
            guidelines_version=guidelines_version,
        )
        values = check_values(
            check, user_id=user_id, checked_at=checked_at, text=text if store_text else None
        )
        with self._engine.begin() as connection:
            return insert_row(connection, _CHECKS, values)

    def unanswered_questions(
        self, *, since: datetime | None = None, until: datetime | None = None, limit: int = 50
    ) -> list[UnansweredQuestion]:
        """Unanswered questions grouped by normalized text, the most asked first.

        Only questions asked at or after ``since`` and before ``until`` count; ties
        go to the group asked most recently. At most ``limit`` groups are returned.
        """
        asked_at = col(Question.asked_at)
        count = func.count().label("count")
        last_asked = func.max(asked_at).label("last_asked")
        statement = (
            sa_select(
                col(Question.normalized),
                func.min(col(Question.text)).label("example"),
                count,
                func.min(asked_at).label("first_asked"),
                last_asked,
            )
            .where(col(Question.answered) == false())
            .group_by(col(Question.normalized))
            .order_by(count.desc(), last_asked.desc(), col(Question.normalized))
            .limit(limit)
        )
        if since is not None:
            statement = statement.where(asked_at >= require_aware(since, "since"))
        if until is not None:
            statement = statement.where(asked_at < require_aware(until, "until"))
        with self._engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [
            UnansweredQuestion(
                normalized=normalized,
                example=example,
                count=count_,
                first_asked=first_asked,
                last_asked=last_asked_,
            )
            for normalized, example, count_, first_asked, last_asked_ in rows
        ]

    def question_count(self) -> int:
        """How many questions are stored."""
        return self._count(Question)

    def check_count(self) -> int:
        """How many draft checks are stored."""
        return self._count(DraftCheck)

    def _count(self, table: type[Question] | type[DraftCheck]) -> int:
        with Session(self._engine) as session:
            return session.exec(select(func.count()).select_from(table)).one()
