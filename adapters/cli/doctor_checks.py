"""The checks of ``merkwerker doctor``: each returns lines in plain words, none raises.

A check reads what ``merkwerker serve`` and ``merkwerker scheduler`` would read (the same
environment, the platform registry, the guidelines loader, the embedder choice) and
changes nothing: the database is not migrated, no SQLite file is created. Only the
credential checks talk to the outside world, and only to the platform's own service.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from bot.i18n import t
from bot.settings import Settings, SettingsError

REASON_MAX = 300
"""A driver's or service's own reason is cut to this many characters."""
GUIDELINES_PROBLEMS_SHOWN = 5


class Mark(Enum):
    """How one line counts: passed, failed, or only for information."""

    OK = "✓"
    FAILED = "✗"
    NOTE = "–"


@dataclass(frozen=True)
class Line:
    """One check's outcome in one sentence, with any details to show under it."""

    mark: Mark
    text: str
    details: tuple[str, ...] = field(default=())


def reason_of(error: BaseException) -> str:
    """The first line of an error's own words (its driver's, when it wraps one), cut short."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    reason = lines[0].strip() if lines else type(cause).__name__
    return reason if len(reason) <= REASON_MAX else reason[: REASON_MAX - 1] + "…"


def check_settings(
    env: Mapping[str, str], *, guidelines: Path | None, database: str | None, language: str
) -> tuple[Settings | None, list[Line]]:
    """The general settings (``MERKWERKER_*``, ``PORT``): one line, and the settings if valid."""
    from adapters.cli.serve import port_from

    try:
        settings = Settings.from_env(env, guidelines=guidelines, database_url=database)
        port_from(env.get("PORT"), language=language)
    except SettingsError as error:
        return None, [Line(Mark.FAILED, t(language, "doctor.settings.problem", reason=error))]
    if settings.public_url:
        links = t(language, "doctor.settings.links_tracked", url=settings.public_url)
    else:
        links = t(language, "doctor.settings.links_direct")
    text = t(language, "doctor.settings.ok", timezone=settings.timezone, links=links)
    return settings, [Line(Mark.OK, text)]


@dataclass(frozen=True)
class PlatformState:
    """One platform of the registry as the environment configures it."""

    name: str
    label: str
    setup: object | None
    """Its ``PlatformSetup`` when fully configured, else None."""


def check_platforms(
    env: Mapping[str, str], *, language: str
) -> tuple[list[PlatformState], list[Line]]:
    """Each platform of the registry: configured and how, not configured, or what is missing.

    The same reading as ``merkwerker serve`` (``setup_from_env``), so a partial
    configuration gets the same sentence naming the setting.
    """
    from adapters.platform import CHAT_PLATFORMS
    from adapters.slack.platform import SlackSetup
    from adapters.teams.platform import TeamsSetup

    states: list[PlatformState] = []
    lines: list[Line] = []
    failed = False
    for support in CHAT_PLATFORMS:
        label = support.name.capitalize()
        try:
            setup = support.setup_from_env(env, socket_mode=False, language=language)
        except SettingsError as error:
            failed = True
            text = t(language, "doctor.platform.problem", platform=label, reason=error)
            lines.append(Line(Mark.FAILED, text))
            states.append(PlatformState(support.name, label, None))
            continue
        states.append(PlatformState(support.name, label, setup))
        if setup is None:
            text = t(language, "doctor.platform.not_configured", platform=label)
            lines.append(Line(Mark.NOTE, text))
        elif isinstance(setup, SlackSetup) and setup.settings.socket_mode:
            lines.append(Line(Mark.OK, t(language, "doctor.platform.socket", platform=label)))
        elif isinstance(setup, TeamsSetup) and not setup.settings.authentication:
            lines.append(Line(Mark.OK, t(language, "doctor.platform.no_auth", platform=label)))
        else:
            path = "/slack/events" if isinstance(setup, SlackSetup) else "/api/messages"
            text = t(language, "doctor.platform.http", platform=label, path=path)
            lines.append(Line(Mark.OK, text))
    if not failed and all(state.setup is None for state in states):
        lines.append(Line(Mark.FAILED, t(language, "serve.no_platform")))
    return states, lines


def check_database(url: str, *, language: str) -> Line:
    """Reachable, and at this version's newest migration; nothing is migrated or created."""
    from bot.database_access import Store, redact_url

    shown = redact_url(url)
    try:
        state = Store.schema_state(url)
    except Exception as error:  # a driver error, a bad URL, a missing driver: one sentence
        reason = reason_of(error)
        return Line(
            Mark.FAILED, t(language, "doctor.database.unreachable", url=shown, reason=reason)
        )
    if not state.exists:
        return Line(Mark.FAILED, t(language, "doctor.database.missing", url=shown))
    if state.current is None:
        return Line(Mark.FAILED, t(language, "doctor.database.empty", url=shown))
    if not state.known:
        text = t(
            language, "doctor.database.unknown", url=shown, current=state.current, head=state.head
        )
        return Line(Mark.FAILED, text)
    if not state.up_to_date:
        text = t(
            language, "doctor.database.behind", url=shown, current=state.current, head=state.head
        )
        return Line(Mark.FAILED, text)
    return Line(Mark.OK, t(language, "doctor.database.ok", url=shown, revision=state.head))


