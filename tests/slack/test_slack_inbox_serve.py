"""Nothing lost, nothing twice: Slack deliveries through the inbox, on real processes.

Two ``merkwerker serve`` processes share one database (SQLite; the retry test runs on
PostgreSQL too), as two web dynos behind a load balancer do. A retried event and a replayed slash command reaching either process are
answered once; a process killed with ``kill -9`` after acknowledging a message, before
answering it, leaves the row in the inbox, and the other process answers it once its
lease ran out (well within a minute). Answers are counted at the fake Slack Web API.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from fake_slack_api import FakeSlackApi
from slack_fixtures import SECRET, payload, signed_headers
from test_serve_port import _env, _free_port, _healthy, _serve, _stop

SETTLE_SECONDS = 4.0
"""How long to wait for an answer that must not come (a few inbox polls)."""
RECLAIM_SECONDS = 60.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi()
    await api.start()
    yield api
    await api.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _two_processes(
    tmp_path: Path,
    fake: FakeSlackApi,
    http: aiohttp.ClientSession,
    database_url: str | None = None,
) -> tuple[list[asyncio.subprocess.Process], list[int]]:
    env = _env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.base_url,
    )
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    ports = [_free_port(), _free_port()]
    # One after the other: the first creates the database, the second finds it.
    processes = [await _serve(env, "--port", str(ports[0]))]
    await _healthy(http, ports[0])
    processes.append(await _serve(env, "--port", str(ports[1])))
    await _healthy(http, ports[1])
    return processes, ports


async def _post(
    http: aiohttp.ClientSession,
    port: int,
    body: bytes,
    headers: dict[str, str],
) -> int:
    async with http.post(
        f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
    ) as response:
        return response.status


def _event_body() -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload("event_message_im")).encode()
    return body, signed_headers(body, content_type="application/json")


async def test_a_retried_event_reaching_the_other_process_is_answered_once(
    tmp_path: Path, fake: FakeSlackApi, http: aiohttp.ClientSession, database_url: str
) -> None:
    processes, ports = await _two_processes(tmp_path, fake, http, database_url)
    try:
        body, headers = _event_body()
        assert await _post(http, ports[0], body, headers) == 200
        # Slack's retry (it thought the first delivery failed) lands on the other process.
        retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert await _post(http, ports[1], body, retry) == 200
        [answer] = await fake.wait_for("chat.postMessage", 1, timeout=30)
        await asyncio.sleep(SETTLE_SECONDS)
        assert len(fake.of("chat.postMessage")) == 1
        assert answer.args["channel"] == "D0PERSON"
    finally:
        for process in processes:
            await _stop(process)


async def test_a_signed_slash_command_replayed_three_times_runs_once(
    tmp_path: Path, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    processes, ports = await _two_processes(tmp_path, fake, http)
    try:
        fields = {
            **payload("command", fake),
            "text": "ask Mag ik een foto van ons kantoor delen?",
        }
        body = urlencode(fields).encode()
        headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
        # The same signed request three times (within Slack's five minutes), to both.
        for port in (ports[0], ports[1], ports[0]):
            assert await _post(http, port, body, headers) == 200
        await fake.wait_for("response_url", 1, timeout=30)
        await asyncio.sleep(SETTLE_SECONDS)
        assert len(fake.of("response_url")) == 1
        # A new command (another trigger_id) is answered as usual.
        again = urlencode({**fields, "trigger_id": "13345224609.1.other"}).encode()
        headers = signed_headers(again, content_type="application/x-www-form-urlencoded")
        assert await _post(http, ports[1], again, headers) == 200
        await fake.wait_for("response_url", 2, timeout=30)
    finally:
        for process in processes:
            await _stop(process)


async def test_a_message_acknowledged_by_a_killed_process_is_answered_once_by_another(
    tmp_path: Path, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    processes, ports = await _two_processes(tmp_path, fake, http)
    survivor = processes[1]
    try:
        # The first process acknowledges, then hangs on Slack before answering...
        held = fake.hold("users.info")
        body, headers = _event_body()
        assert await _post(http, ports[0], body, headers) == 200
        await fake.wait_for("users.info", 1, timeout=30)
        # ... and dies without a word.
        processes[0].kill()
        await processes[0].wait()
        held.set()
        assert fake.of("chat.postMessage") == []
        [answer] = await fake.wait_for("chat.postMessage", 1, timeout=RECLAIM_SECONDS)
        assert answer.args["channel"] == "D0PERSON"
        await asyncio.sleep(SETTLE_SECONDS)
        assert len(fake.of("chat.postMessage")) == 1
        # Slack's retry of it, after all that, changes nothing.
        retry = {**headers, "X-Slack-Retry-Num": "1"}
        assert await _post(http, ports[1], body, retry) == 200
        await asyncio.sleep(SETTLE_SECONDS)
        assert len(fake.of("chat.postMessage")) == 1
    finally:
        await _stop(survivor)


async def test_an_answer_posted_just_before_the_process_died_is_not_posted_again(
    tmp_path: Path, fake: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    processes, ports = await _two_processes(tmp_path, fake, http)
    survivor = processes[1]
    try:
        # Slack takes the answer, but its "ok" never reaches the first process: it dies
        # before it could mark the inbox row done.
        fake.delays["chat.postMessage"] = 300.0
        body, headers = _event_body()
        assert await _post(http, ports[0], body, headers) == 200
        await fake.wait_for("chat.postMessage", 1, timeout=30)
        processes[0].kill()
        await processes[0].wait()
        fake.delays.clear()
        assert len(fake.messages_in("D0PERSON")) == 1
        # The other process takes the row over, reads the direct message's history, finds
        # the answer by the inbox key in its metadata, and leaves it at that.
        await fake.wait_for("conversations.history", 1, timeout=RECLAIM_SECONDS)
        await asyncio.sleep(SETTLE_SECONDS)
        assert len(fake.of("chat.postMessage")) == 1
        assert len(fake.messages_in("D0PERSON")) == 1
    finally:
        await _stop(survivor)
