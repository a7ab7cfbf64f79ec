"""The button actions of an answer: "did you mean" picks and helpful / not helpful.

Values carry the stored question's id (empty when nothing is stored), so a press
can be recorded against the question it belongs to, and only by the person who
asked it.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "answer"
PICK = "answer.pick"
"""Value ``"<question id>:<rule id>"``: the person meant this rule."""
NONE = "answer.none"
"""Value ``"<question id>"``: none of the offered rules was meant."""
HELPFUL = "answer.up"
NOT_HELPFUL = "answer.down"
"""Value ``"<question id>:<rule id>"`` (rule id empty for the principles)."""


@dataclass(frozen=True, kw_only=True)
class ActionValue:
    """A parsed button value."""

    question_id: int | None
    rule_id: str | None


def value_for(question_id: int | None, rule_id: str | None = None) -> str:
    """The button value for a question (and a rule)."""
    head = "" if question_id is None else str(question_id)
    return head if rule_id is None else f"{head}:{rule_id}"


def parse_value(value: str) -> ActionValue:
    """The question id and rule id in a button value; missing or malformed parts are None."""
    head, _, rule = value.partition(":")
    question_id = int(head) if head.isdigit() and len(head) < 19 else None
    rule_id = rule.strip() or None
    return ActionValue(question_id=question_id, rule_id=rule_id)
