"""``merkwerker serve`` watches the guidelines folder, as the console chat does.

A valid edit goes live without a message or a restart; a broken edit is logged once,
with file and line, while the last valid version keeps serving; the fix is logged as
"valid again". Each test starts the real process (Teams without authentication).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from test_serve_port import _env, _free_port, _healthy, _serve, _stop

WAIT_SECONDS = 20.0


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _version(http: aiohttp.ClientSession, port: int) -> str:
    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
        return str((await response.json())["guidelines_version"])


async def _until_changed(http: aiohttp.ClientSession, port: int, old: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        version = await _version(http, port)
        if version != old:
            return version
        await asyncio.sleep(0.2)
    pytest.fail(f"the guidelines were still at version {old} after {WAIT_SECONDS} s")


async def test_serve_takes_an_edit_live_and_keeps_serving_through_a_broken_one(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    env = _env(tmp_path)
    folder = Path(env["MERKWERKER_GUIDELINES"])
    rules = next(p for p in sorted(folder.glob("*.yaml")) if "rules:" in p.read_text())
    original = rules.read_text()
    port = _free_port()
    process = await _serve(env, "--port", str(port))
    try:
        await _healthy(http, port)
        first = await _version(http, port)
        rules.write_text(original + "\n# edited by the owners\n")
        second = await _until_changed(http, port, first)
        broken = original.replace("rules:\n", "rules:\n\t- id: broken\n", 1)
        rules.write_text(broken)
        await asyncio.sleep(4)  # two polls: long enough for the watcher to have seen it
        assert await _version(http, port) == second  # the last valid version serves on
        rules.write_text(original)
        assert await _until_changed(http, port, second) == first
    finally:
        log = await _stop(process)
    tab_problems = [line for line in log.splitlines() if "a tab is used" in line]
    assert len(tab_problems) == 1, log
    assert f"{rules.name}:" in tab_problems[0]
    assert log.count("guidelines valid again") == 1, log
