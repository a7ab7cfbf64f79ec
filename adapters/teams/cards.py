"""The core's replies as Teams messages: Adaptive Cards 1.5 with a plain-text fallback.

Pure functions from a ``Reply`` to the JSON of a Bot Framework message activity. Buttons
(``Choices``) become ``Action.Submit`` carrying ``{"merkwerker_action", "value"}``; links
become ``Action.OpenUrl``; a ``Form`` becomes inputs and a submit button. Text that people
wrote (quotes of a draft) goes into ``TextRun``s, which Teams never reads as markdown.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from adapters.common.text import cut
from adapters.teams.activities import ACTION_KEY, FIELD_PREFIX, VALUE_KEY
from bot.i18n import t
from bot.messages import Choices, Divider, Fact, Field, Form, Link, Part, Reply, Text

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
MAX_MESSAGE_BYTES = 24_000
"""Teams refuses messages past about 28 KB; this leaves room for the activity around the card."""
MAX_BLOCK_CHARS = 4_000
SHORT_BLOCK_CHARS = 600
MAX_SUMMARY_CHARS = 200
MAX_BUTTONS_PER_ROW = 5
_INPUT_LIMITS = {"text": 1_000, "textarea": 10_000, "url": 2_048}
_LINK_SCHEMES = ("http", "https", "mailto")

Json = dict[str, Any]


def cut_bytes(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` bytes of UTF-8, on a character boundary."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode("utf-8", errors="ignore") + "…"


def needs_card(reply: Reply) -> bool:
    """True unless the reply is only plain sentences, which read best as a text message."""
    return any(not (isinstance(p, Text) and p.style in ("plain", "note")) for p in reply.parts)


def _text_block(part: Text, limit: int) -> Json:
    if part.style == "quote":
        # A quote is what a person wrote: a TextRun shows it literally, never as markdown.
        run = {"type": "TextRun", "text": cut(part.text, limit), "italic": True}
        return {"type": "RichTextBlock", "inlines": [run]}
    block: Json = {"type": "TextBlock", "text": cut(part.text, limit), "wrap": True}
    if part.style == "heading":
        block.update(weight="Bolder", size="Medium")
    elif part.style == "note":
        block.update(isSubtle=True, size="Small")
    return block


def _is_link(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in _LINK_SCHEMES and bool(parts.netloc or parts.scheme == "mailto")


def _input(field: Field, language: str) -> Json:
    element: Json = {"id": FIELD_PREFIX + field.id, "label": field.label}
    if field.kind in ("select", "multiselect"):
        element.update(
            type="Input.ChoiceSet",
            choices=[{"title": o.label, "value": o.value} for o in field.options],
        )
        if field.kind == "multiselect":
            element.update(
                isMultiSelect=True, style="expanded" if len(field.options) <= 8 else "compact"
            )
        else:
            element["style"] = "compact"
    elif field.kind == "date":
        element["type"] = "Input.Date"
    else:
        element.update(type="Input.Text", maxLength=_INPUT_LIMITS[field.kind])
        if field.kind == "textarea":
            element["isMultiline"] = True
        elif field.kind == "url":
            element["style"] = "Url"
    if field.value:
        element["value"] = field.value
    if field.placeholder:
        element["placeholder"] = field.placeholder
    if field.required:
        element.update(
            isRequired=True, errorMessage=t(language, "teams.field_required", label=field.label)
        )
    return element


def _submit(title: str, action: str, value: str) -> Json:
    return {"type": "Action.Submit", "title": title, "data": {ACTION_KEY: action, VALUE_KEY: value}}


def _rows(actions: list[Json]) -> list[Json]:
    return [
        {"type": "ActionSet", "actions": actions[i : i + MAX_BUTTONS_PER_ROW]}
        for i in range(0, len(actions), MAX_BUTTONS_PER_ROW)
    ]


def _body(parts: tuple[Part, ...], language: str, limit: int) -> list[Json]:
    body: list[Json] = []
    separate = False  # a Divider came: the next element starts with a separator line
    facts: Json | None = None  # the FactSet that further Facts join
    links: Json | None = None  # the row of link buttons that further Links join

    def place(*elements: Json) -> None:
        nonlocal separate, facts, links
        if separate and elements:
            elements[0].update(separator=True, spacing="Medium")
            separate = False
        body.extend(elements)
        facts = links = None

    for part in parts:
        if isinstance(part, Divider):
            separate = True
            facts = links = None
        elif isinstance(part, Text):
            place(_text_block(part, limit))
        elif isinstance(part, Fact):
            fact = {"title": cut(part.label, 200), "value": cut(part.value, limit)}
            if facts is None:
                place({"type": "FactSet", "facts": []})
                facts = body[-1]
            facts["facts"].append(fact)
        elif isinstance(part, Link) and _is_link(part.url):
            button = {"type": "Action.OpenUrl", "title": cut(part.label, 100), "url": part.url}
            if links is None or len(links["actions"]) >= MAX_BUTTONS_PER_ROW:
                place({"type": "ActionSet", "actions": []})
                links = body[-1]
            links["actions"].append(button)
        elif isinstance(part, Link):
            place(_text_block(Text(text=f"{part.label}: {part.url}"), limit))
        elif isinstance(part, Choices):
            place(*_rows([_submit(cut(c.label, 100), c.action, c.value) for c in part.choices]))
        elif isinstance(part, Form):
            place(
                _text_block(Text(text=part.title, style="heading"), limit),
                *(_input(field, language) for field in part.fields),
                *_rows([_submit(part.submit_label, part.action, part.value)]),
            )
    return body


def reply_to_card(reply: Reply, *, limit: int = MAX_BLOCK_CHARS) -> Json:
    """The Adaptive Card (version 1.5) for ``reply``, with its plain text as ``fallbackText``."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": _body(reply.parts, reply.language, limit),
        "fallbackText": cut(reply.plain_text(), limit),
        "msteams": {"width": "Full"},
    }


def summary(reply: Reply) -> str:
    """One line for notifications and chat lists: the reply's first text, as written."""
    for part in reply.parts:
        if isinstance(part, Text) and part.text.strip():
            return cut(" ".join(part.text.split()), MAX_SUMMARY_CHARS)
        if isinstance(part, (Fact, Form)):
            return cut(
                part.title if isinstance(part, Form) else f"{part.label}: {part.value}",
                MAX_SUMMARY_CHARS,
            )
    return ""


def _size(value: Json) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def reply_to_activity(reply: Reply, *, card: bool | None = None) -> Json:
    """The message activity (JSON) that shows ``reply`` in Teams, at most about 24 KB.

    A reply of plain sentences becomes a plain-text message unless ``card`` is true;
    anything else an Adaptive Card. A card too large for Teams is built again with shorter
    texts, and failing that sent as plain text, cut to fit.
    """
    if card or (card is None and needs_card(reply)):
        for limit in (MAX_BLOCK_CHARS, SHORT_BLOCK_CHARS):
            activity: Json = {
                "type": "message",
                "summary": summary(reply),
                "attachments": [
                    {"contentType": CARD_CONTENT_TYPE, "content": reply_to_card(reply, limit=limit)}
                ],
            }
            if _size(activity) <= MAX_MESSAGE_BYTES:
                return activity
    return {
        "type": "message",
        "textFormat": "plain",
        "text": cut_bytes(reply.plain_text(), MAX_MESSAGE_BYTES),
    }
