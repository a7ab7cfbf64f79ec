"""Faults: three web processes and two schedulers on PostgreSQL, killed in the middle.

Run: python bench/faults.py [--dms 2000] [--digests 400] [--retried 0.2] [--seconds 900]
                            [--database URL]

Loopback only, bounded in count and time. Starts a throwaway PostgreSQL cluster (unless
``--database`` names one), a fake Slack Web API, three ``merkwerker serve`` processes and
two ``merkwerker scheduler`` processes on that database. Then:

- sends ``--dms`` signed direct messages round-robin to the three web processes, each
  from its own person; a share (``--retried``) of them is delivered again by "Slack" to
  another process (same ``event_id``, ``X-Slack-Retry-Num``), as Slack does when it
  thinks a delivery failed. A delivery that finds its process dead is retried to the
  next one, as Slack would;
- ``kill -9`` of one web process when a third of the messages are sent, and a restart
  of it at two thirds;
- ``--digests`` people whose daily digest is due: ``kill -9`` of the active scheduler
  (the one holding the scheduler lock) once a third of the digests arrived, and a
  restart of it ten seconds later.

It waits until every message and digest arrived or ``--seconds`` ran out, and prints
how many direct messages were answered exactly once, twice (or more) and never, the
same for the digests, and the longest delay: from a message's first delivery to its
answer, and from the scheduler's kill to the last digest. Targets on Slack: 0 twice and
0 never.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "slack")]

from fake_slack_api import FakeSlackApi  # noqa: E402

SECRET = "faults-signing-secret"
TOKEN = "xoxb-faults"
QUESTIONS = (
    "Mag ik een foto van ons kantoor delen?",
    "Can I name our client on LinkedIn?",
    "Mag ik vertellen aan welk project ik werk?",
    "Can I share our job vacancy?",
)
WEB_PROCESSES = 3


# The fake Slack Web API, run as ``faults.py --serve-fake --port N``.


async def _serve_fake(port: int, digest_delay: float) -> None:
    api = FakeSlackApi()
    api.default_locale = "nl-NL"
    posts: list[dict[str, Any]] = []

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path != "/api/chat.postMessage":
            return await handler(request)
        arguments = await api._arguments(request)
        channel = str(arguments.get("channel", ""))
        if channel.startswith("DG") and digest_delay:
            await asyncio.sleep(digest_delay)  # a slow Slack: a kill lands mid-batch
        response = await handler(request)
        posts.append({"channel": channel, "at": time.time()})
        return response

    async def tally(request: web.Request) -> web.Response:
        return web.json_response(posts)

    app = api.application()
    app.middlewares.append(record)
    app.router.add_get("/tally", tally)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


# Processes.


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """One process of the system under test, restartable."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    port: int | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int | None:
        return None if self.popen is None else self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill9(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


async def _until_healthy(http: aiohttp.ClientSession, process: Process, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive():
            raise SystemExit(f"{process.name} exited; see {process.log}")
        try:
            async with http.get(f"http://127.0.0.1:{process.port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit(f"{process.name} did not become healthy; see {process.log}")


# The database: people whose digest is due now, and content for their digests.


def _midday_zone(now: datetime) -> str:
    offset = 12 - now.hour
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def _prepare(database: str, digests: int) -> None:
    from sqlalchemy import insert

    from bot.storage import Store
    from bot.storage.tables import ContentItem, ConversationReference, User

    store = Store.open(database)
    now = datetime.now(UTC)
    zone = _midday_zone(now)
    due_at = (datetime.now(ZoneInfo(zone)) - timedelta(hours=1)).strftime("%H:%M")
    created = now - timedelta(days=30)
    with store.engine.begin() as connection:
        connection.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            [
                {
                    "platform": "slack",
                    "platform_user_id": f"UG{n:05d}",
                    "language": "en" if n % 2 else "nl",
                    "created_at": created,
                    "timezone": zone,
                    "digest": "daily",
                    "digest_time": due_at,
                    "digest_weekday": 0,
                    "quiet_start": "23:59",
                    "quiet_end": "23:59",
                    "digest_cap": 7,
                    "tracking": True,
                    "leaderboard": False,
                }
                for n in range(digests)
            ],
        )
        ids = connection.execute(User.__table__.select()).all()  # type: ignore[attr-defined]
        connection.execute(
            insert(ConversationReference.__table__),  # type: ignore[attr-defined]
            [
                {
                    "user_id": row.id,
                    "platform": "slack",
                    "conversation_id": "DG" + row.platform_user_id.removeprefix("UG"),
                    "data": "{}",
                    "updated_at": created,
                }
                for row in ids
            ],
        )
        connection.execute(
            insert(ContentItem.__table__),  # type: ignore[attr-defined]
            [
                {
                    "url": f"https://example.com/news/{n}",
                    "title": f"News item {n}",
                    "summary": f"About news item {n}.",
                    "captions": json.dumps({"en": [f"Have a look: {n}"], "nl": [f"Kijk: {n}"]}),
                    "topics": "",
                    "status": "live",
                    "created_at": now - timedelta(days=1),
                    "approved_at": now - timedelta(days=1),
                    "added_by": "cli",
                }
                for n in range(5)
            ],
        )
    store.close()


# Slack's side: signed deliveries of direct messages.


def _dm(n: int) -> bytes:
    channel = f"DQ{n:05d}"
    ts = f"{1700000000 + n}.000100"
    return json.dumps(
        {
            "token": "x",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": f"EvF{n:07d}",
            "event_time": 1700000000,
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": channel,
                "user": f"UQ{n:05d}",
                "ts": ts,
                "event_ts": ts,
                "text": QUESTIONS[n % len(QUESTIONS)],
            },
        }
    ).encode()


def _headers(body: bytes, retry: int) -> dict[str, str]:
    from adapters.slack.signature import sign

    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(SECRET, timestamp, body),
    }
    if retry:
        headers["X-Slack-Retry-Num"] = str(retry)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


