"""Slack as a ``ChatPlatform``: ``/slack/events`` or Socket Mode, and direct-message digests.

Translates the platform protocol of ``adapters.platform`` to ``SlackAdapter`` and
``SlackSender``; their internals stay as they are. Reading the settings does not import
Slack's SDK: building the platform, a sender or a token check does, so a process that
serves only Teams never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.slack.credentials import SlackSettings, slack_settings_from_env
from bot.i18n import t
from bot.messages import ConversationRef, Platform
from bot.settings import SettingsError

if TYPE_CHECKING:
    from aiohttp import web
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.app import SlackAdapter
    from adapters.slack.sender import SlackSender
    from bot.conversation import Merkwerker
    from bot.database_access import Store
    from bot.guidelines.rules import NotifyTarget

LABEL = "Slack"


def setup_from_env(
    env: Mapping[str, str], *, socket_mode: bool, language: str
) -> SlackSetup | None:
    """Slack's settings (for Socket Mode when asked), or None without any ``SLACK_*`` setting.

    Raises ``SettingsError`` for a partial or malformed setting, and for Socket Mode
    without Slack settings or without an app token.
    """
    settings = slack_settings_from_env(env, language=language)
    if socket_mode:
        if settings is None:
            raise SettingsError(t(language, "slack.settings.socket_needs_token"))
        settings = settings.with_socket_mode(language=language)
    return None if settings is None else SlackSetup(settings)


def sender_from_env(env: Mapping[str, str], *, store: Store) -> SlackSender | None:
    """A ``SlackSender`` for digests, or None without ``SLACK_BOT_TOKEN``."""
    from adapters.slack.sender import sender_from_env as slack_sender_from_env

    del store  # Slack opens a direct message by user id; nothing to remember
    return slack_sender_from_env(env)


@dataclass(frozen=True)
class SlackSetup:
    """Slack's settings, before the bot exists."""

    settings: SlackSettings
    label: str = LABEL

    def build(self, bot: Merkwerker) -> SlackPlatform:
        """A ``SlackAdapter`` for ``bot``, wrapped as a ``ChatPlatform``."""
        from adapters.slack.app import SlackAdapter

        return SlackPlatform(SlackAdapter(bot, self.settings))


class SlackPlatform:
    """A running ``SlackAdapter`` as a ``ChatPlatform``."""

    label = LABEL

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter

    @property
    def socket_mode(self) -> bool:
        """Whether events arrive over Socket Mode rather than ``/slack/events``."""
        return self.adapter.settings.socket_mode

    def add_routes(self, app: web.Application) -> None:
        """``POST /slack/events``, unless Socket Mode brings the events."""
        if not self.socket_mode:
            self.adapter.add_routes(app)

    async def check(self, *, language: str) -> None:
        """Ask Slack whether the bot token works; ``SettingsError`` with the reason when not."""
        await check_slack(self.adapter, language=language)

    async def start(self) -> None:
        """Open the HTTP session, then connect over Socket Mode when that is the transport."""
        await self.adapter.start()
        if self.socket_mode:
            await self.adapter.start_socket_mode()

    async def stop(self) -> None:
        """Stop taking events, finish the queued work, close the connections."""
        await self.adapter.close()

    def notices(self, *, language: str) -> list[str]:
        """The Socket Mode notice, when events arrive that way."""
        return [t(language, "serve.socket_mode")] if self.socket_mode else []

    async def reach(self, target: NotifyTarget) -> tuple[SlackSender, ConversationRef] | None:
        """A ``slack:`` target is a channel id: posted to with chat.postMessage."""
        from adapters.slack.sender import SlackSender

        if target.platform != Platform.SLACK.value:
            return None
        channel = ConversationRef(
            platform=Platform.SLACK, conversation_id=target.conversation_id, user_id=""
        )
        return SlackSender(self.adapter.client), channel


async def check_slack(slack: SlackAdapter, *, language: str) -> None:
    """Ask Slack whether the bot token works; ``SettingsError`` with the reason when not."""
    await check_bot_token(slack.client, api_url=slack.settings.api_url, language=language)


async def check_bot_token(client: AsyncWebClient, *, api_url: str, language: str) -> dict[str, Any]:
    """Slack's ``auth.test`` answer for ``client``'s token (workspace and bot user);
    ``SettingsError`` with Slack's reason, or why Slack could not be reached, when not."""
    import aiohttp
    from slack_sdk.errors import SlackApiError

    try:
        response = await client.auth_test()
    except SlackApiError as error:
        body = error.response.data  # text, not JSON, when something else answered
        code = body.get("error") if isinstance(body, dict) else None
        if code:
            raise SettingsError(t(language, "serve.slack_refused", reason=code)) from None
        # No Slack error code: something other than Slack's Web API answered at api_url.
        reason = f"HTTP {error.response.status_code}"
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        reason = str(error) or type(error).__name__
    else:
        data = response.data
        return dict(data) if isinstance(data, dict) else {}
    raise SettingsError(t(language, "serve.slack_unreachable", url=api_url, reason=reason))
