"""What the bot says back in a Teams conversation, sent through the Bot Connector.

``to_outgoing`` turns the core's ``Reply`` into a botbuilder ``Activity`` (the connector
client's model). ``ConnectorReplier`` answers one incoming activity: it addresses each
reply the way botbuilder's ``TurnContext`` does (the bot as sender, the person as
recipient, a reply to the incoming message) and sends it with the connector client,
or, when the channel asked for ``expectReplies``, keeps it for the HTTP answer.
"""

from __future__ import annotations

import logging

from botbuilder.schema import Activity, Attachment, ExpectedReplies
from botframework.connector.aio import ConnectorClient
from botframework.connector.models import ErrorResponseException

from adapters.teams.cards import reply_to_activity
from bot.messages import Reply

log = logging.getLogger(__name__)

EXPECT_REPLIES = "expectReplies"
_NO_REPLY_TO = frozenset({"directline", "webchat"})
"""Channels where botbuilder sends replies as new messages rather than replies to one."""


class _FrozenJson(dict[str, object]):
    """A card's JSON, never changed once built: botbuilder deep-copies outgoing activities,
    and copying a card value by value costs more than the rest of a reply."""

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


def addressed(outgoing: Activity, incoming: Activity) -> Activity:
    """``outgoing`` addressed as an answer to ``incoming`` (botbuilder's conversation
    reference applied: channel, conversation, locale, service URL, sender and recipient)."""
    outgoing.channel_id = incoming.channel_id
    outgoing.locale = incoming.locale
    outgoing.service_url = incoming.service_url
    outgoing.conversation = incoming.conversation
    outgoing.from_property = incoming.recipient
    outgoing.recipient = incoming.from_property
    replies_to_one = (
        incoming.type != "conversationUpdate" and incoming.channel_id not in _NO_REPLY_TO
    )
    if replies_to_one and incoming.id:
        outgoing.reply_to_id = incoming.id
    return outgoing


class ConnectorReplier:
    """Sends the replies to one incoming activity through ``client``."""

    def __init__(self, client: ConnectorClient, incoming: Activity) -> None:
        self._client = client
        self._incoming = incoming
        self.responded = False
        """Whether a reply was sent (or kept for the HTTP answer) in this turn."""
        self.buffered: list[Activity] | None = (
            [] if incoming.delivery_mode == EXPECT_REPLIES else None
        )
        """The replies kept for the HTTP answer when the channel expects them there."""

    async def send(self, reply: Reply) -> None:
        """Send ``reply`` as a new message in the conversation (a reply to the incoming one)."""
        activity = addressed(to_outgoing(reply), self._incoming)
        activity.input_hint = "acceptingInput"
        activity.id = None
        if self.buffered is not None:
            self.buffered.append(activity)
        elif activity.reply_to_id:
            await self._client.conversations.reply_to_activity(
                activity.conversation.id, activity.reply_to_id, activity
            )
        else:
            await self._client.conversations.send_to_conversation(
                activity.conversation.id, activity
            )
        self.responded = True

    async def replace(self, card_id: str, reply: Reply) -> None:
        """Show ``reply`` in place of the card ``card_id``; as a new message when Teams
        will not edit that card any more (gone, or too old: HTTP 400, 403 or 404)."""
        update = addressed(to_outgoing(reply, card=True), self._incoming)
        update.id = card_id
        try:
            await self._client.conversations.update_activity(
                update.conversation.id, update.id, update
            )
            return
        except ErrorResponseException as error:
            status = getattr(error.response, "status_code", None)
            if status not in (400, 403, 404):
                raise
            log.info("could not update card %s (HTTP %s); sending a new message", card_id, status)
        await self.send(reply)

    def expected_replies(self) -> dict[str, object] | None:
        """The HTTP answer's body when the channel expects the replies in it, else None."""
        if self.buffered is None:
            return None
        body: dict[str, object] = ExpectedReplies(activities=self.buffered).serialize()
        return body
