"""What ``merkwerker serve`` loads and leaves behind on its way up.

Each test starts the real process through the console script's entry point, which says
on exit which packages it loaded and the garbage collector's thresholds. It loads the
SDK of each platform it serves and no other (each costs start-up time): with Teams
alone Slack's SDK is never imported, with Slack alone botbuilder is not. Full
collections, put off during start-up, run as usual once it is ready.
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

REPORT_ON_EXIT = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'loaded: ' + ' '.join(sorted({m.split('.')[0] for m in sys.modules})) + '\\n'"
    " + 'thresholds: ' + ' '.join(map(str, gc.get_threshold())) + '\\n'))\n"
    "sys.argv[0] = 'merkwerker'\n"
    "from adapters.cli.main import run\n"
    "run()\n"
)
"""What the ``merkwerker`` console script runs, telling on exit which packages it loaded
and the collector's thresholds."""
TOLD = ("loaded: ", "thresholds: ")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _serve_and_stop(env: dict[str, str], http: aiohttp.ClientSession) -> dict[str, str]:
    """Start serve, wait for /healthz 200, stop it: what it told on exit, by line."""
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        REPORT_ON_EXIT,
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
    told = dict(line.split(": ", 1) for line in log.splitlines() if line.startswith(TOLD))
    assert set(told) == {"loaded", "thresholds"}, log
    return told


def _loaded(told: dict[str, str]) -> set[str]:
    return set(told["loaded"].split())


async def test_serving_teams_alone_never_loads_slacks_sdk(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    loaded = _loaded(await _serve_and_stop(_env(tmp_path), http))
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
        loaded = _loaded(await _serve_and_stop(env, http))
    finally:
        await slack.close()
    assert "slack_sdk" in loaded
    assert "botbuilder" not in loaded


async def test_full_collections_run_as_usual_once_serve_is_ready(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    """Start-up puts off the collector's full passes; a server that kept them off would
    never free old cyclic garbage, so they must be back when it listens."""
    told = await _serve_and_stop(_env(tmp_path), http)
    assert tuple(map(int, told["thresholds"].split())) == gc.get_threshold()
