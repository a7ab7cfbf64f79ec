"""``PrivacyFeature``: how tracking works, opting out and in, "what do you know about me?"
and "forget me" — and the short notice the first time someone talks to the bot.
"""

from __future__ import annotations

import asyncio

from bot.features import Context
from bot.i18n import t
from bot.intents import Intent, Understood
from bot.messages import Choice, Choices, IncomingAction, Part, Reply, Text
from bot.people.export import summary_parts
from bot.people.forget import Forgotten
from bot.people.store import PeopleStore

_OUT_WORDS = frozenset({"out", "off", "uit", "stop", "uitzetten"})
_IN_WORDS = frozenset({"in", "on", "aan", "aanzetten", "start"})


def tracking_command(text: str) -> str | None:
    """``"out"``, ``"in"`` or None (explain) for a folded privacy message."""
    words = text.replace("-", " ").split()
    if any(word in _OUT_WORDS for word in words):
        return "out"
    if len(words) > 1 and any(word in _IN_WORDS for word in words):
        return "in"
    return None


def _reply(language: str, kind: str, *parts: Part) -> Reply:
    return Reply(parts=parts, language=language, kind=kind)


class PrivacyFeature:
    """People's control over what is kept about them."""

    intents = frozenset({Intent.PRIVACY, Intent.MYDATA, Intent.FORGET})
    action_prefix = "privacy"

    def __init__(self, people: PeopleStore) -> None:
        """Read, change, export and forget what ``people`` keeps."""
        self.people = people
        # People known to have had the notice, so most messages need no database write.
        self._explained: set[int] = set()

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        """Explain, opt out or in, show the person's data, or ask to confirm forgetting."""
        if understood.intent is Intent.MYDATA:
            return await self._export(ctx)
        if understood.intent is Intent.FORGET:
            return self._ask_forget(ctx)
        command = tracking_command(understood.text)
        if command is not None:
            return await self._tracking(ctx, on=command == "in")
        return await self._explain(ctx)

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        """The buttons of the privacy replies."""
        name = action.action.partition(".")[2]
        if name in ("opt_out", "opt_in"):
            return await self._tracking(ctx, on=name == "opt_in")
        if name == "export":
            return await self._export(ctx)
        if name == "forget":
            return self._ask_forget(ctx)
        if name == "forget_confirm":
            return await self._forget(ctx)
        if name == "forget_cancel":
            return _reply(
                ctx.language,
                "privacy.forget_cancelled",
                Text(text=t(ctx.language, "privacy.forget.cancelled")),
            )
        return _reply(ctx.language, "action.unknown", Text(text=t(ctx.language, "action.unknown")))

    async def _explain(self, ctx: Context) -> Reply:
        language = ctx.language
        profile = (
            None
            if ctx.user_id is None
            else await asyncio.to_thread(self.people.profile, ctx.user_id)
        )
        tracking = profile is None or profile.tracking
        parts: list[Part] = [
            Text(text=t(language, "privacy.title"), style="heading"),
            Text(text=t(language, "privacy.what")),
            Text(text=t(language, "privacy.why")),
            Text(text=t(language, "privacy.who")),
            Text(text=t(language, "privacy.how")),
            Text(
                text=t(language, "privacy.status_on" if tracking else "privacy.status_off"),
                style="note",
            ),
            self._buttons(language, tracking=tracking),
        ]
        return Reply(parts=tuple(parts), language=language, kind="privacy")

    @staticmethod
    def _buttons(language: str, *, tracking: bool) -> Choices:
        switch = (
            ("privacy.opt_out", "privacy.button.opt_out")
            if tracking
            else ("privacy.opt_in", "privacy.button.opt_in")
        )
        return Choices(
            choices=(
                Choice(label=t(language, switch[1]), action=switch[0]),
                Choice(label=t(language, "privacy.button.export"), action="privacy.export"),
                Choice(label=t(language, "privacy.button.forget"), action="privacy.forget"),
            )
        )

    async def _tracking(self, ctx: Context, *, on: bool) -> Reply:
        language = ctx.language
        if ctx.user_id is None:
            return _reply(
                language, "privacy.unavailable", Text(text=t(language, "privacy.unavailable"))
            )
        changed = await asyncio.to_thread(self.people.set_tracking, ctx.user_id, on=on)
        state = "opted_in" if on else "opted_out"
        key = f"privacy.{state}" if changed else f"privacy.already_{'in' if on else 'out'}"
        return _reply(language, f"privacy.{state}", Text(text=t(language, key)))

    async def _export(self, ctx: Context) -> Reply:
        language = ctx.language
        document = (
            None
            if ctx.user_id is None
            else await asyncio.to_thread(self.people.export, ctx.user_id, now=ctx.now)
        )
        if document is None:
            return _reply(language, "privacy.export", Text(text=t(language, "privacy.nothing")))
        return Reply(
            parts=summary_parts(document, language), language=language, kind="privacy.export"
        )

    def _ask_forget(self, ctx: Context) -> Reply:
        language = ctx.language
        return _reply(
            language,
            "privacy.forget_ask",
            Text(text=t(language, "privacy.forget.ask")),
            Choices(
                choices=(
                    Choice(
                        label=t(language, "privacy.forget.confirm"), action="privacy.forget_confirm"
                    ),
                    Choice(
                        label=t(language, "privacy.forget.cancel"), action="privacy.forget_cancel"
                    ),
                )
            ),
        )

    async def _forget(self, ctx: Context) -> Reply:
        language = ctx.language
        result: Forgotten | None = None
        if ctx.user_id is not None:
            result = await asyncio.to_thread(self.people.forget, ctx.user_id)
            self._explained.discard(ctx.user_id)
        if result is None:
            return _reply(language, "privacy.forgotten", Text(text=t(language, "privacy.nothing")))
        return _reply(language, "privacy.forgotten", *forgotten_parts(result, language))

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        """The tracking notice, the first time this person talks to the bot; never again."""
        if ctx.user_id is None or ctx.user_id in self._explained:
            return ()
        first = await asyncio.to_thread(self.people.mark_explained, ctx.user_id, ctx.now)
        self._explained.add(ctx.user_id)
        if not first:
            return ()
        return (Text(text=t(ctx.language, "privacy.notice"), style="note"),)

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        """Whether tracking is on, with the privacy buttons."""
        if ctx.user_id is None:
            return ()
        profile = await asyncio.to_thread(self.people.profile, ctx.user_id)
        if profile is None:
            return ()
        language = ctx.language
        status = "privacy.status_on" if profile.tracking else "privacy.status_off"
        return (
            Text(text=t(language, "privacy.title"), style="heading"),
            Text(text=t(language, status)),
            self._buttons(language, tracking=profile.tracking),
        )


def forgotten_parts(result: Forgotten, language: str) -> tuple[Part, ...]:
    """What forgetting removed, and what stays as anonymous totals."""
    return (
        Text(text=t(language, "privacy.forget.done"), style="heading"),
        Text(
            text=t(
                language,
                "privacy.forget.removed",
                questions=result.questions,
                conversations=result.conversations,
                outbox=result.outbox,
                roles=result.roles,
            )
        ),
        Text(
            text=t(
                language,
                "privacy.forget.kept",
                events=result.events_anonymised,
                checks=result.checks_anonymised,
                shares=result.shares_anonymised,
            ),
            style="note",
        ),
    )
