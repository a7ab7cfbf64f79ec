"""Settings typed as text: "topics energie, ai", "digest daily 08:30", "settings team sales".

The intent's text is already folded (lower case, no accents). A command either asks to
see the settings (``show``) or gives raw values for ``validate_settings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.people.validation import Problem, parse_digest, parse_time, parse_weekday

_TIME_LIKE = re.compile(r"\d{1,2}[:.h]\d{1,2}")
_SETTINGS_WORDS = frozenset({"settings", "setting", "instellingen", "instelling"})
_TOPIC_WORDS = frozenset({"topics", "topic", "onderwerpen", "onderwerp"})
_CLEAR_TOPICS = frozenset({"none", "geen", "off", "uit", "-", "nothing", "niets", "clear"})
_LINKING_WORDS = frozenset({"at", "on", "om", "op"})
"""Words between a digest's frequency, day and time that say nothing of their own."""
_FIELD_WORDS = {
    "topics": "topics",
    "topic": "topics",
    "onderwerpen": "topics",
    "onderwerp": "topics",
    "digest": "digest",
    "time": "digest_time",
    "tijd": "digest_time",
    "day": "digest_weekday",
    "dag": "digest_weekday",
    "weekday": "digest_weekday",
    "timezone": "timezone",
    "tz": "timezone",
    "tijdzone": "timezone",
    "zone": "timezone",
    "quiet": "quiet",
    "stil": "quiet",
    "rust": "quiet",
    "team": "team",
    "location": "location",
    "locatie": "location",
    "plaats": "location",
    "leaderboard": "leaderboard",
    "ranglijst": "leaderboard",
}


@dataclass(frozen=True, kw_only=True)
class Command:
    """What a settings message asks: to see the settings, or to change some of them."""

    show: bool = False
    values: dict[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


def read_command(text: str) -> Command:
    """The command in a folded settings message."""
    words = text.split()
    if not words:
        return Command(show=True)
    head, rest = words[0], text.split(None, 1)[1].strip() if len(words) > 1 else ""
    if head in _SETTINGS_WORDS:
        if not rest:
            return Command(show=True)
        name, _, value = rest.partition(" ")
        target = _FIELD_WORDS.get(name)
        if target is None:
            return Command(
                problems=(
                    Problem(
                        field="settings", key="settings.unknown_field", values={"value": name[:40]}
                    ),
                )
            )
        return _field(target, value.strip())
    if head in _TOPIC_WORDS:
        return _field("topics", rest) if rest else Command(show=True)
    if head == "digest":
        return _field("digest", rest) if rest else Command(show=True)
    return Command(show=True)


def _field(name: str, value: str) -> Command:
    if name == "topics":
        return Command(values={"topics": "" if value in _CLEAR_TOPICS else value})
    if name == "digest":
        return _digest(value)
    if name == "quiet":
        parts = value.replace("-", " ").replace("–", " ").split()
        if len(parts) != 2:
            return Command(
                problems=(
                    Problem(
                        field="quiet_start", key="settings.bad_quiet", values={"value": value[:60]}
                    ),
                )
            )
        return Command(values={"quiet_start": parts[0], "quiet_end": parts[1]})
    if not value and name not in ("team", "location"):
        return Command(show=True)
    return Command(values={name: value})


def _digest(value: str) -> Command:
    """ "weekly", "daily 08:30", "weekly friday 16:00", "off" (and the Dutch words)."""
    values: dict[str, str] = {}
    words = value.replace(",", " ").split()
    for word in words:
        if word in _LINKING_WORDS and len(words) > 1:
            continue  # "daily at 08:30", "wekelijks op vrijdag"; "digest on" alone means yes
        if parse_digest(word) is not None and "digest" not in values:
            values["digest"] = word
        elif parse_time(word) is not None or _TIME_LIKE.fullmatch(word):
            values["digest_time"] = word
        elif parse_weekday(word) is not None:
            values["digest_weekday"] = word
        else:
            # Let validation name the word it could not read.
            values["digest"] = word
            break
    return Command(values=values)
