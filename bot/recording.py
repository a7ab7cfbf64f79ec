"""What the bot writes down while it talks: the person, where to reach them, each
question and check, and the participation log.

A message reads the person once (``person``) and writes once (``Turn``: its question
or check, its event, and the person's new language or conversation when those changed,
in one transaction). Every method is safe to call on the event loop (storage runs in a
worker thread) and never raises: recording must never cost a person their answer, so a
storage failure is logged and the conversation goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.answering.answer import Answer
from bot.checking import CheckResult
from bot.messages import ConversationRef, Platform
from bot.records import CheckRecord, LoggedEvent, MessageRecord, Person, QuestionRecord

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

    def person(self, *, platform: str, platform_user_id: str, language: str | None) -> Person:
        """The person with their stored language, team, tracking choice and roles, created
        (with ``language``) if new; the stored language is not changed."""
        ...

    def save_conversation(self, *, user_id: int, ref: ConversationRef, now: datetime) -> int:
        """Remember where to reach ``user_id`` on ``ref``'s platform; the record's id."""
        ...

    def user_language(self, platform: str, platform_user_id: str) -> str | None:
        """The language last used by this person, or None when unknown."""
        ...

    def record_message(self, record: MessageRecord) -> int | None:
        """Write ``record`` but its event in one transaction; the question's or check's id."""
        ...


class ParticipationLog(Protocol):
    """The participation log (``bot.tracking.EventLog``): a message's records with its
    event, in the same transaction."""

    def record_message(self, record: MessageRecord) -> int | None:
        """Write ``record`` and its event in one transaction; the question's or check's id."""
        ...


@dataclasses.dataclass(kw_only=True)
class Turn:
    """One message being handled: who wrote, and what it has still to write down.

    ``Recorder.turn`` makes one per message; the question or check of the message takes
    the pending writes along, and ``Recorder.finish`` writes whatever is left.
    """

    person: Person | None
    at: datetime
    event_key: str | None = None
    """What the message's event is keyed on (``<platform>:<delivery id>``), if logged."""
    language: str | None = None
    """The person's language, to store: it differs from the stored one."""
    conversation: ConversationRef | None = None
    """Where to reach the person, to store: this process has not stored it yet."""
    written: bool = False

    def record(
        self,
        *,
        question: QuestionRecord | None = None,
        check: CheckRecord | None = None,
        event: LoggedEvent | None = None,
    ) -> MessageRecord:
        """The ``MessageRecord`` of the pending writes plus a question or check and event."""
        return MessageRecord(
            person=self.person,
            at=self.at,
            language=self.language,
            conversation=self.conversation,
            question=question,
            check=check,
            event=event,
        )


