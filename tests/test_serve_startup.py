"""What ``merkwerker serve`` loads and collects on its way up.

Each test starts the real process through the console script's entry point, which says
on standard error when it collects garbage in full and, on exit, which packages it
loaded and the collector's thresholds. It loads the SDK of each platform it serves and
no other (each costs start-up time): with Teams alone Slack's SDK is never imported,
with Slack alone botbuilder is not. Full collections are put off during start-up but
for one before it listens, and run as usual afterwards.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from test_serve_port import _env, _free_port, _healthy, _stop

sys.path.append(str(Path(__file__).resolve().parent / "slack"))
from fake_slack_api import FakeSlackApi

ROOT = Path(__file__).resolve().parent.parent

TELLING_ENTRY_POINT = """\
import atexit, gc, sys

def full_collection(phase, info):
    if phase == "stop" and info["generation"] == 2:
        sys.stderr.write("full collection\\n")

def on_exit():
    packages = " ".join(sorted({name.split(".")[0] for name in sys.modules}))
    sys.stderr.write(f"loaded: {packages}\\n")
    sys.stderr.write("thresholds: " + " ".join(map(str, gc.get_threshold())) + "\\n")

gc.callbacks.append(full_collection)
atexit.register(on_exit)
sys.argv[0] = "merkwerker"
from adapters.cli.main import run
run()
"""
"""What the ``merkwerker`` console script runs, telling what it collects and loads."""


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _serve_and_stop(env: dict[str, str], http: aiohttp.ClientSession) -> list[str]:
    """Start serve, wait for /healthz 200, stop it: the lines of its standard error."""
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        TELLING_ENTRY_POINT,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _healthy(http, port)
    finally:
        log = await _stop(process)
    return log.splitlines()


def _told(lines: list[str], what: str) -> str:
    (line,) = [line for line in lines if line.startswith(f"{what}: ")]
    return line.split(": ", 1)[1]


async def test_serving_teams_alone_never_loads_slacks_sdk(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    loaded = _told(await _serve_and_stop(_env(tmp_path), http), "loaded").split()
    assert "botbuilder" in loaded
    assert "slack_sdk" not in loaded


async def test_serving_slack_alone_never_loads_botbuilder(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    slack = FakeSlackApi()
    await slack.start()
    try:
        env = _env(
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="signing-secret",
            SLACK_API_URL=slack.base_url,
        )
        del env["MERKWERKER_TEAMS"]  # _env leaves out every other Teams setting
        lines = await _serve_and_stop(env, http)
    finally:
        await slack.close()
    loaded = _told(lines, "loaded").split()
    assert "slack_sdk" in loaded
    assert "botbuilder" not in loaded


async def test_start_up_collects_in_full_once_and_then_as_usual(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    """Each full collection during start-up scanned everything loaded so far; the one
    left frees start-up's garbage before the server freezes what stays. Afterwards the
    usual thresholds are back: a server that kept full collections off would never free
    old cyclic garbage."""
    lines = await _serve_and_stop(_env(tmp_path), http)
    listening = next(n for n, line in enumerate(lines) if "is listening on" in line)
    assert lines[:listening].count("full collection") == 1
    assert tuple(map(int, _told(lines, "thresholds").split())) == gc.get_threshold()
