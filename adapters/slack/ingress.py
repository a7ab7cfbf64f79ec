"""``receive(payload) -> Ack``: the one way in for everything Slack sends.

Both transports call it with a payload they have already authenticated (the HTTP
handler by its signature, Socket Mode by its connection) and parsed, and send back
the ``Ack`` it returns. It reads the payload once (``incoming.to_incoming``), writes
what it will answer to the inbox (``bot.inbox``) before acknowledging, and queues the
real work (``Jobs``) on the ``WorkQueue``, so Slack hears back well within its three
seconds. The inbox key is the event's ``event_id``, or a digest of the ``trigger_id``
and the payload of a command, press, shortcut or form: a retry or a replayed request
finds its key written already, in this process or another, and gets the plain
acknowledgement and nothing else. A row whose process died before answering it is
answered by the inbox worker of another process (``answer_claimed``).

The one exception is a submitted modal: Slack takes field errors or an updated view
only in the acknowledgement, so the core is asked right away, with a deadline; past it
the modal closes and the answer follows as a direct message. Whatever nobody handles
is still acknowledged, so Slack does not retry it.
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
from bot.inbox import Delivery, InboxWorker, digest_key

log = logging.getLogger(__name__)

QUEUE_SHORTCUT = "queue_for_sharing"
"""The ``callback_id`` of the "Queue for sharing" message shortcut (see manifest.yaml)."""
PLATFORM = "slack"
MESSAGE, HOME, COMMAND, ACTION, SHORTCUT, FORM = (
    "message",
    "home",
    "command",
    "action",
    "shortcut",
    "form",
)
"""The kinds of inbox rows Slack writes."""
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
        inbox: InboxWorker,
        *,
        submit_deadline: float = SUBMIT_DEADLINE_SECONDS,
    ) -> None:
        """``inbox``'s handler must be ``answer_claimed`` (``SlackAdapter`` wires it)."""
        self.jobs = jobs
        self.work = work
        self.inbox = inbox
        self.submit_deadline = submit_deadline
        self._late: set[asyncio.Task[None]] = set()

    def queue(self, job: Callable[[], Awaitable[None]], name: str) -> None:
        """Queue work to run after the acknowledgement."""
        self.work.submit(job, name=name)

    async def receive(self, body: Mapping[str, Any]) -> Ack:
        """Acknowledge ``body`` (an authenticated, parsed payload) and queue what it asks for.

        What will be answered is written to the inbox first; a repeat is only acknowledged.
        """
        item = to_incoming(body)
        if isinstance(item, Event):
            await self._on_event(item)
        elif isinstance(item, SlashCommand):
            await self._take(item.body, COMMAND)
        elif isinstance(item, ButtonPress):
            await self._take(item.body, ACTION)
        elif isinstance(item, FormSubmission):
            return await self._on_submission(item)
        elif isinstance(item, Shortcut):
            if item.callback_id == QUEUE_SHORTCUT:
                await self._take(item.body, SHORTCUT)
        elif isinstance(item, Challenge):
            return Ack({"challenge": item.challenge})
        return EMPTY

    async def _on_event(self, event: Event) -> None:
        if event.is_message and _maybe_for_bot(p.event_of(event.body)):
            await self._take(event.body, MESSAGE, event.event_id)
        elif event.opens_home:
            await self._take(event.body, HOME, event.event_id)

    async def _take(self, body: Mapping[str, Any], kind: str, event_id: str | None = None) -> None:
        """Write ``body`` to the inbox and, unless it is a repeat, queue its work."""
        delivery = await self.inbox.accept(inbox_key(body, kind, event_id), kind, body)
        if delivery is not None:
            self.queue(lambda: self.inbox.run(delivery, lambda: self._job(delivery)), kind)

    async def _job(self, delivery: Delivery) -> None:
        body, kind = delivery.payload, delivery.kind
        if kind == MESSAGE:
            await self.jobs.answer_message(
                body, delivery_key=delivery.key, reclaimed=delivery.reclaimed
            )
        elif kind == HOME:
            await self.jobs.publish_home(body)
        elif kind == COMMAND:
            await self.jobs.run_command(body)
        elif kind == ACTION:
            await self.jobs.press(body)
        elif kind == SHORTCUT:
            await self.jobs.queue_shortcut(body)
        elif kind == FORM:
            await self._answer_form_late(body)
        else:
            log.warning("inbox row of unknown kind %r left alone", kind)

    async def answer_claimed(self, delivery: Delivery) -> None:
        """Answer a row of the inbox that another process took and did not finish."""
        await self._job(delivery)

    async def _answer_form_late(self, body: Mapping[str, Any]) -> None:
        # A form whose process died before answering: the modal is long closed, so the
        # answer goes to the person's direct message.
        item = to_incoming(body)
        if not isinstance(item, FormSubmission):
            return
        answer = self._submit(item)
        await self._deliver_late(answer, user=p.user_of(item.body), channel=item.context.channel)

    def _submit(self, item: FormSubmission) -> asyncio.Future[Any]:
        """Start answering a submitted form; the core's reply (or error) in a future."""
        context = item.context
        return asyncio.ensure_future(
            self.jobs.submit_form(
                item.body,
                action=context.action,
                value=context.value,
                form=item.values,
                channel=context.channel,
            )
        )

    async def _on_submission(self, item: FormSubmission) -> Ack:
        delivery = await self.inbox.accept(inbox_key(item.body, FORM), FORM, item.body)
        if delivery is None:
            return EMPTY
        context = item.context
        answer = self._submit(item)
        user = p.user_of(item.body)
        try:
            reply = await asyncio.wait_for(asyncio.shield(answer), self.submit_deadline)
        except TimeoutError:
            # Close the modal now; the answer follows as a direct message.
            late = asyncio.ensure_future(
                self.inbox.run(
                    delivery,
                    lambda: self._deliver_late(answer, user=user, channel=context.channel),
                )
            )
            self._late.add(late)
            late.add_done_callback(self._late.discard)
            return EMPTY
        except Exception:
            log.exception("submitting a form failed")
            self.queue(
                lambda: self.inbox.run(delivery, lambda: self.jobs.tell_failure(user)),
                "form-failure",
            )
            return EMPTY
        self.queue(lambda: self.inbox.run(delivery, _answered), "form")
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


async def _answered() -> None:
    """Nothing left to do: the answer went out in the acknowledgement."""


def inbox_key(body: Mapping[str, Any], kind: str, event_id: str | None = None) -> str:
    """The inbox key of a Slack payload: the same for its retries and replays.

    An event's ``event_id``; for a command, press, shortcut or form (which have none), a
    digest of its ``trigger_id`` and the whole payload, which a replay repeats exactly.
    """
    if event_id:
        return f"slack:event:{event_id}"
    return digest_key(f"slack:{kind}", str(body.get("trigger_id") or ""), body)


def _maybe_for_bot(event: Mapping[str, Any]) -> bool:
    # The bot's own user id is not needed to rule out edits, bots and other noise; the
    # job checks the rest once it knows the id.
    return p.is_message_for_bot(event, bot_user_id=None) or p.is_mention_for_bot(
        event, bot_user_id=None
    )
