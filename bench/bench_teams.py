"""Time Teams activities through ``/api/messages``, beside a bare botbuilder echo bot.

Run: python bench/bench_teams.py [--requests N] [--concurrency N] [--warmup N] [--no-gc-freeze]

Each bot runs in its own process on loopback with authentication off. This process
posts personal-chat messages to it (``--concurrency`` at a time) and runs a fake Bot
Connector where the replies arrive; a request's latency is the time from posting it
to its reply reaching the connector. Bots measured:

- ``echo``: botbuilder's ``CloudAdapter`` + an ``ActivityHandler`` that echoes, as in
  Microsoft's samples (a new connector client per activity, sent through ``requests``);
- ``merkwerker``: ``TeamsAdapter`` answering from the shipped guidelines, no database;
- ``merkwerker+sqlite``: the same, recording questions and references in SQLite;
- ``deployed+sqlite``: the bot as ``merkwerker serve`` builds it (every feature, the
  participation log), in SQLite: each question also logs its event and reads the
  person's tracking choice and team.

Also printed: the CPU time the bot's process spent per activity, which other load on the
machine disturbs far less than throughput and latency do. Every bot process calls
``gc.freeze()`` after start-up unless ``--no-gc-freeze`` is given.

Target: merkwerker at least 3x the echo bot's throughput, p99 under 100 ms. Bounded:
every run posts a fixed number of requests, each with a timeout, and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "teams")]

from fake_connector import FakeConnector, Recorded  # noqa: E402

ACTIVITY = json.loads((ROOT / "tests/teams/activities/personal_message.json").read_text())
QUESTION = "Can I post a picture of the office?"
BOTS = ("echo", "merkwerker", "merkwerker+sqlite", "deployed+sqlite")
REQUEST_TIMEOUT = 10.0


# -- the bots, each run in a child process --------------------------------------


def _echo_app() -> Any:
    from aiohttp import web
    from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""

    class EchoBot(ActivityHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(
                MessageFactory.text(f"Echo: {turn_context.activity.text}")
            )

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response: web.StreamResponse = await adapter.process(request, bot)
        return response

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


def _merkwerker_app(kind: str) -> Any:
    from aiohttp import web

    from adapters.app_factory import build_bot
    from adapters.teams import TeamsSettings
    from adapters.teams.adapter import TeamsAdapter
    from bot.answering.answerer import default_answerer
    from bot.conversation import Merkwerker
    from bot.guidelines.library import GuidelinesLibrary
    from bot.settings import Settings
    from bot.storage import Store

    library = GuidelinesLibrary.open(ROOT / "guidelines")
    store = None
    if kind.endswith("+sqlite"):
        folder = Path(tempfile.mkdtemp(prefix="merkwerker-bench-"))
        store = Store.open(f"sqlite:///{folder / 'bench.db'}")
    if kind == "deployed+sqlite":
        assert store is not None
        settings = Settings(guidelines=ROOT / "guidelines", database_url=str(store.engine.url))
        # The same answerer as the other bots: its embedding cache is warm, where one
        # beside this new database would embed every example again at start-up.
        bot = build_bot(settings, store=store, library=library, answerer=default_answerer())
    else:
        bot = Merkwerker(library=library, store=store, refresh_seconds=3600)
    adapter = TeamsAdapter(bot, TeamsSettings())
    app = web.Application()
    adapter.add_routes(app)
    return app


def serve(kind: str, *, freeze: bool) -> None:
    """Run bot ``kind`` on a free loopback port; print the port; stop when stdin closes.

    With ``freeze``, what start-up allocated is moved out of the garbage collector's way
    (``gc.freeze``), as a long-running server should: otherwise a full collection walks
    the whole heap (guidelines index, libraries) and stalls every request for ~100 ms.
    """
    import gc
    import logging

    from aiohttp import web

    logging.disable(logging.WARNING)  # a benchmark, not a log test

    async def main() -> None:
        app = _echo_app() if kind == "echo" else _merkwerker_app(kind)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        if freeze:
            gc.collect()
            gc.freeze()
        print(runner.addresses[0][1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await runner.cleanup()

    asyncio.run(main())


# -- the load, in this process ----------------------------------------------------


async def _measure(
    port: int, connector: FakeConnector, *, requests: int, concurrency: int
) -> list[float]:
    waiting: dict[str, asyncio.Future[float]] = {}

    def arrived(recorded: Recorded) -> None:
        future = waiting.get(recorded.activity_id or "")
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    connector.listeners = [arrived]
    url = f"http://127.0.0.1:{port}/api/messages"
    latencies: list[float] = []
    counter = iter(range(requests))
    loop = asyncio.get_running_loop()

    async def worker(client: aiohttp.ClientSession) -> None:
        for n in counter:
            activity_id = f"bench-{time.monotonic_ns()}-{n}"
            body = dict(
                ACTIVITY, id=activity_id, text=QUESTION, serviceUrl=connector.url, locale="en-US"
            )
            waiting[activity_id] = loop.create_future()
            started = time.perf_counter()
            async with client.post(url, json=body) as response:
                await response.read()
                if response.status >= 300:
                    raise RuntimeError(f"the bot answered HTTP {response.status}")
            arrived_at = await asyncio.wait_for(waiting.pop(activity_id), REQUEST_TIMEOUT)
            latencies.append(arrived_at - started)

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=aiohttp.TCPConnector(limit=concurrency)
    ) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid``; 0 where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def bench(
    kind: str, *, requests: int, concurrency: int, warmup: int, freeze: bool
) -> dict[str, float]:
    """Throughput, latency percentiles and CPU time per activity of bot ``kind``."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, *([] if freeze else ["--no-gc-freeze"])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None
        port = int(await asyncio.to_thread(child.stdout.readline))
        async with FakeConnector() as connector:
            await _measure(port, connector, requests=warmup, concurrency=concurrency)
            cpu_before = _cpu_seconds(child.pid)
            started = time.perf_counter()
            latencies = await _measure(port, connector, requests=requests, concurrency=concurrency)
            elapsed = time.perf_counter() - started
            cpu = _cpu_seconds(child.pid) - cpu_before
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    ordered = sorted(latencies)
    return {
        "throughput": len(latencies) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "cpu": cpu / len(latencies) * 1000,
    }


