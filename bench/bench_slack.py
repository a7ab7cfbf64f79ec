"""Time-to-ack of ``/slack/events``: this bot next to a bare slack-bolt app that only acks.

Run: python bench/bench_slack.py [--requests 2000] [--concurrency 20] [--rounds 3]

Starts three processes on loopback: a fake Slack Web API, this bot's web server
(``adapters.server.create_app`` with every feature, the shipped guidelines and a SQLite
file, writing each message to the inbox before the ack and answering it through the
fake API after) and a bare
``AsyncApp`` whose only listener acks ``message`` events. Then, per round, posts the
same number of correctly signed ``message.im`` events (unique event ids, 50 people) to
each server at a fixed concurrency and reports acks per second and the time-to-ack
percentiles, and for the bot how long until every answer was posted. Bounded in
requests and time; stops by itself. Targets: the bot's ack throughput at least 80% of
bare Bolt's, p99 time-to-ack under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "slack")]

from fake_slack_api import FakeSlackApi  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
PEOPLE = 50


# The three servers, each run as ``bench_slack.py --serve <which> --port N``.


async def _serve_fake(port: int) -> None:
    # The tests' fake Web API, with a count of the answers posted for the client to poll.
    api = FakeSlackApi()
    api.default_locale = "nl-NL"

    async def count(request: web.Request) -> web.Response:
        return web.json_response({"posted": len(api.of("chat.postMessage"))})

    app = api.application()
    app.router.add_get("/count", count)
    await _serve_app(app, port)


async def _serve_app(app: web.Application, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _serve_bare(port: int, api_url: str) -> None:
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET)

    @app.event("message")
    async def on_message(ack: Any) -> None:
        await ack()

    await _serve_app(app.web_app(path="/slack/events"), port)


async def _serve_bot(port: int, api_url: str, database: str) -> None:
    from adapters.app_factory import build_bot
    from adapters.server import create_app, run
    from adapters.slack import SlackAdapter, slack_settings_from_env
    from bot.settings import Settings
    from bot.storage import Store

    settings = Settings(guidelines=ROOT / "guidelines", database_url=database)
    store = Store.open(database)
    bot = build_bot(settings, store=store)
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url}
    slack_settings = slack_settings_from_env(env)
    assert slack_settings is not None
    app = create_app(bot, store=store, slack=SlackAdapter(bot, slack_settings))
    await run(
        app,
        host="127.0.0.1",
        port=port,
        stop=asyncio.Event(),
        on_ready=lambda _: print("ready", flush=True),
    )


# The client.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(which: str, port: int, *extra: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", which, "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        raise SystemExit(f"the {which} server did not start")
    return process


def _event(n: int, round_no: int) -> bytes:
    user = f"U{n % PEOPLE:04d}"
    ts = f"{1700000000 + round_no * 100000 + n}.000100"
    return json.dumps(
        {
            "token": "x",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": f"Ev{round_no:02d}{n:07d}",
            "event_time": 1700000000,
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": f"D{user}",
                "user": user,
                "ts": ts,
                "event_ts": ts,
                "text": "Mag ik een foto van ons kantoor delen?"
                if n % 2
                else "Can I name our client?",
            },
        }
    ).encode()


def _headers(body: bytes) -> dict[str, str]:
    from adapters.slack.signature import sign

    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(SECRET, timestamp, body),
    }


def _request(host: str, path: str, body: bytes) -> bytes:
    headers = _headers(body)
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _burst(
    url: str, *, requests: int, concurrency: int, round_no: int, first: int = 0
) -> tuple[float, list[float]]:
    # A minimal keep-alive HTTP/1.1 client with every request built beforehand, so that
    # the time measured is the server's, not the client's.
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    requests_bytes = [
        _request(host_port, "/" + path, _event(first + n, round_no)) for n in range(requests)
    ]
    latencies: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for n in queue:
                started = time.perf_counter()
                writer.write(requests_bytes[n])
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise SystemExit(f"{url} answered {status}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), 300)
    return time.perf_counter() - started, latencies


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _posted(fake: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(f"{fake}/count") as response:
        return int((await response.json())["posted"])


async def _bench(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-slack-"))
    fake_port, bot_port, bare_port = _free_port(), _free_port(), _free_port()
    fake = f"http://127.0.0.1:{fake_port}"
    api = f"{fake}/api/"
    processes = [_start("fake", fake_port)]
    try:
        processes.append(_start("bare", bare_port, "--api", api))
        processes.append(
            _start("bot", bot_port, "--api", api, "--database", f"sqlite:///{folder / 'bench.db'}")
        )
        servers = {
            "bare bolt": f"http://127.0.0.1:{bare_port}/slack/events",
            "merkwerker": f"http://127.0.0.1:{bot_port}/slack/events",
        }
        print(
            f"{args.requests} signed message.im events per server per round, "
            f"concurrency {args.concurrency}, {os.cpu_count()} CPUs"
        )
        for url in servers.values():  # warm up: first requests, caches, connections
            await _burst(url, requests=100, concurrency=args.concurrency, round_no=99)
        deadline = time.perf_counter() + 60
        while await _posted(fake) < 100 and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)  # the bot's answers to the warm-up are out
        best: dict[str, float] = {}
        p99s: dict[str, list[float]] = {name: [] for name in servers}
        offset = 0
        for round_no in range(args.rounds):
            for name, url in servers.items():
                before = await _posted(fake)
                wall, latencies = await _burst(
                    url,
                    requests=args.requests,
                    concurrency=args.concurrency,
                    round_no=round_no,
                    first=offset,
                )
                rate = args.requests / wall
                best[name] = max(best.get(name, 0.0), rate)
                p99 = _percentile(latencies, 0.99) * 1000
                p99s[name].append(p99)
                line = (
                    f"round {round_no + 1} {name:>10}: {rate:7.0f} acks/s  "
                    f"p50 {statistics.median(latencies) * 1000:5.1f} ms  p99 {p99:5.1f} ms"
                )
                if name == "merkwerker":
                    # How long after the last ack until every message was answered.
                    burst_end = time.perf_counter()
                    while await _posted(fake) - before < args.requests:
                        if time.perf_counter() - burst_end > 120:
                            break
                        await asyncio.sleep(0.05)
                    answered = await _posted(fake) - before
                    drained = time.perf_counter() - burst_end
                    line += f"  answered {answered}/{args.requests} {drained:.1f} s after the burst"
                print(line, flush=True)
            offset += args.requests
        ratio = best["merkwerker"] / best["bare bolt"]
        print(
            f"best throughput: merkwerker {best['merkwerker']:.0f} acks/s, "
            f"bare bolt {best['bare bolt']:.0f} acks/s: {ratio:.0%} (target >= 80%)"
        )
        for name, values in p99s.items():
            print(
                f"{name} p99 time-to-ack: median {statistics.median(values):.1f} ms, "
                f"worst {max(values):.1f} ms over {args.rounds} rounds (target < 50 ms)"
            )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", choices=("fake", "bare", "bot"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "fake":
        asyncio.run(_serve_fake(args.port))
    elif args.serve == "bare":
        asyncio.run(_serve_bare(args.port, args.api))
    elif args.serve == "bot":
        asyncio.run(_serve_bot(args.port, args.api, args.database))
    else:
        asyncio.run(_bench(args))


if __name__ == "__main__":
    main()
