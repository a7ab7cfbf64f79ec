"""Nederlandse teksten, one module per area; ``MESSAGES`` holds them all."""

from bot.i18n.nl import (
    answers,
    content,
    conversation,
    doctor,
    guidelines,
    legal,
    operations,
    people,
    platforms,
    reports,
)

_AREAS = (
    conversation,
    answers,
    guidelines,
    content,
    people,
    operations,
    platforms,
    reports,
    doctor,
    legal,
)

MESSAGES: dict[str, str] = {}
for _area in _AREAS:
    _twice = MESSAGES.keys() & _area.MESSAGES.keys()
    if _twice:  # a key in two areas would silently lose one of its texts
        raise RuntimeError(f"catalogue keys defined twice: {sorted(_twice)}")
    MESSAGES.update(_area.MESSAGES)

__all__ = ["MESSAGES"]
