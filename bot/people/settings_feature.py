"""``SettingsFeature``: topics followed, digest frequency and the rest, chosen in chat."""

from __future__ import annotations

import asyncio
import difflib
import secrets
from collections.abc import Mapping

from bot.features import Context
from bot.i18n import t
from bot.intents import Intent, Understood
from bot.lists import folded_set
from bot.messages import Choice, Choices, IncomingAction, Part, Reply, Text
from bot.people.commands import read_command
from bot.people.profile import Profile
from bot.people.settings_reply import (
    OPEN_ACTION,
    SAVE_ACTION,
    problem_parts,
    settings_form,
    summary_parts,
)
from bot.people.store import PeopleStore
from bot.people.validation import DEFAULT_DIGEST, validate_settings
from bot.settings import Settings
from bot.suggestions.shares import event_key
from bot.tracking.log import EventLog


def _likely_topics(
    language: str, topics: tuple[str, ...], quiet: list[str], available: list[str]
) -> tuple[Part, ...]:
    """A note naming the topic with content that a quiet one is likely a misspelling of."""
    live = {topic.casefold(): topic for topic in available}
    meant: dict[str, str] = {}
    for topic in quiet:
        close = difflib.get_close_matches(topic.casefold(), list(live), n=1, cutoff=0.8)
        if close:
            meant[topic] = close[0]
    if not meant:
        return ()
    text = t(
        language,
        "settings.topics_did_you_mean",
        meant=", ".join(meant.values()),
        typed=", ".join(meant),
        fixed=", ".join(meant.get(topic, topic) for topic in topics),
    )
    return (Text(text=text, style="note"),)


def _notice(language: str, key: str) -> Reply:
    return Reply(parts=(Text(text=t(language, key)),), language=language, kind=key)


class SettingsFeature:
    """Shows and changes a person's settings, from a text command or a form."""

    intents = frozenset({Intent.SETTINGS})
    action_prefix = "settings"

    def __init__(
        self, people: PeopleStore, *, events: EventLog, settings: Settings | None = None
    ) -> None:
        """Read and change settings in ``people``; log ``settings_changed`` to ``events``."""
        self.people = people
        self.events = events
        self.settings = settings or Settings()

    async def _profile(self, ctx: Context) -> Profile | None:
        if ctx.user_id is None:
            return None
        return await asyncio.to_thread(self.people.profile, ctx.user_id)

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        """The settings and their form, or the change a command asks for."""
        profile = await self._profile(ctx)
        if profile is None:
            return _notice(ctx.language, "settings.unavailable")
        command = read_command(understood.text)
        if command.problems:
            return Reply(
                parts=problem_parts(command.problems, ctx.language),
                language=ctx.language,
                kind="settings.invalid",
            )
        if command.show:
            return await self._show(ctx, profile)
        values = dict(command.values)
        if "digest" not in values:
            if "digest_weekday" in values and profile.digest != "weekly":
                values["digest"] = "weekly"  # "digest friday": once a week, on Fridays
            elif profile.digest == "off" and "digest_time" in values:
                values["digest"] = DEFAULT_DIGEST  # "digest 08:30" means: yes, at 08:30
        return await self._save(ctx, profile, values)

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        """``settings.save`` (the form) and ``settings.open`` (show the form)."""
        profile = await self._profile(ctx)
        if profile is None:
            return _notice(ctx.language, "settings.unavailable")
        if action.action == SAVE_ACTION:
            return await self._save(ctx, profile, action.form)
        if action.action == OPEN_ACTION:
            return await self._show(ctx, profile)
        return _notice(ctx.language, "action.unknown")

    async def _show(self, ctx: Context, profile: Profile) -> Reply:
        topics = await asyncio.to_thread(self.people.live_topics, ctx.now)
        language = ctx.language
        parts: list[Part] = [Text(text=t(language, "settings.title"), style="heading")]
        parts.extend(summary_parts(profile, language))
        parts.append(settings_form(profile, language, topics))
        parts.append(Text(text=t(language, "settings.help"), style="note"))
        return Reply(parts=tuple(parts), language=language, kind="settings")

    async def _save(self, ctx: Context, profile: Profile, values: Mapping[str, str]) -> Reply:
        language = ctx.language
        changes, problems = validate_settings(values)
        if problems:
            return Reply(
                parts=problem_parts(problems, language), language=language, kind="settings.invalid"
            )
        for name in ("team", "location"):
            if isinstance(changes.get(name), str):
                changes[name] = await asyncio.to_thread(
                    self.people.known_spelling, name, str(changes[name])
                )
        changed = await asyncio.to_thread(self.people.apply_changes, profile.user_id, changes)
        if changed:
            delivery = ctx.delivery_id or secrets.token_hex(8)
            key = event_key(
                f"settings_changed:{ctx.platform.value}:{delivery}",
                tracked=profile.tracking,
                secret=self.settings.secret,
            )
            await asyncio.to_thread(
                self.events.record_event,
                "settings_changed",
                key=key,
                user_id=profile.user_id,
                detail=",".join(sorted(changed)),
                occurred_at=ctx.now,
            )
        updated = await asyncio.to_thread(self.people.profile, profile.user_id)
        assert updated is not None
        heading = "settings.saved" if changed else "settings.unchanged"
        parts: list[Part] = [Text(text=t(language, heading), style="heading")]
        parts.extend(summary_parts(updated, language))
        if "topics" in changed and updated.topics:
            live = await asyncio.to_thread(self.people.live_topics, ctx.now)
            available = folded_set(",".join(live))
            quiet = [topic for topic in updated.topics if topic.casefold() not in available]
            if quiet:
                parts.append(
                    Text(
                        text=t(language, "settings.topics_no_content", topics=", ".join(quiet)),
                        style="note",
                    )
                )
            parts.extend(_likely_topics(language, updated.topics, quiet, live))
        return Reply(parts=tuple(parts), language=language, kind="settings.saved")

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing: settings are shown when asked for."""
        return ()

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        """The person's settings and a button to change them."""
        profile = await self._profile(ctx)
        if profile is None:
            return ()
        language = ctx.language
        return (
            Text(text=t(language, "settings.title"), style="heading"),
            *summary_parts(profile, language),
            Choices(choices=(Choice(label=t(language, "settings.change"), action=OPEN_ACTION),)),
        )
