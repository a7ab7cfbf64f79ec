"""The inbox worker: a delivery is taken once, its lease kept alive while it is worked
on, a failure tried again, and finished keys deleted once no repeat can arrive."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.inbox import DONE, KEEP, PENDING, WORKING, Delivery, InboxStore, InboxWorker
from bot.storage import Store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    yield store
    store.close()


async def _nothing(delivery: Delivery) -> None:
    return None


async def test_a_delivery_is_taken_once_and_marked_done(store: Store) -> None:
    inbox = InboxStore.from_store(store)
    worker = InboxWorker(inbox, platform="slack", handle=_nothing, poll=0.05)
    try:
        first = await worker.accept("k", "message", {"text": "hoi"})
        assert first is not None
        assert await worker.accept("k", "message", {"text": "hoi"}) is None
        answered: list[str] = []

        async def answer() -> None:
            answered.append(first.key)

        await worker.run(first, answer)
    finally:
        await worker.close()
    assert answered == ["k"]
    assert inbox.status_of("k") == (DONE, 1)


async def test_a_long_answer_keeps_its_row_and_a_failed_one_is_tried_again(
    store: Store,
) -> None:
    clock = Clock()
    inbox = InboxStore.from_store(store, clock=clock)
    lease = timedelta(seconds=30)
    worker = InboxWorker(inbox, platform="slack", handle=_nothing, lease=lease, poll=0.02)
    other: list[Delivery] = []
    try:
        delivery = await worker.accept("k", "message", {})
        assert delivery is not None
        release = asyncio.Event()

        async def slow() -> None:
            await release.wait()
            raise RuntimeError("Slack is down")

        job = asyncio.create_task(worker.run(delivery, slow))
        for _ in range(3):  # each step passes most of a lease; the worker renews it
            clock.now += lease * 0.9
            await asyncio.sleep(0.2)
            other += inbox.claim(limit=5, lease=lease, holder="other", platforms=["slack"])
        assert other == []
        release.set()
        await job
    finally:
        await worker.close()
    assert inbox.status_of("k") == (PENDING, 1)  # to be tried again


async def test_the_worker_answers_rows_left_by_others_and_expires_old_keys(store: Store) -> None:
    clock = Clock()
    inbox = InboxStore.from_store(store, clock=clock)
    inbox.add("old", "slack", "message", {}, holder="p", lease=timedelta(seconds=40))
    inbox.mark_done("old", attempt=1)
    clock.now += KEEP + timedelta(minutes=1)
    inbox.add("left", "slack", "message", {"text": "hoi"}, holder="dead", lease=timedelta(0))
    inbox.add("teams", "teams", "turn", {}, holder="dead", lease=timedelta(0))
    answered: list[Delivery] = []

    async def handle(delivery: Delivery) -> None:
        answered.append(delivery)

    worker = InboxWorker(inbox, platform="slack", handle=handle, poll=0.02, clock=clock)
    worker.start()
    try:
        for _ in range(100):
            if answered and inbox.status_of("old") is None:
                break
            await asyncio.sleep(0.02)
    finally:
        await worker.close()
    assert [(d.key, d.attempts, dict(d.payload)) for d in answered] == [
        ("left", 2, {"text": "hoi"})
    ]
    assert inbox.status_of("left") == (DONE, 2)
    assert inbox.status_of("old") is None  # expired: the key may come again
    assert inbox.status_of("teams") == (WORKING, 1)  # another platform's worker's business
