"""The inbox's SQL on SQLite and PostgreSQL: a repeat is refused by the insert, rows are
claimed by one process at a time, a dead process's rows come back, old keys expire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from bot.inbox import DONE, FAILED, MAX_ATTEMPTS, PENDING, WORKING, InboxStore, NewDelivery
from bot.storage import open_database

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=40)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_insert_refuses_a_key_seen_before_in_any_process(
    database_url: str, engine: Engine, clock: Clock
) -> None:
    first = InboxStore(engine, clock=clock)
    # Another process: its own engine on the same database.
    other_engine = open_database(database_url)
    try:
        other = InboxStore(other_engine, clock=clock)
        assert first.add("slack:event:Ev1", "slack", "message", {"a": 1}, holder="p1", lease=LEASE)
        assert not other.add("slack:event:Ev1", "slack", "message", {"a": 1}, holder="p2")
        assert not first.add("slack:event:Ev1", "slack", "message", {"a": 1})
        assert other.add("slack:event:Ev2", "slack", "message", {"a": 2})
    finally:
        other_engine.dispose()
    assert first.status_of("slack:event:Ev1") == (WORKING, 1)
    assert first.status_of("slack:event:Ev2") == (PENDING, 0)


def test_a_burst_is_written_at_once_and_each_key_taken_once(engine: Engine) -> None:
    inbox = InboxStore(engine)
    inbox.add("seen", "slack", "message", {})
    items = [
        NewDelivery("a", "message", {"n": 1}),
        NewDelivery("seen", "message", {}),
        NewDelivery("b", "command", {}),
        NewDelivery("a", "message", {"n": 2}),
    ]
    assert inbox.add_many("slack", items, holder="p1", lease=LEASE) == {"a", "b"}
    assert inbox.status_of("a") == (WORKING, 1)
    assert inbox.add_many("slack", items, holder="p2", lease=LEASE) == set()
    assert inbox.add_many("slack", [], holder="p2", lease=LEASE) == set()


def test_a_key_longer_than_the_column_is_stored_as_its_digest(engine: Engine) -> None:
    inbox = InboxStore(engine)
    key = "teams|" + "x" * 400
    assert inbox.add(key, "teams", "turn", {})
    assert not inbox.add(key, "teams", "turn", {})
    assert inbox.add(key + "y", "teams", "turn", {})


def test_a_row_of_a_process_that_died_is_claimed_once_its_lease_ran_out(
    engine: Engine, clock: Clock
) -> None:
    inbox = InboxStore(engine, clock=clock)
    inbox.add("k", "slack", "message", {"text": "hoi"}, holder="dead", lease=LEASE)
    assert inbox.claim(limit=10, lease=LEASE, holder="alive", platforms=["slack"]) == []
    clock.now += LEASE
    [claimed] = inbox.claim(limit=10, lease=LEASE, holder="alive", platforms=["slack"])
    assert (claimed.key, claimed.kind, claimed.attempts) == ("k", "message", 2)
    assert claimed.payload == {"text": "hoi"}
    assert claimed.reclaimed
    # The dead process's marks no longer count; the new claim's do.
    assert not inbox.mark_done("k", attempt=1)
    assert inbox.mark_done("k", attempt=2)
    assert inbox.status_of("k") == (DONE, 2)
    clock.now += LEASE * 10
    assert inbox.claim(limit=10, lease=LEASE, holder="alive", platforms=["slack"]) == []


def test_claims_are_per_platform_and_a_renewed_lease_keeps_the_row(
    engine: Engine, clock: Clock
) -> None:
    inbox = InboxStore(engine, clock=clock)
    inbox.add("s", "slack", "message", {}, holder="p1", lease=LEASE)
    inbox.add("t", "teams", "turn", {}, holder="p1", lease=LEASE)
    clock.now += LEASE / 2
    assert inbox.renew(["s", "t"], holder="p1", lease=LEASE) == 2
    assert inbox.renew(["s"], holder="someone else", lease=LEASE) == 0
    clock.now += LEASE * 3 / 4  # past the first lease, within the renewed one
    assert inbox.claim(limit=10, lease=LEASE, holder="p2", platforms=["slack", "teams"]) == []
    clock.now += LEASE
    claimed = inbox.claim(limit=10, lease=LEASE, holder="p2", platforms=["teams"])
    assert [c.key for c in claimed] == ["t"]


def test_a_failed_attempt_is_tried_again_then_given_up(engine: Engine, clock: Clock) -> None:
    inbox = InboxStore(engine, clock=clock)
    inbox.add("k", "slack", "command", {"text": "ask"}, holder="p1", lease=LEASE)
    assert inbox.mark_failed("k", attempt=1, error="boom", retry_in=timedelta(seconds=10))
    assert inbox.status_of("k") == (PENDING, 1)
    assert inbox.claim(limit=1, lease=LEASE, holder="p1", platforms=["slack"]) == []
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock.now += timedelta(seconds=10)
        [claimed] = inbox.claim(limit=1, lease=LEASE, holder="p1", platforms=["slack"])
        assert claimed.attempts == attempt
        assert inbox.mark_failed("k", attempt=attempt, error="boom", retry_in=timedelta(0))
    assert inbox.status_of("k") == (FAILED, MAX_ATTEMPTS)
    clock.now += timedelta(hours=1)
    assert inbox.claim(limit=1, lease=LEASE, holder="p1", platforms=["slack"]) == []


def test_concurrent_claims_never_take_the_same_row(engine: Engine, clock: Clock) -> None:
    inbox = InboxStore(engine, clock=clock)
    keys = {f"k{n}" for n in range(40)}
    for key in keys:
        inbox.add(key, "slack", "message", {})
    taken: list[str] = []
    lock = threading.Lock()

    def claimer(name: str) -> None:
        while True:
            claimed = inbox.claim(limit=3, lease=LEASE, holder=name, platforms=["slack"])
            if not claimed:
                return
            with lock:
                taken.extend(c.key for c in claimed)

    threads = [threading.Thread(target=claimer, args=(f"p{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(keys)


def test_a_finished_row_keeps_its_key_but_not_what_the_person_sent(
    engine: Engine, clock: Clock
) -> None:
    inbox = InboxStore(engine, clock=clock)
    inbox.add("k", "slack", "message", {"user": "U0ANNA", "text": "hoi"}, holder="p", lease=LEASE)
    inbox.mark_done("k", attempt=1)
    with engine.connect() as connection:
        payloads = connection.execute(text("SELECT payload FROM inbox")).scalars().all()
    assert payloads == ["{}"]
    assert not inbox.add("k", "slack", "message", {})


def test_finished_keys_expire_and_unfinished_rows_stay(engine: Engine, clock: Clock) -> None:
    inbox = InboxStore(engine, clock=clock)
    for n in range(5):
        inbox.add(f"done{n}", "slack", "message", {}, holder="p", lease=LEASE)
        inbox.mark_done(f"done{n}", attempt=1)
    inbox.add("open", "slack", "message", {})
    clock.now += timedelta(hours=1)
    inbox.add("recent", "slack", "message", {}, holder="p", lease=LEASE)
    inbox.mark_done("recent", attempt=1)
    cutoff = clock.now - timedelta(minutes=30)
    assert inbox.expire(older_than=cutoff, limit=3) == 3  # bounded per pass
    assert inbox.expire(older_than=cutoff, limit=3) == 2
    assert inbox.expire(older_than=cutoff, limit=3) == 0
    assert inbox.status_of("open") == (PENDING, 0)
    assert inbox.status_of("recent") == (DONE, 1)
    # An expired key is new again (no retry of it can arrive any more).
    assert inbox.add("done0", "slack", "message", {})
    assert not inbox.add("recent", "slack", "message", {})
