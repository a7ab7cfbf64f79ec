"""One Teams activity for the core: what arrives goes to the core, what it says goes back.

Thin on purpose: parsing is in ``activities``, rendering in ``cards``, sending in
``outgoing``. A message becomes ``bot.handle``; a card button or form becomes
``bot.handle_action`` and its reply replaces the card it came from; the bot being
installed or added stores the conversation reference for digests (and says hello in a
personal chat). A turn that fails is logged and, for a message, the person is told.
"""

from __future__ import annotations

import logging
from typing import Protocol

from adapters.teams import activities
from adapters.teams.activities import Activity, TurnKind
from bot.conversation import Merkwerker
from bot.messages import ConversationRef, Reply
from bot.replies import notice_reply

log = logging.getLogger(__name__)


class Replier(Protocol):
    """Where the replies to one incoming activity go (``outgoing.ConnectorReplier``)."""

    @property
    def responded(self) -> bool:
        """Whether a reply was sent in this turn."""
        ...

    async def send(self, reply: Reply) -> None:
        """Send ``reply`` as a new message in the activity's conversation."""
        ...

    async def replace(self, card_id: str, reply: Reply) -> None:
        """Show ``reply`` in place of the card ``card_id`` (or as a new message)."""
        ...


class TeamsHandler:
    """Routes Teams messages, card actions and installs to the core."""

    def __init__(self, bot: Merkwerker) -> None:
        self.bot = bot

    async def handle(self, activity: Activity, replier: Replier) -> None:
        """Handle one activity of a kind ``activities.turn_kind`` says the bot handles.

        Never raises for a failure of the bot's own: it is logged, and a person whose
        message failed is told so (unless they already got a reply).
        """
        kind = activities.turn_kind(activity)
        try:
            if kind is TurnKind.MESSAGE:
                await self._message(activity, replier)
            elif kind is TurnKind.MEMBERS_ADDED:
                await self._installed(activity, replier, welcome=True)
            elif kind is TurnKind.INSTALLED:
                await self._installed(activity, replier, welcome=False)
        except Exception as error:
            await self._failed(activity, replier, error)

    async def _message(self, activity: Activity, replier: Replier) -> None:
        action = activities.to_action(activity)
        if action is not None:
            reply = await self.bot.handle_action(action)
            if reply is not None:
                card_id = activity.get("replyToId")
                if isinstance(card_id, str) and card_id:
                    await replier.replace(card_id, reply)
                else:
                    await replier.send(reply)
            return
        if activity.get("value") is not None and not activities.strip_bot_mention(activity):
            return  # another app's card, or an empty submit: nothing to answer
        reply = await self.bot.handle(activities.to_message(activity))
        await replier.send(reply)

    async def _installed(self, activity: Activity, replier: Replier, *, welcome: bool) -> None:
        if not activities.bot_was_added(activity):
            return
        ref = activities.conversation_ref(activity)
        await self._remember(ref)
        if welcome and activities.conversation_type(activity) == activities.PERSONAL:
            reply = await self.bot.help_for(
                platform=ref.platform,
                platform_user_id=ref.user_id,
                conversation=ref,
                locale=activities.locale(activity),
            )
            await replier.send(reply)

    async def _remember(self, ref: ConversationRef) -> None:
        """Store ``ref`` for digests (never raises: not being able to write this down must
        not cost the person their welcome)."""
        await self.bot.remember_reach(ref)

    async def _failed(self, activity: Activity, replier: Replier, error: Exception) -> None:
        log.error("a Teams turn failed", exc_info=error)
        if activity.get("type") != "message" or replier.responded:
            return
        language = self.bot.language_for("", activities.locale(activity))
        try:
            await replier.send(notice_reply("teams.error", language=language))
        except Exception:  # the connector may be what failed; the log has it
            log.warning("could not tell the person about the failed turn")
