"""Every sentence a person reads, one catalogue per language.

``t(language, key, **values)`` looks a message up and fills in its placeholders.
Unknown languages fall back to English; a missing key is a programming error and raises.
"""

from __future__ import annotations

from bot.i18n import en, nl

CATALOGUES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "nl": nl.MESSAGES}
SUPPORTED = tuple(CATALOGUES)

__all__ = ["CATALOGUES", "SUPPORTED", "t"]


def t(language: str, key: str, /, **values: object) -> str:
    """The message ``key`` in ``language`` (English when unknown), with ``values`` filled in."""
    catalogue = CATALOGUES.get(language, en.MESSAGES)
    template = catalogue.get(key)
    if template is None:
        template = en.MESSAGES[key]
    return template.format(**values) if values else template
