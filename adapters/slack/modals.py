"""The core's forms as Slack modals, and a submitted modal back as form values.

Pure functions. ``form_view`` renders a ``Form`` (plain text, multiline, URL, date,
single and multiple choice); ``form_values`` reads ``view.state.values`` of a
``view_submission``; ``submission_response`` turns the core's answer to a submission
into what Slack expects in the acknowledgement: field errors, an updated view, or
nothing (the modal closes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from adapters.common.text import cut
from adapters.slack import limits
from adapters.slack.blocks import Block, part_blocks
from bot.i18n import t
from bot.messages import Fact, Field, Form, Option, Part, Reply

CALLBACK_ID = "merkwerker.form"
"""The ``callback_id`` of every modal the bot opens."""
ELEMENT = "value"
"""The ``action_id`` of each input's element; the block id is the field id."""

_HTTP_URL = re.compile(r"https?://\S+", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class FormContext:
    """What a submitted modal says about the form it showed (from its private metadata)."""

    action: str
    value: str = ""
    channel: str | None = None
    title: str = ""


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit, trim=True) or "…", "emoji": True}


def _option(option: Option) -> dict[str, Any]:
    return {"text": _plain(option.label or option.value, limits.OPTION_TEXT), "value": option.value}


def _options(field: Field) -> list[Option]:
    usable = [o for o in field.options if o.value and len(o.value) <= limits.OPTION_VALUE]
    return usable[: limits.OPTIONS]


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def field_element(field: Field) -> dict[str, Any]:
    """The input element for ``field``, prefilled with its current value where Slack allows."""
    element: dict[str, Any]
    value = field.value.strip()
    options = _options(field)
    if field.kind == "date":
        element = {"type": "datepicker"}
        if _valid_date(value):
            element["initial_date"] = value
    elif field.kind == "url":
        element = {"type": "url_text_input"}
        if _HTTP_URL.fullmatch(value) and len(value) <= limits.INPUT_VALUE:
            element["initial_value"] = value
    elif field.kind == "select" and options:
        element = {"type": "static_select", "options": [_option(o) for o in options]}
        chosen = next((o for o in options if o.value == value), None)
        if chosen is not None:
            element["initial_option"] = _option(chosen)
    elif field.kind == "multiselect" and options:
        element = {"type": "multi_static_select", "options": [_option(o) for o in options]}
        wanted = {v.strip() for v in value.split(",") if v.strip()}
        chosen_options = [_option(o) for o in options if o.value in wanted]
        if chosen_options:
            element["initial_options"] = chosen_options
    else:
        # Text, a textarea, or a choice without usable options: typed text then.
        element = {"type": "plain_text_input", "max_length": limits.INPUT_VALUE}
        if field.kind == "textarea":
            element["multiline"] = True
        if field.value:
            element["initial_value"] = cut(field.value, limits.INPUT_VALUE, trim=True)
    element["action_id"] = ELEMENT
    if field.placeholder:
        element["placeholder"] = _plain(field.placeholder, limits.PLACEHOLDER)
    return element


def field_block(field: Field) -> Block:
    """The input block for ``field``; its ``block_id`` is the field's id."""
    return {
        "type": "input",
        "block_id": field.id[: limits.BLOCK_ID],
        "label": _plain(field.label or field.id, limits.INPUT_LABEL),
        "optional": not field.required,
        "element": field_element(field),
    }


def _metadata(form: Form, channel: str | None) -> str | None:
    data: dict[str, str] = {"a": form.action, "v": form.value, "t": form.title}
    if channel:
        data["c"] = channel
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text) > limits.PRIVATE_METADATA and channel:
        return _metadata(form, None)
    return text if len(text) <= limits.PRIVATE_METADATA else None


def form_view(
    form: Form, *, language: str, channel: str | None = None, notes: tuple[Part, ...] = ()
) -> dict[str, Any] | None:
    """A modal for ``form``, with ``notes`` (such as problems to fix) above the fields.

    ``channel`` is where the result of submitting it is shown if it cannot be shown in
    the modal. None when the form cannot be carried through a modal (its action and value
    are too long for Slack's private metadata).
    """
    metadata = _metadata(form, channel)
    if metadata is None:
        return None
    room = limits.MODAL_BLOCKS - len(form.fields)
    blocks = part_blocks(notes, language=language, max_blocks=max(room, 1)) if notes else []
    blocks = blocks[: max(room, 0)]
    blocks += [field_block(f) for f in form.fields[: limits.MODAL_BLOCKS - len(blocks)]]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": metadata,
        "title": _plain(form.title, limits.MODAL_TITLE),
        "submit": _plain(form.submit_label, limits.MODAL_BUTTON),
        "close": _plain(t(language, "slack.modal.close"), limits.MODAL_BUTTON),
        "blocks": blocks,
    }


