"""``POST /slack/events``: aiohttp in, Bolt, aiohttp out (bolt-python's adapter pattern).

Before Bolt sees a request, its signature is checked (401 for a bad or stale one: the
request changes nothing) and its body parsed (400 for a body that is not Slack's JSON
or form encoding). An event is then acknowledged at once and dispatched by Bolt with
the queued work; commands and interactivity are dispatched by Bolt right away (their
acknowledgement can carry an answer), which checks the signature once more.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.app import SlackAdapter
from adapters.slack.signature import is_valid_signature

log = logging.getLogger(__name__)

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


def to_bolt_request(raw: bytes, request: web.Request) -> AsyncBoltRequest:
    """The Bolt request for an aiohttp request whose body was read (and checked) already."""
    return AsyncBoltRequest(
        body=raw.decode("utf-8"),
        query=request.query_string,
        headers=_headers_of(request),
    )


def _headers_of(request: web.Request) -> dict[str, str | Sequence[str]]:
    # A plain copy: the deferred dispatch of an event outlives the aiohttp request.
    return {name: request.headers.getall(name) for name in request.headers}


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def events_handler(
    adapter: SlackAdapter, *, clock: Callable[[], float] = time.time
) -> Callable[[web.Request], Any]:
    """The aiohttp handler for ``/slack/events`` (events, interactivity and commands)."""
    secret = adapter.settings.signing_secret
    if not secret:
        raise ValueError("the events endpoint needs the signing secret")

    async def handle(request: web.Request) -> web.Response:
        adapter.work.ack_started()
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
            if body.get("type") == "event_callback":
                # An event needs nothing but a 200: answer at once, and let Bolt dispatch
                # it (retry check, listeners) with the queued work.
                adapter.dispatch_later(raw.decode("utf-8"), _headers_of(request))
                return web.Response(status=200)
            response = await adapter.app.async_dispatch(to_bolt_request(raw, request))
            return await to_aiohttp_response(response)
        finally:
            adapter.work.ack_finished()

    return handle
