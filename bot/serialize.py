"""Replies as JSON, so a message written down now can be sent after a restart.

The outbox stores the rendered ``Reply`` instead of what it was made from: sending it
later must not recompute it (content may have changed, share links were already made).
Each part is an object with a ``type`` naming its class; unknown types and missing
fields raise ``ReplyFormatError``, never a half-read reply.
"""

from __future__ import annotations

import json
from typing import Any, Literal, cast

from bot.messages import (
    Choice,
    Choices,
    Divider,
    Fact,
    Field,
    Form,
    FormAction,
    Link,
    Option,
    Part,
    Reply,
    Text,
)

FORMAT_VERSION = 1
"""Written into every payload; a reader refuses versions it does not know."""

TextStyle = Literal["plain", "heading", "quote", "note"]
FieldKind = Literal["text", "textarea", "url", "date", "select", "multiselect"]
_TEXT_STYLES = frozenset({"plain", "heading", "quote", "note"})
_FIELD_KINDS = frozenset({"text", "textarea", "url", "date", "select", "multiselect"})


class ReplyFormatError(ValueError):
    """A stored reply cannot be read back (corrupt, or written by a newer version)."""


def reply_to_json(reply: Reply) -> str:
    """The reply as a JSON text that ``reply_from_json`` turns back into an equal ``Reply``."""
    data = {
        "v": FORMAT_VERSION,
        "language": reply.language,
        "kind": reply.kind,
        "parts": [_part_to_dict(part) for part in reply.parts],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def reply_from_json(text: str) -> Reply:
    """The ``Reply`` that ``reply_to_json`` wrote; ``ReplyFormatError`` when it can't be read."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION:
            raise ReplyFormatError(f"not a reply of format version {FORMAT_VERSION}")
        return Reply(
            parts=tuple(_part_from_dict(part) for part in _list(data, "parts")),
            language=_str(data, "language"),
            kind=_str(data, "kind"),
        )
    except (ValueError, TypeError, KeyError) as error:
        if isinstance(error, ReplyFormatError):
            raise
        raise ReplyFormatError(f"stored reply cannot be read: {error}") from error


def _part_to_dict(part: Part) -> dict[str, Any]:
    if isinstance(part, Text):
        return {"type": "text", "text": part.text, "style": part.style}
    if isinstance(part, Fact):
        return {"type": "fact", "label": part.label, "value": part.value}
    if isinstance(part, Link):
        return {"type": "link", "label": part.label, "url": part.url}
    if isinstance(part, Choices):
        return {
            "type": "choices",
            "choices": [
                {"label": c.label, "action": c.action, "value": c.value} for c in part.choices
            ],
        }
    if isinstance(part, Divider):
        return {"type": "divider"}
    if isinstance(part, Form):
        form: dict[str, Any] = {
            "type": "form",
            "title": part.title,
            "action": part.action,
            "submit_label": part.submit_label,
            "value": part.value,
            "fields": [_field_to_dict(f) for f in part.fields],
        }
        if part.reopen is not None:
            form["reopen"] = {"action": part.reopen.action, "value": part.reopen.value}
        return form
    raise TypeError(f"cannot serialise reply part {part!r}")


def _field_to_dict(field: Field) -> dict[str, Any]:
    return {
        "id": field.id,
        "label": field.label,
        "kind": field.kind,
        "options": [{"value": o.value, "label": o.label} for o in field.options],
        "value": field.value,
        "required": field.required,
        "placeholder": field.placeholder,
    }


def _part_from_dict(data: Any) -> Part:
    if not isinstance(data, dict):
        raise ReplyFormatError(f"a reply part must be an object, not {data!r}")
    kind = data.get("type")
    if kind == "text":
        style = _str(data, "style")
        if style not in _TEXT_STYLES:
            raise ReplyFormatError(f"unknown text style {style!r}")
        return Text(text=_str(data, "text"), style=cast(TextStyle, style))
    if kind == "fact":
        return Fact(label=_str(data, "label"), value=_str(data, "value"))
    if kind == "link":
        return Link(label=_str(data, "label"), url=_str(data, "url"))
    if kind == "choices":
        return Choices(
            choices=tuple(
                Choice(label=_str(c, "label"), action=_str(c, "action"), value=_str(c, "value"))
                for c in _list(data, "choices")
            )
        )
    if kind == "divider":
        return Divider()
    if kind == "form":
        return Form(
            title=_str(data, "title"),
            action=_str(data, "action"),
            submit_label=_str(data, "submit_label"),
            value=_str(data, "value"),
            fields=tuple(_field_from_dict(f) for f in _list(data, "fields")),
            reopen=_reopen_from_dict(data.get("reopen")),
        )
    raise ReplyFormatError(f"unknown reply part type {kind!r}")


def _reopen_from_dict(data: Any) -> FormAction | None:
    # Optional: forms written before ``Form.reopen`` existed have none.
    if data is None:
        return None
    return FormAction(action=_str(data, "action"), value=_str(data, "value"))


def _field_from_dict(data: Any) -> Field:
    if not isinstance(data, dict):
        raise ReplyFormatError(f"a form field must be an object, not {data!r}")
    kind = _str(data, "kind")
    if kind not in _FIELD_KINDS:
        raise ReplyFormatError(f"unknown field kind {kind!r}")
    required = data.get("required")
    if not isinstance(required, bool):
        raise ReplyFormatError("a form field's 'required' must be true or false")
    return Field(
        id=_str(data, "id"),
        label=_str(data, "label"),
        kind=cast(FieldKind, kind),
        options=tuple(
            Option(value=_str(o, "value"), label=_str(o, "label")) for o in _list(data, "options")
        ),
        value=_str(data, "value"),
        required=required,
        placeholder=_str(data, "placeholder"),
    )


def _str(data: Any, key: str) -> str:
    if not isinstance(data, dict):
        raise ReplyFormatError(f"expected an object with {key!r}, got {data!r}")
    value = data.get(key)
    if not isinstance(value, str):
        raise ReplyFormatError(f"{key!r} must be a string, got {value!r}")
    return value


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise ReplyFormatError(f"{key!r} must be a list, got {value!r}")
    return value
