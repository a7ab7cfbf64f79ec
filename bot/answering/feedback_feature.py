"""The buttons under an answer: "did you mean" picks, "something else", 👍 and 👎.

A pick answers with the rule picked and records the question as matched to it;
"something else" records the question as unanswered; 👍/👎 are recorded with the
rule that answered. Each press only touches a question the same person asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.answering import actions
from bot.answering.answer import Answer, fallback_contact
from bot.answering.feedback import AskedQuestion, Feedback
from bot.answering.store import FeedbackStore
from bot.features import Context
from bot.guidelines.rules import Guidelines, Rule
from bot.i18n import t
from bot.intents import Intent, Understood
from bot.messages import IncomingAction, Part, Reply, Text, Verdict
from bot.replies import answer_reply, contact_text, notice_reply

log = logging.getLogger(__name__)


class AnswerFeedbackFeature:
    """Handles the ``answer.*`` actions; ``store`` None means nothing is recorded."""

    intents: frozenset[Intent] = frozenset()
    action_prefix = actions.PREFIX

    def __init__(self, store: FeedbackStore | None) -> None:
        self._store = store

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        """Never called: this feature claims no intents."""
        del understood
        return notice_reply("action.unknown", language=ctx.language)

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing to say before other replies."""
        del ctx
        return ()

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing for the home view."""
        del ctx
        return ()

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        """Answer a pick, record "something else" or a 👍/👎."""
        value = actions.parse_value(action.value)
        asked = await self._question(ctx, value.question_id)
        if value.question_id is not None and self._store is not None and asked is None:
            if await asyncio.to_thread(self._store.exists, value.question_id):
                # Someone else's question (a shared channel): leave their answer as it is.
                log.info("%s pressed a button on another person's answer", ctx.platform.value)
                return None
            return notice_reply("answer.question_gone", language=ctx.language)
        language = asked.language if asked is not None else ctx.language
        if action.action == actions.PICK:
            return await self._pick(ctx, asked, value.rule_id, language)
        if action.action == actions.NONE:
            return await self._something_else(ctx, asked, language)
        if action.action in (actions.HELPFUL, actions.NOT_HELPFUL):
            return await self._helpful(ctx, asked, value.rule_id, action.action, language)
        return notice_reply("action.unknown", language=ctx.language)

    async def _question(self, ctx: Context, question_id: int | None) -> AskedQuestion | None:
        if question_id is None or self._store is None:
            return None
        try:
            return await asyncio.to_thread(self._store.question, question_id, user_id=ctx.owner_id)
        except Exception:
            log.exception("could not read question %s", question_id)
            return None

    async def _pick(
        self, ctx: Context, asked: AskedQuestion | None, rule_id: str | None, language: str
    ) -> Reply:
        guidelines = ctx.guidelines
        rule = guidelines.rule(rule_id) if rule_id else None
        if rule is None:
            return notice_reply("answer.rule_gone", language=language)
        recorded = False
        if asked is not None and self._store is not None:
            recorded = await self._write(
                self._store.record_pick, asked.id, ctx=ctx, rule_id=rule.id
            )
        answer = Answer(
            question=asked.text if asked else "",
            verdict=rule.verdict,
            language=language,
            guidelines_version=guidelines.version,
            rule=rule,
            contact=guidelines.contacts.get(rule.owner),
            recorded=recorded,
            question_id=asked.id if asked else None,
        )
        if recorded:
            return answer_reply(answer, guidelines, note=t(language, "answer.picked"))
        return answer_reply(answer, guidelines)

    async def _something_else(
        self, ctx: Context, asked: AskedQuestion | None, language: str
    ) -> Reply:
        recorded = False
        if asked is not None and self._store is not None:
            recorded = await self._write(
                self._store.record_feedback, asked.id, ctx=ctx, feedback=Feedback.SOMETHING_ELSE
            )
        return _unknown(ctx.guidelines, language, recorded=recorded)

    async def _helpful(
        self,
        ctx: Context,
        asked: AskedQuestion | None,
        rule_id: str | None,
        action: str,
        language: str,
    ) -> Reply:
        feedback = Feedback.HELPFUL if action == actions.HELPFUL else Feedback.NOT_HELPFUL
        recorded = False
        if asked is not None and self._store is not None:
            recorded = await self._write(
                self._store.record_feedback, asked.id, ctx=ctx, feedback=feedback
            )
        if not recorded:
            note = t(language, "answer.feedback.unrecorded")
        elif feedback is Feedback.HELPFUL:
            note = t(language, "answer.feedback.thanks_up")
        elif rule_id:
            note = t(language, "answer.feedback.thanks_down")
        else:
            note = t(language, "answer.feedback.thanks_down_principles")
        guidelines = ctx.guidelines
        rule = guidelines.rule(rule_id) if rule_id else None
        if rule is None:
            answer = Answer(
                question=asked.text if asked else "",
                verdict=Verdict.GENERAL,
                language=language,
                guidelines_version=guidelines.version,
                principles=guidelines.principles,
            )
        else:
            # A 👎 on a guess keeps the other rules offered, so the person can still say
            # which one they meant (the pick the owners learn most from).
            others = _other_choices(guidelines, asked, rule.id) if recorded else ()
            answer = Answer(
                question=asked.text if asked else "",
                verdict=rule.verdict,
                language=language,
                guidelines_version=guidelines.version,
                rule=rule,
                contact=guidelines.contacts.get(rule.owner),
                sure=not (others and feedback is Feedback.NOT_HELPFUL),
                choices=others,
                question_id=asked.id if asked else None,
            )
        # The answer stays in view; the note takes the buttons' place.
        return answer_reply(answer, guidelines, note=note, keep_choices=not answer.sure)

    async def _write(
        self, method: Callable[..., bool], question_id: int, *, ctx: Context, **values: object
    ) -> bool:
        try:
            done: bool = await asyncio.to_thread(
                method,
                question_id,
                user_id=ctx.owner_id,
                now=ctx.now,
                **values,
            )
            return done
        except Exception:  # feedback must never cost the person their answer
            log.exception("could not record feedback on question %s", question_id)
            return False


def _other_choices(
    guidelines: Guidelines, asked: AskedQuestion | None, rule_id: str
) -> tuple[Rule, ...]:
    """The rules offered with the question besides ``rule_id``, as far as they still exist."""
    if asked is None:
        return ()
    found = (guidelines.rule(choice) for choice in asked.choices if choice != rule_id)
    return tuple(rule for rule in found if rule is not None)


def _unknown(guidelines: Guidelines, language: str, *, recorded: bool) -> Reply:
    text = t(language, "answer.none.thanks" if recorded else "answer.none.unrecorded")
    contact = fallback_contact(guidelines)
    if contact is not None:
        text += " " + t(
            language, "answer.unknown.ask_only", contact=contact_text(contact, language)
        )
    return Reply(
        parts=(Text(text=t(language, "verdict.unknown"), style="heading"), Text(text=text)),
        language=language,
        kind="answer.unknown",
    )
