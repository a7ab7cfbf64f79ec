"""The bot itself, the one facade adapters call: a message, a named command or a
button press in, a reply out.

Platform-neutral and async. It routes (help, a draft check, a feature's intent or
action, or a question for the guidelines), answers from the current guidelines, and
leaves what is written down to ``recording.Recorder`` and the home view to
``home.home_view``. Recording never stands in the way of an answer. Who is asking is
read in ``person_context``, the reply language chosen in ``reply_language``, and the
installed features are asked in ``installed_features``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from bot.answering.answer import Answer, answer_question
from bot.answering.answerer import Answerer, default_answerer
from bot.checking import CheckResult, check, prepare
from bot.clock import Clock, utc_now
from bot.features import Context, Feature
from bot.guidelines.library import GuidelinesLibrary
from bot.guidelines.rules import Guidelines
from bot.guidelines.throttled_refresh import ThrottledRefresh
from bot.home import home_view
from bot.i18n import SUPPORTED
from bot.inputs import TextTooLong, clean_text
from bot.installed_features import (
    feature_for_action,
    feature_for_intent,
    shared_items,
    with_preface,
)
from bot.intents import Intent, Understood, understand
from bot.messages import (
    ConversationRef,
    IncomingAction,
    IncomingCommand,
    IncomingMessage,
    Platform,
    Reply,
)
from bot.named_commands import CommandCall, understand_command
from bot.person_context import person_context
from bot.recording import ConversationRecords, ParticipationLog, Recorder, Turn
from bot.replies import answer_reply, check_reply, help_reply, notice_reply
from bot.reply_language import reply_language, told_reply_language
from bot.settings import Settings

log = logging.getLogger(__name__)


class Merkwerker:
    """Answers questions and checks drafts from a guidelines library."""

    def __init__(
        self,
        *,
        library: GuidelinesLibrary,
        store: ConversationRecords | None = None,
        clock: Clock = utc_now,
        refresh_seconds: float = 1.0,
        settings: Settings | None = None,
        features: list[Feature] | None = None,
        events: ParticipationLog | None = None,
        answerer: Answerer | None = None,
    ) -> None:
        self.library = library
        self.answerer = answerer or default_answerer()
        self.store = store
        self.clock = clock
        self.settings = settings or Settings()
        self.features: list[Feature] = list(features or [])
        self.events = events
        self.recorder = Recorder(store=store, events=events)
        self._refresh = ThrottledRefresh(library, seconds=refresh_seconds)
        library.on_loaded(self._prepare)

    def _prepare(self, guidelines: Guidelines) -> None:
        # Build the search index and the check plan when a version is loaded (in the
        # reload's worker thread), so the first question after an edit does not pay.
        self.answerer.prepare(guidelines)
        prepare(guidelines)

    def add_feature(self, feature: Feature) -> None:
        """Route ``feature``'s intents and actions to it."""
        self.features.append(feature)

    async def context(
        self,
        *,
        platform: Platform,
        platform_user_id: str,
        conversation: ConversationRef,
        language: str,
        user_name: str | None = None,
        delivery_id: str | None = None,
    ) -> Context:
        """Who is asking: their database row, roles and the moment, for features (a
        changed ``language`` is stored at once)."""
        ctx, _person = await person_context(
            self.recorder,
            settings=self.settings,
            clock=self.clock,
            library=self.library,
            platform=platform,
            platform_user_id=platform_user_id,
            conversation=conversation,
            language=language,
            user_name=user_name,
            delivery_id=delivery_id,
            store_language=True,
        )
        return ctx

    @property
    def guidelines(self) -> Guidelines:
        """The guidelines currently served."""
        return self.library.current

    async def handle(self, message: IncomingMessage) -> Reply:
        """Reply to ``message``: help, a check of a draft, or an answer from the rules."""
        await self._refresh()
        language = self.language_for(message.text, message.locale)
        try:
            text = clean_text(message.text)
        except TextTooLong as error:
            return notice_reply(
                "input.too_long", language=language, length=error.length, limit=error.limit
            )
        return await self._respond(
            understand(text),
            said=message.text,
            language=language,
            platform=message.platform,
            user_id=message.user_id,
            conversation=message.conversation,
            locale=message.locale,
            user_name=message.user_name,
            delivery_id=message.message_id,
        )

    async def handle_command(self, command: IncomingCommand) -> Reply:
        """Reply to a named command; its name decides the intent, its argument the subject.

        Only the argument of ``ask`` (a question in the person's own words) is read as
        free text. A command without the argument it needs gets the "empty" notice.
        """
        await self._refresh()
        language = self.language_for(command.argument or command.name.value, command.locale)
        try:
            argument = clean_text(command.argument)
        except TextTooLong as error:
            return notice_reply(
                "input.too_long", language=language, length=error.length, limit=error.limit
            )
        return await self._respond(
            understand_command(CommandCall(name=command.name, argument=argument)),
            said=command.argument or "",
            language=language,
            platform=command.platform,
            user_id=command.user_id,
            conversation=command.conversation,
            locale=command.locale,
            user_name=command.user_name,
            delivery_id=command.command_id,
        )

    async def _respond(
        self,
        understood: Understood,
        *,
        said: str,
        language: str,
        platform: Platform,
        user_id: str,
        conversation: ConversationRef,
        locale: str | None,
        user_name: str | None,
        delivery_id: str | None,
    ) -> Reply:
        if understood.intent is Intent.EMPTY:
            return notice_reply("input.empty", language=language)
        if understood.intent is Intent.CHECK:
            said = understood.text
            language = self.language_for(said, locale)
        ctx, person = await person_context(
            self.recorder,
            settings=self.settings,
            clock=self.clock,
            library=self.library,
            platform=platform,
            platform_user_id=user_id,
            conversation=conversation,
            language=language,
            user_name=user_name,
            delivery_id=delivery_id,
            store_language=False,
        )
        told = told_reply_language(said, locale, self.library.current)
        known = person.language if person is not None else None
        if told is None and known in ctx.guidelines.languages and known in SUPPORTED:
            # "help", "ok", a number: the language they wrote in before, not a default.
            language = known
            ctx = dataclasses.replace(ctx, language=known)
        # What the message writes (the person's new language, where to reach them, the
        # question or check and its event) goes in one transaction.
        turn = self.recorder.turn(
            person,
            platform=platform,
            conversation=conversation,
            language=language,
            delivery_id=delivery_id,
            at=ctx.now,
        )
        reply = await self._reply(ctx, understood, turn)
        await self.recorder.finish(turn)
        return await with_preface(self.features, ctx, reply)

    async def _reply(self, ctx: Context, understood: Understood, turn: Turn) -> Reply:
        guidelines = ctx.guidelines
        language = ctx.language
        if understood.intent is Intent.HELP:
            return help_reply(guidelines, language=language, roles=ctx.roles)
        if understood.intent is Intent.COMMAND:
            return notice_reply("input.not_a_question", language=language)
        if understood.intent is Intent.THANKS:
            return notice_reply(f"input.{understood.text}", language=language)
        if understood.intent is Intent.CHECK:
            result = await self._check(understood.text, language=language, turn=turn)
            return check_reply(result, guidelines, language=language)
        feature = feature_for_intent(self.features, understood.intent)
        if feature is not None:
            # Written before the feature acts, which may change or forget the person.
            await self.recorder.finish(turn)
            return await feature.on_message(ctx, understood)
        question = understood.text
        if understood.intent is not Intent.ASK:
            # A command whose feature is not installed here is still a question.
            question = understood.text or question
        answer = await self._ask(question or "?", language=language, turn=turn)
        return answer_reply(answer, guidelines)

    async def handle_action(self, action: IncomingAction) -> Reply | None:
        """Handle a button press or form submission; a reply replaces the original message."""
        await self._refresh()
        language = self.language_for("", action.locale)
        stored = await self.recorder.language(action.platform, action.user_id)
        if stored and action.locale is None:
            language = stored
        ctx = await self.context(
            platform=action.platform,
            platform_user_id=action.user_id,
            conversation=action.conversation,
            language=language,
            user_name=action.user_name,
            delivery_id=action.action_id,
        )
        feature = feature_for_action(self.features, action.action)
        if feature is None:
            log.warning("no feature handles action %r", action.action)
            return notice_reply("action.unknown", language=language)
        return await feature.on_action(ctx, action)

    async def home(
        self,
        *,
        platform: Platform,
        platform_user_id: str,
        conversation: ConversationRef,
        locale: str | None = None,
        user_name: str | None = None,
    ) -> Reply:
        """The person's home view: the principles, then what each feature shows there."""
        ctx = await self._unprompted(
            platform=platform,
            platform_user_id=platform_user_id,
            conversation=conversation,
            locale=locale,
            user_name=user_name,
        )
        return await home_view(ctx, self.features)

    async def help_for(
        self,
        *,
        platform: Platform,
        platform_user_id: str,
        conversation: ConversationRef,
        locale: str | None = None,
        user_name: str | None = None,
    ) -> Reply:
        """What this person can type, by their roles (a welcome before they have written)."""
        ctx = await self._unprompted(
            platform=platform,
            platform_user_id=platform_user_id,
            conversation=conversation,
            locale=locale,
            user_name=user_name,
        )
        return help_reply(ctx.guidelines, language=ctx.language, roles=ctx.roles)

    async def _unprompted(
        self,
        *,
        platform: Platform,
        platform_user_id: str,
        conversation: ConversationRef,
        locale: str | None,
        user_name: str | None,
    ) -> Context:
        """The context for showing something the person did not write for (home view,
        welcome): in the platform's locale, else the language they last used."""
        await self._refresh()
        language = self.language_for("", locale)
        if locale is None:
            language = await self.recorder.language(platform, platform_user_id) or language
        return await self.context(
            platform=platform,
            platform_user_id=platform_user_id,
            conversation=conversation,
            language=language,
            user_name=user_name,
        )

    async def remember_reach(self, ref: ConversationRef) -> None:
        """Store where to reach ``ref``'s person later, before they have written (for
        instance when they installed the app); never raises."""
        await self.recorder.reach(ref, now=self.clock())

    def handles_action(self, action: str) -> bool:
        """Whether an installed feature takes ``action``."""
        return feature_for_action(self.features, action) is not None

    def language_for(self, text: str, locale: str | None = None) -> str:
        """The reply language: the platform locale when known, else the message's
        language, else the guidelines' first."""
        return reply_language(text, locale, self.library.current)

    async def ask(self, question: str, *, language: str) -> Answer:
        """Answer ``question`` from no one in particular (the command line) and record it."""
        now = self.clock()
        return await self._ask(question, language=language, turn=Turn(person=None, at=now))

    async def _ask(self, question: str, *, language: str, turn: Turn) -> Answer:
        """Answer ``question`` and record it with what ``turn`` has pending (unanswered
        questions are kept for the rule owners)."""
        # Embedding the question takes milliseconds of CPU: keep it off the event loop.
        answer = await asyncio.to_thread(
            answer_question,
            question,
            self.library.current,
            language=language,
            today=turn.at.date(),
            answerer=self.answerer,
        )
        return await self.recorder.question(answer, turn)

    async def check(self, draft: str, *, language: str) -> CheckResult:
        """Check ``draft`` from no one in particular (the command line) and record the
        outcome (not the text)."""
        now = self.clock()
        return await self._check(draft, language=language, turn=Turn(person=None, at=now))

    async def _check(self, draft: str, *, language: str, turn: Turn) -> CheckResult:
        """Check ``draft`` against the active rules and record the outcome (not the text)
        with what ``turn`` has pending."""
        shared = await shared_items(self.features, turn.at)
        result = check(
            draft, self.library.current, language=language, today=turn.at.date(), shared=shared
        )
        await self.recorder.check(result, language=language, turn=turn)
        return result
