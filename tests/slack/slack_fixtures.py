"""Fixtures for the Slack tests: the fake Web API, and the real web server on loopback.

``slack_server`` runs the bot as ``merkwerker serve`` would (sample guidelines, a SQLite
file, every feature) with its Web API client pointed at the fake through
``SLACK_API_URL``. Requests are signed as Slack signs them. Import the fixtures into a
test module with ``from slack_fixtures import fake_api, slack_server``.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from fake_slack_api import FakeSlackApi
from samples import write_guidelines

from adapters.app_factory import build_bot
from adapters.server import create_app, run
from adapters.slack import SlackAdapter, slack_settings_from_env
from adapters.slack.signature import sign
from bot.conversation import Merkwerker
from bot.settings import Settings
from bot.storage import Store

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PAYLOADS = Path(__file__).parent / "payloads"
COMMS_USER = "U0COMMS"


def payload(name: str, fake: FakeSlackApi | None = None) -> dict[str, Any]:
    """A recorded payload from ``payloads/<name>.json``; response URLs lead to ``fake``."""
    data = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    if fake is not None:
        text = json.dumps(data).replace("https://hooks.slack.com/", f"{fake.url}/hooks/")
        data = json.loads(text)
    return copy.deepcopy(data)


def signed_headers(
    body: bytes, *, content_type: str, secret: str = SECRET, age: float = 0.0
) -> dict[str, str]:
    """The headers Slack sends with ``body``, signed ``age`` seconds ago."""
    timestamp = str(int(time.time() - age))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(secret, timestamp, body),
    }


@dataclass
class SlackServer:
    """The running web server, its parts, and a client to post to it."""

    url: str
    fake: FakeSlackApi
    adapter: SlackAdapter
    bot: Merkwerker
    store: Store
    client: aiohttp.ClientSession
    waits: list[float] = field(default_factory=list)

    async def post(
        self,
        body: bytes,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        age: float = 0.0,
    ) -> tuple[int, str]:
        """POST a signed ``body`` to ``/slack/events``; the status and the response text."""
        sent = signed_headers(body, content_type=content_type, age=age)
        sent.update(headers or {})
        async with self.client.post(
            f"{self.url}/slack/events", data=body, headers=sent
        ) as response:
            return response.status, await response.text()

    async def event(self, data: dict[str, Any], **kwargs: Any) -> tuple[int, str]:
        """POST an Events API payload."""
        return await self.post(json.dumps(data).encode(), content_type="application/json", **kwargs)

    async def form(self, fields: dict[str, str], **kwargs: Any) -> tuple[int, str]:
        """POST a slash command (form fields)."""
        body = urlencode(fields).encode()
        return await self.post(body, content_type="application/x-www-form-urlencoded", **kwargs)

    async def interaction(self, data: dict[str, Any], **kwargs: Any) -> tuple[int, str]:
        """POST an interactivity payload (``payload=<json>``, form encoded)."""
        return await self.form({"payload": json.dumps(data)}, **kwargs)

    async def settle(self) -> None:
        """Wait until the work queued after acknowledgements is done."""
        assert await self.adapter.work.drain(10.0), "queued work did not finish"


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeSlackApi]:
    """The fake Slack Web API, running."""
    api = FakeSlackApi()
    await api.start()
    yield api
    await api.close()


@pytest.fixture
async def slack_server(tmp_path: Path, fake_api: FakeSlackApi) -> AsyncIterator[SlackServer]:
    """The bot's web server on a loopback port, talking to the fake Web API."""
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_api.base_url,
    }
    slack_settings = slack_settings_from_env(env)
    assert slack_settings is not None
    settings = Settings(
        guidelines=write_guidelines(tmp_path / "guidelines"),
        database_url=f"sqlite:///{tmp_path / 'merkwerker.db'}",
        comms=frozenset({f"slack:{COMMS_USER}"}),
        public_url="https://merkwerker.test",
        secret="test-secret",
    )
    store = Store.open(settings.database_url)
    bot = build_bot(settings, store=store)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    adapter = SlackAdapter(bot, slack_settings, sleep=no_wait)
    app = create_app(bot, store=store, slack=adapter)
    stop = asyncio.Event()
    bound: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    server = asyncio.create_task(
        run(app, host="127.0.0.1", port=0, stop=stop, on_ready=bound.set_result)
    )
    port = await asyncio.wait_for(bound, 10)
    async with aiohttp.ClientSession() as client:
        yield SlackServer(
            url=f"http://127.0.0.1:{port}",
            fake=fake_api,
            adapter=adapter,
            bot=bot,
            store=store,
            client=client,
            waits=waits,
        )
    stop.set()
    await asyncio.wait_for(server, 20)
    store.close()