def result_view(reply: Reply, *, title: str) -> dict[str, Any]:
    """A modal (without a submit button) showing ``reply``, after a form was submitted."""
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(title or "Merkwerker", limits.MODAL_TITLE),
        "close": _plain(t(reply.language, "slack.modal.done"), limits.MODAL_BUTTON),
        "blocks": part_blocks(reply.parts, language=reply.language, max_blocks=limits.MODAL_BLOCKS),
    }


def form_context(view: Mapping[str, Any]) -> FormContext | None:
    """What the submitted ``view`` was for; None when it is not one of the bot's forms."""
    if view.get("callback_id") != CALLBACK_ID:
        return None
    try:
        data = json.loads(view.get("private_metadata") or "")
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), str) or not data["a"]:
        return None
    channel = data.get("c")
    return FormContext(
        action=data["a"],
        value=str(data.get("v") or ""),
        channel=channel if isinstance(channel, str) and channel else None,
        title=str(data.get("t") or ""),
    )


def _element_value(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "datepicker":
        return str(element.get("selected_date") or "")
    if kind == "static_select":
        option = element.get("selected_option")
        return str(option.get("value") or "") if isinstance(option, Mapping) else ""
    if kind == "multi_static_select":
        options = element.get("selected_options")
        if not isinstance(options, list):
            return ""
        return ",".join(
            str(o.get("value")) for o in options if isinstance(o, Mapping) and o.get("value")
        )
    return str(element.get("value") or "")


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    """The submitted values of a modal, by field id (a multiselect's joined by commas)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    if not isinstance(values, Mapping):
        return {}
    result: dict[str, str] = {}
    for block_id, elements in values.items():
        if isinstance(elements, Mapping) and isinstance(elements.get(ELEMENT), Mapping):
            result[str(block_id)] = _element_value(elements[ELEMENT])
    return result


def _refilled(block: Mapping[str, Any], value: str) -> Block:
    """An input block of a submitted view, showing the value the person entered."""
    element = {
        k: v for k, v in dict(block.get("element") or {}).items() if not k.startswith("initial_")
    }
    kind = element.get("type")
    options = [o for o in element.get("options") or [] if isinstance(o, Mapping)]
    if kind == "datepicker" and _valid_date(value):
        element["initial_date"] = value
    elif kind == "static_select":
        chosen = next((o for o in options if o.get("value") == value), None)
        if chosen is not None:
            element["initial_option"] = chosen
    elif kind == "multi_static_select":
        wanted = set(value.split(","))
        chosen_options = [o for o in options if o.get("value") in wanted]
        if chosen_options:
            element["initial_options"] = chosen_options
    elif kind == "url_text_input":
        if _HTTP_URL.fullmatch(value):
            element["initial_value"] = value
    elif value:
        element["initial_value"] = cut(value, limits.INPUT_VALUE, trim=True)
    return {**block, "element": element}


def problems_view(
    view: Mapping[str, Any], reply: Reply, submitted: Mapping[str, str]
) -> dict[str, Any]:
    """The submitted modal again, as the person filled it in, with ``reply`` above it."""
    inputs = [
        _refilled(b, submitted.get(str(b.get("block_id")), ""))
        for b in view.get("blocks") or []
        if isinstance(b, Mapping) and b.get("type") == "input"
    ][: limits.MODAL_BLOCKS - 1]
    room = limits.MODAL_BLOCKS - len(inputs)
    notes = part_blocks(reply.parts, language=reply.language, max_blocks=room)
    updated: dict[str, Any] = {
        key: view[key]
        for key in ("type", "callback_id", "private_metadata", "title", "submit", "close")
        if key in view
    }
    updated["blocks"] = notes + inputs
    return updated


def submission_response(
    reply: Reply | None,
    *,
    context: FormContext,
    submitted: Mapping[str, str],
    view: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The acknowledgement of a submitted form, from the core's ``reply`` to it.

    - No reply: None (the modal closes).
    - A reply holding a form: that form instead, with the reply's other parts above it.
    - A reply whose facts name submitted fields (``Fact(label=<field id>, value=<problem>)``):
      each problem under its field.
    - A reply of kind ``*.invalid`` (problems not tied to one field): the submitted modal
      again, as filled in, with the problems above the fields.
    - Any other reply: shown in the modal, which then only closes.
    """
    if reply is None:
        return None
    form = next((p for p in reply.parts if isinstance(p, Form)), None)
    if form is not None:
        notes = tuple(p for p in reply.parts if not isinstance(p, Form))
        form_modal = form_view(form, language=reply.language, channel=context.channel, notes=notes)
        if form_modal is not None:
            return {"response_action": "update", "view": form_modal}
    errors = {
        p.label: cut(p.value, limits.FIELD_ERROR, trim=True)
        for p in reply.parts
        if isinstance(p, Fact) and p.label in submitted and p.value.strip()
    }
    if errors:
        return {"response_action": "errors", "errors": errors}
    if reply.kind.endswith(".invalid") and view is not None and view.get("blocks"):
        return {"response_action": "update", "view": problems_view(view, reply, submitted)}
    return {"response_action": "update", "view": result_view(reply, title=context.title)}
