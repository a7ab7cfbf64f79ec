"""``receive(payload) -> Ack``: the one way in for everything Slack sends.

Both transports call it with a payload they have already authenticated (the HTTP
handler by its signature, Socket Mode by its connection) and parsed, and send back
the ``Ack`` it returns. It reads the payload once (``incoming.to_incoming``), handles
a retried event once (by its ``event_id``), and queues the real work (``Jobs``) on the
``WorkQueue``, so Slack hears back well within its three seconds. The one exception
is a submitted modal: Slack takes field errors or an updated view only in the
acknowledgement, so the core is asked right away, with a deadline; past it the modal
closes and the answer follows as a direct message. Whatever nobody handles is still
acknowledged, so Slack does not retry it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack import payloads as p
from adapters.slack.incoming import (
    ButtonPress,
    Challenge,
    Event,
    FormSubmission,
    Shortcut,
    SlashCommand,
    to_incoming,
)
from adapters.slack.jobs import Jobs
from adapters.slack.modals import submission_response
from adapters.slack.work import WorkQueue
from bot.dedupe import RecentKeys

log = logging.getLogger(__name__)

QUEUE_SHORTCUT = "queue_for_sharing"
"""The ``callback_id`` of the "Queue for sharing" message shortcut (see manifest.yaml)."""
EVENT_TTL_SECONDS = 60 * 60
"""How long an event id is remembered: Slack retries within minutes; an hour is ample."""
MAX_EVENTS = 100_000
SUBMIT_DEADLINE_SECONDS = 2.5
"""How long a submitted form may take before the modal closes without the answer."""


@dataclass(frozen=True)
class Ack:
    """The acknowledgement of one payload: empty, or a JSON body for Slack to act on."""

    body: Mapping[str, Any] | None = None


EMPTY = Ack()
Receive = Callable[[Mapping[str, Any]], Awaitable[Ack]]
"""What a transport calls with each authenticated, parsed payload."""


class Ingress:
    """Reads, deduplicates and acknowledges payloads, and queues their work."""

    def __init__(
        self,
        jobs: Jobs,
        work: WorkQueue,
        *,
        submit_deadline: float = SUBMIT_DEADLINE_SECONDS,
    ) -> None:
        self.jobs = jobs
        self.work = work
        self.seen = RecentKeys(ttl=EVENT_TTL_SECONDS, max_entries=MAX_EVENTS)
        self.submit_deadline = submit_deadline
        self._late: set[asyncio.Task[None]] = set()

    def queue(self, job: Callable[[], Awaitable[None]], name: str) -> None:
        """Queue work to run after the acknowledgement."""
        self.work.submit(job, name=name)

    async def receive(self, body: Mapping[str, Any]) -> Ack:
        """Acknowledge ``body`` (an authenticated, parsed payload) and queue what it asks for."""
        item = to_incoming(body)
        if isinstance(item, Event):
            self._on_event(item)
        elif isinstance(item, SlashCommand):
            self.queue(lambda: self.jobs.run_command(item.body), "command")
        elif isinstance(item, ButtonPress):
            self.queue(lambda: self.jobs.press(item.body), "action")
        elif isinstance(item, FormSubmission):
            return await self._on_submission(item)
        elif isinstance(item, Shortcut):
            if item.callback_id == QUEUE_SHORTCUT:
                self.queue(lambda: self.jobs.queue_shortcut(item.body), "shortcut")
        elif isinstance(item, Challenge):
            return Ack({"challenge": item.challenge})
        return EMPTY

    def _on_event(self, event: Event) -> None:
        if event.event_id and not self.seen.first_time(event.event_id):
            log.info("event %s delivered again; handled already", event.event_id)
            return
        if event.is_message and _maybe_for_bot(p.event_of(event.body)):
            self.queue(lambda: self.jobs.answer_message(event.body), "message")
        elif event.opens_home:
            self.queue(lambda: self.jobs.publish_home(event.body), "home")

    async def _on_submission(self, item: FormSubmission) -> Ack:
        context = item.context
        answer = asyncio.ensure_future(
            self.jobs.submit_form(
                item.body,
                action=context.action,
                value=context.value,
                form=item.values,
                channel=context.channel,
            )
        )
        user = p.user_of(item.body)
        try:
            reply = await asyncio.wait_for(asyncio.shield(answer), self.submit_deadline)
        except TimeoutError:
            # Close the modal now; the answer follows as a direct message.
            late = asyncio.ensure_future(
                self._deliver_late(answer, user=user, channel=context.channel)
            )
            self._late.add(late)
            late.add_done_callback(self._late.discard)
            return EMPTY
        except Exception:
            log.exception("submitting a form failed")
            self.queue(lambda: self.jobs.tell_failure(user), "form-failure")
            return EMPTY
        response = submission_response(
            reply, context=context, submitted=item.values, view=item.view
        )
        return EMPTY if response is None else Ack(response)

    async def _deliver_late(
        self, answer: asyncio.Future[Any], *, user: str, channel: str | None
    ) -> None:
        try:
            reply = await answer
        except Exception:
            log.exception("submitting a form failed")
            await self.jobs.tell_failure(user)
            return
        try:
            await self.jobs.deliver_late(reply, user=user, channel=channel)
        except Exception:
            log.exception("could not deliver the answer to a form")

    async def close(self, timeout: float) -> None:
        """Wait (up to ``timeout`` seconds) for forms still being answered after their ack."""
        if self._late:
            await asyncio.wait(self._late, timeout=timeout)


def _maybe_for_bot(event: Mapping[str, Any]) -> bool:
    # The bot's own user id is not needed to rule out edits, bots and other noise; the
    # job checks the rest once it knows the id.
    return p.is_message_for_bot(event, bot_user_id=None) or p.is_mention_for_bot(
        event, bot_user_id=None
    )
