"""The work queue (acknowledgements first) and the memory of seen events."""

from __future__ import annotations

import asyncio

from adapters.slack.work import WorkQueue
from bot.dedupe import RecentKeys


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_event_id_is_new_once_until_it_is_forgotten() -> None:
    clock = Clock()
    seen = RecentKeys(ttl=60, max_entries=3, clock=clock)
    assert seen.first_time("Ev1")
    assert not seen.first_time("Ev1")
    clock.now += 61
    assert seen.first_time("Ev1")  # an hour-old retry is not expected; memory stays bounded
    for n in range(5):
        seen.first_time(f"Ev{n + 10}")
    assert len(seen) == 3


async def test_work_waits_while_requests_arrive_then_runs() -> None:
    clock = Clock()
    work = WorkQueue(workers=2, quiet=0.02, max_delay=5.0, clock=clock)
    done: list[str] = []

    async def job() -> None:
        done.append("answered")

    work.ack_started()
    work.submit(job, name="answer")
    await asyncio.sleep(0.05)
    assert done == []  # a request is still being acknowledged
    work.ack_finished()
    await asyncio.sleep(0.05)
    assert done == []  # requests arrived a moment ago (the clock has not moved)
    clock.now += 0.03
    assert await work.drain(1.0)
    assert done == ["answered"]
    await work.close()


async def test_work_that_waited_too_long_runs_anyway_and_failures_are_contained() -> None:
    clock = Clock()
    work = WorkQueue(workers=1, quiet=0.02, max_delay=5.0, clock=clock)
    done: list[str] = []

    async def failing() -> None:
        raise RuntimeError("Slack is down")

    async def job() -> None:
        done.append("answered")

    work.ack_started()  # a request that never finishes: sustained load
    work.submit(failing, name="broken")
    work.submit(job, name="answer")
    await asyncio.sleep(0.05)
    assert done == []
    clock.now += 5.0
    assert await work.drain(1.0)
    assert done == ["answered"]
    assert work.pending == 0
    await work.close()
    work.submit(job, name="late")  # refused after close, not lost silently in a dead queue
    assert work.pending == 0
