"""The owners' loop in a conversation: "did you mean", 👍/👎, proposals, --apply.

Each test talks to the bot on a copy of the shipped guidelines, as someone at the
console whose language the bot works out from what they type, and reads what was
recorded from the person's privacy export and the proposals report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Chat, Person, open_chat
from test_cli import run

from bot.messages import Platform

UNSURE = "Mag ik vacatures van Voorbeeld Energie doorsturen?"
"""Two rules fit (vacancies, saying where you work): the bot answers with the likelier
one, says it is unsure, and offers the other."""
OTHER = "Laat zien dat je hier werkt"
"""The title of the rule offered beside it (disclose-employer)."""


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, shipped_guidelines=True) as conversation:
        yield conversation


@pytest.fixture
def ann(chat: Chat) -> Person:
    return chat.person("ann", language=None, platform=Platform.CONSOLE)


def questions(chat: Chat) -> list[dict[str, Any]]:
    """Ann's questions as her privacy export lists them, oldest first."""
    document = chat.export("ann", platform=Platform.CONSOLE)
    found: list[dict[str, Any]] = document["questions"]
    return found


def test_an_unsure_answer_offers_choices_and_a_pick_answers_and_is_recorded(
    chat: Chat, ann: Person
) -> None:
    first = ann.say(UNSURE)
    assert "Ik weet niet zeker of ik je goed begrijp" in first
    assert "Bedoelde je:" in first and "Iets anders" in first
    picked = ann.click(OTHER)
    assert f"Regel: {OTHER}" in picked
    assert "Ik heb genoteerd dat je vraag over deze regel gaat" in picked
    last = questions(chat)[-1]
    assert (last["text"], last["picked_rule"], last["answered"]) == (
        UNSURE,
        "disclose-employer",
        True,
    )


def test_something_else_records_the_question_as_unanswered(chat: Chat, ann: Person) -> None:
    ann.say(UNSURE)
    seen = ann.click("Iets anders")
    assert "Dan is hier nog geen regel voor" in seen
    assert "ik heb je vraag genoteerd" in seen
    last = questions(chat)[-1]
    assert (last["text"], last["picked_rule"], last["feedback"], last["answered"]) == (
        UNSURE,
        None,
        "something_else",
        False,
    )


def test_thumbs_down_is_recorded_with_the_rule_and_thumbs_up_too(chat: Chat, ann: Person) -> None:
    question = "Can I post our profit numbers?"
    assert "Helpful?" in ann.say(question)
    ann.say(question)
    assert "passed it on to the owners of this rule" in ann.click("👎")
    ann.say(question)
    assert "Thanks for letting me know" in ann.click("👍")
    assert [(q["rule"], q["feedback"]) for q in questions(chat)] == [
        ("financial-results", None),
        ("financial-results", "not_helpful"),
        ("financial-results", "helpful"),
    ]


def test_thumbs_down_on_the_principles_reaches_the_owners_as_unanswered(
    chat: Chat, ann: Person
) -> None:
    """The principles answer no rule's question: a 👎 on them said "passed it on to the
    owners of this rule" and showed up nowhere."""
    question = "What may I post?"
    assert "Helpful?" in ann.say(question)
    said = ann.click("👎")
    assert "passed it on to the owners of the guidelines" in said
    assert "owners of this rule" not in said
    listed = chat.cli("guidelines", "proposals", "--json", "-g", str(chat.guidelines))
    assert listed.returncode == 0, listed.stderr
    unanswered = json.loads(listed.stdout)["unanswered"]
    assert [entry["question"] for entry in unanswered] == [question]
    ann.say(question)
    ann.click("👍")
    [first, second] = questions(chat)
    assert (first["feedback"], first["answered"]) == ("not_helpful", False)
    assert (second["feedback"], second["answered"]) == ("helpful", True)


def test_commands_and_stray_numbers_are_never_recorded_as_questions(
    chat: Chat, ann: Person
) -> None:
    said = [ann.say(line).text for line in ("help", "clear", "7", "[12]", "reset")]
    ann.say("Can I name our client?")
    # A one-word command says nothing about the language: the default (Dutch) is used.
    out = "\n".join(said)
    assert out.count("looks like a command") + out.count("lijkt een opdracht") == 4
    assert [q["text"] for q in questions(chat)] == ["Can I name our client?"]


def test_buttons_typed_in_other_forms_and_stray_symbols_are_not_questions(
    chat: Chat, ann: Person
) -> None:
    """ "(2)", "1.", "#3", "2)", "👍", "²" and "①" typed at the console are no questions
    (the last two stopped the console with a traceback)."""
    ann.say("Can I name our client?")
    for line in ("(9)", "9.", "#9", "9)", "²", "①"):
        assert "looks like a command" in ann.say(line).text
    assert ann.say("👍").text.startswith("👍 Ask me anything else")
    assert [q["text"] for q in questions(chat)] == ["Can I name our client?"]