@dataclass
class Deliveries:
    """What "Slack" sent: first delivery time per message, and counts."""

    first: dict[int, float] = field(default_factory=dict)
    retried: int = 0
    refused: int = 0


async def _deliver(
    http: aiohttp.ClientSession,
    webs: list[Process],
    n: int,
    target: int,
    log: Deliveries,
    *,
    retry: int = 0,
) -> None:
    """Deliver message ``n`` to ``webs[target]``; on a dead process, retry to the next one."""
    body = _dm(n)
    for attempt in range(len(webs) * 3):
        process = webs[(target + attempt) % len(webs)]
        try:
            async with http.post(
                f"http://127.0.0.1:{process.port}/slack/events",
                data=body,
                headers=_headers(body, retry + attempt),
                timeout=aiohttp.ClientTimeout(total=3),
            ) as response:
                await response.read()
                if response.status == 200:
                    return
        except (aiohttp.ClientError, TimeoutError):
            pass
        log.refused += 1
        await asyncio.sleep(0.2)


async def _tally(http: aiohttp.ClientSession, fake_url: str) -> list[dict[str, Any]]:
    async with http.get(f"{fake_url}/tally") as response:
        posts: list[dict[str, Any]] = await response.json()
        return posts


def _active_scheduler(database: str, schedulers: list[Process]) -> Process:
    """The scheduler holding the lock (by the pid in ``scheduler_lock``), else the first."""
    from sqlalchemy import create_engine, text

    from bot.storage import normalize_database_url

    engine = create_engine(normalize_database_url(database))
    try:
        with engine.connect() as connection:
            holders = connection.execute(text("SELECT holder FROM scheduler_lock")).scalars()
            pids = {int(m) for h in holders for m in re.findall(r"\d+", str(h))}
    except Exception:
        pids = set()
    finally:
        engine.dispose()
    for process in schedulers:
        if process.alive() and process.pid in pids:
            return process
    return next((p for p in schedulers if p.alive()), schedulers[0])


