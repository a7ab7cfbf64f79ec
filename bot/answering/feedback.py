"""What people told the bot about its answers, and the lists the rule owners work from.

A "did you mean" pick ties a question to the rule the person meant; "something else"
and a 👎 say the answer did not help. Owners read these as proposals: questions to add
as examples to a rule, and questions that need a new rule.

These are the typed values; ``bot.answering.store.FeedbackStore`` reads and writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Feedback(StrEnum):
    """What a person said about an answer."""

    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    SOMETHING_ELSE = "something_else"
    """None of the offered rules was meant: the question counts as unanswered."""


@dataclass(frozen=True, kw_only=True)
class UnansweredQuestion:
    """A group of unanswered questions that read the same once normalized."""

    normalized: str
    example: str
    """One of the questions as it was asked."""
    count: int
    first_asked: datetime
    last_asked: datetime


@dataclass(frozen=True, kw_only=True)
class AskedQuestion:
    """A question as stored, for the person who asked it."""

    id: int
    text: str
    language: str
    rule_id: str | None
    choices: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class QuestionCount:
    """Questions that read the same once normalized, and how often they were asked."""

    question: str
    """One of them as it was asked."""
    count: int


@dataclass(frozen=True, kw_only=True)
class RuleQuestions:
    """Questions tied to one rule (picked for it, or marked not helpful with it)."""

    rule_id: str
    questions: tuple[QuestionCount, ...]

    @property
    def total(self) -> int:
        """How many questions in all."""
        return sum(q.count for q in self.questions)


@dataclass(frozen=True, kw_only=True)
class Proposals:
    """What the rule owners can turn into examples or new rules."""

    picked: tuple[RuleQuestions, ...]
    """Per rule, questions people matched to it by picking it from the choices."""
    not_helpful: tuple[RuleQuestions, ...]
    """Per rule, questions whose answer with that rule got a 👎."""
    unanswered: tuple[UnansweredQuestion, ...]
