"""Answering "may I post ...?" from the guidelines, citing the rule and its owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.answering.answerer import Answerer, default_answerer
from bot.answering.general import GENERAL_ID
from bot.answering.matcher import MatchResult
from bot.answering.text import content_words
from bot.guidelines.rules import Contact, Guidelines, Principle, Rule
from bot.messages import Verdict


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The answer to one question, with everything needed to show and record it."""

    question: str
    verdict: Verdict
    language: str
    guidelines_version: str
    rule: Rule | None = None
    related: tuple[Rule, ...] = ()
    contact: Contact | None = None
    principles: tuple[Principle, ...] = ()
    confidence: float = 0.0
    sure: bool = True
    """False when the rule is the likeliest of several (or none fits well enough)."""
    choices: tuple[Rule, ...] = ()
    """Rules to offer as "did you mean", best first; empty when sure or off-topic."""
    recorded: bool = False
    """True once the question is stored for the rule owners."""
    question_id: int | None = None
    """The stored question's id, for "did you mean" picks and feedback."""

    def answer_text(self, guidelines: Guidelines) -> str:
        """The rule's answer (or the principles) in the answer's language."""
        if self.rule is not None:
            return guidelines.text(self.rule.answer, self.language)
        if self.principles:
            lang = self.language
            return "\n".join(
                f"{guidelines.text(p.title, lang)}: {guidelines.text(p.text, lang)}"
                for p in self.principles
            )
        return ""

    def to_json(self, guidelines: Guidelines) -> dict[str, Any]:
        """The stable JSON shape of ``merkwerker ask --json``."""
        contact = None
        if self.contact is not None:
            contact = {
                "key": self.contact.key,
                "name": self.contact.name,
                "where": self.contact.where,
                "email": self.contact.email,
            }
        return {
            "verdict": self.verdict.value,
            "rule": self.rule.id if self.rule else None,
            "title": guidelines.text(self.rule.title, self.language) if self.rule else None,
            "related": [r.id for r in self.related],
            "answer": self.answer_text(guidelines) or None,
            "language": self.language,
            "contact": contact,
            "guidelines_version": self.guidelines_version,
            "choices": [r.id for r in self.choices],
        }


def fallback_contact(guidelines: Guidelines) -> Contact | None:
    """Who to ask when no rule fits: the owner of most rules, else the first contact."""
    if not guidelines.contacts:
        return None
    counts: dict[str, int] = {}
    for rule in guidelines.rules:
        counts[rule.owner] = counts.get(rule.owner, 0) + 1
    preferred = ("comms", "communicatie", "communications")
    for key in preferred:
        if key in guidelines.contacts:
            return guidelines.contacts[key]
    if counts:
        return guidelines.contacts.get(max(counts, key=lambda k: counts[k]))
    return next(iter(guidelines.contacts.values()))


def answer_question(
    question: str,
    guidelines: Guidelines,
    *,
    language: str,
    today: date,
    answerer: Answerer | None = None,
) -> Answer:
    """Answer ``question`` from ``guidelines`` in ``language``; never invents an answer.

    A general question gets the principles (verdict GENERAL); a question that no rule
    fits well enough gets verdict UNKNOWN with the contact to ask instead, and the
    rules it might be about as ``choices``. A likely but unsure answer has
    ``sure=False`` and the alternatives as ``choices``.
    """
    version = guidelines.version
    if not content_words(question):
        # Nothing specific in it: "wat mag ik posten?", "what can I share?".
        return Answer(
            question=question,
            language=language,
            guidelines_version=version,
            verdict=Verdict.GENERAL,
            principles=guidelines.principles,
        )
    result: MatchResult = (answerer or default_answerer()).match(question, guidelines, today=today)
    best = result.best
    choices = tuple(r for c in result.choices if (r := guidelines.rule(c.rule_id)) is not None)
    if best is None:
        return Answer(
            question=question,
            language=language,
            guidelines_version=version,
            verdict=Verdict.UNKNOWN,
            contact=fallback_contact(guidelines),
            sure=False,
            choices=choices,
        )
    confidence = best.probability if best.probability is not None else best.coverage
    if best.rule_id == GENERAL_ID:
        return Answer(
            verdict=Verdict.GENERAL,
            principles=guidelines.principles,
            confidence=confidence,
            question=question,
            language=language,
            guidelines_version=version,
        )
    rule = guidelines.rule(best.rule_id)
    assert rule is not None  # the index is built from these guidelines
    related = tuple(r for c in result.related if (r := guidelines.rule(c.rule_id)) is not None)
    return Answer(
        verdict=rule.verdict,
        rule=rule,
        related=related,
        contact=guidelines.contacts.get(rule.owner),
        confidence=confidence,
        sure=result.sure,
        choices=choices,
        question=question,
        language=language,
        guidelines_version=version,
    )
