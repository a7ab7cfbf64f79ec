"""The scheduler's jobs when the lock is lost (cancelled at once) or the process stops
(a run in progress finishes): real APScheduler, its job store in a SQLite file."""

from __future__ import annotations

import asyncio
from io import StringIO
from pathlib import Path

from rich.console import Console

from adapters.cli.scheduler_jobs import DigestJobs
from bot.scheduling import scheduler_lock
from bot.storage import Store

RUNNING: set[asyncio.Task[object]] = set()
OUTCOMES: list[str] = []
JOB_SECONDS = 0.5


async def delivery_job() -> None:
    """A job that takes a while, as a delivery pass to a slow platform does."""
    task = asyncio.current_task()
    assert task is not None
    RUNNING.add(task)
    try:
        await asyncio.sleep(JOB_SECONDS)
        OUTCOMES.append("finished")
    except asyncio.CancelledError:
        OUTCOMES.append("cancelled")
        raise
    finally:
        RUNNING.discard(task)


async def _running_jobs(tmp_path: Path) -> tuple[DigestJobs, Store, StringIO]:
    OUTCOMES.clear()
    store = Store.open(f"sqlite:///{tmp_path / 'jobs.db'}")
    notices = StringIO()
    jobs = DigestJobs(
        lock=scheduler_lock(store),
        store=store,
        jobs=(("test.delivery", delivery_job),),
        running=RUNNING,
        started_line="Scheduler running.",
        notices=Console(file=notices),
    )
    await jobs.start()
    while not RUNNING:  # the first run starts right away
        await asyncio.sleep(0.01)
    return jobs, store, notices


async def test_a_lost_lock_cancels_the_run_in_progress(tmp_path: Path) -> None:
    jobs, store, notices = await _running_jobs(tmp_path)
    try:
        await jobs.stop(lost=True)
        assert OUTCOMES == ["cancelled"]
        assert not RUNNING
        assert "Scheduler running." in notices.getvalue()
    finally:
        store.close()


async def test_a_stop_lets_the_run_in_progress_finish(tmp_path: Path) -> None:
    jobs, store, _ = await _running_jobs(tmp_path)
    try:
        await jobs.stop(lost=False)
        assert OUTCOMES == ["finished"]
        assert not RUNNING
    finally:
        store.close()
