"""The reply with suggestions: per item a heading, summary, caption, share links and buttons.

Built from plain values only (the suggestions and their share tokens); ``offers`` gets
those from the store and records what was offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.i18n import t
from bot.messages import Choice, Choices, Divider, Link, Part, Text
from bot.settings import Settings
from bot.suggestions.links import redirect_url, share_url, tagged_url
from bot.suggestions.suggestion import NETWORKS, Suggestion


def empty_parts(language: str) -> tuple[Part, ...]:
    """Nothing to share right now, said kindly, with the way to follow topics."""
    return (
        Text(text=t(language, "suggest.empty")),
        Text(text=t(language, "suggest.empty_tip"), style="note"),
    )


def render_parts(
    *,
    language: str,
    suggestions: Sequence[Suggestion],
    tokens: Mapping[tuple[int, str], str],
    settings: Settings,
) -> tuple[Part, ...]:
    """Per suggestion a heading, summary, caption, a share link per network and buttons.

    ``tokens`` holds the share token of every (item id, network); nothing is read or
    written here, so one person's reply and a whole digest pass render the same.
    """
    parts: list[Part] = []
    for suggestion in suggestions:
        parts.append(Divider())
        parts.append(Text(text=suggestion.title, style="heading"))
        if suggestion.summary.strip():
            parts.append(Text(text=suggestion.summary.strip()))
        parts.append(Text(text=suggestion.caption, style="quote"))
        for network in NETWORKS:
            token = tokens[(suggestion.item_id, network)]
            target = (
                redirect_url(settings.public_url, token)
                if settings.public_url
                else tagged_url(
                    suggestion.url, network=network, item_id=suggestion.item_id, token=token
                )
            )
            url = share_url(
                network, target=target, title=suggestion.title, caption=suggestion.caption
            )
            parts.append(Link(label=t(language, f"suggest.link.{network}"), url=url))
        value = str(suggestion.item_id)
        parts.append(
            Choices(
                choices=(
                    Choice(
                        label=t(language, "suggest.button.shared"),
                        action="share.shared",
                        value=value,
                    ),
                    Choice(
                        label=t(language, "suggest.button.dismiss"),
                        action="share.dismiss",
                        value=value,
                    ),
                )
            )
        )
    if suggestions:
        parts.append(Divider())
        parts.append(Text(text=t(language, "suggest.copy_caption"), style="note"))
        parts.append(Text(text=t(language, "suggest.add_your_view"), style="note"))
    return tuple(parts)


def suggested_key(delivery_key: str, item_id: int) -> str:
    """The idempotency key of a ``suggested`` event (before ``shares.event_key``)."""
    return f"suggested:{delivery_key}:{item_id}"


def opening_parts(language: str, intro: str | None) -> tuple[Part, ...]:
    """The reply's first line: ``intro``, or the usual one; nothing for a blank ``intro``."""
    opening = t(language, "suggest.intro") if intro is None else intro
    return (Text(text=opening),) if opening.strip() else ()
