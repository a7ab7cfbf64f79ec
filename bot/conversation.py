"""The bot itself: takes an incoming message, returns a reply.

Platform-neutral and async. It answers from the current guidelines, checks drafts,
and records what was asked and checked (never the draft text itself by default).
Recording never stands in the way of an answer: a storage failure is logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.answering.answer import Answer, answer_question
from bot.checking import CheckResult, check
from bot.guidelines.library import GuidelinesLibrary
from bot.guidelines.model import Guidelines
from bot.i18n import SUPPORTED
from bot.i18n.detect import language_from_locale, language_of
from bot.inputs import TextTooLong, clean_text
from bot.intents import Intent, understand
from bot.models import IncomingMessage, Reply
from bot.replies import answer_reply, check_reply, help_reply, notice_reply
from bot.storage import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(UTC)


class Merkwerker:
    """Answers questions and checks drafts from a guidelines library."""

    def __init__(
        self,
        *,
        library: GuidelinesLibrary,
        store: Store | None = None,
        clock: Clock = utc_now,
        refresh_seconds: float = 1.0,
    ) -> None:
        self.library = library
        self.store = store
        self.clock = clock
        self._refresh_seconds = refresh_seconds
        self._last_refresh = 0.0

    @property
    def guidelines(self) -> Guidelines:
        """The guidelines currently served."""
        return self.library.current

    async def handle(self, message: IncomingMessage) -> Reply:
        """Reply to ``message``: help, a check of a draft, or an answer from the rules."""
        await self._refresh()
        guidelines = self.library.current
        language = self.language_for(message.text, message.locale)
        try:
            text = clean_text(message.text)
        except TextTooLong as error:
            return notice_reply("input.too_long", language=language, length=error.length, limit=error.limit)
        understood = understand(text)
        if understood.intent is Intent.EMPTY:
            return notice_reply("input.empty", language=language)
        if understood.intent is Intent.HELP:
            return help_reply(guidelines, language=language)
        user_id = await self._user(message, language)
        if understood.intent is Intent.CHECK:
            language = self.language_for(understood.text, message.locale)
            result = await self.check(understood.text, language=language, user_id=user_id)
            return check_reply(result, guidelines, language=language)
        answer = await self.ask(understood.text, language=language, user_id=user_id)
        return answer_reply(answer, guidelines)

    def language_for(self, text: str, locale: str | None = None) -> str:
        """The reply language: the platform locale when known, else the message's language."""
        guidelines = self.library.current
        supported = tuple(lang for lang in guidelines.languages if lang in SUPPORTED) or ("en",)
        from_locale = language_from_locale(locale, supported)
        if from_locale:
            return from_locale
        detected = language_of(text, fallback=supported[0])
        return detected if detected in supported else supported[0]

    async def ask(self, question: str, *, language: str, user_id: int | None = None) -> Answer:
        """Answer ``question`` and record it (unanswered ones are kept for the rule owners)."""
        guidelines = self.library.current
        now = self.clock()
        answer = answer_question(question, guidelines, language=language, today=now.date())
        if self.store is not None:
            await self._record(
                self.store.record_question,
                user_id=user_id,
                text=question,
                language=language,
                verdict=answer.verdict.value,
                rule_id=answer.rule.id if answer.rule else None,
                related=[r.id for r in answer.related],
                guidelines_version=answer.guidelines_version,
                answered=answer.rule is not None or answer.principles != (),
                asked_at=now,
            )
        return answer

    async def check(self, draft: str, *, language: str, user_id: int | None = None) -> CheckResult:
        """Check ``draft`` against the active rules and record the outcome (not the text)."""
        guidelines = self.library.current
        now = self.clock()
        result = check(draft, guidelines, language=language, today=now.date())
        if self.store is not None:
            await self._record(
                self.store.record_check,
                user_id=user_id,
                language=language,
                verdict=result.verdict.value,
                rule_ids=sorted({f.rule_id for f in result.findings}),
                finding_count=len(result.findings),
                guidelines_version=result.guidelines_version,
                checked_at=now,
            )
        return result

    async def _user(self, message: IncomingMessage, language: str) -> int | None:
        if self.store is None:
            return None
        user_id: int | None = await self._record(
            self.store.ensure_user,
            platform=message.platform.value,
            platform_user_id=message.user_id,
            language=language,
        )
        return user_id

    async def _record(self, method: Callable[..., int], **values: object) -> int | None:
        try:
            return await asyncio.to_thread(method, **values)
        except Exception:  # recording must never cost the person their answer
            log.exception("could not record %s", getattr(method, "__name__", method))
            return None

    async def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._last_refresh < self._refresh_seconds:
            return
        self._last_refresh = now
        try:
            await self.library.refresh()
        except Exception:  # a reload problem must not stop the answer being given
            log.exception("reloading the guidelines failed")
