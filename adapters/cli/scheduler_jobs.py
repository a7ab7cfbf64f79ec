"""The long-running ``merkwerker scheduler``: APScheduler's jobs while this process is active.

``DigestJobs`` starts the every-minute jobs when the scheduler lock is won (both run at
once, so a scheduler that takes over delivers what is waiting right away) and stops
them when it is lost or the process stops. ``news_line`` words what the lock loop
tells, for the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console

from bot.database_access import Store
from bot.i18n import t
from bot.scheduling import (
    BecameActive,
    LockNews,
    LockUnreachable,
    LostHow,
    SchedulerLockStore,
    StandingBy,
)

log = logging.getLogger("merkwerker.scheduler")

JOB_INTERVAL_MINUTES = 1
MISFIRE_GRACE_SECONDS = 30
"""A run that starts later than this (the process was busy or down) is skipped."""
DRAIN_SECONDS = 30.0
"""On stop, how long running jobs get to finish before they are cancelled."""

Job = tuple[str, Callable[[], Awaitable[None]]]
"""A job's id and its function (a module-level coroutine function: the job store keeps a
reference to it, not the function)."""


class DigestJobs:
    """APScheduler with its job store in the database, running only while active."""

    def __init__(
        self,
        *,
        lock: SchedulerLockStore,
        store: Store,
        jobs: Sequence[Job],
        running: set[asyncio.Task[object]],
        started_line: str,
        notices: Console,
    ) -> None:
        self._lock = lock
        self._store = store
        self._jobs = jobs
        self._running = running
        self._started_line = started_line
        self._notices = notices
        self._scheduler: Any = None

    async def start(self) -> None:
        """Create the job table if missing, (re)schedule the jobs to run now, and start."""
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        store = SQLAlchemyJobStore(engine=self._store.engine)
        # Created here, while this process holds the lock, and tolerant of a race all
        # the same; the job store's own start then finds the table.
        await asyncio.to_thread(self._lock.create_table, store.jobs_t)
        scheduler = AsyncIOScheduler(jobstores={"default": store}, timezone=UTC)
        for job_id, function in self._jobs:
            scheduler.add_job(
                f"{function.__module__}:{function.__name__}",
                "interval",
                minutes=JOB_INTERVAL_MINUTES,
                id=job_id,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=MISFIRE_GRACE_SECONDS,
                next_run_time=datetime.now(UTC),
            )
        scheduler.start()
        self._scheduler = scheduler
        self._notices.print(self._started_line, markup=False)

    async def stop(self, *, lost: bool) -> None:
        """Stop the jobs: with the lock ``lost`` at once, else after running ones finish."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is None:
            return
        scheduler.pause()
        if not lost and self._running:
            # Let a delivery pass finish marking what it sent rather than leave it to the lease.
            await asyncio.wait(set(self._running), timeout=DRAIN_SECONDS)
        scheduler.shutdown(wait=False)  # cancels what still runs
        for task in list(self._running):
            task.cancel()
        await asyncio.sleep(0)  # the shutdown is scheduled on the loop
        if self._running:
            await asyncio.wait(set(self._running), timeout=DRAIN_SECONDS)


def news_line(news: LockNews, *, language: str, retry: float) -> tuple[int, str]:
    """The log level and the sentence for what the lock loop told."""
    now = datetime.now(UTC)
    if isinstance(news, BecameActive):
        if news.previous is None or news.previous.name == news.holder:
            return logging.INFO, t(language, "scheduler.lock.active", holder=news.holder)
        age = _seconds(news.at - news.previous.heartbeat_at)
        return logging.INFO, t(
            language,
            "scheduler.lock.took_over",
            previous=news.previous.name,
            age=age,
            holder=news.holder,
        )
    if isinstance(news, StandingBy):
        if news.active is None:
            return logging.INFO, t(language, "scheduler.lock.standby_unknown", retry=f"{retry:g}")
        return logging.INFO, t(
            language,
            "scheduler.lock.standby",
            active=news.active.name,
            age=_seconds(now - news.active.heartbeat_at),
            retry=f"{retry:g}",
        )
    if isinstance(news, LockUnreachable):
        return logging.WARNING, t(
            language, "scheduler.lock.unreachable", reason=news.reason, retry=f"{retry:g}"
        )
    lost = news.lost
    if lost.how is LostHow.TAKEN_OVER:
        holder = lost.holder or t(language, "scheduler.lock.someone")
        return logging.WARNING, t(language, "scheduler.lock.lost.taken_over", holder=holder)
    if lost.how is LostHow.CONNECTION_FAILED:
        return logging.WARNING, t(language, "scheduler.lock.lost.connection", reason=lost.detail)
    return logging.WARNING, t(
        language,
        "scheduler.lock.lost.no_heartbeat",
        seconds=_seconds_of(lost.seconds),
        reason=lost.detail,
    )


def _seconds(delta: Any) -> str:
    return _seconds_of(max(delta.total_seconds(), 0.0))


def _seconds_of(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
