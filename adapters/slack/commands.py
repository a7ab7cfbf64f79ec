"""``/merkwerker <subcommand>``: the slash command's text as a message the core understands.

Pure. ``help``, ``ask``, ``check``, ``share``, ``settings``, ``privacy``, ``mydata``,
``forget`` and ``queue`` (for the comms team) map to the phrases the core's intents
recognise; anything else is passed on as it was typed, so ``/merkwerker may I post a
photo?`` is simply a question.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.slack.payloads import to_plain_text

_ALIASES = {
    "vraag": "ask",
    "controleer": "check",
    "toets": "check",
    "delen": "share",
    "instellingen": "settings",
    "vergeet": "forget",
    "wachtrij": "queue",
}
_BARE = {"help": "help", "share": "share", "mydata": "mydata", "forget": "forget"}
_WITH_REST = ("settings", "privacy")


@dataclass(frozen=True, kw_only=True)
class Command:
    """What to do with a slash command: a message for the core, or a usage notice."""

    text: str = ""
    """The message to handle (empty when ``notice`` is set)."""
    notice: str | None = None
    """A catalogue key to answer with instead, when the command lacks its argument."""


def to_command(raw: str) -> Command:
    """The ``Command`` for the text typed after ``/merkwerker``."""
    text = to_plain_text(raw)
    word, _, rest = text.partition(" ")
    name = _ALIASES.get(word.lower(), word.lower())
    rest = rest.strip()
    if not text:
        return Command(text="help")
    if name in _BARE and not rest:
        return Command(text=_BARE[name])
    if name == "ask":
        return Command(text=rest) if rest else Command(notice="slack.command.ask_empty")
    if name == "check":
        return (
            Command(text=f"check: {rest}") if rest else Command(notice="slack.command.check_empty")
        )
    if name == "queue":
        if "http://" not in rest.lower() and "https://" not in rest.lower():
            return Command(notice="slack.command.queue_empty")
        return Command(text=f"queue {rest}")
    if name in _WITH_REST:
        return Command(text=f"{name} {rest}".strip())
    return Command(text=text)
