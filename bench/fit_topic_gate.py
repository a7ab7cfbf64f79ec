"""Fits the topic gate (bot/answering/topic.py) and writes it into the package.

About posting: the shipped guidelines' examples and questions (tests/data/questions.yaml,
tests/data/heldout/shipped_questions.yaml, the regression questions with a sentence of
context before them) and every tuning organisation's questions and examples (see
``bench/matching_samples.TUNING_ORGANISATIONS``). Not about posting: their off-topic
questions, ``general.OFF_TOPIC_EXAMPLES`` and the tuning half of tests/data/everyday/.
No held-out organisation and not the held-out everyday half.

    python bench/fit_topic_gate.py          # fit on everything above, write the gate
    python bench/fit_topic_gate.py --looo   # how it carries: each organisation left out
                                            # in turn, each half of the everyday tuning
                                            # questions asked of a gate fitted on the other
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matching_samples import CONTEXT, TUNING_ORGANISATIONS  # noqa: E402
from bench.train_adapter import plain_embedder  # noqa: E402
from bot.answering.embedding import Embedder  # noqa: E402
from bot.answering.evaluation import load_questions  # noqa: E402
from bot.answering.general import OFF_TOPIC_EXAMPLES  # noqa: E402
from bot.answering.topic import ABOUT_POSTING_MIN, GATE_FILE, TopicGate  # noqa: E402
from bot.guidelines import load_guidelines  # noqa: E402

DATA = ROOT / "tests" / "data"
EVERYDAY_GROUPS = ("everyday-0", "everyday-1")
SCALE = 8.0
"""The unit vectors are scaled up so that plain gradient steps reach a sharp boundary."""
L2 = 1e-3
STEPS = 400
STEP_SIZE = 0.5


@dataclass(frozen=True)
class Texts:
    """Every training text, whether it is about posting, and its group (an organisation,
    "shipped", "examples" or one half of the everyday tuning questions)."""

    texts: list[str]
    about: np.ndarray
    groups: np.ndarray


def _labelled(folder: Path, group: str, out: list[tuple[str, int, str]], *, context: bool) -> None:
    for q in load_questions(folder / "questions.yaml"):
        out.append((q.text, int(q.expect != "unknown"), group))
        if context and q.expect not in ("general", "unknown"):
            prefix = CONTEXT[q.language][0]
            out.append((prefix + q.text[0].lower() + q.text[1:], 1, group))


def _examples(folder: Path, group: str, out: list[tuple[str, int, str]]) -> None:
    guidelines = load_guidelines(folder).guidelines
    assert guidelines is not None, folder
    out.extend((example, 1, group) for rule in guidelines.rules for example in rule.examples)


def training_texts() -> Texts:
    rows: list[tuple[str, int, str]] = []
    _labelled(DATA, "shipped", rows, context=True)
    shipped = load_questions(DATA / "heldout" / "shipped_questions.yaml")
    rows += [(q.text, int(q.expect != "unknown"), "shipped") for q in shipped]
    _examples(ROOT / "guidelines", "shipped", rows)
    for name, folder in TUNING_ORGANISATIONS:
        _labelled(DATA / folder, name, rows, context=False)
        _examples(DATA / folder / "guidelines", name, rows)
    rows += [(text, 0, "examples") for text in OFF_TOPIC_EXAMPLES]
    everyday = load_questions(DATA / "everyday" / "tuning.yaml")
    rows += [(q.text, 0, EVERYDAY_GROUPS[i % 2]) for i, q in enumerate(everyday)]
    texts, about, groups = zip(*rows, strict=True)
    return Texts(list(texts), np.array(about, dtype=np.float64), np.array(groups))


def vectors(embed: Embedder, texts: Sequence[str]) -> np.ndarray:
    v = np.asarray(embed.embed(list(texts), kind="query"), dtype=np.float64)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def fit(x: np.ndarray, about: np.ndarray) -> np.ndarray:
    """Logistic regression, both classes weighted alike; the weights then the bias, for
    unit vectors."""
    x = x * SCALE
    w = np.zeros(x.shape[1])
    b = 0.0
    weight = np.where(about == 1, 0.5 / about.mean(), 0.5 / (1 - about.mean()))
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - about) * weight
        w -= STEP_SIZE * (x.T @ g / len(about) + L2 * w)
        b -= STEP_SIZE * g.mean()
    return np.concatenate([w * SCALE, [b]])


def probability(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ weights[:-1] + weights[-1])))


def gate_without(group: str, embed: Embedder | None = None) -> TopicGate:
    """The gate fitted without ``group``'s texts (for fitting the fusion honestly)."""
    embed = embed or plain_embedder()
    data = training_texts()
    keep = data.groups != group
    x = vectors(embed, [t for t, k in zip(data.texts, keep, strict=True) if k])
    return TopicGate(weights=fit(x, data.about[keep]), model_id=embed.model_id)


def looo(embed: Embedder) -> None:
    data = training_texts()
    x = vectors(embed, data.texts)
    below = ABOUT_POSTING_MIN
    print(f"gate at {below}: share of each organisation's questions below it, left out")
    for name, folder in TUNING_ORGANISATIONS:
        weights = fit(x[data.groups != name], data.about[data.groups != name])
        questions = load_questions(DATA / folder / "questions.yaml")
        p = probability(weights, vectors(embed, [q.text for q in questions]))
        rule = np.array([q.expect != "unknown" for q in questions])
        print(
            f"{name:14} rule questions {np.mean(p[rule] < below):6.1%} (of {rule.sum()})  "
            f"off-topic {np.mean(p[~rule] < below):6.1%} (of {(~rule).sum()})"
        )
    caught = []
    for group in EVERYDAY_GROUPS:
        weights = fit(x[data.groups != group], data.about[data.groups != group])
        caught.extend(probability(weights, x[data.groups == group]) < below)
    print(
        f"everyday tuning questions below it, each half asked of a gate without it: "
        f"{np.mean(caught):.1%} of {len(caught)}"
    )


def main() -> None:
    embed = plain_embedder()
    if "--looo" in sys.argv:
        looo(embed)
        return
    data = training_texts()
    weights = fit(vectors(embed, data.texts), data.about)
    np.savez(GATE_FILE, weights=weights.astype(np.float32), model_id=np.array(embed.model_id))
    print(
        f"wrote {GATE_FILE.relative_to(ROOT)}: {len(data.texts)} texts, "
        f"{int(data.about.sum())} about posting, model {embed.model_id}"
    )


if __name__ == "__main__":
    main()
