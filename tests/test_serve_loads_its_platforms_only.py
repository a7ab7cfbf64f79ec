"""``merkwerker serve`` loads the SDK of each platform it serves, and no other.

Each test starts the real process through the console script's entry point, which says
on exit which packages it loaded: with Teams alone configured Slack's SDK is never
imported, and with Slack alone botbuilder is not (each costs start-up time).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from test_serve_port import _env, _free_port, _healthy, _stop

sys.path.append(str(Path(__file__).resolve().parent / "slack"))
from fake_slack_api import FakeSlackApi

ROOT = Path(__file__).resolve().parent.parent

REPORT_LOADED = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'loaded: ' + ' '.join(sorted({m.split('.')[0] for m in sys.modules})) + '\\n'))\n"
    "sys.argv[0] = 'merkwerker'\n"
    "from adapters.cli.main import run\n"
    "run()\n"
)
"""What the ``merkwerker`` console script runs, telling on exit which packages it loaded."""


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _loaded_by_serve(env: dict[str, str], http: aiohttp.ClientSession) -> set[str]:
    """Start serve, wait for /healthz 200, stop it: the packages it had loaded."""
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        REPORT_LOADED,
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
    (line,) = [line for line in log.splitlines() if line.startswith("loaded: ")]
    return set(line.split()[1:])


async def test_serving_teams_alone_never_loads_slacks_sdk(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    loaded = await _loaded_by_serve(_env(tmp_path), http)
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
        loaded = await _loaded_by_serve(env, http)
    finally:
        await slack.close()
    assert "slack_sdk" in loaded
    assert "botbuilder" not in loaded
