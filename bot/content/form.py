"""The "Queue content" form: built from an item (or a URL), read back into values.

Slack shows it as a modal, Teams as a card, the console as questions. Caption variants
share one text field per language, separated by a line holding only ``---``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.content.fields import format_moment
from bot.content.items import Content
from bot.content.validate import TITLE_MAX
from bot.i18n import t
from bot.messages import Field, Form, FormAction

FORM_ACTION = "content.form"
"""The action that answers with this form (value: an item id, a URL to prefill, or nothing)."""
SAVE_ACTION = "content.save"
"""The action of the submitted form."""


def title_from_url(url: str) -> str:
    """A stand-in title for a link: its host and path (``example.com/news/launch``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return url[:TITLE_MAX]
    return (host + parts.path.rstrip("/"))[:TITLE_MAX] or url[:TITLE_MAX]


def _moment_field(name: str, value: datetime | None, *, language: str, timezone: ZoneInfo) -> Field:
    label = t(language, f"content.field.{name}")
    if value is None:
        return Field(id=name, label=label, kind="date", value="")
    try:
        local: datetime | None = value.astimezone(timezone)
    except OverflowError:  # stored before LAST_DAY was enforced; no local time to show
        local = None
    if local is None or local.time() != time(0, 0):
        # A date picker would drop the time of day and move the embargo; show it as text.
        hint = t(language, "content.field.moment_hint")
        return Field(id=name, label=label, value=format_moment(value, timezone), placeholder=hint)
    return Field(id=name, label=label, kind="date", value=local.date().isoformat())


def content_form(
    *,
    language: str,
    languages: tuple[str, ...],
    timezone: ZoneInfo,
    item: Content | None = None,
    url: str = "",
    values: Mapping[str, str] | None = None,
) -> Form:
    """The form to queue a new item (for ``url``, if given) or to edit ``item``.

    ``values`` (what was just submitted) take precedence, so a form shown again after a
    problem keeps what the person typed. ``languages`` get one caption field each. The
    form's ``reopen`` asks ``FORM_ACTION`` for it again, for the item or URL as it is
    then (what was typed into it is not kept).
    """
    given = dict(values or {})
    url = item.url if item is not None else url
    title = item.title if item is not None else (title_from_url(url) if url else "")
    variant_hint = t(language, "content.field.caption_hint")
    fields = [
        Field(
            id="url", label=t(language, "content.field.url"), kind="url", value=url, required=True
        ),
        Field(id="title", label=t(language, "content.field.title"), value=title, required=True),
        Field(
            id="summary",
            label=t(language, "content.field.summary"),
            kind="textarea",
            value=item.summary if item is not None else "",
        ),
    ]
    for lang in languages:
        variants = item.captions.get(lang, ()) if item is not None else ()
        fields.append(
            Field(
                id=f"caption_{lang}",
                label=t(language, "content.field.caption", language=lang),
                kind="textarea",
                value="\n---\n".join(variants),
                placeholder=variant_hint,
            )
        )
    lists = {
        "topics": item.topics if item is not None else (),
        "teams": item.teams if item is not None else (),
        "locations": item.locations if item is not None else (),
    }
    for name, current in lists.items():
        fields.append(
            Field(
                id=name,
                label=t(language, f"content.field.{name}"),
                value=", ".join(current),
                placeholder=t(language, f"content.field.{name}_hint"),
            )
        )
    for name in ("not_before", "expires"):
        moment = getattr(item, name) if item is not None else None
        fields.append(_moment_field(name, moment, language=language, timezone=timezone))
    priority = str(item.priority) if item is not None else "0"
    fields.append(
        Field(
            id="priority",
            label=t(language, "content.field.priority"),
            value=priority,
            placeholder=t(language, "content.field.priority_hint"),
        )
    )
    if given:
        fields = [replace(f, value=given[f.id]) if f.id in given else f for f in fields]
    heading = "content.form.edit" if item is not None else "content.form.new"
    return Form(
        title=t(language, heading),
        action=SAVE_ACTION,
        submit_label=t(language, "content.form.submit"),
        fields=tuple(fields),
        value=str(item.id) if item is not None else "",
        reopen=FormAction(action=FORM_ACTION, value=str(item.id) if item is not None else url),
    )
