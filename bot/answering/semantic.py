"""Semantic similarity between a question and each rule, from sentence embeddings.

A rule is represented by all its texts: the examples (embedded as questions, since
they are questions), its title in every language, its keywords and its answer in
every language (embedded as passages). Because the model is multilingual, an English
question finds a rule whose examples are only Dutch, and the reverse.

A rule whose texts are near everything (see ``bot.answering.hubness``) has that much taken off its
similarity to questions, so that one generic rule does not become the nearest rule to
questions about other things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from bot.answering.embedding import Embedder, Kind, Vectors
from bot.answering.hubness import hubness
from bot.answering.text import content_words
from bot.answering.vector_cache import VectorCache

Scores = npt.NDArray[np.float64]


def focus(text: str) -> str:
    """The words of a question that carry its topic, without the frame around them.

    Every example and question shares a frame ("Mag ik ... op LinkedIn zetten?", "Is it
    ok to share ...?") that dominates a small model's embedding; without it the nearest
    example is far more often one of the right rule (leave-one-out over the shipped
    examples: 44% with the frame, 64% without; see bench/tune_matching.py).
    """
    return " ".join(content_words(text)) or text


@dataclass(frozen=True, kw_only=True)
class RuleText:
    """One text of a rule, and what it is (example, title, keywords or answer)."""

    rule: int
    """Position of the rule in the index's rule list."""
    text: str
    role: str


QUESTION_CHARS = 600
"""How much of a question is embedded (about 150 tokens)."""

# How each text is compared: its topic words (every short text), the example as a
# person wrote it (so that context around the topic also counts), or the answer.
_FORMS = ("topic", "whole", "answer")


def _rows(texts: Sequence[RuleText]) -> list[tuple[str, int, str, Kind]]:
    rows: list[tuple[str, int, str, Kind]] = []
    for t in texts:
        if t.role == "answer":
            rows.append(("answer", t.rule, t.text, "passage"))
            continue
        rows.append(("topic", t.rule, focus(t.text), "query" if t.role == "example" else "passage"))
        if t.role == "example":
            rows.append(("whole", t.rule, t.text, "query"))
    return rows


@dataclass(frozen=True, kw_only=True)
class Similarities:
    """Per rule, the best cosine similarity of the question to its texts (-1 if none)."""

    short: Scores
    """To the topic words of its examples, titles and keywords."""
    whole: Scores
    """To its examples as written, question as written."""
    answer: Scores
    """To its answer, question as written."""
    answer_topic: Scores
    """To its answer, the question's topic words."""
    centroid: Scores
    """To the mean of all its texts, the question's topic words."""
    centroid_whole: Scores
    """To the mean of all its texts, question as written."""
    hub: Scores
    """How near the rule's texts come to other rules' texts (see ``_hubness``); the same
    for every question."""
    off_topic: float
    """Similarity to everyday workplace questions that no rule is about."""

    @cached_property
    def typical(self) -> Typical:
        """Medians and maxima over the rules, computed once per question."""
        return Typical(
            short_median=_median(self.short),
            short_max=float(self.short.max()),
            whole_median=_median(self.whole),
            whole_max=float(self.whole.max()),
            answer_median=_median(self.answer),
            answer_topic_median=_median(self.answer_topic),
            centroid_median=_median(self.centroid),
            centroid_whole_median=_median(self.centroid_whole),
        )


@dataclass(frozen=True, kw_only=True)
class Typical:
    """What a rule's similarity is compared with: the median rule and the best one."""

    short_median: float
    short_max: float
    whole_median: float
    whole_max: float
    answer_median: float
    answer_topic_median: float
    centroid_median: float
    centroid_whole_median: float


def _median(scores: Scores) -> float:
    """The median of the rules that have such a text (-1 marks none)."""
    present = scores[scores > -1]
    return float(np.median(present)) if present.size else 0.0


class SemanticIndex:
    """Embeddings of every rule text of one guidelines version."""

    def __init__(
        self,
        texts: Sequence[RuleText],
        *,
        rule_count: int,
        embedder: Embedder,
        cache: VectorCache,
        off_topic: Sequence[str] = (),
    ) -> None:
        self.embedder = embedder
        self._rule_count = rule_count
        rows = _rows(texts)
        blocks: dict[str, Vectors] = {}
        owners: dict[str, npt.NDArray[np.int64]] = {}
        for form in _FORMS:
            parts = [r for r in rows if r[0] == form]
            vectors = [
                cache.embed(embedder, [r[2] for r in parts if r[3] == kind], kind=kind)
                for kind in ("query", "passage")
                if any(r[3] == kind for r in parts)
            ]
            ordered = [r for kind in ("query", "passage") for r in parts if r[3] == kind]
            blocks[form] = np.concatenate(vectors) if vectors else np.zeros((0, 1), np.float32)
            owners[form] = np.array([r[1] for r in ordered], dtype=np.int64)
        self._blocks = blocks
        self._owners = owners
        # Each rule's centroid: the mean of all its texts, so a rule is also judged as
        # a whole, not only by its single nearest text.
        centroids = np.zeros((rule_count, blocks["topic"].shape[1]), dtype=np.float64)
        for form in _FORMS:
            if len(blocks[form]):
                np.add.at(centroids, owners[form], blocks[form].astype(np.float64))
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self._centroids = (centroids / norms).astype(np.float32)
        self._hub = hubness(blocks["topic"], owners["topic"], rule_count)
        self._off_topic: Vectors | None = (
            cache.embed(embedder, list(off_topic), kind="query") if off_topic else None
        )

    def embed_question(self, question: str, *, topic: str | None = None) -> Vectors:
        """The question's two vectors: its topic words, and as written (see ``focus``).

        ``topic`` is the question with what says nothing about the rule taken out (the
        organisation's name); its topic words are taken from that. Only the first
        ``QUESTION_CHARS`` characters count: the model's cost grows with the length (a
        pasted 2,000 characters took half a second), and a question says what it is
        about well before that.
        """
        question = question[:QUESTION_CHARS]
        topic = focus((question if topic is None else topic)[:QUESTION_CHARS])
        if topic == question:
            vector = self.embedder.embed([question], kind="query")
            return np.concatenate([vector, vector])
        return self.embedder.embed([topic, question], kind="query")

    def similarities(self, question_vectors: Vectors) -> Similarities:
        """Cosine similarity of the question to each rule's texts."""
        topic, whole = question_vectors[0], question_vectors[1]
        per_form = {}
        pairs = (
            ("topic", "topic", topic),
            ("whole", "whole", whole),
            ("answer", "answer", whole),
            ("answer_topic", "answer", topic),
        )
        for name, form, vector in pairs:
            scores = np.full(self._rule_count, -1.0)
            block = self._blocks[form]
            if len(block):
                np.maximum.at(scores, self._owners[form], (block @ vector).astype(np.float64))
            per_form[name] = scores
        for name in ("topic", "whole"):
            present = per_form[name] > -1
            per_form[name][present] -= HUB_DISCOUNT * self._hub[present]
        centroid = (self._centroids @ topic).astype(np.float64)
        off_topic = -1.0
        if self._off_topic is not None:
            off_topic = float(max((self._off_topic @ topic).max(), (self._off_topic @ whole).max()))
        return Similarities(
            short=per_form["topic"],
            whole=per_form["whole"],
            answer=per_form["answer"],
            answer_topic=per_form["answer_topic"],
            centroid=centroid,
            centroid_whole=(self._centroids @ whole).astype(np.float64),
            hub=self._hub,
            off_topic=off_topic,
        )


HUB_DISCOUNT = 0.5
"""How much of a rule's hubness is taken off its similarity to the examples."""