class Recorder:
    """Writes to ``store`` (nothing when None), with ``events`` (the participation log)
    writing each message's records and event together when it is given."""

    def __init__(
        self, *, store: ConversationRecords | None, events: ParticipationLog | None
    ) -> None:
        self.store = store
        self.events = events
        self._saved_refs: dict[int, tuple[object, ...]] = {}

    def person(
        self, platform: str, platform_user_id: str, language: str, *, store_language: bool
    ) -> Person | None:
        """The person, read once (roles read every time, so a grant or revoke in the CLI
        takes effect at once); None without storage or when it fails. With
        ``store_language`` a changed language is written at once, else it is left to
        the message's ``Turn``. Synchronous; never raises."""
        if self.store is None:
            return None
        try:
            person = self.store.person(
                platform=platform, platform_user_id=platform_user_id, language=language
            )
            if store_language and person.language != language:
                self.store.ensure_user(
                    platform=platform, platform_user_id=platform_user_id, language=language
                )
                person = dataclasses.replace(person, language=language)
        except Exception:  # recording must never cost the person their answer
            log.exception("could not read or record the person")
            return None
        return person

    def turn(
        self,
        person: Person | None,
        *,
        platform: Platform,
        conversation: ConversationRef,
        language: str,
        delivery_id: str | None,
        at: datetime,
    ) -> Turn:
        """The writes one message of ``person`` has pending: their language when it
        changed, the conversation when this process has not stored it yet."""
        turn = Turn(person=person, at=at)
        if self.events is not None and delivery_id is not None:
            turn.event_key = f"{platform.value}:{delivery_id}"
        if person is None:
            return turn
        if person.language != language:
            turn.language = language
        # Most messages come from a conversation already stored: skip the write then.
        if self._saved_refs.get(person.user_id) != _known(conversation):
            turn.conversation = conversation
        return turn

    async def finish(self, turn: Turn) -> None:
        """Write what ``turn`` has pending, unless its question or check already did."""
        if turn.written or (turn.language is None and turn.conversation is None):
            return
        await self._write(turn, turn.record())

    async def reach(self, ref: ConversationRef, *, now: datetime) -> None:
        """Store where to reach ``ref``'s person, creating their record when they are new
        (someone who installed the app but never wrote). Never raises."""
        store = self.store
        if store is None:
            return

        def save_reference() -> int:
            user_id = store.ensure_user(platform=ref.platform.value, platform_user_id=ref.user_id)
            return store.save_conversation(user_id=user_id, ref=ref, now=now)

        try:
            await asyncio.to_thread(save_reference)
        except Exception:  # recording must never cost the person their welcome
            log.exception("could not record where to reach the person")

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

    async def question(self, answer: Answer, turn: Turn) -> Answer:
        """Store the question, how it was answered and its ``question_asked`` event with
        what ``turn`` has pending; the answer, with its stored id."""
        question = QuestionRecord(
            text=answer.question,
            language=answer.language,
            verdict=answer.verdict.value,
            rule_id=answer.rule.id if answer.rule else None,
            related=tuple(r.id for r in answer.related),
            guidelines_version=answer.guidelines_version,
            answered=answer.rule is not None or answer.principles != (),
            choices=tuple(r.id for r in answer.choices),
        )
        event = _event("question_asked", turn, detail=answer.verdict.value)
        question_id = await self._write(turn, turn.record(question=question, event=event))
        if question_id is None:
            return answer
        return dataclasses.replace(answer, question_id=question_id, recorded=True)

    async def check(self, result: CheckResult, *, language: str, turn: Turn) -> None:
        """Store the outcome of a draft check (never the draft) and its ``draft_checked``
        event with what ``turn`` has pending."""
        check = CheckRecord(
            language=language,
            verdict=result.verdict.value,
            rule_ids=tuple(sorted({f.rule_id for f in result.findings})),
            finding_count=len(result.findings),
            guidelines_version=result.guidelines_version,
        )
        event = _event("draft_checked", turn, detail=result.verdict.value)
        await self._write(turn, turn.record(check=check, event=event))

    async def _write(self, turn: Turn, record: MessageRecord) -> int | None:
        if self.store is None:
            return None
        write: Callable[[MessageRecord], int | None] = (
            self.events.record_message if self.events is not None else self.store.record_message
        )
        try:
            written = await asyncio.to_thread(write, record)
        except Exception:  # recording must never cost the person their answer
            log.exception("could not record the message")
            return None
        turn.written = True
        if record.person is not None and record.conversation is not None:
            if len(self._saved_refs) > _MAX_REMEMBERED:
                self._saved_refs.clear()
            self._saved_refs[record.person.user_id] = _known(record.conversation)
        return written


def _known(ref: ConversationRef) -> tuple[object, ...]:
    return (ref.platform, ref.conversation_id, ref.thread_id, repr(sorted(ref.data.items())))


def _event(kind: str, turn: Turn, *, detail: str) -> LoggedEvent | None:
    if turn.event_key is None:
        return None
    return LoggedEvent(kind=kind, key=f"{kind}:{turn.event_key}", detail=detail)
