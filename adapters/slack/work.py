"""The work done after Slack got its acknowledgement, tracked so none of it is lost.

Slack wants an answer to every request within three seconds, and retries (so the same
question would be answered twice) when it is late. So a request is acknowledged first
and its real work (answering, database writes, Web API calls) is queued here by
``Ingress``. Acknowledgements come first: a worker starts a queued job once no request
has arrived for ``quiet`` seconds, or once the job has waited ``max_delay`` seconds, so
a burst of requests is acknowledged at full speed and answered right after it, and
under sustained load no job waits longer than ``max_delay`` before it competes.
``close`` finishes the queued work on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]

DEFAULT_WORKERS = 4
DEFAULT_QUIET_SECONDS = 0.02
DEFAULT_MAX_DELAY_SECONDS = 5.0


class WorkQueue:
    """Runs queued jobs on a few workers, in the gaps between acknowledgements."""

    def __init__(
        self,
        *,
        workers: int = DEFAULT_WORKERS,
        quiet: float = DEFAULT_QUIET_SECONDS,
        max_delay: float = DEFAULT_MAX_DELAY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._queue: asyncio.Queue[tuple[float, str, Job]] = asyncio.Queue()
        self._workers = workers
        self._quiet = quiet
        self._max_delay = max_delay
        self._clock = clock
        self._tasks: list[asyncio.Task[None]] = []
        self._acking = 0
        self._last_request = float("-inf")
        self._closed = False
        self._pending = 0

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        return self._pending

    def ack_started(self) -> None:
        """A request arrived: hold queued work back until requests are quiet."""
        self._acking += 1
        self._last_request = self._clock()

    def ack_finished(self) -> None:
        """A request got its answer."""
        self._acking = max(self._acking - 1, 0)

    def submit(self, job: Job, *, name: str) -> None:
        """Queue ``job``; its failure is logged, never raised to the request."""
        if self._closed:
            log.warning("work %s refused: shutting down", name)
            return
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._work(), name=f"slack-worker-{n}")
                for n in range(self._workers)
            ]
        self._pending += 1
        self._queue.put_nowait((self._clock(), name, job))

    async def _turn(self, queued_at: float) -> None:
        """Return when it is this job's turn: requests are quiet, or it waited long enough."""
        while not self._closed:
            now = self._clock()
            overdue = queued_at + self._max_delay - now
            quiet_for = now - self._last_request
            if overdue <= 0 or (self._acking == 0 and quiet_for >= self._quiet):
                return
            await asyncio.sleep(min(max(self._quiet - quiet_for, 0.001), overdue))

    async def _work(self) -> None:
        while True:
            queued_at, name, job = await self._queue.get()
            try:
                await self._turn(queued_at)
                await job()
            except Exception:
                log.exception("work %s failed", name)
            finally:
                self._pending -= 1
                self._queue.task_done()

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until every queued job is done; False when ``timeout`` ran out first."""
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float = 10.0) -> None:
        """Refuse new work, finish what is queued (up to ``timeout`` seconds), stop the workers."""
        self._closed = True
        if not await self.drain(timeout):
            log.warning("%d jobs were still running at shutdown", self.pending)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
