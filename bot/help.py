"""What a person can type, by role: the one list that help, the home view and the Teams
welcome show.

Everyone may ask, check a draft, ask what to share, and look after their settings,
privacy and data; the comms team (the ``comms`` or ``admin`` role) also queues and
approves content and reads the weekly report. Each item is what to type, in the
person's language, and one line of what it does.
"""

from __future__ import annotations

from collections.abc import Set

from bot.content.queue import MANAGER_ROLES
from bot.guidelines.rules import Guidelines
from bot.i18n import t
from bot.i18n.detect import language_of
from bot.messages import Fact, Part, Text

COMMS_ROLES = MANAGER_ROLES
"""Roles that see the comms team's items."""


def is_comms(roles: Set[str]) -> bool:
    """Whether ``roles`` include one that sees the comms team's items."""
    return bool(set(roles) & COMMS_ROLES)


def help_parts(
    guidelines: Guidelines, *, language: str, roles: Set[str] = frozenset()
) -> tuple[Part, ...]:
    """The list under its heading; the comms team's items under theirs, for them only."""
    parts: list[Part] = [
        Text(text=t(language, "help.heading"), style="heading"),
        *everyone_items(guidelines, language=language),
    ]
    if is_comms(roles):
        parts.append(Text(text=t(language, "help.comms_heading"), style="heading"))
        parts.extend(comms_items(language=language))
    return tuple(parts)


def everyone_items(guidelines: Guidelines, *, language: str) -> tuple[Fact, ...]:
    """What anyone can type: the label is what to type, the value what it does."""
    lang = language
    return (
        Fact(
            label=t(lang, "help.item.ask.type"),
            value=t(lang, "help.item.ask", example=example_question(guidelines, lang)),
        ),
        Fact(label=t(lang, "help.item.check.type"), value=t(lang, "help.item.check")),
        Fact(label=t(lang, "help.item.share.type"), value=t(lang, "help.item.share")),
        Fact(label=t(lang, "help.item.settings.type"), value=t(lang, "help.item.settings")),
        Fact(label=t(lang, "help.item.privacy.type"), value=t(lang, "help.item.privacy")),
        Fact(label=t(lang, "help.item.mydata.type"), value=t(lang, "help.item.mydata")),
        Fact(label=t(lang, "help.item.forget.type"), value=t(lang, "help.item.forget")),
    )


def comms_items(*, language: str) -> tuple[Fact, ...]:
    """What the comms team can type besides: queue, approve, report."""
    lang = language
    return (
        Fact(label=t(lang, "help.item.queue.type"), value=t(lang, "help.item.queue")),
        Fact(label=t(lang, "help.item.approve.type"), value=t(lang, "help.item.approve")),
        Fact(label=t(lang, "help.item.report.type"), value=t(lang, "help.item.report")),
    )


def example_question(guidelines: Guidelines, language: str) -> str:
    """A question from the guidelines' own examples in ``language``, or a stock one."""
    for rule in guidelines.rules:
        localized = [e for e in rule.examples if looks_like(e, language)]
        if localized:
            return localized[0]
    if language == "nl":
        return "Mag ik zeggen voor welke klant ik werk?"
    return "Can I name the client I work for?"


def looks_like(text: str, language: str) -> bool:
    """Whether ``text`` reads as written in ``language``."""
    return language_of(text, fallback="") == language
