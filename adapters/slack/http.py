"""``POST /slack/events``: the HTTP transport of ``Ingress.receive``.

The handler refuses a request whose body is too large (413) unread, checks its
signature and age once (401 for a bad or stale one: the request changes nothing),
parses its body (400 for a body that is not Slack's JSON or form encoding), and
answers with the ``Ack`` that ``receive`` returns: an empty 200, or a JSON body.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from adapters.slack.ingress import Ack, Receive
from adapters.slack.signature import is_valid_signature
from adapters.slack.work import WorkQueue

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024
"""Slack's payloads are far smaller; anything bigger is refused unread."""


def parse_body(raw: bytes, content_type: str) -> dict[str, Any] | None:
    """The payload of a Slack request body (JSON, a form, or a form with a JSON ``payload``).

    None when the body is empty or not well formed.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.strip():
        return None
    try:
        if content_type == "application/json" or text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
            data = json.loads(form["payload"]) if "payload" in form else form
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def to_response(ack: Ack) -> web.Response:
    """The HTTP response carrying ``ack``."""
    if ack.body is None:
        return web.Response(status=200)
    return web.json_response(dict(ack.body))


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def events_handler(
    receive: Receive,
    *,
    secret: str | None,
    work: WorkQueue,
    clock: Callable[[], float] = time.time,
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The aiohttp handler for ``/slack/events`` (events, interactivity and commands)."""
    if not secret:
        raise ValueError("the events endpoint needs the signing secret")

    async def handle(request: web.Request) -> web.Response:
        work.ack_started()
        try:
            if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
                return _error(413, "request too large")
            raw = await request.read()
            headers: Mapping[str, str] = request.headers
            if not is_valid_signature(
                secret,
                body=raw,
                timestamp=headers.get("X-Slack-Request-Timestamp"),
                signature=headers.get("X-Slack-Signature"),
                now=clock(),
            ):
                return _error(401, "invalid request signature")
            body = parse_body(raw, request.content_type)
            if body is None:
                return _error(400, "malformed request body")
            return to_response(await receive(body))
        finally:
            work.ack_finished()

    return handle