def test_a_command_is_answered_in_the_language_the_person_wrote_in_before(
    chat: Chat, ann: Person
) -> None:
    ann.say("Can I post our profit numbers?")
    assert "I answer in the language you write in" in ann.say("help").text
    assert "looks like a command" in ann.say("7").text
    ann.say("Mag ik onze jaarcijfers delen?")
    assert "ik antwoord in de taal waarin je schrijft" in ann.say("help").text


def test_a_pick_becomes_a_proposal_and_apply_makes_it_an_example(chat: Chat, ann: Person) -> None:
    folder = chat.guidelines
    ann.say(UNSURE)
    ann.click(OTHER)
    listed = chat.cli("guidelines", "proposals", "--json", "-g", str(folder))
    assert listed.returncode == 0, listed.stderr
    picked = {entry["rule"]: entry for entry in json.loads(listed.stdout)["picked"]}
    assert picked["disclose-employer"]["questions"][0]["question"] == UNSURE
    applied = chat.cli(
        "guidelines", "proposals", "--apply", "disclose-employer", UNSURE, "-g", str(folder)
    )
    assert applied.returncode == 0, applied.stderr
    assert UNSURE in "".join(p.read_text("utf-8") for p in folder.glob("*.yaml"))
    # The same question is now answered with the picked rule, without doubt.
    asked = run("ask", UNSURE, "-g", str(folder), "--json")
    answer = json.loads(asked.stdout)
    assert answer["rule"] == "disclose-employer" and answer["choices"] == []


def test_ask_on_the_command_line_does_not_claim_to_have_noted_the_question(
    chat: Chat,
) -> None:
    done = run("ask", "Hoeveel vakantiedagen heb ik nog?", "-g", str(chat.guidelines))
    out = done.stdout.decode()
    assert done.returncode == 0
    assert "Hier is nog geen regel voor" in out
    assert "genoteerd" not in out and "noted" not in out


def test_the_answer_to_a_pick_promises_only_what_happens(chat: Chat, ann: Person) -> None:
    """It said "so I'll recognise it next time", but a pick only reaches the owners: the
    same question is as unsure as before until an owner adds it as an example."""
    ann.say(UNSURE)
    picked = ann.click(OTHER)
    assert "volgende keer" not in picked.text
    assert "doorgegeven aan de eigenaren van de richtlijnen" in picked.text
    again = ann.say(UNSURE)
    assert "Ik weet niet zeker of ik je goed begrijp" in again and "Bedoelde je:" in again


def test_dutch_commands_and_thanks_are_never_recorded_as_questions(chat: Chat, ann: Person) -> None:
    """ "stoppen" (the console's own quit word), "wissen", "opnieuw", "afsluiten", "prima"
    and "dank je wel" reached the owners as unanswered questions, and so did "top,
    bedankt", "oké, duidelijk" and "super". Thanks get "you're welcome", not "that looks
    like a command"."""
    for line in ("stoppen", "Wissen", "opnieuw", "afsluiten"):
        assert "lijkt een opdracht" in ann.say(line).text
    for line in ("Dank je wel!", "dank u", "top, bedankt voor de hulp 🙏"):
        assert ann.say(line).text.startswith("Graag gedaan!")
    for line in ("prima", "Oké, duidelijk", "super", "👍🏻"):
        assert ann.say(line).text.startswith("👍 Vraag me gerust nog iets over posten")
    ann.say("Mag ik onze jaarcijfers delen?")
    assert [q["text"] for q in questions(chat)] == ["Mag ik onze jaarcijfers delen?"]


def test_thanks_with_a_question_in_it_is_a_question(chat: Chat, ann: Person) -> None:
    """Only a message that does nothing but thank is kept from the owners' lists."""
    said = ann.say("Bedankt! En mag ik een foto van ons kantoor posten?")
    assert "Graag gedaan" not in said.text
    assert [q["text"] for q in questions(chat)] == [
        "Bedankt! En mag ik een foto van ons kantoor posten?"
    ]


def test_an_unsure_answer_with_no_other_rule_still_offers_something_else(
    chat: Chat, ann: Person
) -> None:
    """With no other likely rule, an unsure answer had no "Something else": the person
    could only press 👎, which told the rule's owners their answer did not help rather
    than that the question has no rule."""
    question = (
        "I'm joining the climate march this weekend, am I allowed to post about it on my "
        "personal Insta?"
    )
    seen = ann.say(question)
    assert "I'm not sure I understood you" in seen
    assert "Not what you meant?" in seen and "Did you mean" not in seen
    after = ann.click("Something else")
    assert "Then no rule covers it yet: I've noted your question" in after
    last = questions(chat)[-1]
    assert (last["feedback"], last["answered"]) == ("something_else", False)
