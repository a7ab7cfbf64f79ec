"""What the bot writes down while it talks: the person, where to reach them, each
question and check, and the participation log.

Every method is safe to call on the event loop (storage runs in a worker thread) and
never raises: recording must never cost a person their answer, so a storage failure
is logged and the conversation goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from bot.answering.answer import Answer
from bot.checking import CheckResult
from bot.features import Context, EventSink
from bot.messages import ConversationRef, Platform

log = logging.getLogger(__name__)

_MAX_REMEMBERED = 100_000
"""People whose conversation reference this process remembers having saved."""


class ConversationRecords(Protocol):
    """Where the bot writes down people, their conversations, questions and checks.

    ``bot.storage.Store`` keeps them in the database; the methods are synchronous and
    are called from a worker thread.
    """

    def ensure_user(
        self, *, platform: str, platform_user_id: str, language: str | None = None
    ) -> int:
        """The id of the person, created if new; a given ``language`` replaces the stored one."""
        ...

    def roles_of(self, platform: str, platform_user_id: str) -> set[str]:
        """The roles granted to this person in the records."""
        ...

    def save_conversation(self, *, user_id: int, ref: ConversationRef, now: datetime) -> int:
        """Remember where to reach ``user_id`` on ``ref``'s platform; the record's id."""
        ...

    def user_language(self, platform: str, platform_user_id: str) -> str | None:
        """The language last used by this person, or None when unknown."""
        ...

    def record_question(
        self,
        *,
        user_id: int | None,
        text: str,
        language: str,
        verdict: str,
        rule_id: str | None,
        related: Sequence[str],
        guidelines_version: str,
        answered: bool,
        asked_at: datetime,
        choices: Sequence[str] = (),
    ) -> int:
        """Store a question and how it was answered; its id."""
        ...

    def record_check(
        self,
        *,
        user_id: int | None,
        language: str,
        verdict: str,
        rule_ids: Sequence[str],
        finding_count: int,
        guidelines_version: str,
        checked_at: datetime,
        text: str | None = None,
        store_text: bool = False,
    ) -> int:
        """Store the outcome of a draft check; its id."""
        ...


class Recorder:
    """Writes to ``store`` (nothing when None) and ``events`` (the participation log)."""

    def __init__(self, *, store: ConversationRecords | None, events: EventSink | None) -> None:
        self.store = store
        self.events = events
        self._saved_refs: dict[int, tuple[object, ...]] = {}

    def person(
        self, platform: str, platform_user_id: str, language: str
    ) -> tuple[int | None, frozenset[str]]:
        """The person's row id and the roles granted in the database (read every time, so
        a grant or revoke in the CLI takes effect at once). Synchronous; never raises."""
        if self.store is None:
            return None, frozenset()
        try:
            user_id: int | None = self.store.ensure_user(
                platform=platform, platform_user_id=platform_user_id, language=language
            )
        except Exception:  # recording must never cost the person their answer
            log.exception("could not record the person")
            user_id = None
        try:
            roles = frozenset(self.store.roles_of(platform, platform_user_id))
        except Exception:
            log.exception("could not read roles")
            roles = frozenset()
        return user_id, roles

    async def conversation(
        self, ref: ConversationRef, *, user_id: int | None, now: datetime
    ) -> None:
        """Store where to reach this person later (for digests)."""
        if self.store is None or user_id is None:
            return
        # Most messages come from a conversation already stored: skip the write then.
        known = (ref.platform, ref.conversation_id, ref.thread_id, repr(sorted(ref.data.items())))
        if self._saved_refs.get(user_id) == known:
            return
        saved = await self._write(self.store.save_conversation, user_id=user_id, ref=ref, now=now)
        if saved is not None:
            if len(self._saved_refs) > _MAX_REMEMBERED:
                self._saved_refs.clear()
            self._saved_refs[user_id] = known

    async def reach(self, ref: ConversationRef, *, now: datetime) -> None:
        """Store where to reach ``ref``'s person, creating their record when they are new
        (someone who installed the app but never wrote). Never raises."""
        store = self.store
        if store is None:
            return

        def save_reference() -> int:
            user_id = store.ensure_user(platform=ref.platform.value, platform_user_id=ref.user_id)
            return store.save_conversation(user_id=user_id, ref=ref, now=now)

        await self._write(save_reference)

    async def language(self, platform: Platform, user_id: str) -> str | None:
        """The language this person's row says they use, if any."""
        if self.store is None:
            return None
        try:
            found: str | None = await asyncio.to_thread(
                self.store.user_language, platform.value, user_id
            )
            return found
        except Exception:
            log.exception("could not read the stored language")
            return None

    async def question(self, answer: Answer, *, user_id: int | None, now: datetime) -> Answer:
        """Store the question and how it was answered; the answer, with its stored id."""
        if self.store is None:
            return answer
        question_id = await self._write(
            self.store.record_question,
            user_id=user_id,
            text=answer.question,
            language=answer.language,
            verdict=answer.verdict.value,
            rule_id=answer.rule.id if answer.rule else None,
            related=[r.id for r in answer.related],
            guidelines_version=answer.guidelines_version,
            answered=answer.rule is not None or answer.principles != (),
            asked_at=now,
            choices=[r.id for r in answer.choices],
        )
        if question_id is None:
            return answer
        return dataclasses.replace(answer, question_id=question_id, recorded=True)

    async def check(
        self, result: CheckResult, *, language: str, user_id: int | None, now: datetime
    ) -> None:
        """Store the outcome of a draft check (never the draft)."""
        if self.store is None:
            return
        await self._write(
            self.store.record_check,
            user_id=user_id,
            language=language,
            verdict=result.verdict.value,
            rule_ids=sorted({f.rule_id for f in result.findings}),
            finding_count=len(result.findings),
            guidelines_version=result.guidelines_version,
            checked_at=now,
        )

    async def event(self, kind: str, ctx: Context, *, detail: str | None = None) -> None:
        """One participation-log event, once per platform delivery."""
        if self.events is None or ctx.delivery_id is None:
            return
        try:
            await self.events.record(
                kind, ctx=ctx, key=f"{kind}:{ctx.platform.value}:{ctx.delivery_id}", detail=detail
            )
        except Exception:  # the log must never cost the person their answer
            log.exception("could not record %s", kind)

    async def _write(self, method: Callable[..., int], **values: object) -> int | None:
        try:
            return await asyncio.to_thread(method, **values)
        except Exception:  # recording must never cost the person their answer
            log.exception("could not record %s", getattr(method, "__name__", method))
            return None
