"""A Bot Connector on loopback: what the bot sends to Teams' ``serviceUrl`` lands here.

It records every request (send, reply, update, create conversation), answers like the
real service, and can be told to answer 429 or 500 for the next few requests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Recorded:
    """One request the bot made."""

    method: str
    path: str
    kind: str
    """``send``, ``reply``, ``update``, ``create`` or ``other``."""
    conversation_id: str | None
    activity_id: str | None
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200


@dataclass
class _Failure:
    status: int
    retry_after: str | None


class FakeConnector:
    """Start with ``await FakeConnector().start()``; its ``url`` goes into the activities."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.listeners: list[Any] = []
        """Called with each accepted ``Recorded`` (the benchmark uses it to time replies)."""

    # -- scripting --------------------------------------------------------------

    def fail_next(self, status: int, *, times: int = 1, retry_after: str | None = None) -> None:
        """Answer the next ``times`` requests with ``status`` (and a ``Retry-After`` header)."""
        self._failures.extend(_Failure(status, retry_after) for _ in range(times))

    @property
    def delivered(self) -> list[Recorded]:
        """The accepted requests that put a message in a conversation (send, reply, update)."""
        return [
            r for r in self.requests if r.status < 300 and r.kind in ("send", "reply", "update")
        ]

    async def wait_for(self, count: int, *, timeout: float = 10.0) -> list[Recorded]:
        """Wait until ``count`` messages were delivered; return them."""
        async with asyncio.timeout(timeout):
            while len(self.delivered) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.delivered

    # -- server -----------------------------------------------------------------

    async def start(self) -> FakeConnector:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._reply)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_route("*", "/{tail:.*}", self._other)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeConnector:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _record(
        self, request: web.Request, kind: str
    ) -> tuple[Recorded, web.Response | None]:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        recorded = Recorded(
            method=request.method,
            path=request.path,
            kind=kind,
            conversation_id=request.match_info.get("conversation"),
            activity_id=request.match_info.get("activity"),
            body=body,
            headers=dict(request.headers),
        )
        self.requests.append(recorded)
        failure: web.Response | None = None
        if self._failures:
            scripted = self._failures.pop(0)
            recorded.status = scripted.status
            headers = {"Retry-After": scripted.retry_after} if scripted.retry_after else {}
            error = {
                "error": {
                    "code": "Throttled" if scripted.status == 429 else "ServiceError",
                    "message": "scripted",
                }
            }
            failure = web.json_response(error, status=scripted.status, headers=headers)
        else:
            for listener in self.listeners:
                listener(recorded)
        self._changed.set()
        return recorded, failure

    async def _send(self, request: web.Request) -> web.Response:
        _, failure = await self._record(request, "send")
        return failure or web.json_response({"id": f"sent-{next(self._ids)}"})

    async def _reply(self, request: web.Request) -> web.Response:
        _, failure = await self._record(request, "reply")
        return failure or web.json_response({"id": f"reply-{next(self._ids)}"})

    async def _update(self, request: web.Request) -> web.Response:
        recorded, failure = await self._record(request, "update")
        return failure or web.json_response({"id": recorded.activity_id})

    async def _create(self, request: web.Request) -> web.Response:
        recorded, failure = await self._record(request, "create")
        if failure:
            return failure
        members = (recorded.body or {}).get("members") or [{}]
        return web.json_response({"id": f"a:personal-{members[0].get('id', 'x')}"}, status=201)

    async def _other(self, request: web.Request) -> web.Response:
        recorded, failure = await self._record(request, "other")
        if failure:
            return failure
        recorded.status = 404
        return web.json_response(
            {"error": {"code": "NotFound", "message": request.path}}, status=404
        )
