"""Checking the values people give for their settings: pure functions, one per kind.

Each parser returns the clean value or None; ``validate_settings`` turns a set of
submitted values into changes and ``Problem``\\s, so nothing is saved unless all is well.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.answering.text import fold

DIGESTS = ("off", "weekly", "daily")
DEFAULT_DIGEST = "weekly"
"""What "digest on" means: people who opt in get a weekly digest unless they say daily."""
MAX_TOPICS = 20
MAX_TOPIC = 40
MAX_LABEL = 80

FIELDS = (
    "topics",
    "digest",
    "digest_time",
    "digest_weekday",
    "timezone",
    "quiet_start",
    "quiet_end",
    "team",
    "location",
    "leaderboard",
)
"""The settings a person can change, in the order they are shown."""

_TIME = re.compile(r"([01]?\d|2[0-3])[:.h]([0-5]\d)")
_TOPIC = re.compile(r"\w[\w &+#./'-]*")
_DIGEST_WORDS = {
    "off": "off",
    "uit": "off",
    "no": "off",
    "nee": "off",
    "none": "off",
    "geen": "off",
    "stop": "off",
    "never": "off",
    "nooit": "off",
    "weekly": "weekly",
    "week": "weekly",
    "wekelijks": "weekly",
    "daily": "daily",
    "day": "daily",
    "dagelijks": "daily",
    "dag": "daily",
    "on": DEFAULT_DIGEST,
    "aan": DEFAULT_DIGEST,
    "yes": DEFAULT_DIGEST,
    "ja": DEFAULT_DIGEST,
}
_WEEKDAYS = (
    ("monday", "mon", "mo", "maandag", "ma"),
    ("tuesday", "tue", "tu", "dinsdag", "di"),
    ("wednesday", "wed", "we", "woensdag", "wo"),
    ("thursday", "thu", "th", "donderdag", "do"),
    ("friday", "fri", "fr", "vrijdag", "vr"),
    ("saturday", "sat", "sa", "zaterdag", "za"),
    ("sunday", "sun", "su", "zondag", "zo"),
)
_YES = frozenset({"yes", "y", "ja", "j", "true", "on", "aan", "1"})
_NO = frozenset({"no", "n", "nee", "false", "off", "uit", "0"})


@dataclass(frozen=True, kw_only=True)
class Problem:
    """Why a value was refused: a catalogue key and the values for its message."""

    field: str
    key: str
    values: dict[str, object] = dataclasses.field(default_factory=dict)


def parse_time(value: str) -> str | None:
    """``"8:30"``, ``"08.30"`` or ``"08:30"`` as ``"08:30"``; None when not a time of day."""
    match = _TIME.fullmatch(value.strip())
    if match is None:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_timezone(value: str) -> str | None:
    """The IANA name for ``value`` (any case: "europe/amsterdam"), or None when unknown."""
    name = value.strip()
    if not name or len(name) > 64:
        return None
    canonical = _zones().get(name.casefold(), name)
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return canonical


def parse_weekday(value: str) -> int | None:
    """0 (Monday) to 6 from a number or a day name in Dutch or English."""
    word = fold(value.strip()).rstrip(".")
    if word.isdigit() and len(word) == 1 and int(word) <= 6:
        return int(word)
    return next((day for day, names in enumerate(_WEEKDAYS) if word in names), None)


def parse_digest(value: str) -> str | None:
    """``off``, ``weekly`` or ``daily`` (also in Dutch, and "on" meaning weekly)."""
    return _DIGEST_WORDS.get(fold(value.strip()))


def parse_yes_no(value: str) -> bool | None:
    """True or False from yes/no, ja/nee, on/off; None when neither."""
    word = fold(value.strip())
    return True if word in _YES else False if word in _NO else None


def parse_topics(value: str) -> tuple[tuple[str, ...], list[Problem]]:
    """The topics in a comma-separated list, deduplicated, and any that are not usable."""
    topics: dict[str, str] = {}
    problems: list[Problem] = []
    for entry in value.split(","):
        topic = " ".join(entry.split())
        if not topic:
            continue
        if len(topic) > MAX_TOPIC or not _TOPIC.fullmatch(topic):
            problems.append(
                Problem(
                    field="topics",
                    key="settings.bad_topic",
                    values={"value": topic[:60], "limit": MAX_TOPIC},
                )
            )
            continue
        topics.setdefault(topic.casefold(), topic)
    if len(topics) > MAX_TOPICS:
        problems.append(
            Problem(field="topics", key="settings.too_many_topics", values={"limit": MAX_TOPICS})
        )
    return tuple(topics.values()), problems


def parse_label(value: str) -> str | None:
    """A team or location name: trimmed, at most ``MAX_LABEL`` characters, no commas.

    Empty text means "none" and gives ``""``; None means it cannot be used.
    """
    label = " ".join(value.split())
    if len(label) > MAX_LABEL or "," in label or not label.isprintable():
        return None
    return label


def validate_settings(submitted: Mapping[str, str]) -> tuple[dict[str, object], list[Problem]]:
    """The changes in ``submitted`` (only the fields it holds) and every problem found.

    Changes hold column values for ``User``: topics as a comma-separated string, team and
    location as None when emptied. Unknown fields are ignored: a form may carry more.
    """
    changes: dict[str, object] = {}
    problems: list[Problem] = []
    for name in FIELDS:
        if name not in submitted:
            continue
        raw = submitted[name] or ""
        shown = raw.strip()[:60]
        if name == "topics":
            topics, topic_problems = parse_topics(raw)
            problems.extend(topic_problems)
            changes[name] = ",".join(topics)
        elif name == "digest":
            digest = parse_digest(raw)
            if digest is None:
                problems.append(
                    Problem(field=name, key="settings.bad_digest", values={"value": shown})
                )
            changes[name] = digest
        elif name in ("digest_time", "quiet_start", "quiet_end"):
            time = parse_time(raw)
            if time is None:
                problems.append(
                    Problem(field=name, key="settings.bad_time", values={"value": shown})
                )
            changes[name] = time
        elif name == "digest_weekday":
            weekday = parse_weekday(raw)
            if weekday is None:
                problems.append(
                    Problem(field=name, key="settings.bad_weekday", values={"value": shown})
                )
            changes[name] = weekday
        elif name == "timezone":
            zone = parse_timezone(raw)
            if zone is None:
                problems.append(
                    Problem(field=name, key="settings.bad_timezone", values={"value": shown})
                )
            changes[name] = zone
        elif name in ("team", "location"):
            label = parse_label(raw)
            if label is None:
                problems.append(
                    Problem(
                        field=name,
                        key="settings.bad_label",
                        values={"value": shown, "limit": MAX_LABEL},
                    )
                )
            changes[name] = label or None
        elif name == "leaderboard":
            answer = parse_yes_no(raw)
            if answer is None:
                problems.append(
                    Problem(field=name, key="settings.bad_yes_no", values={"value": shown})
                )
            changes[name] = answer
    return (changes, problems) if not problems else ({}, problems)
