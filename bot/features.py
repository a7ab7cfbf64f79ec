"""The extension point for what the bot can do beyond answering and checking.

A feature (content suggestions, settings, privacy, comms queueing) claims intents and
action names; the conversation routes messages and button presses to it with a
``Context`` that says who is asking, in which language, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.guidelines.rules import Guidelines
from bot.intents import Intent, Understood
from bot.messages import ConversationRef, IncomingAction, Part, Platform, Reply


@dataclass(frozen=True, kw_only=True)
class Context:
    """Who is asking, where, in which language and when."""

    platform: Platform
    platform_user_id: str
    user_id: int | None
    """The person's row in the database (None when there is no storage)."""
    conversation: ConversationRef
    language: str
    now: datetime
    guidelines: Guidelines
    roles: frozenset[str]
    user_name: str | None = None
    delivery_id: str | None = None
    """The platform's id of this message or button press, for idempotent recording."""
    tracking: bool = True
    """False when the person opted out: their questions and checks are stored without
    their ``user_id``."""

    @property
    def owner_id(self) -> int | None:
        """The ``user_id`` their questions are stored with (None after opting out)."""
        return self.user_id if self.tracking else None


class Feature(Protocol):
    """Something the bot can do, reached by intents in messages and by action names."""

    intents: frozenset[Intent]
    action_prefix: str
    """Actions named ``<action_prefix>.<something>`` are routed to this feature."""

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        """Reply to a message whose intent this feature claims."""
        ...

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        """Handle a button press or form; a reply replaces the message it came from."""
        ...

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        """Parts to show before any reply to this person now (usually none)."""
        ...

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        """Parts for the person's home view (Slack App Home): suggestions, activity, settings."""
        ...


class Unreachable(Exception):
    """Raised by a ``Sender`` when trying again will not help.

    The person left the workspace, removed the app or blocked the chat, or the stored
    reference is incomplete. The outbox marks the message ``unreachable`` and reports it
    instead of retrying.
    """


class NotDelivered(Exception):
    """Raised by a ``Sender`` when the platform answered that it did not take the message.

    Trying again cannot show it twice. After any other failure (a timeout, a broken
    connection) the platform may have taken it, so the outbox asks ``delivered`` first.
    """


class Sender(Protocol):
    """An adapter that can start a conversation (for digests and notices)."""

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        """Deliver ``reply`` to ``to``.

        Raise ``Unreachable`` when the person cannot be reached at all, anything else
        when a later try may work.
        """
        ...

    async def delivered(self, *, to: ConversationRef, key: str, since: datetime) -> bool | None:
        """Whether the message sent for outbox ``key`` (written at ``since``) reached ``to``.

        Asked before sending again a message that an interrupted attempt may have
        delivered. True: it is there, so it is not sent again; False: it is not there;
        None: this platform cannot tell, so it is sent again. Raise as ``send`` does when
        the platform cannot be asked now.
        """
        ...
