"""Delivering the outbox: once per message, retried with back-off, never silently dropped."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from digests_fixtures import RecordingSender, add_person, outbox_rows
from rich.console import Console
from sqlalchemy import Engine

from adapters.console.sender import ConsoleSender
from bot.digests import DeliveryReport, DigestStore, backoff, deliver_outbox
from bot.digests.outbox import NewMessage
from bot.features import Unreachable
from bot.messages import ConversationRef, Platform, Reply, Text
from bot.serialize import reply_to_json
from bot.storage import open_database

T0 = datetime(2025, 6, 2, 7, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def reply(text: str = "Your daily digest") -> Reply:
    return Reply(parts=(Text(text=text),), language="en", kind="digest")


def write(
    engine: Engine,
    user_id: int,
    key: str,
    *,
    platform: str = "console",
    payload: str | None = None,
    now: datetime = T0,
) -> None:
    inserted = DigestStore(engine).insert_messages(
        [
            NewMessage(
                key=key,
                user_id=user_id,
                platform=platform,
                payload=payload if payload is not None else reply_to_json(reply(key)),
            )
        ],
        now=now,
    )
    assert inserted == {key}


def deliver(
    engine: Engine, sender: RecordingSender, clock: Clock, **options: Any
) -> DeliveryReport:
    return asyncio.run(
        deliver_outbox(
            DigestStore(engine), {"console": sender}, clock=clock, lease=LEASE, **options
        )
    )


def test_a_pending_message_is_sent_once_to_the_stored_conversation(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    write(engine, ann, "digest:1:2025-06-02")
    sender, clock = RecordingSender(), Clock(T0)
    report = deliver(engine, sender, clock)
    assert report.sent == 1
    [delivered] = sender.sent
    assert delivered.to == ConversationRef(
        platform=Platform.CONSOLE,
        conversation_id="dm-ann",
        user_id="ann",
        data={"channel": "D-ann"},
    )
    assert delivered.reply == reply("digest:1:2025-06-02")
    assert delivered.key == "digest:1:2025-06-02"  # the idempotency key reaches the sender
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, T0)

    clock.now = T0 + timedelta(hours=2)
    deliver(engine, sender, clock)
    assert len(sender.sent) == 1


def test_a_failing_platform_is_retried_with_back_off_until_it_works(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    write(engine, ann, "digest:1:2025-06-02")
    sender, clock = RecordingSender(failures=2), Clock(T0)

    assert deliver(engine, sender, clock).retrying == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == T0 + timedelta(minutes=1)
    assert row.last_error is not None and "platform unavailable" in row.last_error

    clock.now = T0 + timedelta(seconds=30)  # not yet
    deliver(engine, sender, clock)
    assert sender.tries == 1

    clock.now = T0 + timedelta(minutes=1)
    deliver(engine, sender, clock)
    [row] = outbox_rows(engine)
    assert (row.attempts, row.next_attempt_at) == (2, T0 + timedelta(minutes=3))

    clock.now = T0 + timedelta(minutes=2)
    deliver(engine, sender, clock)
    assert sender.tries == 2

    clock.now = T0 + timedelta(minutes=3)
    assert deliver(engine, sender, clock).sent == 1
    assert len(sender.sent) == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)


def test_after_the_last_attempt_the_message_is_given_up_and_logged(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    ann = add_person(engine, "ann")
    write(engine, ann, "digest:1:2025-06-02")
    sender, clock = RecordingSender(failures=100), Clock(T0)
    for _ in range(3):
        deliver(engine, sender, clock, max_attempts=3)
        clock.now += timedelta(hours=1)
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "giving up after 3 attempts" in caplog.text
    deliver(engine, sender, clock, max_attempts=3)
    assert sender.tries == 3


def test_a_person_without_a_stored_conversation_is_unreachable_not_skipped(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    ghost = add_person(engine, "ghost", reachable=False)
    write(engine, ghost, f"digest:{ghost}:2025-06-02")
    sender = RecordingSender()
    with caplog.at_level(logging.WARNING):
        report = deliver(engine, sender, Clock(T0))
    assert report.unreachable == 1 and sender.sent == []
    assert outbox_rows(engine)[0].status == "unreachable"
    assert DigestStore(engine).status_counts() == {"unreachable": 1}
    assert "marked unreachable" in caplog.text


class GoneSender(RecordingSender):
    """A platform that says the person left: trying again will not help."""

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        self.tries += 1
        raise Unreachable("user_not_found")


def test_a_person_the_platform_says_is_gone_is_unreachable_at_once(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    person = add_person(engine, "left")
    write(engine, person, f"digest:{person}:2025-06-02")
    sender = GoneSender()
    with caplog.at_level(logging.WARNING):
        report = deliver(engine, sender, Clock(T0))
    later = deliver(engine, sender, Clock(T0 + timedelta(hours=2)))
    assert (report.unreachable, report.retrying, sender.tries) == (1, 0, 1)
    assert later == DeliveryReport()
    assert DigestStore(engine).status_counts() == {"unreachable": 1}
    assert "cannot be reached (user_not_found)" in caplog.text


def test_a_pass_that_died_while_sending_is_resumed_after_the_lease(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    write(engine, ann, "digest:1:2025-06-02")
    # A pass claims the message and dies before sending or marking it.
    [claimed] = DigestStore(engine).claim_due(now=T0, lease=LEASE, platforms={"console"})
    assert outbox_rows(engine)[0].status == "sending"

    sender = RecordingSender()
    deliver(engine, sender, Clock(T0 + LEASE - timedelta(seconds=1)))
    assert sender.sent == []  # the claim still holds
    deliver(engine, sender, Clock(T0 + LEASE))
    # The platform is asked first; one that cannot tell (None) gets the message again.
    assert sender.asked == ["digest:1:2025-06-02"]
    assert [d.key for d in sender.sent] == ["digest:1:2025-06-02"]
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.maybe_sent) == ("sent", 2, True)
    # The dead pass's claim can no longer change the row.
    assert DigestStore(engine).mark_sent(claimed, now=T0 + LEASE) is False


def test_messages_for_a_platform_without_a_sender_wait(engine: Engine) -> None:
    bob = add_person(engine, "U1", platform="slack")
    write(engine, bob, "digest:2:2025-06-02", platform="slack")
    sender = RecordingSender()
    deliver(engine, sender, Clock(T0))
    assert sender.tries == 0
    assert outbox_rows(engine)[0].status == "pending"


def test_an_unreadable_payload_is_given_up_at_once(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    write(engine, ann, "digest:1:2025-06-02", payload='{"v": 99}')
    sender = RecordingSender()
    assert deliver(engine, sender, Clock(T0)).failed == 1
    assert sender.tries == 0
    assert outbox_rows(engine)[0].status == "failed"


def test_a_claim_takes_one_batch_and_leaves_the_rest_pending(engine: Engine) -> None:
    people = [add_person(engine, f"p{i}") for i in range(30)]
    for user_id in people:
        write(engine, user_id, f"digest:{user_id}:2025-06-02")
    claims = DigestStore(engine).claim_due(now=T0, lease=LEASE, platforms={"console"}, limit=7)
    # Only this batch waits for the lease if the pass dies now; the rest stays pending.
    assert len(claims) == 7
    assert DigestStore(engine).status_counts() == {"sending": 7, "pending": 23}


def test_concurrent_claims_never_hand_out_a_message_twice(database_url: str) -> None:
    setup = open_database(database_url)
    people = [add_person(setup, f"p{i}") for i in range(60)]
    for user_id in people:
        write(setup, user_id, f"digest:{user_id}:2025-06-02")
    setup.dispose()
    # Separate engines, as two scheduler processes would have.
    engines = [open_database(database_url) for _ in range(4)]
    start = threading.Barrier(len(engines))

    def claim_all(engine: Engine) -> list[str]:
        start.wait()
        keys: list[str] = []
        while batch := DigestStore(engine).claim_due(
            now=T0, lease=LEASE, platforms={"console"}, limit=7
        ):
            keys.extend(c.key for c in batch)
        return keys

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            claimed = [key for keys in pool.map(claim_all, engines) for key in keys]
    finally:
        for engine in engines:
            engine.dispose()
    assert sorted(claimed) == sorted(f"digest:{u}:2025-06-02" for u in people)


def test_two_delivery_passes_at_once_send_each_message_once(database_url: str) -> None:
    setup = open_database(database_url)
    people = [add_person(setup, f"p{i}") for i in range(30)]
    for user_id in people:
        write(setup, user_id, f"digest:{user_id}:2025-06-02")
    setup.dispose()
    first, second = open_database(database_url), open_database(database_url)
    senders = [RecordingSender(), RecordingSender()]

    async def both() -> None:
        await asyncio.gather(
            deliver_outbox(DigestStore(first), {"console": senders[0]}, clock=Clock(T0), batch=4),
            deliver_outbox(DigestStore(second), {"console": senders[1]}, clock=Clock(T0), batch=4),
        )

    try:
        asyncio.run(both())
        keys = [d.key for s in senders for d in s.sent]
        assert sorted(k or "" for k in keys) == sorted(f"digest:{u}:2025-06-02" for u in people)
        assert DigestStore(first).status_counts() == {"sent": 30}
    finally:
        first.dispose()
        second.dispose()


def test_back_off_doubles_and_is_capped() -> None:
    assert [backoff(n) for n in range(1, 9)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)
    ]


async def test_the_console_sender_prints_the_reply_for_the_person() -> None:
    buffer = StringIO()
    sender = ConsoleSender(Console(file=buffer, width=100, color_system=None))
    to = ConversationRef(platform=Platform.CONSOLE, conversation_id="console", user_id="ann")
    await sender.send(to=to, reply=Reply(parts=(Text(text="Hallo!"),), language="nl"))
    assert buffer.getvalue() == "Bericht voor ann\nHallo!\n\n"


class SlowSender(RecordingSender):
    """A platform that takes ``seconds`` to accept each message."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        await asyncio.sleep(self.seconds)
        await super().send(to=to, reply=reply)


def test_a_live_pass_keeps_its_claims_however_long_a_send_takes(database_url: str) -> None:
    setup = open_database(database_url)
    ann = add_person(setup, "ann")
    write(setup, ann, "digest:1:2025-06-02", now=datetime.now(UTC))
    other = open_database(database_url)  # a second scheduler process, say
    lease = timedelta(seconds=1)
    taken: list[int] = []

    async def meanwhile() -> None:
        for _ in range(3):  # well past the lease, while the send is still going on
            await asyncio.sleep(0.9)
            claims = await asyncio.to_thread(
                DigestStore(other).claim_due,
                now=datetime.now(UTC),
                lease=lease,
                platforms={"console"},
            )
            taken.append(len(claims))

    async def both() -> DeliveryReport:
        sender = SlowSender(3.0)
        report, _ = await asyncio.gather(
            deliver_outbox(DigestStore(setup), {"console": sender}, lease=lease), meanwhile()
        )
        return report

    try:
        report = asyncio.run(both())
        assert report.sent == 1 and taken == [0, 0, 0]
        assert DigestStore(setup).status_counts() == {"sent": 1}
    finally:
        setup.dispose()
        other.dispose()
