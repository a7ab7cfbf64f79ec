"""Questions get the right rule in both languages, and "I don't know" when none fits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from samples import write_guidelines

from bot.answering.answer import answer_question
from bot.guidelines import Guidelines, load_guidelines
from bot.messages import Verdict

TODAY = date(2026, 11, 22)


@pytest.fixture
def guidelines(tmp_path: Path) -> Guidelines:
    result = load_guidelines(write_guidelines(tmp_path / "g"))
    assert result.guidelines is not None
    return result.guidelines


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        ("Mag ik zeggen voor welke klant ik werk?", "client-names"),
        ("mag ik klanten noemen", "client-names"),
        ("Which customers may I mention?", "client-names"),
        ("mag ik de naaam van onze klannt noemen", "client-names"),
        ("can I share a pictur of the ofice", "office-photos"),
        ("kantoorfoto op linkedin zetten, mag dat?", "office-photos"),
        ("we are hiring! may I post the job?", "vacancies"),
    ],
)
def test_matches_rule(guidelines: Guidelines, question: str, rule: str) -> None:
    answer = answer_question(question, guidelines, language="en", today=TODAY)
    assert answer.rule is not None and answer.rule.id == rule
    assert answer.contact is not None and answer.contact.key == answer.rule.owner


@pytest.mark.parametrize(
    "question", ["wat mag ik posten?", "What may I post?", "what are the rules?"]
)
def test_general_question_gets_the_principles(guidelines: Guidelines, question: str) -> None:
    answer = answer_question(question, guidelines, language="nl", today=TODAY)
    assert answer.verdict is Verdict.GENERAL
    assert [p.id for p in answer.principles] == ["add", "solve", "enrich"]
    assert "Voeg toe: Voeg je eigen blik toe." in answer.answer_text(guidelines)


@pytest.mark.parametrize(
    "question",
    ["hoe laat gaat de kantine open?", "what is the wifi password?", "wie wint de Eredivisie?"],
)
def test_off_topic_is_answered_honestly(guidelines: Guidelines, question: str) -> None:
    answer = answer_question(question, guidelines, language="en", today=TODAY)
    assert answer.verdict is Verdict.UNKNOWN and answer.rule is None
    assert answer.contact is not None


def test_rule_outside_its_window_does_not_answer(guidelines: Guidelines) -> None:
    question = "Mag ik iets zeggen over de kwartaalcijfers?"
    inside = answer_question(question, guidelines, language="nl", today=date(2026, 12, 15))
    assert inside.rule is not None and inside.rule.id == "quiet-period"
    assert inside.verdict is Verdict.NOT_ALLOWED
    outside = answer_question(question, guidelines, language="nl", today=date(2027, 1, 29))
    assert outside.rule is None or outside.rule.id != "quiet-period"


def test_answer_json_shape(guidelines: Guidelines) -> None:
    answer = answer_question("Can I name our client?", guidelines, language="en", today=TODAY)
    data = answer.to_json(guidelines)
    assert data["verdict"] == "ask_first"
    assert data["rule"] == "client-names"
    assert data["answer"] == "Ask the client first."
    assert data["language"] == "en"
    assert data["contact"]["name"] == "Security Office"
    assert data["guidelines_version"] == guidelines.version
    assert set(data) >= {
        "verdict",
        "rule",
        "related",
        "answer",
        "language",
        "contact",
        "guidelines_version",
    }
