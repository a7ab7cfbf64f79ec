"""The questions the READMEs quote, asked as they are written there (the model tells
capitals apart), get what the READMEs say they get.

When one of these fails after a change to the matching, change the README's example
to one that holds, and the line here with it; do not tune the matcher to an example.
"""

from __future__ import annotations

import json

import pytest
from harness import merkwerker


def ask(question: str) -> dict[str, object]:
    done = merkwerker("ask", "--json", question, timeout=60)
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


@pytest.mark.parametrize(
    ("question", "verdict", "rule"),
    [
        # README, the introduction and "Try it".
        ("mag ik zeggen voor welke klant ik werk?", "ask_first", "client-names"),
        ("can I share a photo of the office?", "allowed", "office-photos"),
        ("can I name our client?", "ask_first", "client-names"),
        # adapters/slack/README.md and adapters/teams/README.md, "Try it".
        ("Mag ik een foto van ons kantoor delen?", "allowed", "office-photos"),
        ("can I post a photo of the office?", "allowed", "office-photos"),
        # README, "How answering works": an owner's own rule the ranking is sure of
        # stays, though the topic gate would hold the question for everyday work.
        ("how does the referral bonus work?", "allowed", "referrals"),
    ],
)
def test_a_quoted_question_gets_its_rule_without_doubt(
    question: str, verdict: str, rule: str
) -> None:
    data = ask(question)
    assert (data["verdict"], data["rule"], data["choices"]) == (verdict, rule, []), data


@pytest.mark.parametrize(
    "question",
    [
        "wat mag ik posten?",
        "what may I post?",
        "what are the do's and don'ts?",
        "wat zijn de regels?",
    ],
)
def test_a_quoted_general_question_gets_the_principles(question: str) -> None:
    data = ask(question)
    assert (data["verdict"], data["rule"]) == ("general", None), data


@pytest.mark.parametrize(
    "question",
    [
        # README, "How answering works": below the topic gate, and the examples of a
        # question nearer to everyday work than to any rule.
        "is there a Christmas party this year?",
        "waar vind ik de interne vacatures?",
        "hoe bestel ik een grotere werkjas?",
        "can I expense LinkedIn Premium?",
    ],
)
def test_a_quoted_everyday_question_gets_the_contact_and_nothing_to_pick(question: str) -> None:
    data = ask(question)
    assert (data["verdict"], data["rule"], data["choices"]) == ("unknown", None, []), data
    assert data["contact"] is not None
