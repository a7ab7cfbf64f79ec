"""Where a reply goes in Slack: a message, a replaced message, an ephemeral answer, a modal.

Each method renders with ``adapters.slack.blocks`` / ``modals`` and makes one Web API
call (or one POST to a response URL). Failures raise; the caller decides whether the
person should hear about it.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.actions import FormSource
from adapters.slack.blocks import home_view, message
from adapters.slack.modals import form_view
from bot.messages import Form, Reply

log = logging.getLogger(__name__)


class ResponseUrlFailed(RuntimeError):
    """Slack refused a POST to a response URL."""


class Surfaces:
    """Posts replies through the Web API client and response URLs."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.session: aiohttp.ClientSession | None = None
        """Shared with the client once the adapter started (for response URLs too)."""

    async def post(
        self,
        reply: Reply,
        *,
        channel: str,
        thread: str | None = None,
        form_source: FormSource | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Post ``reply`` as a new message in ``channel`` (in ``thread`` when given), with
        Slack message ``metadata`` when given."""
        body = message(reply, form_source=form_source)
        if thread:
            body["thread_ts"] = thread
        if metadata is not None:
            body["metadata"] = metadata
        await self.client.chat_postMessage(channel=channel, **body)

    async def replace(
        self,
        reply: Reply,
        *,
        response_url: str | None,
        channel: str | None,
        ts: str | None,
    ) -> None:
        """Replace the message a button was pressed in with ``reply``.

        Through the response URL when there is one (the only way for an ephemeral
        message), else with ``chat.update``.
        """
        body = message(reply)
        if response_url:
            await self.respond(response_url, {**body, "replace_original": True})
        elif channel and ts:
            await self.client.chat_update(channel=channel, ts=ts, **body)
        else:
            log.warning("nowhere to show the reply to a button press")

    async def ephemeral(self, reply: Reply, *, response_url: str | None, user: str) -> None:
        """Answer only the person: through the response URL, else in their direct message."""
        if response_url:
            await self.respond(response_url, {**message(reply), "response_type": "ephemeral"})
        else:
            await self.post(reply, channel=user)

    async def respond(self, response_url: str, body: dict[str, Any]) -> None:
        """POST ``body`` to a response URL Slack gave with a command or an interaction."""
        if self.session is None or self.session.closed:
            async with aiohttp.ClientSession() as session:
                await self._post(session, response_url, body)
        else:
            await self._post(self.session, response_url, body)

    @staticmethod
    async def _post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> None:
        timeout = aiohttp.ClientTimeout(total=15)
        async with session.post(url, json=body, timeout=timeout) as response:
            if response.status != 200:
                text = (await response.text())[:200]
                raise ResponseUrlFailed(f"response URL answered {response.status}: {text}")

    async def open_form(
        self, form: Form, *, trigger_id: str, language: str, channel: str | None
    ) -> bool:
        """Open ``form`` as a modal; False when it cannot be shown as one."""
        view = form_view(form, language=language, channel=channel)
        if view is None:
            return False
        await self.client.views_open(trigger_id=trigger_id, view=view)
        return True

    async def publish_home(self, reply: Reply, *, user: str) -> None:
        """Show ``reply`` as ``user``'s App Home tab."""
        await self.client.views_publish(user_id=user, view=home_view(reply))
