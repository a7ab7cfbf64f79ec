"""``merkwerker scheduler`` killed (SIGKILL) while it posts Slack digests, then restarted.

Many digests are due and the fake Slack Web API answers slowly, so the kill lands in the
middle of a batch: some digests are posted at Slack while their outbox rows still say
``sending``. After a restart every person has exactly one digest in their direct
message, and the last one arrives within the lease (plus the time to start and post),
not ten minutes later. ``scheduler --once`` after a crash finds a posted digest too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from digests_fixtures import add_person, outbox_rows
from fake_slack_api import FakeSlackApi
from samples import write_guidelines
from slack_fixtures import fake_api
from sqlalchemy import Engine

from adapters.slack import sender_from_env
from adapters.slack.delivery_keys import delivery_key
from bot.digests import DigestStore, delivering
from bot.digests.delivery import DEFAULT_LEASE
from bot.digests.outbox import NewMessage
from bot.messages import ConversationRef, Platform, Reply, Text
from bot.serialize import reply_to_json
from bot.storage import open_database

__all__ = ["fake_api"]

PEOPLE = 300
KILL_AFTER = 110
"""Posts seen at Slack before the kill: in the third batch of 50."""
POST_SECONDS = 0.1
"""How long Slack takes to answer a post (it has posted the message already)."""
ABOUT_A_MINUTE = timedelta(seconds=60)
"""The longest a digest interrupted by a crash may wait (the README says so)."""
MARGIN = timedelta(seconds=20)
"""Beyond that: starting the process, and posting what was left."""


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def _due_digests(engine: Engine) -> dict[str, str]:
    """PEOPLE Slack users, each with a digest due now; their DM channel to their key."""
    now = datetime.now(UTC)
    channels: dict[str, str] = {}
    messages: list[NewMessage] = []
    for index in range(PEOPLE):
        name = f"U{index:04d}"
        user_id = add_person(engine, name, platform="slack")
        key = f"digest:{user_id}:crash"
        # conversations.open in the fake answers "D" + the user id.
        channels[f"D{name}"] = key
        reply = Reply(parts=(Text(text=f"Digest for {name}"),), language="en", kind="digest")
        messages.append(
            NewMessage(key=key, user_id=user_id, platform="slack", payload=reply_to_json(reply))
        )
    assert len(DigestStore(engine).insert_messages(messages, now=now)) == PEOPLE
    return channels


async def _scheduler(
    database_url: str, guidelines: Path, api: FakeSlackApi, log: Path, *extra: str
) -> asyncio.subprocess.Process:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "Microsoft", "MICROSOFT_", "MERKWERKER_"))
        and k != "DATABASE_URL"
    }
    env.update(
        SLACK_BOT_TOKEN="xoxb-crash-test",
        SLACK_API_URL=api.base_url,
        MERKWERKER_LANGUAGE="en",
        LANG="C.UTF-8",
    )
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "adapters.cli.main",
            "scheduler",
            "--database",
            database_url,
            "--guidelines",
            str(guidelines),
            *extra,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )


async def _started(log: Path, count: int, process: asyncio.subprocess.Process) -> float:
    """Wait for the ``count``-th "Scheduler running" notice in ``log``; when it came."""
    deadline = time.monotonic() + 120
    while log.read_text(errors="replace").count("Scheduler running") < count:
        assert process.returncode is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        await asyncio.sleep(0.05)
    return time.time()


async def test_a_killed_scheduler_sends_every_slack_digest_exactly_once_after_a_restart(
    tmp_path: Path, database_url: str, engine: Engine, fake_api: FakeSlackApi
) -> None:
    guidelines = write_guidelines(tmp_path / "guidelines")
    channels = _due_digests(engine)
    fake_api.delays["chat.postMessage"] = POST_SECONDS
    log = tmp_path / "scheduler.log"

    first = await _scheduler(database_url, guidelines, fake_api, log)
    try:
        await fake_api.wait_for("chat.postMessage", KILL_AFTER, timeout=180)
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    killed_at = datetime.now(UTC)

    rows = outbox_rows(engine)
    sending = {r.key: r for r in rows if r.status == "sending"}
    posted = {
        delivery_key(m)
        for channel in channels
        for m in fake_api.messages_in(channel)
        if delivery_key(m) is not None
    }
    # The kill landed mid-batch: Slack has digests whose rows still say "sending",
    # and none of the rows waits longer than the lease.
    assert posted & set(sending), (len(posted), len(sending))
    assert DEFAULT_LEASE <= ABOUT_A_MINUTE
    assert all(r.next_attempt_at <= killed_at + ABOUT_A_MINUTE for r in sending.values())
    assert any(r.status == "pending" for r in rows), DigestStore(engine).status_counts()

    second = await _scheduler(database_url, guidelines, fake_api, log)
    try:
        started = await _started(log, 2, second)
        deadline = time.monotonic() + (ABOUT_A_MINUTE + MARGIN).total_seconds() + 60
        while DigestStore(engine).status_counts() != {"sent": PEOPLE}:
            assert time.monotonic() < deadline, (
                DigestStore(engine).status_counts(),
                log.read_text(errors="replace")[-3000:],
            )
            await asyncio.sleep(0.5)
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 60)
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, output[-3000:]

    # Exactly one digest per person, each with its own key.
    for channel, key in channels.items():
        keys = [delivery_key(m) for m in fake_api.messages_in(channel)]
        assert keys == [key], (channel, keys)
    # The digests interrupted by the kill came within the lease of the restart.
    last_post = max(call.at for call in fake_api.of("chat.postMessage"))
    assert last_post - started <= (DEFAULT_LEASE + MARGIN).total_seconds(), last_post - started
    assert "already_there=" in output


async def test_scheduler_once_after_a_crash_counts_a_digest_found_at_slack_as_sent(
    tmp_path: Path, engine: Engine, database_url: str, fake_api: FakeSlackApi
) -> None:
    guidelines = write_guidelines(tmp_path / "guidelines")
    now = datetime.now(UTC)
    user_id = add_person(engine, "U0ANN", platform="slack")
    key = f"digest:{user_id}:crash"
    reply = Reply(parts=(Text(text="Digest for ann"),), language="en", kind="digest")
    DigestStore(engine).insert_messages(
        [NewMessage(key=key, user_id=user_id, platform="slack", payload=reply_to_json(reply))],
        now=now,
    )
    # A scheduler claimed and posted it, then died before marking it sent.
    DigestStore(engine).claim_due(now=now, lease=DEFAULT_LEASE, platforms={"slack"})
    sender = sender_from_env({"SLACK_BOT_TOKEN": "xoxb-crash", "SLACK_API_URL": fake_api.base_url})
    assert sender is not None
    with delivering(key):
        await sender.send(
            to=ConversationRef(platform=Platform.SLACK, conversation_id="DU0ANN", user_id="U0ANN"),
            reply=reply,
        )
    log = tmp_path / "once.log"
    process = await _scheduler(
        database_url,
        guidelines,
        fake_api,
        log,
        "--once",
        "--now",
        (now + DEFAULT_LEASE).isoformat(),
    )
    assert await asyncio.wait_for(process.wait(), 120) == 0, log.read_text()
    output = log.read_text()
    assert "Messages: 1 sent, 0 to retry" in output, output
    assert [delivery_key(m) for m in fake_api.messages_in("DU0ANN")] == [key]
    assert [r.status for r in outbox_rows(engine)] == ["sent"]
