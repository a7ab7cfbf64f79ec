"""The Teams activity handler: what arrives goes to the core, what it says goes back.

Thin on purpose: parsing is in ``activities``, rendering in ``cards``. A message becomes
``bot.handle``; a card button or form becomes ``bot.handle_action`` and its reply replaces
the card it came from; being installed stores the conversation reference for digests.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, Attachment, ChannelAccount
from botbuilder.schema.teams import TeamInfo
from botframework.connector.models import ErrorResponseException

from adapters.teams import activities
from adapters.teams.cards import reply_to_activity
from adapters.teams.references import remember
from bot.conversation import Merkwerker
from bot.models import Reply
from bot.replies import help_reply, notice_reply

log = logging.getLogger(__name__)

RAW_ACTIVITY = "merkwerker.activity"
"""Turn state key of the activity JSON as it arrived (parsed once, by the web handler)."""
PROACTIVE = "merkwerker.proactive"
"""Turn state key set on turns the bot starts itself (digests): their errors go to the caller."""


def activity_json(context: TurnContext) -> Mapping[str, Any]:
    """The JSON of the turn's activity: as it arrived when known, else serialised again."""
    raw = context.turn_state.get(RAW_ACTIVITY)
    if isinstance(raw, Mapping):
        return raw
    serialised: dict[str, Any] = context.activity.serialize()
    return serialised


class _FrozenJson(dict[str, Any]):
    """A card's JSON, never changed once built: botbuilder deep-copies every outgoing
    activity, and copying a card value by value costs more than the rest of a reply."""

    def __deepcopy__(self, memo: dict[int, object]) -> _FrozenJson:
        return self


def to_outgoing(reply: Reply, *, card: bool | None = None) -> Activity:
    """The botbuilder ``Activity`` that shows ``reply``."""
    message = reply_to_activity(reply, card=card)
    # Built directly rather than with Activity().deserialize, which walks the whole card.
    return Activity(
        type="message",
        text=message.get("text"),
        text_format=message.get("textFormat"),
        summary=message.get("summary"),
        attachments=[
            Attachment(content_type=a["contentType"], content=_FrozenJson(a["content"]))
            for a in message.get("attachments", ())
        ]
        or None,
    )


class MerkwerkerTeamsHandler(TeamsActivityHandler):  # type: ignore[misc]
    """Routes Teams messages, card actions and installs to the core."""

    def __init__(self, bot: Merkwerker) -> None:
        super().__init__()
        self.bot = bot

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Answer a message, or carry out the card action it carries."""
        raw = activity_json(turn_context)
        action = activities.to_action(raw)
        if action is not None:
            reply = await self.bot.handle_action(action)
            if reply is not None:
                await self._replace_or_send(turn_context, reply, raw.get("replyToId"))
            return
        if raw.get("value") is not None and not activities.strip_bot_mention(raw):
            return  # another app's card, or an empty submit: nothing to answer
        message = activities.to_message(raw)
        reply = await self.bot.handle(message)
        await turn_context.send_activity(to_outgoing(reply))

    async def _replace_or_send(self, context: TurnContext, reply: Reply, card_id: object) -> None:
        if isinstance(card_id, str) and card_id:
            update = to_outgoing(reply, card=True)
            update.id = card_id
            try:
                await context.update_activity(update)
                return
            except ErrorResponseException as error:
                # The card may be gone or too old to edit; then the reply comes as a new message.
                status = getattr(error.response, "status_code", None)
                if status not in (400, 403, 404):
                    raise
                log.info(
                    "could not update card %s (HTTP %s); sending a new message", card_id, status
                )
        await context.send_activity(to_outgoing(reply))

    async def on_teams_members_added_dispatch(
        self, members_added: list[ChannelAccount], team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """Someone was added; only the bot's own arrival matters (no member look-ups)."""
        await self._installed(turn_context, welcome=True)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """The same outside Teams (the Emulator)."""
        await self._installed(turn_context, welcome=True)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """The app was installed: remember where to reach the installer."""
        await self._installed(turn_context, welcome=False)

    async def _installed(self, context: TurnContext, *, welcome: bool) -> None:
        raw = activity_json(context)
        if not activities.bot_was_added(raw):
            return
        await remember(self.bot, activities.conversation_ref(raw))
        if welcome and activities.conversation_type(raw) == activities.PERSONAL:
            language = self.bot.language_for("", raw.get("locale"))
            await context.send_activity(
                to_outgoing(help_reply(self.bot.guidelines, language=language))
            )

    async def on_turn_error(self, context: TurnContext, error: Exception) -> None:
        """Log a failed turn and tell the person, unless the bot started the turn itself."""
        if context.turn_state.get(PROACTIVE):
            raise error
        log.error("a Teams turn failed", exc_info=error)
        if context.activity.type != "message" or context.responded:
            return
        language = self.bot.language_for("", context.activity.locale)
        try:
            await context.send_activity(to_outgoing(notice_reply("teams.error", language=language)))
        except Exception:  # the connector may be what failed; the log has it
            log.warning("could not tell the person about the failed turn")
