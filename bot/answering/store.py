"""The SQL of the answering area: picks and feedback on stored questions, and proposals.

Takes and returns the typed values of ``bot.answering.feedback``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, Table, and_, case, false, func, true
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import col

from bot.answering.feedback import (
    AskedQuestion,
    Feedback,
    Proposals,
    QuestionCount,
    RuleQuestions,
    UnansweredQuestion,
)
from bot.messages import Verdict
from bot.storage.messages import require_aware
from bot.storage.store import Store
from bot.storage.tables import Question

_QUESTIONS: Table = Question.__table__  # type: ignore[attr-defined]


class FeedbackStore:
    """Reads and writes picks and feedback on stored questions."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def from_store(cls, store: Store) -> FeedbackStore:
        """Answer feedback in ``store``'s database."""
        return cls(store.engine)

    def question(self, question_id: int, *, user_id: int | None) -> AskedQuestion | None:
        """The question with this id if ``user_id`` asked it (None otherwise)."""
        statement = sa_select(
            _QUESTIONS.c.id,
            _QUESTIONS.c.text,
            _QUESTIONS.c.language,
            _QUESTIONS.c.rule_id,
            _QUESTIONS.c.choices,
        ).where(_QUESTIONS.c.id == question_id, _owner(user_id))
        with self._engine.connect() as connection:
            row = connection.execute(statement).first()
        if row is None:
            return None
        return AskedQuestion(
            id=int(row.id),
            text=str(row.text),
            language=str(row.language),
            rule_id=row.rule_id,
            choices=tuple(c for c in str(row.choices).split(",") if c),
        )

    def exists(self, question_id: int) -> bool:
        """Whether a question with this id is stored (whoever asked it)."""
        statement = sa_select(_QUESTIONS.c.id).where(_QUESTIONS.c.id == question_id)
        with self._engine.connect() as connection:
            return connection.execute(statement).first() is not None

    def record_pick(
        self, question_id: int, *, user_id: int | None, rule_id: str, now: datetime
    ) -> bool:
        """The person meant ``rule_id``: the question now counts as answered by it.

        False when the question is not this person's (nothing changes then).
        """
        values = {
            "picked_rule_id": rule_id,
            "answered": True,
            "feedback": None,
            "feedback_at": require_aware(now, "now"),
        }
        return self._update(question_id, user_id, values)

    def record_feedback(
        self, question_id: int, *, user_id: int | None, feedback: Feedback, now: datetime
    ) -> bool:
        """Store 👍, 👎 or "something else"; the latter makes the question unanswered, and
        so does a 👎 on the principles (no rule answered it: the owners see it with the
        unanswered questions; a 👍 after it answers it again)."""
        values: dict[str, object] = {
            "feedback": Feedback(feedback).value,
            "feedback_at": require_aware(now, "now"),
        }
        if feedback is Feedback.SOMETHING_ELSE:
            values.update(answered=False, picked_rule_id=None)
        else:
            principles = and_(
                _QUESTIONS.c.verdict == Verdict.GENERAL.value, _QUESTIONS.c.rule_id.is_(None)
            )
            answered = true() if feedback is Feedback.HELPFUL else false()
            values["answered"] = case((principles, answered), else_=_QUESTIONS.c.answered)
        return self._update(question_id, user_id, values)

    def _update(self, question_id: int, user_id: int | None, values: dict[str, object]) -> bool:
        statement = (
            sa_update(_QUESTIONS)
            .where(_QUESTIONS.c.id == question_id, _owner(user_id))
            .values(**values)
        )
        with self._engine.begin() as connection:
            return bool(connection.execute(statement).rowcount)

    def proposals(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        unanswered: Sequence[UnansweredQuestion] = (),
        limit: int = 50,
    ) -> Proposals:
        """Picked and not-helpful questions per rule (most asked first), with
        ``unanswered`` (from ``Store.unanswered_questions``) passed through."""
        picked = self._per_rule(
            _QUESTIONS.c.picked_rule_id, col(Question.picked_rule_id).is_not(None), since, until
        )
        not_helpful = self._per_rule(
            _QUESTIONS.c.rule_id,
            and_(
                col(Question.feedback) == Feedback.NOT_HELPFUL.value,
                col(Question.rule_id).is_not(None),
            ),
            since,
            until,
        )
        return Proposals(
            picked=picked[:limit], not_helpful=not_helpful[:limit], unanswered=tuple(unanswered)
        )

    def _per_rule(
        self,
        rule_column: ColumnElement[Any],
        condition: ColumnElement[bool],
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[RuleQuestions, ...]:
        count = func.count().label("count")
        statement = (
            sa_select(
                rule_column,
                _QUESTIONS.c.normalized,
                func.min(_QUESTIONS.c.text).label("example"),
                count,
            )
            .where(condition)
            .group_by(rule_column, _QUESTIONS.c.normalized)
            .order_by(rule_column, count.desc(), _QUESTIONS.c.normalized)
        )
        if since is not None:
            statement = statement.where(_QUESTIONS.c.asked_at >= require_aware(since, "since"))
        if until is not None:
            statement = statement.where(_QUESTIONS.c.asked_at < require_aware(until, "until"))
        grouped: dict[str, list[QuestionCount]] = {}
        with self._engine.connect() as connection:
            for rule_id, _normalized, example, n in connection.execute(statement):
                grouped.setdefault(str(rule_id), []).append(
                    QuestionCount(question=str(example), count=int(n))
                )
        rules = [RuleQuestions(rule_id=r, questions=tuple(qs)) for r, qs in grouped.items()]
        rules.sort(key=lambda r: (-r.total, r.rule_id))
        return tuple(rules)


def _owner(user_id: int | None) -> ColumnElement[bool]:
    if user_id is None:
        return _QUESTIONS.c.user_id.is_(None)
    return _QUESTIONS.c.user_id == user_id
