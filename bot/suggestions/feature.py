"""``SuggestionsFeature``: "what can I share?", its buttons, and the home view's share corner."""

from __future__ import annotations

import asyncio
import logging
import secrets

from bot.features import Context
from bot.i18n import t
from bot.intents import Intent, Understood
from bot.messages import Choice, Choices, Fact, IncomingAction, Part, Reply, Text
from bot.settings import Settings
from bot.suggestions import actions, offers, responses
from bot.suggestions.ranking import suggest
from bot.suggestions.reply import empty_parts
from bot.suggestions.store import SuggestionStore
from bot.suggestions.suggestion import DISMISS_REASONS

log = logging.getLogger(__name__)

HOME_LIMIT = 3


def _reply(language: str, kind: str, *parts: Part) -> Reply:
    return Reply(parts=parts, language=language, kind=kind)


class SuggestionsFeature:
    """Suggests content to share, with tracked links, and learns from "not for me"."""

    intents = frozenset({Intent.SHARE})
    action_prefix = actions.PREFIX

    def __init__(self, store: SuggestionStore, *, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()

    def _key(self, ctx: Context, kind: str) -> str:
        # The platform's delivery id makes a retried delivery recognisable; without one
        # (the console) every press is its own.
        delivery = ctx.delivery_id or secrets.token_hex(8)
        return f"{kind}:{ctx.platform.value}:{delivery}"

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        """The top suggestions for this person now, or a kind "nothing right now"."""
        if ctx.user_id is None:
            return _reply(
                ctx.language,
                "suggestions.unavailable",
                Text(text=t(ctx.language, "suggest.unavailable")),
            )
        user_id = ctx.user_id
        found = await asyncio.to_thread(suggest, self.store, user_id=user_id, now=ctx.now)
        delivery = ctx.delivery_id or secrets.token_hex(8)
        return await asyncio.to_thread(
            offers.suggestions_reply,
            self.store,
            user_id=user_id,
            language=ctx.language,
            now=ctx.now,
            suggestions=found,
            settings=self.settings,
            delivery_key=f"{ctx.platform.value}:{delivery}",
        )

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        """Opened a link (recorded, message unchanged), shared it, not for me, and why."""
        language = ctx.language
        if ctx.user_id is None:
            return _reply(
                language, "suggestions.unavailable", Text(text=t(language, "suggest.unavailable"))
            )
        name = action.action.partition(".")[2]
        if name == "opened":
            opened = responses.parse_opened(action.value)
            token = responses.opened_token(action.value) if opened is None else None
            if token is not None:
                opened = await asyncio.to_thread(self.store.opened_share, token)
            if opened is not None:
                await asyncio.to_thread(
                    offers.record_opened,
                    self.store,
                    opened,
                    user_id=ctx.user_id,
                    key=self._key(ctx, "share_link_opened"),
                    now=ctx.now,
                    secret=self.settings.secret,
                )
            return None
        if name in ("shared", "dismiss"):
            item_id = responses.parse_item(action.value)
            return await self._done(ctx, name, item_id)
        if name == "reason":
            parsed = responses.parse_reason(action.value)
            if parsed is None:
                return _reply(language, "action.unknown", Text(text=t(language, "action.unknown")))
            return await self._reason(ctx, *parsed)
        return _reply(language, "action.unknown", Text(text=t(language, "action.unknown")))

    async def _done(self, ctx: Context, name: str, item_id: int | None) -> Reply:
        language = ctx.language
        assert ctx.user_id is not None
        title = None if item_id is None else await asyncio.to_thread(self.store.item_title, item_id)
        if item_id is None or title is None:
            return _reply(language, "suggestions.gone", Text(text=t(language, "suggest.gone")))
        kind = "marked_shared" if name == "shared" else "dismissed"
        await asyncio.to_thread(
            offers.record_done,
            self.store,
            kind,
            user_id=ctx.user_id,
            item_id=item_id,
            key=self._key(ctx, kind),
            now=ctx.now,
            secret=self.settings.secret,
        )
        tracked = await asyncio.to_thread(self.store.is_tracked, ctx.user_id)
        suffix = "" if tracked else "_untracked"
        parts: list[Part] = []
        if name == "shared":
            parts.append(
                Text(text=t(language, f"suggest.shared{suffix}", title=title), style="heading")
            )
        else:
            parts.append(Text(text=t(language, f"suggest.dismissed{suffix}", title=title)))
            parts.append(
                Choices(
                    choices=tuple(
                        Choice(
                            label=t(language, f"suggest.reason.{reason}"),
                            action="share.reason",
                            value=f"{item_id}:{reason}",
                        )
                        for reason in DISMISS_REASONS
                    )
                )
            )
        parts.extend(await self._remaining(ctx, item_id))
        return Reply(parts=tuple(parts), language=language, kind=f"suggestions.{kind}")

    async def _reason(self, ctx: Context, item_id: int, reason: str) -> Reply:
        language = ctx.language
        assert ctx.user_id is not None
        await asyncio.to_thread(
            offers.record_reason,
            self.store,
            user_id=ctx.user_id,
            item_id=item_id,
            reason=reason,
        )
        ranked = reason in ("topic", "team")
        key = "suggest.reason_thanks_ranked" if ranked else "suggest.reason_thanks"
        parts: list[Part] = [Text(text=t(language, key))]
        parts.extend(await self._remaining(ctx, item_id))
        return Reply(parts=tuple(parts), language=language, kind="suggestions.reason")

    async def _remaining(self, ctx: Context, handled: int) -> tuple[Part, ...]:
        # The reply replaces the message the button was on: keep the other suggestions
        # (without recording them as suggested again).
        assert ctx.user_id is not None
        found = await asyncio.to_thread(
            suggest, self.store, user_id=ctx.user_id, now=ctx.now, exclude=frozenset({handled})
        )
        if not found:
            return ()
        parts = await asyncio.to_thread(
            offers.suggestion_parts,
            self.store,
            user_id=ctx.user_id,
            language=ctx.language,
            now=ctx.now,
            suggestions=found,
            settings=self.settings,
        )
        return (Text(text=t(ctx.language, "suggest.more"), style="heading"), *parts)

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing: suggestions come when asked for (or in a chosen digest)."""
        return ()

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        """A few current suggestions and the person's own activity this month."""
        language = ctx.language
        if ctx.user_id is None:
            return ()
        user_id = ctx.user_id
        parts: list[Part] = [Text(text=t(language, "suggest.home.title"), style="heading")]
        found = await asyncio.to_thread(
            suggest, self.store, user_id=user_id, now=ctx.now, limit=HOME_LIMIT
        )
        if found:
            # Once a day per person counts as "suggested" on the home view.
            reply = await asyncio.to_thread(
                offers.suggestions_reply,
                self.store,
                user_id=user_id,
                language=language,
                now=ctx.now,
                suggestions=found,
                settings=self.settings,
                delivery_key=f"home:{user_id}:{ctx.now.date().isoformat()}",
                intro=t(language, "suggest.intro"),
            )
            parts.extend(reply.parts)
        else:
            parts.extend(empty_parts(language))
        activity = await asyncio.to_thread(self.store.month_activity, user_id=user_id, now=ctx.now)
        if activity.tracked:
            parts.append(Fact(label=t(language, "suggest.home.shared"), value=str(activity.shared)))
            parts.append(Fact(label=t(language, "suggest.home.clicks"), value=str(activity.clicks)))
        else:
            parts.append(Text(text=t(language, "suggest.home.untracked"), style="note"))
        return tuple(parts)
