"""Questions about a link ("can I share this https://…?"): the bot cannot open the page.

Such a question used to be checked as a draft (its only "text" was the link) and said
"looks good"; asked with a question mark, the words of the link's address decided the
rule ("…/nieuws/nieuwe-windpark-opening" got "⛔ not allowed" from the rule on
unreleased products). Now it is a question, matched on its words and the link's site,
and the answer says the page was not read.
"""

from __future__ import annotations

import json

import pytest
from harness import Chat, Person
from test_cli import run

from bot.messages import Platform

NEWS = "https://www.voorbeeld.nl/nieuws/nieuwe-windpark-opening?utm_source=intranet"
UNREAD_EN = "I can't open links, so this answer goes by your words and the link's website"
UNREAD_NL = "Links kan ik niet openen: dit antwoord gaat uit van je woorden"


@pytest.fixture
def chat(shipped_chat: Chat) -> Chat:
    return shipped_chat


@pytest.fixture
def ann(chat: Chat) -> Person:
    """Someone at the console whose language the bot works out from what they type."""
    return chat.person("ann", language=None, platform=Platform.CONSOLE)


@pytest.mark.parametrize("question", [f"can i share this {NEWS}", f"Can I share this? {NEWS}"])
def test_a_question_about_a_link_is_answered_from_the_rules(
    chat: Chat, ann: Person, question: str
) -> None:
    seen = ann.say(question)
    assert "Rule: Sharing company posts" in seen
    assert "Unreleased products" not in seen and "Not allowed" not in seen
    assert UNREAD_EN in seen
    assert "Helpful?" in seen  # an answer, recorded as a question for the owners
    document = chat.export("ann", platform=Platform.CONSOLE)
    assert [q["text"] for q in document["questions"]] == [question]


def test_a_dutch_question_with_a_colon_before_the_link_is_a_question(ann: Person) -> None:
    seen = ann.say("Mag ik dit posten: https://werkenbij.voorbeeld.nl/vacatures/monteur-1234")
    assert "Regel: Vacatures" in seen
    assert UNREAD_NL in seen


@pytest.mark.parametrize(
    "draft",
    [
        "Trots op ons team, wat een mooi project! https://www.voorbeeld.nl/nieuws",
        "Kun je dit controleren? https://www.voorbeeld.nl/nieuws",
    ],
)
def test_a_draft_with_a_link_or_a_request_to_check_one_is_still_checked(
    ann: Person, draft: str
) -> None:
    seen = ann.say(draft)
    assert "Ik lees de woorden van je concept, niet de pagina" in seen
    assert "Regel:" not in seen and UNREAD_NL not in seen


def test_ask_on_the_command_line_matches_the_site_not_the_words_of_the_address() -> None:
    asked = run("ask", f"can i share this {NEWS}", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["rule"] == "company-content"
    assert answer["verdict"] == "allowed"


def test_a_link_question_the_owners_added_as_an_example_is_answered_without_doubt(
    chat: Chat, ann: Person
) -> None:
    """The example is found as written, link and all, before the link is set aside."""
    question = f"Can I share this? {NEWS}"
    ann.say(question)
    folder = str(chat.guidelines)
    added = chat.cli(
        "guidelines", "proposals", "--apply", "company-content", question, "-g", folder
    )
    assert added.returncode == 0, added.stderr
    asked = run("ask", question, "-g", folder, "--json")
    answer = json.loads(asked.stdout)
    assert (answer["rule"], answer["choices"]) == ("company-content", [])