async def run(args: argparse.Namespace, database: str, work: Path) -> dict[str, Any]:
    fake_port = _free_port()
    fake = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve-fake",
            "--port",
            str(fake_port),
            "--digest-delay",
            str(args.digest_delay),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    assert fake.stdout is not None
    if fake.stdout.readline().strip() != b"ready":
        raise SystemExit("the fake Slack Web API did not start")
    fake_url = f"http://127.0.0.1:{fake_port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"{fake_url}/api/",
        "MERKWERKER_GUIDELINES": str(ROOT / "guidelines"),
        "DATABASE_URL": database,
    }
    cache = ROOT / ".pytest_cache" / "embeddings.sqlite3"
    if cache.exists():
        env.setdefault("MERKWERKER_EMBEDDING_CACHE", str(cache))
    cli = [sys.executable, "-m", "adapters.cli.main"]
    webs = []
    for index in range(WEB_PROCESSES):
        port = _free_port()
        argv = [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)]
        webs.append(Process(f"web{index + 1}", argv, env, work / f"web{index + 1}.log", port=port))
    schedulers = [
        Process(f"scheduler{index + 1}", [*cli, "scheduler"], env, work / f"sch{index + 1}.log")
        for index in range(2)
    ]
    rng = random.Random(7)
    log = Deliveries()
    events: list[str] = []
    started = time.monotonic()
    scheduler_killed_at: float | None = None
    try:
        async with aiohttp.ClientSession() as http:
            for process in webs:
                process.start()
            for process in webs:
                await _until_healthy(http, process, 120)
            for process in schedulers:
                process.start()
            gate = asyncio.Semaphore(args.concurrency)
            pending: set[asyncio.Task[None]] = set()
            victim = webs[1]

            async def one(n: int) -> None:
                async with gate:
                    log.first[n] = time.time()
                    await _deliver(http, webs, n, n % len(webs), log)
                if rng.random() < args.retried:
                    log.retried += 1
                    await asyncio.sleep(rng.uniform(0.1, 1.5))
                    await _deliver(http, webs, n, (n + 1) % len(webs), log, retry=1)

            for n in range(args.dms):
                if n == args.dms // 3:
                    victim.kill9()
                    events.append(f"kill -9 {victim.name} after {n} messages")
                if n == 2 * args.dms // 3:
                    victim.start()
                    await _until_healthy(http, victim, 120)
                    events.append(f"restarted {victim.name} after {n} messages")
                task = asyncio.create_task(one(n))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(0)
                if scheduler_killed_at is None and n % 50 == 0:
                    posts = await _tally(http, fake_url)
                    digests = sum(1 for p in posts if p["channel"].startswith("DG"))
                    if digests >= args.digests // 3:
                        scheduler_killed_at = await _kill_scheduler(
                            database, schedulers, events, digests
                        )
            await asyncio.gather(*pending)
            events.append(f"all {args.dms} messages delivered by Slack")
            deadline = started + args.seconds
            restart_at: float | None = None
            while time.monotonic() < deadline:
                posts = await _tally(http, fake_url)
                answered = {p["channel"] for p in posts if p["channel"].startswith("DQ")}
                digests = {p["channel"] for p in posts if p["channel"].startswith("DG")}
                if scheduler_killed_at is None and len(digests) >= args.digests // 3:
                    scheduler_killed_at = await _kill_scheduler(
                        database, schedulers, events, len(digests)
                    )
                    restart_at = time.monotonic() + 10
                if restart_at is not None and time.monotonic() >= restart_at:
                    for process in schedulers:
                        if not process.alive():
                            process.start()
                            events.append(f"restarted {process.name}")
                    restart_at = None
                done = len(answered) >= args.dms and len(digests) >= args.digests
                if done and scheduler_killed_at is not None and restart_at is None:
                    break
                await asyncio.sleep(0.5)
            if restart_at is not None:
                for process in schedulers:
                    if not process.alive():
                        process.start()
            await asyncio.sleep(args.settle)
            posts = await _tally(http, fake_url)
    finally:
        for process in [*webs, *schedulers]:
            process.stop()
        fake.kill()
        fake.wait()
    return _figures(args, posts, log, events, scheduler_killed_at, time.monotonic() - started)


