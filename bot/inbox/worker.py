"""The inbox's worker: takes deliveries, answers them once, and picks up what a dead
process left.

Each web process runs one per platform. ``accept`` writes a delivery the process just
received (taken by this process, with a lease) and says whether it is new; the adapter
acknowledges, then hands the work to ``run``, which marks the row done (or failed, to be
tried again). Meanwhile ``serve`` keeps the leases of the rows this process works on
alive, claims rows whose lease ran out (their process died before answering) or whose
retry is due and answers them with ``handle``, and deletes finished rows once no repeat
can arrive any more (``KEEP``), a bounded number per pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.inbox.delivery import KEEP, Delivery, Inbox, NewDelivery

log = logging.getLogger(__name__)

Handler = Callable[[Delivery], Awaitable[None]]
"""Answers a delivery claimed from the inbox (one another process did not finish)."""
Job = Callable[[], Awaitable[None]]

DEFAULT_LEASE = timedelta(seconds=40)
DEFAULT_POLL_SECONDS = 3.0
CLAIM_LIMIT = 10
"""Deliveries claimed per pass (and answered at the same time) by one process."""
EXPIRE_EVERY_SECONDS = 60.0
EXPIRE_LIMIT = 1000
"""Finished rows deleted per pass: a bounded statement, however long the process was down."""
RETRY_IN = timedelta(seconds=10)


def holder_name() -> str:
    """This process, as the inbox records who holds a row: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InboxWorker:
    """The inbox of one platform in this process: ``accept``, ``run``, and ``serve``."""

    def __init__(
        self,
        inbox: Inbox,
        *,
        platform: str,
        handle: Handler,
        lease: timedelta = DEFAULT_LEASE,
        poll: float = DEFAULT_POLL_SECONDS,
        keep: timedelta = KEEP,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.inbox = inbox
        self.platform = platform
        self.handle = handle
        self.lease = lease
        self.poll = poll
        self.keep = keep
        self.holder = holder_name()
        self._clock = clock
        self._held: dict[str, int] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._marking: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._batch: list[tuple[NewDelivery, asyncio.Future[bool]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def accept(self, key: str, kind: str, payload: Mapping[str, Any]) -> Delivery | None:
        """Write a delivery this process received and will answer; None for a repeat.

        Deliveries that arrive while a write is under way go in together with the next
        one (one commit for all), so a burst is acknowledged quickly. When the database
        cannot be written, the delivery is handled anyway (and the failure logged):
        answering without the inbox beats not answering.
        """
        self.start()
        waiting: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._batch.append((NewDelivery(key, kind, payload), waiting))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write())
        try:
            added = await waiting
        except Exception:
            log.exception("could not write %s %s to the inbox; handling it anyway", kind, key)
            added = True
        if not added:
            log.info("%s %s delivered again; handled already", kind, key)
            return None
        self._held[key] = 1
        return Delivery(key=key, platform=self.platform, kind=kind, payload=payload, attempts=1)

    async def _write(self) -> None:
        while self._batch:
            batch, self._batch = self._batch, []
            try:
                added = await asyncio.to_thread(
                    self.inbox.add_many,
                    self.platform,
                    [item for item, _ in batch],
                    holder=self.holder,
                    lease=self.lease,
                )
            except Exception as error:
                for _, waiting in batch:
                    if not waiting.done():
                        waiting.set_exception(error)
                continue
            for item, waiting in batch:
                # The first of a key in the batch gets it; a repeat within it does not.
                if not waiting.done():
                    waiting.set_result(item.key in added)
                added.discard(item.key)

    async def release(self, delivery: Delivery) -> None:
        """Forget a delivery nothing was done for, so the platform's retry is taken."""
        self._held.pop(delivery.key, None)
        try:
            await asyncio.to_thread(self.inbox.release, delivery.key)
        except Exception:
            log.exception("could not release %s from the inbox", delivery.key)

    def finish(self, delivery: Delivery) -> None:
        """Mark a delivery answered outside ``run`` (by the request that brought it), in
        the background: the request need not wait for it. Until it is marked, the lease
        keeps other processes off it."""
        marking = asyncio.create_task(self._finish(delivery))
        self._marking.add(marking)
        marking.add_done_callback(self._marking.discard)

    async def _finish(self, delivery: Delivery) -> None:
        try:
            await self._mark(self.inbox.mark_done, delivery)
        finally:
            self._held.pop(delivery.key, None)

    async def run(self, delivery: Delivery, job: Job) -> None:
        """Run ``job`` for ``delivery`` and mark the row: done, or failed to be tried again."""
        self._held[delivery.key] = delivery.attempts
        try:
            await job()
        except Exception as error:
            log.exception(
                "%s %s failed (attempt %d)", delivery.kind, delivery.key, delivery.attempts
            )
            await self._mark(
                self.inbox.mark_failed,
                delivery,
                error=f"{type(error).__name__}: {error}",
                retry_in=RETRY_IN,
            )
        else:
            await self._mark(self.inbox.mark_done, delivery)
        finally:
            self._held.pop(delivery.key, None)

    async def _mark(self, mark: Callable[..., bool], delivery: Delivery, **kwargs: Any) -> None:
        try:
            held = await asyncio.to_thread(mark, delivery.key, attempt=delivery.attempts, **kwargs)
        except Exception:
            log.exception("could not mark %s in the inbox", delivery.key)
            return
        if not held:
            log.warning("%s was taken over by another process before it was marked", delivery.key)

    def start(self) -> None:
        """Start ``serve`` in the background, once (call inside the running loop)."""
        if self._loop is None and not self._stop.is_set():
            self._loop = asyncio.create_task(self.serve(), name=f"inbox-{self.platform}")

    async def serve(self) -> None:
        """Until ``close``: renew leases, claim and answer what is due, expire old rows."""
        expired_at = float("-inf")
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            try:
                await self._renew()
                await self._claim()
                if loop.time() - expired_at >= EXPIRE_EVERY_SECONDS:
                    expired_at = loop.time()
                    await self._expire()
            except Exception:
                log.exception("the %s inbox pass failed; trying again", self.platform)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.poll)

    async def _renew(self) -> None:
        if self._held:
            await asyncio.to_thread(
                self.inbox.renew, list(self._held), holder=self.holder, lease=self.lease
            )

    async def _claim(self) -> None:
        room = CLAIM_LIMIT - len(self._running)
        if room <= 0:
            return
        claimed = await asyncio.to_thread(
            self.inbox.claim,
            limit=room,
            lease=self.lease,
            holder=self.holder,
            platforms=(self.platform,),
        )
        for delivery in claimed:
            log.info(
                "answering %s %s left by another process (attempt %d)",
                delivery.kind,
                delivery.key,
                delivery.attempts,
            )
            task = asyncio.create_task(self.run(delivery, functools.partial(self.handle, delivery)))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _expire(self) -> None:
        deleted = await asyncio.to_thread(
            self.inbox.expire, older_than=self._clock() - self.keep, limit=EXPIRE_LIMIT
        )
        if deleted:
            log.info("deleted %d finished %s inbox rows", deleted, self.platform)

    async def close(self, timeout: float = 10.0) -> None:
        """Stop claiming; wait (up to ``timeout`` seconds) for claimed deliveries to finish."""
        self._stop.set()
        if self._loop is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._loop
            self._loop = None
        if self._running or self._marking:
            await asyncio.wait(self._running | self._marking, timeout=timeout)