def main() -> None:
    """Measure every bot in turn and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument(
        "--bots", default=",".join(BOTS), help="comma-separated: " + ", ".join(BOTS)
    )
    parser.add_argument(
        "--no-gc-freeze",
        dest="freeze",
        action="store_false",
        help="leave start-up objects to the garbage collector (as without gc.freeze)",
    )
    parser.add_argument("--serve", choices=BOTS, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, freeze=options.freeze)
        return
    kinds = [k for k in options.bots.split(",") if k]
    print(
        f"{options.requests} activities, {options.concurrency} at a time,"
        f" after {options.warmup} to warm up; gc.freeze {'on' if options.freeze else 'off'}"
    )
    print(
        f"{'bot':<20}{'activities/s':>14}{'p50 ms':>10}{'p99 ms':>10}{'vs echo':>10}"
        f"{'bot CPU ms/activity':>22}"
    )
    results: dict[str, dict[str, float]] = {}
    for kind in kinds:
        results[kind] = result = asyncio.run(
            bench(
                kind,
                requests=options.requests,
                concurrency=options.concurrency,
                warmup=options.warmup,
                freeze=options.freeze,
            )
        )
        echo = results.get("echo")
        ratio = f"{result['throughput'] / echo['throughput']:.1f}x" if echo else "-"
        print(
            f"{kind:<20}{result['throughput']:>14.0f}{result['p50']:>10.1f}"
            f"{result['p99']:>10.1f}{ratio:>10}{result['cpu']:>22.2f}"
        )


if __name__ == "__main__":
    main()
