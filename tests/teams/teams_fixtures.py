"""Helpers for the Teams tests: recorded activities, a bot, and the bot served on loopback."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from fake_connector import FakeConnector
from samples import write_guidelines

from adapters.teams import TeamsSettings
from adapters.teams.adapter import TeamsAdapter
from adapters.teams.transport import ConnectorTransport
from bot.conversation import Merkwerker
from bot.features import Context
from bot.guidelines.library import GuidelinesLibrary
from bot.intents import Intent, Understood
from bot.messages import (
    Choice,
    Choices,
    Field,
    Form,
    IncomingAction,
    Link,
    Option,
    Part,
    Reply,
    Text,
)
from bot.storage import Store

ACTIVITIES = Path(__file__).parent / "activities"
RECORDED_SERVICE_URL = "https://smba.trafficmanager.net/emea/"
BOT_ID = "28:5f2d3c1b-8a9e-4b7c-a6d5-0e1f2a3b4c5d"
USER_AAD = "6d2f0c4e-9b8a-4f7e-8d6c-5b4a3f2e1d0c"
TENANT = "0d7c5a2e-1f3b-4c8d-9e6f-123456789abc"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def activity(recorded: str, service_url: str | None = None, /, **changes: Any) -> dict[str, Any]:
    """The recorded activity ``recorded``.json, pointed at ``service_url``, with ``changes``."""
    data: dict[str, Any] = json.loads((ACTIVITIES / f"{recorded}.json").read_text(encoding="utf-8"))
    if service_url is not None:
        data["serviceUrl"] = service_url
    data.update(copy.deepcopy(changes))
    return data


class ShareFeature:
    """A stand-in feature with the shapes the real ones use: share buttons and forms.

    It records the actions it receives, so a test sees exactly what the adapter passed on.
    """

    intents = frozenset({Intent.SHARE, Intent.SETTINGS, Intent.QUEUE})
    action_prefix = "content"

    def __init__(self) -> None:
        self.actions: list[IncomingAction] = []

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        if understood.intent is Intent.SHARE:
            parts: tuple[Part, ...] = (
                Text(text="We opened our new office in Utrecht", style="heading"),
                Text(text="Our new office is open!"),
                Link(
                    label="LinkedIn",
                    url="https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fex.com%2Fr%2Fabc",
                ),
                Link(label="X", url="https://x.com/intent/post?url=https%3A%2F%2Fex.com%2Fr%2Fabc"),
                Link(
                    label="E-mail",
                    url="mailto:?subject=Our%20new%20office&body=https%3A%2F%2Fex.com%2Fr%2Fabc",
                ),
                Choices(
                    choices=(
                        Choice(label="I shared it", action="content.shared", value="42"),
                        Choice(label="Not for me", action="content.dismiss", value="42"),
                    )
                ),
            )
            return Reply(parts=parts, language=ctx.language, kind="suggestion")
        if understood.intent is Intent.SETTINGS:
            form = Form(
                title="Your settings",
                action="content.settings",
                submit_label="Save",
                fields=(
                    Field(
                        id="digest",
                        label="Digest",
                        kind="select",
                        options=(
                            Option(value="off", label="Off"),
                            Option(value="weekly", label="Weekly"),
                        ),
                        value="off",
                    ),
                    Field(
                        id="topics",
                        label="Topics",
                        kind="multiselect",
                        options=(
                            Option(value="ai", label="AI"),
                            Option(value="hiring", label="Hiring"),
                        ),
                        value="ai",
                    ),
                ),
            )
            return Reply(parts=(form,), language=ctx.language, kind="settings")
        form = Form(
            title="Queue content",
            action="content.queue",
            submit_label="Queue",
            value="",
            fields=(
                Field(id="url", label="Link", kind="url", value=understood.text, required=True),
                Field(id="title", label="Title", kind="text", required=True),
                Field(
                    id="topics",
                    label="Topics",
                    kind="multiselect",
                    options=(
                        Option(value="offices", label="Offices"),
                        Option(value="hiring", label="Hiring"),
                    ),
                ),
                Field(id="embargo", label="Not before", kind="date"),
                Field(id="note", label="Note", kind="textarea"),
            ),
        )
        return Reply(parts=(form,), language=ctx.language, kind="queue")

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        self.actions.append(action)
        name = action.action.split(".", 1)[1]
        if name == "shared":
            text = f"Thanks for sharing item {action.value}!"
        elif name == "dismiss":
            text = f"Fine, item {action.value} is not for you."
        elif name == "settings":
            text = f"Saved: digest {action.form.get('digest')}, topics {action.form.get('topics')}."
        elif name == "queue":
            text = f"Queued: {action.form.get('title')}"
        else:
            return None
        return Reply(parts=(Text(text=text, style="heading"),), language=ctx.language, kind="done")

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        return ()

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        return ()


def make_bot(
    folder: Path, *, feature: ShareFeature | None = None, store: Store | None = None
) -> Merkwerker:
    """A bot on the sample guidelines with ``feature`` (and ``store``, when given)."""
    library = GuidelinesLibrary.open(write_guidelines(folder / "guidelines"))
    return Merkwerker(
        library=library, store=store, clock=lambda: NOW, features=[feature] if feature else []
    )


@dataclass
class Served:
    """The bot's ``/api/messages`` on loopback and a client to post to it."""

    url: str
    adapter: TeamsAdapter
    client: aiohttp.ClientSession
    sleeps: list[float] = field(default_factory=list)

    async def post(
        self, body: Any, *, headers: dict[str, str] | None = None, raw: bytes | None = None
    ) -> aiohttp.ClientResponse:
        """POST ``body`` (JSON) or ``raw`` bytes; the response is read and returned."""
        sent_headers = {"Content-Type": "application/json"} | (headers or {})
        data = raw if raw is not None else json.dumps(body).encode()
        # A stream, not bytes: aiohttp warns about large bodies given as bytes.
        async with self.client.post(
            self.url, data=io.BytesIO(data), headers=sent_headers
        ) as response:
            await response.read()
            return response


@asynccontextmanager
async def serve(bot: Merkwerker, settings: TeamsSettings | None = None) -> AsyncIterator[Served]:
    """Serve ``bot`` on a free loopback port, its connector retries waiting on no clock.

    References are kept in the bot's own store, when it has one.
    """
    sleeps: list[float] = []

    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)

    adapter = TeamsAdapter(
        bot,
        settings or TeamsSettings(),
        transport=ConnectorTransport(sleep=no_wait),
    )
    app = web.Application()
    adapter.add_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as client:
        try:
            yield Served(f"http://127.0.0.1:{port}/api/messages", adapter, client, sleeps)
        finally:
            await adapter.close()
            await runner.cleanup()


__all__ = ["FakeConnector", "Served", "ShareFeature", "activity", "make_bot", "serve"]
