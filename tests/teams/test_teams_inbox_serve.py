"""A Teams activity delivered twice, to two ``merkwerker serve`` processes sharing one
database (SQLite, and PostgreSQL), is answered once: the inbox is in the database, not in either process.

Teams runs without authentication (development), so the replies go straight to the
fake Bot Connector named in the activity's ``serviceUrl``, where they are counted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from teams_fixtures import FakeConnector, activity
from test_serve_port import _env, _free_port, _healthy, _serve, _stop

SETTLE_SECONDS = 4.0


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _post(http: aiohttp.ClientSession, port: int, body: object) -> int:
    async with http.post(f"http://127.0.0.1:{port}/api/messages", json=body) as response:
        return response.status


async def test_a_repeated_activity_reaching_the_other_process_is_answered_once(
    tmp_path: Path, http: aiohttp.ClientSession, database_url: str
) -> None:
    env = _env(tmp_path, DATABASE_URL=database_url)
    ports = [_free_port(), _free_port()]
    processes = [await _serve(env, "--port", str(ports[0]))]
    try:
        await _healthy(http, ports[0])
        processes.append(await _serve(env, "--port", str(ports[1])))
        await _healthy(http, ports[1])
        async with FakeConnector() as connector:
            message = activity("personal_message", connector.url)
            assert await _post(http, ports[0], message) == 200
            assert await _post(http, ports[1], message) == 200
            await connector.wait_for(1, timeout=30)
            await asyncio.sleep(SETTLE_SECONDS)
            assert len(connector.delivered) == 1
            # Another activity in the same chat is answered as usual.
            assert await _post(http, ports[1], {**message, "id": "1714641331999"}) == 200
            await connector.wait_for(2, timeout=30)
    finally:
        for process in processes:
            await _stop(process)
