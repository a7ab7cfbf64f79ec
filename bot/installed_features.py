"""Asking the installed features: which one takes an intent or a button press, what
they put before a reply, and the company content a draft may be sharing.

A feature that fails here is logged and left out; the reply or the check goes ahead
without it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.checking import SharedItem
from bot.features import Context, Feature
from bot.intents import Intent
from bot.messages import Part, Reply

log = logging.getLogger(__name__)


def feature_for_intent(features: Sequence[Feature], intent: Intent) -> Feature | None:
    """The first of ``features`` that claims ``intent``, or None."""
    return next((f for f in features if intent in f.intents), None)


def feature_for_action(features: Sequence[Feature], action: str) -> Feature | None:
    """The first of ``features`` whose action prefix is the part of ``action`` before
    its first dot, or None."""
    prefix = action.split(".", 1)[0]
    return next((f for f in features if f.action_prefix == prefix), None)


async def with_preface(features: Sequence[Feature], ctx: Context, reply: Reply) -> Reply:
    """``reply`` with what each of ``features`` puts before it for ``ctx`` (``reply``
    itself when none puts anything there)."""
    parts: list[Part] = []
    for feature in features:
        try:
            parts.extend(await feature.preface(ctx))
        except Exception:
            log.exception("preface of %s failed", type(feature).__name__)
    if not parts:
        return reply
    return Reply(parts=(*parts, *reply.parts), language=reply.language, kind=reply.kind)


async def shared_items(features: Sequence[Feature], now: datetime) -> list[SharedItem]:
    """The company content a draft may be sharing, from the features that hold it
    (those with a ``shared_items(now)`` method), to tell pasted text from own words."""
    items: list[SharedItem] = []
    for feature in features:
        provide = getattr(feature, "shared_items", None)
        if provide is None:
            continue
        try:
            items.extend(await provide(now))
        except Exception:  # without them the draft is still checked
            log.exception("shared items of %s failed", type(feature).__name__)
    return items
