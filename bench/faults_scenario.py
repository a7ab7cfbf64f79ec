"""The fault run itself (``bench/faults.py``): the fake Slack Web API, three web
processes and two schedulers started, the direct messages sent while one web process
and then the active scheduler are killed and started again, and the figures counted
from what reached the fake Slack."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import aiohttp
from faults_database import active_scheduler
from faults_processes import ROOT, Process, free_port, until_healthy
from faults_slack import SECRET, TOKEN, Deliveries, deliver, tally

WEB_PROCESSES = 3
SCRIPT = Path(__file__).with_name("faults.py")
"""Started again with ``--serve-fake`` for the fake Slack Web API."""


async def run(args: argparse.Namespace, database: str, work: Path) -> dict[str, Any]:
    """The faults of ``args`` on ``database``, with the processes' logs in ``work``; the
    figures to print."""
    fake_port = free_port()
    fake = subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
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
        port = free_port()
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
                await until_healthy(http, process, 120)
            for process in schedulers:
                process.start()
            gate = asyncio.Semaphore(args.concurrency)
            pending: set[asyncio.Task[None]] = set()
            victim = webs[1]

            async def one(n: int) -> None:
                async with gate:
                    log.first[n] = time.time()
                    await deliver(http, webs, n, n % len(webs), log)
                if rng.random() < args.retried:
                    log.retried += 1
                    await asyncio.sleep(rng.uniform(0.1, 1.5))
                    await deliver(http, webs, n, (n + 1) % len(webs), log, retry=1)

            for n in range(args.dms):
                if n == args.dms // 3:
                    victim.kill9()
                    events.append(f"kill -9 {victim.name} after {n} messages")
                if n == 2 * args.dms // 3:
                    victim.start()
                    await until_healthy(http, victim, 120)
                    events.append(f"restarted {victim.name} after {n} messages")
                task = asyncio.create_task(one(n))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(0)
                if scheduler_killed_at is None and n % 50 == 0:
                    posts = await tally(http, fake_url)
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
                posts = await tally(http, fake_url)
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
            posts = await tally(http, fake_url)
    finally:
        for process in [*webs, *schedulers]:
            process.stop()
        fake.kill()
        fake.wait()
    return _figures(args, posts, log, events, scheduler_killed_at, time.monotonic() - started)


async def _kill_scheduler(
    database: str, schedulers: list[Process], events: list[str], delivered: int
) -> float:
    active = await asyncio.to_thread(active_scheduler, database, schedulers)
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
