"""Replies rendered as Adaptive Cards 1.5 (and plain text), by pure functions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from samples import write_guidelines

from adapters.teams.cards import MAX_MESSAGE_BYTES, reply_to_activity, reply_to_card, summary
from bot.answering.answer import answer_question
from bot.checking import check
from bot.guidelines.library import GuidelinesLibrary
from bot.messages import Choice, Choices, Divider, Fact, Field, Form, Link, Option, Reply, Text
from bot.replies import answer_reply, check_reply, notice_reply

TODAY = date(2026, 3, 2)
# The element and action types of Adaptive Cards 1.5 that Teams renders.
KNOWN_TYPES = {
    "TextBlock",
    "RichTextBlock",
    "TextRun",
    "FactSet",
    "ActionSet",
    "Container",
    "Input.Text",
    "Input.Date",
    "Input.ChoiceSet",
    "Input.Toggle",
    "Action.Submit",
    "Action.OpenUrl",
}


def types_in(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("type"), str) and node["type"] != "AdaptiveCard":
            found.add(node["type"])
        for value in node.values():
            found |= types_in(value)
    elif isinstance(node, list):
        for item in node:
            found |= types_in(item)
    return found


def test_answer_card(tmp_path: Path) -> None:
    guidelines = GuidelinesLibrary.open(write_guidelines(tmp_path)).current
    answer = answer_question(
        "Can I name the client I'm working for?", guidelines, language="en", today=TODAY
    )
    card = reply_to_card(answer_reply(answer, guidelines))
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert types_in(card) <= KNOWN_TYPES
    heading, rule = card["body"][0], card["body"][1]
    assert heading["weight"] == "Bolder" and "Ask first" in heading["text"]
    assert rule["type"] == "FactSet" and rule["facts"][0] == {
        "title": "Rule",
        "value": "Client names",
    }
    assert "Client names" in card["fallbackText"]


def test_check_card_quotes_the_draft_literally_and_separates_findings(tmp_path: Path) -> None:
    guidelines = GuidelinesLibrary.open(write_guidelines(tmp_path)).current
    draft = "Proud of **Project Falcon** for _Acme Bank_! [click](https://evil.example)"
    reply = check_reply(
        check(draft, guidelines, language="en", today=TODAY), guidelines, language="en"
    )
    card = reply_to_card(reply)
    quotes = [e for e in card["body"] if e["type"] == "RichTextBlock"]
    assert quotes, "the matched words are quoted"
    assert all(run["type"] == "TextRun" for q in quotes for run in q["inlines"])
    separated = [e for e in card["body"] if e.get("separator")]
    assert len(separated) >= 2  # one per finding, and before the closing note


def test_links_become_buttons_and_odd_links_text() -> None:
    reply = Reply(
        parts=(
            Link(label="LinkedIn", url="https://www.linkedin.com/sharing/share-offsite/?url=x"),
            Link(label="E-mail", url="mailto:?subject=Hi"),
            Link(label="Script", url="javascript:alert(1)"),
        ),
        language="en",
    )
    body = reply_to_card(reply)["body"]
    assert body[0] == {
        "type": "ActionSet",
        "actions": [
            {
                "type": "Action.OpenUrl",
                "title": "LinkedIn",
                "url": "https://www.linkedin.com/sharing/share-offsite/?url=x",
            },
            {"type": "Action.OpenUrl", "title": "E-mail", "url": "mailto:?subject=Hi"},
        ],
    }
    assert body[1]["type"] == "TextBlock" and "javascript:alert(1)" in body[1]["text"]


def test_many_buttons_are_split_in_rows() -> None:
    choices = tuple(
        Choice(label=f"Topic {i}", action="settings.topic", value=str(i)) for i in range(7)
    )
    body = reply_to_card(Reply(parts=(Choices(choices=choices),), language="en"))["body"]
    assert [len(row["actions"]) for row in body] == [5, 2]
    assert body[1]["actions"][0]["data"] == {"merkwerker_action": "settings.topic", "value": "5"}


def test_form_inputs_for_every_field_kind() -> None:
    form = Form(
        title="Queue content",
        action="content.queue",
        submit_label="Queue",
        value="draft-3",
        fields=(
            Field(id="title", label="Title", required=True, placeholder="A short title"),
            Field(id="text", label="Text", kind="textarea", value="Hello"),
            Field(id="url", label="Link", kind="url"),
            Field(id="from", label="From", kind="date", value="2026-05-01"),
            Field(
                id="network",
                label="Network",
                kind="select",
                options=(Option(value="linkedin", label="LinkedIn"), Option(value="x", label="X")),
            ),
            Field(
                id="topics",
                label="Topics",
                kind="multiselect",
                value="ai,hiring",
                options=(Option(value="ai", label="AI"), Option(value="hiring", label="Hiring")),
            ),
        ),
    )
    body = reply_to_card(Reply(parts=(form,), language="nl"))["body"]
    inputs = {e["id"]: e for e in body if e["type"].startswith("Input.")}
    assert inputs["field_title"] == {
        "id": "field_title",
        "label": "Title",
        "type": "Input.Text",
        "maxLength": 1000,
        "placeholder": "A short title",
        "isRequired": True,
        "errorMessage": "Vul Title in.",
    }
    assert inputs["field_text"]["isMultiline"] is True and inputs["field_text"]["value"] == "Hello"
    assert inputs["field_url"]["style"] == "Url"
    assert inputs["field_from"] == {
        "id": "field_from",
        "label": "From",
        "type": "Input.Date",
        "value": "2026-05-01",
    }
    assert inputs["field_network"]["style"] == "compact"
    assert inputs["field_network"]["choices"] == [
        {"title": "LinkedIn", "value": "linkedin"},
        {"title": "X", "value": "x"},
    ]
    assert (
        inputs["field_topics"]["isMultiSelect"] is True
        and inputs["field_topics"]["value"] == "ai,hiring"
    )
    submit = body[-1]["actions"][0]
    assert submit == {
        "type": "Action.Submit",
        "title": "Queue",
        "data": {"merkwerker_action": "content.queue", "value": "draft-3"},
    }


def test_plain_sentences_are_a_plain_text_message() -> None:
    activity = reply_to_activity(notice_reply("input.empty", language="en"))
    assert activity == {
        "type": "message",
        "textFormat": "plain",
        "text": "I didn't get any text. Ask me a question, or paste a draft to check.",
    }
    assert "attachments" in reply_to_activity(notice_reply("input.empty", language="en"), card=True)


def test_divider_then_fact_starts_a_separated_fact_set() -> None:
    reply = Reply(
        parts=(
            Fact(label="A", value="1"),
            Divider(),
            Fact(label="B", value="2"),
            Fact(label="C", value="3"),
        ),
        language="en",
    )
    body = reply_to_card(reply)["body"]
    assert [len(e["facts"]) for e in body] == [1, 2]
    assert body[1]["separator"] is True


def test_large_replies_stay_under_the_teams_limit() -> None:
    big = Reply(parts=tuple(Text(text="é" * 3_000) for _ in range(20)), language="en", kind="x")
    activity = reply_to_activity(big, card=True)
    assert len(json.dumps(activity, ensure_ascii=False).encode()) <= MAX_MESSAGE_BYTES + 200
    huge = Reply(
        parts=tuple(Fact(label=f"L{i}", value="v" * 500) for i in range(200)), language="en"
    )
    activity = reply_to_activity(huge)
    assert "attachments" not in activity
    assert len(activity["text"].encode()) <= MAX_MESSAGE_BYTES
    assert activity["text"].endswith("…")


def test_summary_is_the_first_text_as_written() -> None:
    reply = Reply(
        parts=(Text(text="Your weekly\ndigest", style="heading"), Text(text="More")), language="en"
    )
    assert summary(reply) == "Your weekly digest"
    assert (
        summary(Reply(parts=(Fact(label="Rule", value="Client names"),), language="en"))
        == "Rule: Client names"
    )


def test_did_you_mean_and_helpful_are_card_buttons(tmp_path: Path) -> None:
    import dataclasses

    guidelines = GuidelinesLibrary.open(write_guidelines(tmp_path)).current
    answer = answer_question(
        "Can I name the client I'm working for?", guidelines, language="en", today=TODAY
    )
    other = guidelines.rule("office-photos")
    assert answer.rule is not None and other is not None
    unsure = dataclasses.replace(answer, sure=False, choices=(answer.rule, other), question_id=42)
    card = reply_to_card(answer_reply(unsure, guidelines))
    assert types_in(card) <= KNOWN_TYPES
    text = json.dumps(card, ensure_ascii=False)
    assert "not sure I understood" in text and "Did you mean:" in text
    submits = [
        a["data"]
        for node in card["body"] + card.get("actions", [])
        if isinstance(node, dict)
        for a in node.get("actions", [node] if node.get("type") == "Action.Submit" else [])
        if a.get("type") == "Action.Submit"
    ]
    actions = {(d["merkwerker_action"], d.get("value")) for d in submits}
    assert ("answer.pick", "42:office-photos") in actions
    assert ("answer.none", "42") in actions
    assert ("answer.down", "42:client-names") in actions
