"""Start the real ``merkwerker serve`` on loopback, time it to /healthz, ask it questions.

Used by bench_answers.py. Teams runs in development mode (no app id, so no credentials),
and its replies go to the tests' fake Bot Connector on loopback; Slack stays off.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "teams")]

from fake_connector import FakeConnector  # noqa: E402

ACTIVITY = {
    "type": "message",
    "channelId": "msteams",
    "from": {"id": "29:bench", "name": "Bench"},
    "recipient": {"id": "28:merkwerker", "name": "Merkwerker"},
    "conversation": {"id": "a:bench", "conversationType": "personal"},
    "locale": "nl-NL",
}


@dataclass(frozen=True, kw_only=True)
class ServeFigures:
    """What one start of ``serve`` showed; ``ready`` is None when /healthz never said 200."""

    ready: float | None
    answered: int = 0
    rss_mb: float = 0.0
    peak_mb: float = 0.0
    last_log_line: str = ""


def free_port() -> int:
    """A TCP port on loopback that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def vm_mb(pid: int, field: str) -> float:
    """``field`` (VmRSS, VmHWM) of process ``pid`` in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def healthy(url: str, process: asyncio.subprocess.Process, limit: float) -> bool:
    """Poll ``url`` every 10 ms until it answers 200 (True) or ``limit`` seconds pass."""
    deadline = time.perf_counter() + limit
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as client:
        while process.returncode is None and time.perf_counter() < deadline:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with client.get(url) as response:
                    if response.status == 200:
                        return True
            await asyncio.sleep(0.01)
    return False


async def probe(
    *,
    folder: Path,
    cache: Path,
    workdir: Path,
    questions: Sequence[str],
    limit: float = 30.0,
) -> ServeFigures:
    """Start serve on ``folder`` with the ``cache`` file, time /healthz, ask ``questions``
    as Teams messages, read its memory, and stop it (SIGTERM, SIGKILL after 10 s)."""
    port = free_port()
    skip = ("SLACK_", "MERKWERKER_", "Microsoft", "MICROSOFT_", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env |= {
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{workdir / 'serve.db'}",
        "MERKWERKER_GUIDELINES": str(folder),
        "MERKWERKER_EMBEDDING_CACHE": str(cache),
        "MERKWERKER_TEAMS": "1",  # Teams without an app id: no credentials needed
        "MERKWERKER_ENV": "development",
    }
    connector = await FakeConnector().start()  # the bot's replies land here
    command = str(ROOT / ".venv/bin/merkwerker")
    log_path = workdir / "serve.log"
    with log_path.open("wb") as log:
        start = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            command, "serve", "--host", "127.0.0.1", env=env, stdout=log, stderr=log
        )
    try:
        base = f"http://127.0.0.1:{port}"
        if not await healthy(f"{base}/healthz", process, limit):
            lines = log_path.read_text(errors="replace").strip().splitlines()
            return ServeFigures(ready=None, last_log_line=lines[-1] if lines else "")
        ready = time.perf_counter() - start
        async with aiohttp.ClientSession() as client:
            for n, text in enumerate(questions):
                body = ACTIVITY | {"id": f"bench-{n}", "text": text, "serviceUrl": connector.url}
                async with client.post(f"{base}/api/messages", json=body) as response:
                    assert response.status < 300, f"/api/messages answered {response.status}"
        deadline = time.perf_counter() + 30
        while len(connector.delivered) < len(questions) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        return ServeFigures(
            ready=ready,
            answered=len(connector.delivered),
            rss_mb=vm_mb(process.pid, "VmRSS"),
            peak_mb=vm_mb(process.pid, "VmHWM"),
        )
    finally:
        if process.returncode is None:
            process.terminate()  # a process stuck before its loop runs ignores SIGTERM
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        await connector.stop()
