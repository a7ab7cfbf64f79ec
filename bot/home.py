"""The person's home view (Slack's App Home): the principles, what they can type (the
same list as help, by role), then each feature's part."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.features import Context, Feature
from bot.help import help_parts
from bot.i18n import t
from bot.messages import Divider, Fact, Part, Reply, Text

log = logging.getLogger(__name__)


async def home_view(ctx: Context, features: Sequence[Feature]) -> Reply:
    """The home view for ``ctx``; a feature that fails is left out, never the whole view."""
    guidelines = ctx.guidelines
    language = ctx.language
    parts: list[Part] = [
        Text(
            text=t(language, "home.title", organisation=guidelines.organisation),
            style="heading",
        ),
        Text(text=t(language, "answer.general.intro", organisation=guidelines.organisation)),
    ]
    parts.extend(
        Fact(label=guidelines.text(p.title, language), value=guidelines.text(p.text, language))
        for p in guidelines.principles
    )
    parts.append(Divider())
    parts.extend(help_parts(guidelines, language=language, roles=ctx.roles))
    for feature in features:
        try:
            extra = await feature.home(ctx)
        except Exception:
            log.exception("home view of %s failed", type(feature).__name__)
            continue
        if extra:
            parts.append(Divider())
            parts.extend(extra)
    return Reply(parts=tuple(parts), language=language, kind="home")
