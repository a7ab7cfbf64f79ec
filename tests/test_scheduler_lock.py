"""The scheduler lock in the database, and the loop around it, in one process.

The processes themselves (kill -9, SIGSTOP) are in ``test_scheduler_standby.py``; here the
races are between threads, and the loop runs against a scripted lock.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from adapters.cli.scheduler_jobs import news_line
from bot.scheduling import (
    ActiveWork,
    BecameActive,
    Claim,
    Holder,
    LockLost,
    LockNews,
    LockTimings,
    Lost,
    LostHow,
    SchedulerLock,
    StandingBy,
    Won,
    create_missing,
    run_while_active,
    scheduler_lock,
)
from bot.settings import SettingsError
from bot.storage import Store

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
LIMIT = timedelta(seconds=30)


def _running(
    lock: SchedulerLock,
    work: ActiveWork,
    *,
    stop: asyncio.Event,
    tell: Callable[[LockNews], None],
) -> Coroutine[Any, Any, None]:
    """``run_while_active`` as these tests run it: as "me:1", a heartbeat every 10 ms."""
    return run_while_active(
        lock,
        work,
        holder="me:1",
        timings=LockTimings(heartbeat=0.01, takeover=0.05),
        stop=stop,
        tell=tell,
        clock=lambda: T0,
    )


def test_of_standbys_trying_at_once_exactly_one_takes_the_lock(database_url: str) -> None:
    store = Store.open(database_url)
    locks = [scheduler_lock(store) for _ in range(6)]
    try:
        # A holder whose heartbeat is long gone, as after a kill -9 on SQLite.
        assert locks[0].try_acquire(holder="dead:1", now=T0, stale_after=LIMIT) is not None
        if store.engine.dialect.name == "postgresql":
            locks[0].close()  # its connection closes, as a killed process's does
        start = threading.Barrier(len(locks) - 1)
        won: list[str] = []

        def attempt(index: int) -> None:
            start.wait()
            later = T0 + timedelta(minutes=5)
            if locks[index].try_acquire(holder=f"host:{index}", now=later, stale_after=LIMIT):
                won.append(f"host:{index}")

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(1, len(locks))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1
        current = locks[1].current()
        assert current is not None and current.name == won[0]
    finally:
        for lock in locks:
            lock.close()
        store.close()


def test_a_fresh_heartbeat_keeps_the_lock_and_a_stale_one_is_taken_over(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/lock.db")
    active, standby = scheduler_lock(store), scheduler_lock(store)
    try:
        won = active.try_acquire(holder="a:1", now=T0, stale_after=LIMIT)
        assert won is not None and won.previous is None
        assert active.renew(won.claim, now=T0 + timedelta(seconds=20)) is None
        # 29 s after the last heartbeat: still the active one's.
        assert (
            standby.try_acquire(holder="b:2", now=T0 + timedelta(seconds=49), stale_after=LIMIT)
            is None
        )
        taken = standby.try_acquire(holder="b:2", now=T0 + timedelta(seconds=51), stale_after=LIMIT)
        assert taken is not None and taken.previous is not None
        assert taken.previous.name == "a:1"
        # The old holder's next heartbeat finds the row gone to the other one.
        lost = active.renew(won.claim, now=T0 + timedelta(seconds=52))
        assert lost == Lost(how=LostHow.TAKEN_OVER, holder="b:2")
        # A clean stop deletes the row; releasing a lost claim deletes nothing.
        active.release(won.claim)
        assert standby.current() is not None
        standby.release(taken.claim)
        assert standby.current() is None
    finally:
        store.close()


class ScriptedLock:
    """A lock that is won at the first try and lost at the ``lose_at``-th heartbeat."""

    def __init__(self, events: list[str], *, lose_at: int) -> None:
        self.events = events
        self.lose_at = lose_at
        self.beats = 0
        self.held = False

    def try_acquire(self, *, holder: str, now: datetime, stale_after: timedelta) -> Won | None:
        if self.held or self.beats >= self.lose_at:
            return None
        self.held = True
        return Won(claim=Claim(name=holder, acquired_at=now), previous=None)

    def renew(self, claim: Claim, *, now: datetime) -> Lost | None:
        self.beats += 1
        if self.beats >= self.lose_at:
            self.held = False
            return Lost(how=LostHow.TAKEN_OVER, holder="other:9")
        return None

    def release(self, claim: Claim) -> None:
        self.events.append("release")

    def current(self) -> Holder | None:
        return Holder(name="other:9", acquired_at=T0, heartbeat_at=T0)


class RecordedWork:
    def __init__(self, events: list[str]) -> None:
        self.events = events

    async def start(self) -> None:
        self.events.append("start")

    async def stop(self, *, lost: bool) -> None:
        self.events.append(f"stop(lost={lost})")


async def test_the_jobs_are_stopped_before_the_loss_is_told_and_it_stands_by_again() -> None:
    events: list[str] = []
    stop = asyncio.Event()

    def tell(news: LockNews) -> None:
        events.append(type(news).__name__)
        if isinstance(news, StandingBy):
            stop.set()

    await asyncio.wait_for(
        _running(ScriptedLock(events, lose_at=2), RecordedWork(events), stop=stop, tell=tell),
        timeout=10,
    )
    assert events == [
        BecameActive.__name__,
        "start",
        "stop(lost=True)",
        "release",
        LockLost.__name__,
        StandingBy.__name__,
    ]


async def test_a_stop_lets_the_jobs_finish_and_gives_the_lock_up() -> None:
    events: list[str] = []
    stop = asyncio.Event()
    work = RecordedWork(events)
    runner = asyncio.create_task(
        _running(
            ScriptedLock(events, lose_at=10**6),
            work,
            stop=stop,
            tell=lambda news: events.append(type(news).__name__),
        )
    )
    while "start" not in events:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(runner, timeout=10)
    assert events == [BecameActive.__name__, "start", "stop(lost=False)", "release"]


class HeldElsewhere:
    """A lock another scheduler holds; its row appears at the ``row_from``-th read."""

    def __init__(self, *, row_from: int | None) -> None:
        self.row_from = row_from
        self.reads = 0

    def try_acquire(self, *, holder: str, now: datetime, stale_after: timedelta) -> Won | None:
        return None

    def renew(self, claim: Claim, *, now: datetime) -> Lost | None:
        raise AssertionError("never held")

    def release(self, claim: Claim) -> None:
        raise AssertionError("never held")

    def current(self) -> Holder | None:
        self.reads += 1
        if self.row_from is None or self.reads < self.row_from:
            return None
        return Holder(name="other:9", acquired_at=T0, heartbeat_at=T0)


async def _standby_news(lock: HeldElsewhere, *, tries: int) -> list[LockNews]:
    news: list[LockNews] = []
    stop = asyncio.Event()

    async def stop_after_tries() -> None:
        while lock.reads < tries:
            await asyncio.sleep(0.001)
        stop.set()

    stopper = asyncio.create_task(stop_after_tries())
    await asyncio.wait_for(
        _running(lock, RecordedWork([]), stop=stop, tell=news.append),
        timeout=10,
    )
    await stopper
    return news


async def test_a_standby_names_a_holder_whose_row_is_written_just_after_it_took_the_lock() -> None:
    # Two schedulers started together: the winner holds the lock a moment before its row
    # says so. The standby names it rather than saying "another scheduler" first.
    news = await _standby_news(HeldElsewhere(row_from=2), tries=5)
    assert news == [StandingBy(Holder(name="other:9", acquired_at=T0, heartbeat_at=T0))]


async def test_a_holder_that_stays_unknown_is_told_once_as_unknown() -> None:
    news = await _standby_news(HeldElsewhere(row_from=None), tries=6)
    assert news == [StandingBy(None)]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MERKWERKER_SCHEDULER_HEARTBEAT": "soon"},
            "MERKWERKER_SCHEDULER_HEARTBEAT must be a number of seconds above 0, not 'soon'.",
        ),
        (
            {"MERKWERKER_SCHEDULER_TAKEOVER": "0"},
            "MERKWERKER_SCHEDULER_TAKEOVER must be a number of seconds above 0, not '0'.",
        ),
    ],
)
def test_bad_timings_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        LockTimings.from_env(env)
    assert str(raised.value) == message


def test_the_default_timings() -> None:
    timings = LockTimings.from_env({})
    assert (timings.heartbeat, timings.takeover, timings.margin) == (5.0, 30.0, 25.0)


class UnreachableLock(ScriptedLock):
    """A lock in a database that is down."""

    def try_acquire(self, *, holder: str, now: datetime, stale_after: timedelta) -> Won | None:
        self.beats += 1
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


async def test_a_database_that_is_down_is_said_once_and_tried_again() -> None:
    lock = UnreachableLock([], lose_at=0)
    told: list[LockNews] = []
    stop = asyncio.Event()
    runner = asyncio.create_task(_running(lock, RecordedWork([]), stop=stop, tell=told.append))
    while lock.beats < 5:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(runner, timeout=10)
    [news] = told
    assert news_line(news, language="en", retry=5) == (
        logging.WARNING,
        "Cannot reach the scheduler lock ((builtins.ConnectionRefusedError) connection refused); "
        "trying again every 5 s.",
    )


def test_a_table_created_by_several_at_once_is_created_without_an_error(
    database_url: str,
) -> None:
    from sqlalchemy import Column, Integer, MetaData, Table, inspect

    store = Store.open(database_url)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def create() -> None:
        # Each its own table object, as each process has its own job store.
        table = Table("apscheduler_jobs", MetaData(), Column("id", Integer, primary_key=True))
        start.wait()
        try:
            create_missing(store.engine, table)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert "apscheduler_jobs" in inspect(store.engine).get_table_names()
    finally:
        store.close()
