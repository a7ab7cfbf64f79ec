"""Slack's side of the fault run (``bench/faults.py``): the fake Web API, which counts
what was posted, and the signed deliveries of direct messages, tried again on another
process as Slack does.

``faults.py`` puts ``tests/slack`` on the path for ``fake_slack_api`` before importing
this module.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from fake_slack_api import FakeSlackApi
from faults_processes import Process

SECRET = "faults-signing-secret"
TOKEN = "xoxb-faults"
QUESTIONS = (
    "Mag ik een foto van ons kantoor delen?",
    "Can I name our client on LinkedIn?",
    "Mag ik vertellen aan welk project ik werk?",
    "Can I share our job vacancy?",
)


# The fake Slack Web API, run as ``faults.py --serve-fake --port N``.


async def serve_fake(port: int, digest_delay: float) -> None:
    """Serve the fake Slack Web API on ``port`` until killed, noting the channel and time
    of every ``chat.postMessage`` for ``/tally``; a digest (channel ``DG…``) is posted
    ``digest_delay`` seconds late."""
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

    async def posted(request: web.Request) -> web.Response:
        return web.json_response(posts)

    app = api.application()
    app.middlewares.append(record)
    app.router.add_get("/tally", posted)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


# Signed deliveries of direct messages.


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


async def deliver(
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


async def tally(http: aiohttp.ClientSession, fake_url: str) -> list[dict[str, Any]]:
    """Every post the fake Slack Web API at ``fake_url`` took: its channel and time."""
    async with http.get(f"{fake_url}/tally") as response:
        posts: list[dict[str, Any]] = await response.json()
        return posts
