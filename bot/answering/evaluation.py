"""Measuring answer quality on labelled questions, and leave-one-out over examples.

Two figures per set: *strict* (the answer's rule is the expected one, or "unknown"
and "general" when those are expected) and *offered* (the expected rule is the
answer, among its related rules, or among the "did you mean" choices; an expected
"unknown" counts only when the answer is "unknown"). Also counted: answers that named
a wrong rule while sure of it, the error people are hurt by most.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from bot.answering.answer import Answer, answer_question
from bot.answering.answerer import Answerer
from bot.guidelines.rules import Guidelines


@dataclass(frozen=True, kw_only=True)
class LabelledQuestion:
    """A question and what should answer it: a rule id, ``general`` or ``unknown``."""

    text: str
    language: str
    expect: str


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """How one question was answered."""

    question: LabelledQuestion
    got: str
    """The rule id, or ``general`` / ``unknown``."""
    sure: bool
    offered: tuple[str, ...]

    @property
    def strict(self) -> bool:
        """Right rule (or right "general"/"unknown")."""
        return self.got == self.question.expect

    @property
    def in_offer(self) -> bool:
        """The expected rule is in the answer, its related rules or its choices."""
        if self.question.expect in ("unknown", "general"):
            return self.strict
        return self.strict or self.question.expect in self.offered

    @property
    def confidently_wrong(self) -> bool:
        """A sure answer with a rule that is not the one meant."""
        return self.sure and self.got not in ("unknown", "general") and not self.strict


@dataclass(frozen=True, kw_only=True)
class Figures:
    """Totals over a set of outcomes."""

    outcomes: tuple[Outcome, ...]

    @property
    def total(self) -> int:
        """How many questions."""
        return len(self.outcomes)

    @property
    def strict(self) -> float:
        """Share answered with the right rule (or rightly "unknown"/"general")."""
        return sum(o.strict for o in self.outcomes) / max(self.total, 1)

    @property
    def offered(self) -> float:
        """Share with the right rule answered or offered."""
        return sum(o.in_offer for o in self.outcomes) / max(self.total, 1)

    @property
    def confidently_wrong(self) -> int:
        """How many sure answers named a wrong rule."""
        return sum(o.confidently_wrong for o in self.outcomes)

    def misses(self) -> list[str]:
        """One line per question not answered strictly right."""
        return [
            f"{o.question.text!r}: expected {o.question.expect}, got {o.got}"
            + ("" if o.sure else " (unsure)")
            + (f", offered {', '.join(o.offered)}" if o.offered else "")
            for o in self.outcomes
            if not o.strict
        ]


def load_questions(path: Path) -> list[LabelledQuestion]:
    """The labelled questions of a YAML file (a list of ``{q, lang, expect}``)."""
    items = YAML(typ="safe").load(path.read_text("utf-8"))
    return [
        LabelledQuestion(text=str(i["q"]), language=str(i["lang"]), expect=str(i["expect"]))
        for i in items
    ]


def outcome(question: LabelledQuestion, answer: Answer) -> Outcome:
    """Compare ``answer`` with what ``question`` expects."""
    got = answer.rule.id if answer.rule else answer.verdict.value
    offered = tuple(r.id for r in (*answer.related, *answer.choices))
    return Outcome(question=question, got=got, sure=answer.sure, offered=offered)


def evaluate(
    questions: Iterable[LabelledQuestion],
    guidelines: Guidelines,
    *,
    answerer: Answerer,
    today: date,
) -> Figures:
    """Ask every question and compare."""
    return Figures(
        outcomes=tuple(
            outcome(
                q,
                answer_question(
                    q.text, guidelines, language=q.language, today=today, answerer=answerer
                ),
            )
            for q in questions
        )
    )


def without_example(guidelines: Guidelines, rule_id: str, example: str) -> Guidelines:
    """The guidelines with one example of one rule taken out (a new version)."""
    rules = tuple(
        dataclasses.replace(r, examples=tuple(e for e in r.examples if e != example))
        if r.id == rule_id
        else r
        for r in guidelines.rules
    )
    return dataclasses.replace(
        guidelines, rules=rules, version=f"{guidelines.version}-loo-{rule_id}-{hash(example)}"
    )


def leave_one_out(
    guidelines: Guidelines,
    *,
    answerer: Answerer,
    today: date,
    rule_ids: Sequence[str] | None = None,
) -> Figures:
    """Ask each example of each active rule with that example removed from the index."""
    outcomes: list[Outcome] = []
    for rule in guidelines.rules:
        if not rule.is_active(today) or (rule_ids is not None and rule.id not in rule_ids):
            continue
        for example in rule.examples:
            reduced = without_example(guidelines, rule.id, example)
            language = _language_of(example, guidelines.languages)
            question = LabelledQuestion(text=example, language=language, expect=rule.id)
            answer = answer_question(
                example, reduced, language=language, today=today, answerer=answerer
            )
            outcomes.append(outcome(question, answer))
    return Figures(outcomes=tuple(outcomes))


def _language_of(text: str, languages: Sequence[str]) -> str:
    from bot.i18n.detect import language_of

    found = language_of(text, fallback=languages[0] if languages else "en")
    return found if found in languages else (languages[0] if languages else "en")