async def _kill_scheduler(
    database: str, schedulers: list[Process], events: list[str], delivered: int
) -> float:
    active = await asyncio.to_thread(_active_scheduler, database, schedulers)
    active.kill9()
    events.append(f"kill -9 {active.name} (active) after {delivered} digests")
    return time.time()


def _figures(
    args: argparse.Namespace,
    posts: list[dict[str, Any]],
    log: Deliveries,
    events: list[str],
    scheduler_killed_at: float | None,
    elapsed: float,
) -> dict[str, Any]:
    per_channel: dict[str, list[float]] = defaultdict(list)
    for post in posts:
        per_channel[post["channel"]].append(post["at"])
    dm_counts = Counter(len(per_channel.get(f"DQ{n:05d}", [])) for n in range(args.dms))
    digest_counts = Counter(len(per_channel.get(f"DG{n:05d}", [])) for n in range(args.digests))
    delays = [
        min(per_channel[f"DQ{n:05d}"]) - log.first[n]
        for n in range(args.dms)
        if per_channel.get(f"DQ{n:05d}") and n in log.first
    ]
    digest_times = [t for ch, times in per_channel.items() if ch.startswith("DG") for t in times]
    after_kill = (
        max(digest_times) - scheduler_killed_at
        if scheduler_killed_at is not None and digest_times
        else None
    )
    if after_kill is not None and after_kill < 0:
        events.append("the scheduler was killed after the last digest: no take-over measured")
        after_kill = None
    return {
        "messages": args.dms,
        "retried_by_slack": log.retried,
        "deliveries_refused": log.refused,
        "answered_once": dm_counts.get(1, 0),
        "answered_twice_or_more": sum(c for k, c in dm_counts.items() if k > 1),
        "answered_never": dm_counts.get(0, 0),
        "longest_answer_delay_s": round(max(delays), 1) if delays else None,
        "digests": args.digests,
        "digests_once": digest_counts.get(1, 0),
        "digests_twice_or_more": sum(c for k, c in digest_counts.items() if k > 1),
        "digests_never": digest_counts.get(0, 0),
        "last_digest_after_scheduler_kill_s": round(after_kill, 1) if after_kill else None,
        "events": events,
        "elapsed_s": round(elapsed, 1),
    }


def _postgres() -> tuple[str, Any]:
    from conftest import _Cluster, _server_binaries

    binaries = _server_binaries()
    if binaries is None:
        raise SystemExit("PostgreSQL server binaries not found; pass --database URL")
    cluster = _Cluster(*binaries)
    cluster.start()
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    base = f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}"
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text("CREATE DATABASE merkwerker_faults"))
    engine.dispose()
    return f"{base}/merkwerker_faults", cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dms", type=int, default=2000)
    parser.add_argument("--digests", type=int, default=400)
    parser.add_argument("--retried", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--digest-delay", type=float, default=0.3)
    parser.add_argument("--seconds", type=float, default=900)
    parser.add_argument("--settle", type=float, default=15, help=argparse.SUPPRESS)
    parser.add_argument("--database")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        asyncio.run(_serve_fake(args.port, args.digest_delay))
        return
    args.dms = max(1, min(args.dms, 20_000))
    args.digests = max(1, min(args.digests, 5_000))
    cluster = None
    database = args.database
    if database is None:
        database, cluster = _postgres()
    try:
        with tempfile.TemporaryDirectory(prefix="merkwerker-faults-") as folder:
            _prepare(database, args.digests)
            figures = asyncio.run(run(args, database, Path(folder)))
            for name in ("web1", "web2", "web3", "sch1", "sch2"):
                path = Path(folder) / f"{name}.log"
                text = path.read_text(errors="replace") if path.exists() else ""
                if "Traceback" in text:
                    figures.setdefault("tracebacks_in", []).append(name)
    finally:
        if cluster is not None:
            cluster.stop()
    for key, value in figures.items():
        if key == "events":
            for event in value:
                print(f"  event: {event}")
        else:
            print(f"{key:>38}: {value}")


if __name__ == "__main__":
    main()
