"""Content items as neutral reply parts, in the reader's language and time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.fields import format_moment
from bot.content.items import (
    TITLE_VARIANT,
    CaptionFinding,
    Content,
    ContentError,
    ContentState,
    ContentStatus,
)
from bot.i18n import t
from bot.messages import Choice, Choices, Fact, Link, Part, Reply, Text


def finding_text(finding: CaptionFinding, language: str) -> str:
    """ "⛔ blocks · Client names: 'Acme Bank' in caption nl 1 — Don't name this client.\""""
    return t(
        language,
        "content.finding_title" if finding.variant == TITLE_VARIANT else "content.finding",
        severity=t(language, f"check.severity.{finding.severity}"),
        rule=finding.rule_title,
        match=finding.match,
        caption=finding.language,
        variant=finding.variant,
        message=finding.message,
    )


def item_parts(
    item: Content,
    *,
    language: str,
    now: datetime,
    timezone: ZoneInfo,
    findings: Sequence[CaptionFinding] = (),
) -> list[Part]:
    """Everything about ``item`` a comms person needs to decide on it."""
    parts: list[Part] = [
        Text(
            text=t(language, "content.item.heading", id=item.id, title=item.title), style="heading"
        ),
        Link(label=t(language, "content.label.link"), url=item.url),
        Fact(label=t(language, "content.label.state"), value=state_text(item, now, language)),
    ]
    if item.summary:
        parts.append(Text(text=item.summary))
    if item.topics:
        parts.append(Fact(label=t(language, "content.label.topics"), value=", ".join(item.topics)))
    audience = [*item.teams, *item.locations, *item.languages]
    parts.append(
        Fact(
            label=t(language, "content.label.audience"),
            value=", ".join(audience) or t(language, "content.audience.everyone"),
        )
    )
    if item.not_before is not None:
        when = format_moment(item.not_before, timezone)
        parts.append(Fact(label=t(language, "content.label.not_before"), value=when))
    if item.expires is not None:
        when = format_moment(item.expires, timezone)
        parts.append(Fact(label=t(language, "content.label.expires"), value=when))
    if item.priority:
        parts.append(Fact(label=t(language, "content.label.priority"), value=str(item.priority)))
    for caption_language, variants in item.captions.items():
        for number, text in enumerate(variants, start=1):
            label = t(language, "content.label.caption", language=caption_language, number=number)
            parts.append(Text(text=label, style="note"))
            parts.append(Text(text=text, style="quote"))
    if item.captions:
        verdict = t(language, f"check.verdict.{item.check_verdict}")
        parts.append(Fact(label=t(language, "content.label.check"), value=verdict))
    parts.extend(Text(text=finding_text(f, language), style="note") for f in findings)
    return parts


def state_text(item: Content, now: datetime, language: str) -> str:
    """The item's state at ``now`` in words, with who approved it when it is approved."""
    state = item.state(now)
    text = t(language, f"content.state.{state.value}")
    if state not in (ContentState.DRAFT, ContentState.RETIRED) and item.approved_by:
        text += " · " + t(language, "content.approved_by", name=item.approved_by)
    return text


def item_choices(item: Content, language: str) -> Choices:
    """Approve (for drafts), Edit and Retire (unless retired) buttons for ``item``."""
    value = str(item.id)
    choices: list[Choice] = []
    if item.status is ContentStatus.DRAFT:
        choices.append(
            Choice(
                label=t(language, "content.button.approve"), action="content.approve", value=value
            )
        )
    choices.append(
        Choice(label=t(language, "content.button.edit"), action="content.form", value=value)
    )
    if item.status is not ContentStatus.RETIRED:
        choices.append(
            Choice(label=t(language, "content.button.retire"), action="content.retire", value=value)
        )
    return Choices(choices=tuple(choices))


def problems_reply(error: ContentError, *, language: str, heading: str, kind: str) -> Reply:
    """A heading and every problem, one line each."""
    parts: list[Part] = [Text(text=t(language, heading), style="heading")]
    parts.extend(Text(text="• " + line) for line in error.lines(language))
    return Reply(parts=tuple(parts), language=language, kind=kind)


def notice(key: str, *, language: str, kind: str, **values: object) -> Reply:
    """A one-sentence reply."""
    return Reply(parts=(Text(text=t(language, key, **values)),), language=language, kind=kind)
