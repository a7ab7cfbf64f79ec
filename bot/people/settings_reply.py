"""Showing a person's settings: a summary, the settings form, and what was wrong with a value."""

from __future__ import annotations

from collections.abc import Sequence

from bot.digests.schedule import in_quiet_hours, parse_clock_time
from bot.i18n import t
from bot.messages import Fact, Field, Form, FormAction, Option, Part, Text
from bot.people.profile import Profile
from bot.people.validation import DIGESTS, Problem

WEEKDAYS = range(7)
OPEN_ACTION = "settings.open"
"""The action that answers with the settings and their form (no value)."""
SAVE_ACTION = "settings.save"
"""The action of the submitted settings form."""


def digest_text(profile: Profile, language: str) -> str:
    """ "weekly, on Monday at 09:00", "daily at 08:30" or "off", in ``language``."""
    if profile.digest == "weekly":
        day = t(language, f"settings.weekday.{profile.digest_weekday}")
        return t(language, "settings.digest_weekly_at", day=day, time=profile.digest_time)
    if profile.digest == "daily":
        return t(language, "settings.digest_daily_at", time=profile.digest_time)
    return t(language, "settings.digest.off")


def quiet_digest_note(profile: Profile, language: str) -> str | None:
    """When the digest time falls in quiet hours, when the digest really comes; else None."""
    at, start, end = (
        parse_clock_time(value)
        for value in (profile.digest_time, profile.quiet_start, profile.quiet_end)
    )
    if profile.digest == "off" or at is None or start is None or end is None:
        return None
    if not in_quiet_hours(at, start, end):
        return None
    # As the schedule does: a time after quiet hours start waits for the next morning.
    key = "next_day" if start > end and at >= start else "same_day"
    return t(
        language,
        f"settings.digest_in_quiet.{key}",
        time=profile.digest_time,
        start=profile.quiet_start,
        end=profile.quiet_end,
    )


def summary_parts(profile: Profile, language: str) -> tuple[Part, ...]:
    """The person's settings as labelled values, and when quiet hours move the digest."""

    def label(name: str) -> str:
        return t(language, f"settings.field.{name}")

    none = t(language, "settings.none")
    yes_no = t(language, "settings.yes" if profile.leaderboard else "settings.no")
    return (
        Fact(label=label("topics"), value=", ".join(profile.topics) or none),
        Fact(label=label("digest"), value=digest_text(profile, language)),
        Fact(label=label("timezone"), value=profile.timezone),
        Fact(
            label=t(language, "settings.quiet_hours"),
            value=f"{profile.quiet_start}–{profile.quiet_end}",
        ),
        Fact(label=label("team"), value=profile.team or none),
        Fact(label=label("location"), value=profile.location or none),
        Fact(label=label("leaderboard"), value=yes_no),
        *(
            Text(text=note, style="note")
            for note in (quiet_digest_note(profile, language),)
            if note
        ),
    )


def settings_form(profile: Profile, language: str, topics: Sequence[str]) -> Form:
    """The form to change every setting, filled in with the current values."""

    def label(name: str) -> str:
        return t(language, f"settings.field.{name}")

    values = profile.form_values()
    choices: dict[str, str] = {topic.casefold(): topic for topic in topics}
    for topic in profile.topics:
        choices.setdefault(topic.casefold(), topic)
    if choices:
        topic_field = Field(
            id="topics",
            label=label("topics"),
            kind="multiselect",
            value=values["topics"],
            options=tuple(
                Option(value=v, label=v) for v in sorted(choices.values(), key=str.casefold)
            ),
        )
    else:  # nothing to choose from yet: let people type their topics
        topic_field = Field(
            id="topics",
            label=label("topics"),
            value=values["topics"],
            placeholder=t(language, "settings.topics_placeholder"),
        )
    time_hint = t(language, "settings.time_placeholder")
    return Form(
        title=t(language, "settings.form_title"),
        action=SAVE_ACTION,
        submit_label=t(language, "settings.save"),
        reopen=FormAction(action=OPEN_ACTION),
        fields=(
            topic_field,
            Field(
                id="digest",
                label=label("digest"),
                kind="select",
                value=values["digest"],
                options=tuple(
                    Option(value=d, label=t(language, f"settings.digest.{d}")) for d in DIGESTS
                ),
            ),
            Field(
                id="digest_time",
                label=label("digest_time"),
                value=values["digest_time"],
                placeholder=time_hint,
            ),
            Field(
                id="digest_weekday",
                label=label("digest_weekday"),
                kind="select",
                value=values["digest_weekday"],
                options=tuple(
                    Option(value=str(d), label=t(language, f"settings.weekday.{d}"))
                    for d in WEEKDAYS
                ),
            ),
            Field(
                id="timezone",
                label=label("timezone"),
                value=values["timezone"],
                placeholder="Europe/Amsterdam",
            ),
            Field(
                id="quiet_start",
                label=label("quiet_start"),
                value=values["quiet_start"],
                placeholder=time_hint,
            ),
            Field(
                id="quiet_end",
                label=label("quiet_end"),
                value=values["quiet_end"],
                placeholder=time_hint,
            ),
            Field(id="team", label=label("team"), value=values["team"]),
            Field(id="location", label=label("location"), value=values["location"]),
            Field(
                id="leaderboard",
                label=label("leaderboard"),
                kind="select",
                value=values["leaderboard"],
                options=(
                    Option(value="yes", label=t(language, "settings.yes")),
                    Option(value="no", label=t(language, "settings.no")),
                ),
            ),
        ),
    )


def problem_parts(problems: Sequence[Problem], language: str) -> tuple[Part, ...]:
    """Every refused value in plain words, and that nothing was saved."""
    parts: list[Part] = [Text(text=t(language, "settings.not_saved"), style="heading")]
    for problem in problems:
        name = t(language, f"settings.field.{problem.field}")
        parts.append(Text(text=t(language, problem.key, field=name, **problem.values)))
    parts.append(Text(text=t(language, "settings.help"), style="note"))
    return tuple(parts)
