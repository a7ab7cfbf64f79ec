"""Which language a reply is worded in: one the guidelines are written in and a
catalogue exists for, as the platform's locale or the person's words make clear."""

from __future__ import annotations

from bot.guidelines.rules import Guidelines
from bot.i18n import SUPPORTED
from bot.i18n.detect import told_language


def reply_languages(guidelines: Guidelines) -> tuple[str, ...]:
    """The languages of ``guidelines`` that replies can be worded in (English when none)."""
    return tuple(lang for lang in guidelines.languages if lang in SUPPORTED) or ("en",)


def told_reply_language(text: str, locale: str | None, guidelines: Guidelines) -> str | None:
    """The reply language the ``locale`` or the words of ``text`` make clear, or None."""
    return told_language(text, locale, reply_languages(guidelines))


def reply_language(text: str, locale: str | None, guidelines: Guidelines) -> str:
    """The reply language: the platform locale when known, else the message's
    language, else the first of the guidelines' languages."""
    return told_reply_language(text, locale, guidelines) or reply_languages(guidelines)[0]
