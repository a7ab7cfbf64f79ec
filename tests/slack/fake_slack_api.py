"""A fake Slack Web API on 127.0.0.1: records every call and answers as scripted.

Point a client at ``api.base_url`` (the bot reads it from ``SLACK_API_URL``). Each call
is recorded as a ``Call`` (method, arguments from the query, form or JSON body, and the
token); response URLs (``api.response_url(...)``) are recorded as method
``response_url``. ``script(method, *answers)`` queues answers for the next calls of a
method (an ``Answer`` with a status, a body and headers, e.g. a 429 with Retry-After);
after the script runs out, the method answers as Slack does when all is well.

Posted messages are kept per channel (``messages_in(channel)``), with their ``metadata``,
and ``conversations.history`` returns them as Slack does: newest first, ``limit`` and
``cursor`` pagination, ``oldest``/``latest``, and metadata only with
``include_all_metadata``. ``delays[method]`` makes a method slow: the call takes effect
first and is answered after the delay, as when Slack posted a message and the answer is
still on its way (or never arrives, because the caller died).

It is Slack's Socket Mode server too: ``apps.connections.open`` leads to a WebSocket on
the same port, ``send_envelope(type, payload)`` sends an envelope over it, and the
acknowledgements that come back are kept in ``socket_acks``.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    token: str | None = None
    at: float = field(default_factory=time.time)
    """When the call arrived (seconds since the epoch)."""

    def json_arg(self, name: str) -> Any:
        """An argument that Slack takes as JSON (blocks, view), decoded when sent as text."""
        value = self.args.get(name)
        return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Answer:
    """A scripted answer: HTTP status, JSON body and headers."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)


def rate_limited(retry_after: int = 1) -> Answer:
    """Slack's answer when a method is called too often."""
    return Answer(
        status=429,
        body={"ok": False, "error": "ratelimited"},
        headers={"Retry-After": str(retry_after)},
    )


def error(code: str) -> Answer:
    """A Web API error, such as ``channel_not_found`` (HTTP 200, ``ok: false``)."""
    return Answer(body={"ok": False, "error": code})


