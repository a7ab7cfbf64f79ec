"""The core's own message types: what comes in from a chat platform and what goes back.

Adapters translate platform payloads into these with small pure functions and render
replies natively; the core never sees a platform SDK object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Platform(StrEnum):
    """Where a message came from."""

    CONSOLE = "console"
    SLACK = "slack"
    TEAMS = "teams"
    CLI = "cli"


class Verdict(StrEnum):
    """The answer to "may I post this?".

    ALLOWED, NOT_ALLOWED and ASK_FIRST come from a rule; GENERAL means the question was
    about posting in general and is answered with the principles; UNKNOWN means no rule
    fits well enough and the bot says so instead of guessing.
    """

    ALLOWED = "allowed"
    NOT_ALLOWED = "not_allowed"
    ASK_FIRST = "ask_first"
    GENERAL = "general"
    UNKNOWN = "unknown"


class CheckVerdict(StrEnum):
    """The overall outcome of checking a draft post."""

    OK = "ok"
    WARN = "warn"
    BLOCK = "block"


class Command(StrEnum):
    """The named commands a platform may offer (Slack's ``/merkwerker <name>``).

    A command names what the person wants, so nothing needs guessing from its text;
    its argument is the rest of what they typed.
    """

    HELP = "help"
    ASK = "ask"
    """The argument is a question, in the person's own words."""
    CHECK = "check"
    """The argument is a draft post to check."""
    SHARE = "share"
    SETTINGS = "settings"
    """The argument is a settings change ("digest weekly"), or nothing to show them."""
    PRIVACY = "privacy"
    """The argument is "opt out", "opt in", or nothing for the explanation."""
    MYDATA = "mydata"
    FORGET = "forget"
    QUEUE = "queue"
    """Comms: the argument holds the URL to queue for sharing."""


@dataclass(frozen=True, kw_only=True)
class ConversationRef:
    """Enough to reach a conversation again later (for proactive messages).

    ``data`` holds the platform's own reference (for Teams a serialised
    ConversationReference), opaque to the core.
    """

    platform: Platform
    conversation_id: str
    user_id: str
    thread_id: str | None = None
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class IncomingMessage:
    """A message a person sent to the bot."""

    platform: Platform
    user_id: str
    conversation: ConversationRef
    text: str
    locale: str | None = None
    message_id: str | None = None
    user_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class IncomingCommand:
    """A named command a person gave (Slack's ``/merkwerker <name> <argument>``).

    The adapter finds it with
    ``bot.named_commands.command_of``, so the core never reads it back out of built text.
    ``command_id`` is the platform's id for this delivery.
    """

    platform: Platform
    user_id: str
    conversation: ConversationRef
    name: Command
    argument: str = ""
    locale: str | None = None
    command_id: str | None = None
    user_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class IncomingAction:
    """A button press or form submission.

    ``action`` and ``value`` come from the ``Choice`` (or ``Form``) that was used;
    ``form`` holds submitted field values; ``action_id`` is the platform's id for this
    delivery, so a retried delivery can be recognised.
    """

    platform: Platform
    user_id: str
    conversation: ConversationRef
    action: str
    value: str = ""
    form: dict[str, str] = field(default_factory=dict)
    locale: str | None = None
    action_id: str | None = None
    user_name: str | None = None


# Reply parts: neutral building blocks that each adapter renders natively.


@dataclass(frozen=True, kw_only=True)
class Text:
    """A paragraph. ``style`` tells the adapter how to present it."""

    text: str
    style: Literal["plain", "heading", "quote", "note"] = "plain"


@dataclass(frozen=True, kw_only=True)
class Fact:
    """A labelled value, such as "Verdict: ask first"."""

    label: str
    value: str


@dataclass(frozen=True, kw_only=True)
class Link:
    """A link the person can open."""

    label: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Choice:
    """A button: ``action`` names what happens, ``value`` carries its argument."""

    label: str
    action: str
    value: str = ""


@dataclass(frozen=True, kw_only=True)
class Choices:
    """A row of buttons."""

    choices: tuple[Choice, ...]


@dataclass(frozen=True, kw_only=True)
class Divider:
    """A visual break between sections of a reply."""


@dataclass(frozen=True, kw_only=True)
class Option:
    """One option of a choice field."""

    value: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Field:
    """One input of a form.

    ``kind`` is ``text`` (one line), ``textarea``, ``url``, ``date``, ``select`` (one of
    ``options``) or ``multiselect`` (any of ``options``). ``value`` is the current value;
    for a multiselect, values are separated by commas.
    """

    id: str
    label: str
    kind: Literal["text", "textarea", "url", "date", "select", "multiselect"] = "text"
    options: tuple[Option, ...] = ()
    value: str = ""
    required: bool = False
    placeholder: str = ""


@dataclass(frozen=True, kw_only=True)
class FormAction:
    """An action, with its value, whose reply holds a form again (see ``Form.reopen``)."""

    action: str
    value: str = ""


@dataclass(frozen=True, kw_only=True)
class Form:
    """A form the person fills in (a Slack modal, a Teams card, console prompts).

    Submitting it sends an ``IncomingAction`` with ``action`` and the fields' values
    in ``IncomingAction.form``. ``reopen`` is how to get the form again later, as an
    action its feature handles: a platform that can only open a form after a press
    (Slack's modals) shows a button that sends it. None when the form cannot be asked
    for again.
    """

    title: str
    action: str
    submit_label: str
    fields: tuple[Field, ...]
    value: str = ""
    reopen: FormAction | None = None


Part = Text | Fact | Link | Choices | Divider | Form


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What the bot says back: a sequence of parts and the language they are in."""

    parts: tuple[Part, ...]
    language: str
    kind: str = "text"

    def plain_text(self) -> str:
        """Render the reply as plain text, the fallback every adapter can show."""
        lines: list[str] = []
        for part in self.parts:
            if isinstance(part, Text):
                if part.style == "quote":
                    lines.extend("> " + line for line in part.text.splitlines() or [""])
                elif part.style == "heading":
                    lines.append(part.text.upper() if part.text.isascii() else part.text)
                else:
                    lines.append(part.text)
            elif isinstance(part, Fact):
                lines.append(f"{part.label}: {part.value}")
            elif isinstance(part, Link):
                lines.append(f"{part.label}: {part.url}")
            elif isinstance(part, Choices):
                lines.append(" | ".join(f"[{c.label}]" for c in part.choices))
            elif isinstance(part, Form):
                lines.append(part.title)
                lines.extend(f"- {f.label}: {f.value}" for f in part.fields)
            else:
                lines.append("—")
        return "\n".join(lines)
