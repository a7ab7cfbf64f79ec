"""Everyday workplace questions (tests/data/everyday/) get "no rule covers this".

Leave, a badge, the Christmas party: none of it is about what may be posted, whoever's
guidelines it is asked of. The held-out half was written by someone who saw neither the
matcher nor any guidelines and committed before any matcher was asked it; the floors
below hold the matcher at its measured figure (README, "Everyday questions: a known
weakness") so that it gets no worse. ``bench/everyday.py`` prints the full figures.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bot.answering.answer import answer_question
from bot.answering.answerer import Answerer
from bot.answering.evaluation import load_questions
from bot.guidelines import Guidelines, load_guidelines

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
# A day outside any quiet period in the shipped guidelines, so answers do not depend on today.
TODAY = date(2026, 11, 22)

EVERYDAY_UNKNOWN = 0.9
"""Share of the held-out everyday questions (tests/data/everyday/heldout.yaml) asked of
the shipped guidelines and four held-out organisations' (heldout34/ to heldout37/) that get "no rule
covers this": no rule, no rules to pick from, not the principles (measured with the
topic gate: 93.4%, 467 of 500; without it 49.8%)."""
EVERYDAY_MAX_SURE = 10
"""Everyday questions answered with a rule while sure of it, of those 500 (measured: 8,
as without the topic gate: a rule the ranking is sure of stays, see ``fusion.settle``)."""


def _guidelines(folder: Path) -> Guidelines:
    result = load_guidelines(folder)
    assert result.guidelines is not None, [p.render() for p in result.problems]
    return result.guidelines


EVERYDAY_FRESH_UNKNOWN = 0.75
"""The same share for the 100 written later (tests/data/everyday/fresh.yaml, twelve of
them sharing a word with posting: "can I share a hotel room?"), measured once: 80.2%,
401 of 500 (4 sure). Lower than the held-out half: a figure reported, not tuned to."""


@pytest.mark.parametrize(
    ("name", "floor"), [("heldout", EVERYDAY_UNKNOWN), ("fresh", EVERYDAY_FRESH_UNKNOWN)]
)
def test_everyday_questions_get_no_rule(
    bundled_answerer: Answerer, name: str, floor: float
) -> None:
    """A question about leave, a badge or the Christmas party is about none of the
    rules, whoever's guidelines it is asked of: "no rule covers this", with the contact."""
    questions = load_questions(DATA / "everyday" / f"{name}.yaml")
    assert len(questions) == 100 and {q.expect for q in questions} == {"unknown"}
    folders = [ROOT / "guidelines", *(DATA / f"heldout{n}" / "guidelines" for n in range(34, 38))]
    got: Counter[str] = Counter()
    sure = []
    for folder in folders:
        guidelines = _guidelines(folder)
        for q in questions:
            answer = answer_question(
                q.text, guidelines, language=q.language, today=TODAY, answerer=bundled_answerer
            )
            if answer.rule is not None:
                got["rule"] += 1
                if answer.sure:
                    sure.append(f"{q.text} -> {answer.rule.id}")
            elif answer.choices:
                got["choices"] += 1
            elif answer.principles:
                got["principles"] += 1
            else:
                got["unknown"] += 1
    share = got["unknown"] / (len(questions) * len(folders))
    assert share >= floor, f"unknown {share:.1%} < {floor:.0%}: {got}"
    assert len(sure) <= EVERYDAY_MAX_SURE, sure