def check_scheduler(url: str, env: Mapping[str, str], *, language: str) -> Line:
    """Which ``merkwerker scheduler`` is active, from the lock's row (a note, not a check).

    Read only from a database that is up to date; nothing is locked or written.
    """
    from datetime import UTC, datetime

    from bot.database_access import Store, create_database_engine
    from bot.scheduling import LockTimings, lock_holder

    try:
        limit = LockTimings.from_env(env).takeover
    except SettingsError:
        limit = LockTimings().takeover
    store = Store(create_database_engine(url))
    try:
        holder = lock_holder(store)
    except Exception as error:  # the line above this one says what is wrong with the database
        return Line(Mark.NOTE, t(language, "doctor.scheduler.unknown", reason=reason_of(error)))
    finally:
        store.close()
    if holder is None:
        return Line(Mark.NOTE, t(language, "doctor.scheduler.none"))
    age = max((datetime.now(UTC) - holder.heartbeat_at).total_seconds(), 0.0)
    shown = f"{age:.0f}"
    if age > limit:
        return Line(
            Mark.NOTE, t(language, "doctor.scheduler.silent", holder=holder.name, age=shown)
        )
    return Line(Mark.NOTE, t(language, "doctor.scheduler.active", holder=holder.name, age=shown))


def check_guidelines(folder: Path, *, language: str) -> Line:
    """Valid, with the number of rules; or the first errors, each with file and line."""
    from bot.guidelines.loader import load_guidelines
    from bot.guidelines.problems import Level

    result = load_guidelines(folder)
    if result.ok and result.guidelines is not None:
        g = result.guidelines
        text = t(
            language,
            "doctor.guidelines.ok",
            folder=folder,
            rules=len(g.rules),
            files=len(g.files),
            version=g.version,
        )
        return Line(Mark.OK, text)
    errors = [p for p in result.problems if p.level is Level.ERROR]
    details = [p.render(language) for p in errors[:GUIDELINES_PROBLEMS_SHOWN]]
    details.append(t(language, "doctor.guidelines.all", folder=folder))
    text = t(language, "doctor.guidelines.invalid", folder=folder, errors=len(errors))
    return Line(Mark.FAILED, text, tuple(details))


def check_matching(spec: str, *, language: str) -> list[Line]:
    """Which matching answers questions (by meaning and words, or by words only and why),
    and whether the topic gate is on: a check when it belongs to the model, a note when
    the matching in use does without it."""
    from bot.answering.embedding import load_embedder
    from bot.answering.topic import set_up_gate

    choice = load_embedder(spec)
    if choice.problem:
        matching = Line(
            Mark.FAILED, t(language, "doctor.matching.problem", mode=choice.describe(language))
        )
    else:
        matching = Line(Mark.OK, t(language, "doctor.matching.ok", mode=choice.describe(language)))
    state = set_up_gate(choice.embedder, "shipped").state
    mark = {"on": Mark.OK, "off": Mark.FAILED, "none": Mark.NOTE}[state]
    return [matching, Line(mark, t(language, f"matching.topic_gate.{state}"))]


async def check_slack_token(setup: object, *, language: str) -> Line:
    """Slack's ``auth.test`` with the bot token, at the configured Web API base URL."""
    from adapters.slack.client import web_client
    from adapters.slack.platform import SlackSetup, check_bot_token

    assert isinstance(setup, SlackSetup)
    settings = setup.settings
    client = web_client(token=settings.bot_token, base_url=settings.api_url)
    try:
        identity = await check_bot_token(client, api_url=settings.api_url, language=language)
    except SettingsError as error:
        return Line(Mark.FAILED, str(error))
    team = identity.get("team") or identity.get("team_id") or "?"
    user = identity.get("user") or identity.get("user_id") or "?"
    return Line(Mark.OK, t(language, "doctor.slack.ok", team=team, user=user))


async def check_teams_token(setup: object, *, language: str) -> Line | None:
    """A token from Microsoft's login service, as the Teams adapter fetches it to reply.

    None when authentication is off (development): there is no token to fetch.
    """
    from adapters.teams.platform import TeamsSetup

    assert isinstance(setup, TeamsSetup)
    settings = setup.settings
    if not settings.authentication:
        return None
    import requests  # what MSAL fetches the token with

    try:
        await _teams_token(setup)
    except requests.ConnectionError as error:
        cause = error.args[0] if error.args else error
        reason = reason_of(getattr(cause, "reason", None) or cause)
        return Line(Mark.FAILED, t(language, "doctor.teams.unreachable", reason=reason))
    except Exception as error:  # whatever MSAL raises (a refused secret), one sentence
        reason = reason_of(error)
        text = t(language, "doctor.teams.failed", app_id=settings.app_id, reason=reason)
        return Line(Mark.FAILED, text)
    return Line(Mark.OK, t(language, "doctor.teams.ok", app_id=settings.app_id))


async def _teams_token(setup: object) -> str:
    # botbuilder's own credential factory, configured as the adapter configures it
    # (adapters/teams/adapter.py), asked for the token a reply to Teams would carry.
    from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
    from botframework.connector.auth import AuthenticationConstants

    from adapters.teams.adapter import BotConfiguration
    from adapters.teams.platform import TeamsSetup

    assert isinstance(setup, TeamsSetup)
    factory = ConfigurationServiceClientCredentialFactory(BotConfiguration(setup.settings))
    credentials = await factory.create_credentials(
        setup.settings.app_id,
        AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
        True,
    )
    token = await asyncio.to_thread(credentials.get_access_token)
    return str(token)