class FakeSlackApi:
    """The fake server: ``await start()``, use, ``await close()``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.locales: dict[str, str] = {}
        """users.info answers: user id to locale (such as ``nl-NL``)."""
        self.default_locale: str | None = None
        """The locale of everyone not in ``locales`` (None: users.info gives none)."""
        self._scripts: dict[str, deque[Answer]] = defaultdict(deque)
        self._last_ts = 0.0
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        """Messages per channel, oldest first, as ``conversations.history`` shows them."""
        self.delays: dict[str, float] = {}
        """Seconds a method takes to answer (after it took effect)."""
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.socket_acks: list[dict[str, Any]] = []
        """Socket Mode acknowledgements received (``envelope_id`` and any ``payload``)."""
        self._envelopes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._envelope_ids = itertools.count(1)
        self._holds: dict[str, asyncio.Event] = {}

    @property
    def base_url(self) -> str:
        """The Web API base URL, for ``SLACK_API_URL``."""
        return f"{self.url}/api/"

    def response_url(self, name: str = "1") -> str:
        """A response URL served by this fake."""
        return f"{self.url}/hooks/{name}"

    def script(self, method: str, *answers: Answer) -> None:
        """Answer the next calls of ``method`` with ``answers``, in order."""
        self._scripts[method].extend(answers)

    def hold(self, method: str) -> asyncio.Event:
        """Keep the next call of ``method`` waiting (recorded, unanswered) until the
        returned event is set: a slow Slack, or a process killed mid-request."""
        self._holds[method] = asyncio.Event()
        return self._holds[method]

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """The messages posted in ``channel``, oldest first."""
        return list(self.messages.get(channel, []))

    def of(self, method: str) -> list[Call]:
        """The calls of ``method`` so far."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``method`` was called ``count`` times; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.of(method)) < count:
            if time.monotonic() > deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(
                    f"{method} called {len(self.of(method))} times, not {count}; calls: {seen}"
                )
            await asyncio.sleep(0.01)
        return self.of(method)

    def application(self) -> web.Application:
        """The fake as an aiohttp application, for serving it some other way."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/{name:.+}", self._hook)
        app.router.add_get("/link", self._socket)
        return app

    async def start(self, port: int = 0) -> None:
        """Serve on loopback, on ``port`` or a free one."""
        self._runner = web.AppRunner(self.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ") or args.get("token")
        self.calls.append(Call(method=method, args=args, token=token))
        held = self._holds.pop(method, None)
        if held is not None:
            await held.wait()
        if self._scripts[method]:
            answer = self._scripts[method].popleft()
            await self._delay(method)
            return web.json_response(answer.body, status=answer.status, headers=answer.headers)
        body = self._default(method, args)
        await self._delay(method)
        return web.json_response(body)

    async def _delay(self, method: str) -> None:
        delay = self.delays.get(method, 0.0)
        if delay > 0:
            await asyncio.sleep(delay)

    def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send a Socket Mode envelope (``events_api``, ``slash_commands``, ``interactive``)."""
        envelope_id = f"env-{next(self._envelope_ids)}"
        self._envelopes.put_nowait({"type": kind, "envelope_id": envelope_id, "payload": payload})
        return envelope_id

    async def wait_for_acks(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until ``count`` Socket Mode acknowledgements arrived."""
        deadline = time.monotonic() + timeout
        while len(self.socket_acks) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.socket_acks)} acknowledgements, not {count}")
            await asyncio.sleep(0.01)
        return self.socket_acks

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})

        async def send() -> None:
            while True:
                await socket.send_json(await self._envelopes.get())

        sending = asyncio.create_task(send())
        try:
            async for message in socket:
                if message.type == web.WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
        finally:
            sending.cancel()
        return socket

    async def _hook(self, request: web.Request) -> web.Response:
        args = await self._arguments(request)
        args["_hook"] = request.match_info["name"]
        self.calls.append(Call(method="response_url", args=args))
        if self._scripts["response_url"]:
            answer = self._scripts["response_url"].popleft()
            return web.Response(status=answer.status, text="error")
        return web.Response(text="ok")

    def _default(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "merkwerker",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://{self.url.removeprefix('http://')}/link"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": args.get("channel"), "ts": self._post(args)}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "conversations.history":
            return self._history(args)
        if method == "users.info":
            user = str(args.get("user"))
            profile = {"real_name": f"Person {user}", "display_name": ""}
            body: dict[str, Any] = {"id": user, "name": user.lower(), "profile": profile}
            locale = self.locales.get(user, self.default_locale)
            if locale is not None:
                body["locale"] = locale
            return {"ok": True, "user": body}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users"))}}
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": "V0001"}}
        return {"ok": True}

    def _next_ts(self) -> str:
        # Slack's message ids are the time of posting, in microseconds, unique per channel.
        moment = max(time.time(), self._last_ts + 0.000001)
        self._last_ts = moment
        return f"{moment:.6f}"

    def _post(self, args: dict[str, Any]) -> str:
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "ts": ts,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": args.get("text", ""),
        }
        metadata = args.get("metadata")
        if isinstance(metadata, str):  # sent as a form field rather than JSON
            metadata = json.loads(metadata) if metadata else None
        if isinstance(metadata, dict):
            message["metadata"] = metadata
        self.messages[str(args.get("channel"))].append(message)
        return ts

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        if channel not in self.messages and not channel.startswith(("D", "C", "G")):
            return {"ok": False, "error": "channel_not_found"}
        newest_first = list(reversed(self.messages.get(channel, [])))
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        oldest = float(args.get("oldest") or 0)
        latest = float(args["latest"]) if args.get("latest") else None
        cursor = str(args.get("cursor") or "")
        if cursor:  # "next_ts:<ts>", base64 encoded: where the next page starts
            before = float(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
            latest = before if latest is None else min(latest, before)
        limit = max(1, min(int(args.get("limit") or 100), 999))
        shown = [
            m
            for m in newest_first
            if float(m["ts"]) > oldest and (latest is None or float(m["ts"]) < latest)
        ]
        page, rest = shown[:limit], shown[limit:]
        next_cursor = (
            base64.b64encode(f"next_ts:{page[-1]['ts']}".encode()).decode() if rest else ""
        )
        return {
            "ok": True,
            "messages": [
                m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
                for m in page
            ],
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }
