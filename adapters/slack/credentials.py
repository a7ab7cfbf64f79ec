"""Slack's settings from the environment, checked once at start-up.

Slack is configured when any ``SLACK_*`` setting is present; then the bot token and
either the signing secret (events over HTTP) or the app-level token (Socket Mode) must
be there and well formed. Every problem is one sentence that names the setting.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.i18n import t
from bot.settings import SettingsError

SLACK_API_URL = "https://slack.com/api/"
"""Slack's own Web API base URL, used unless ``SLACK_API_URL`` says otherwise."""

_NAMES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")


@dataclass(frozen=True, kw_only=True)
class SlackSettings:
    """How to reach Slack and how to recognise Slack's requests."""

    bot_token: str
    signing_secret: str | None = None
    """Verifies requests to ``/slack/events``; None when only Socket Mode is used."""
    app_token: str | None = None
    """An app-level token (``xapp-``): events arrive over Socket Mode instead of HTTP."""
    api_url: str = SLACK_API_URL
    """The Web API base URL, ending with ``/`` (a company proxy, or a local fake in tests)."""

    @property
    def socket_mode(self) -> bool:
        """True when events arrive over Socket Mode."""
        return self.app_token is not None

    def with_socket_mode(self, *, language: str = "en") -> SlackSettings:
        """These settings for Socket Mode; raise ``SettingsError`` without an app token."""
        if self.app_token is None:
            raise SettingsError(t(language, "slack.settings.socket_needs_token"))
        return self


def _value(env: Mapping[str, str], name: str) -> str | None:
    return env.get(name, "").strip() or None


def _token(env: Mapping[str, str], name: str, prefix: str, language: str) -> str | None:
    value = _value(env, name)
    if value is not None and not value.startswith(prefix):
        raise SettingsError(t(language, "slack.settings.bad_prefix", name=name, prefix=prefix))
    return value


def api_url_from(value: str | None, *, language: str = "en") -> str:
    """The Web API base URL from ``SLACK_API_URL`` (Slack's own when empty), ending in ``/``."""
    if not value:
        return SLACK_API_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(t(language, "slack.settings.bad_url", value=value))
    # slack_sdk joins method names onto the base URL, so it must end with a slash.
    return value if value.endswith("/") else value + "/"


def slack_settings_from_env(
    env: Mapping[str, str] | None = None, *, language: str = "en"
) -> SlackSettings | None:
    """Slack's settings, or None when no ``SLACK_*`` setting is present at all.

    Raises ``SettingsError`` (one sentence naming the setting) when Slack is configured
    only in part or a value is malformed, such as a bot token not starting with ``xoxb-``.
    """
    env = os.environ if env is None else env
    if not any(_value(env, name) for name in _NAMES):
        return None
    bot_token = _token(env, "SLACK_BOT_TOKEN", "xoxb-", language)
    app_token = _token(env, "SLACK_APP_TOKEN", "xapp-", language)
    signing_secret = _value(env, "SLACK_SIGNING_SECRET")
    api_url = api_url_from(_value(env, "SLACK_API_URL"), language=language)
    if bot_token is None:
        raise SettingsError(t(language, "slack.settings.missing", name="SLACK_BOT_TOKEN"))
    if signing_secret is None and app_token is None:
        raise SettingsError(t(language, "slack.settings.missing_secret"))
    return SlackSettings(
        bot_token=bot_token, signing_secret=signing_secret, app_token=app_token, api_url=api_url
    )
