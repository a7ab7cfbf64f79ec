"""What the bot does once Slack has its acknowledgement: answer, replace, open, publish.

One method per kind of request, each run from the work queue by ``Ingress``. Each
reads the payload with ``adapters.slack.payloads``, asks the core once (a message with
``handle``, the slash command as a typed ``IncomingCommand`` with ``handle_command``, a
press or a form with ``handle_action``, App Home with ``home``), and shows the reply
with ``Surfaces`` (a form as a modal, through ``form_opening``). When something fails,
the person is told (in their language) rather than left waiting, and the failure is
logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from adapters.slack import payloads as p
from adapters.slack.actions import FORM, LINK, FormSource, action_of, reopen_of
from adapters.slack.delivery_keys import already_sent, delivery_metadata
from adapters.slack.form_opening import FormOpener, without_forms
from adapters.slack.profiles import Profile, Profiles
from adapters.slack.requests import Payload, notice, pressed, where
from adapters.slack.surfaces import Surfaces
from bot.content.form import FORM_ACTION as QUEUE_FORM_ACTION
from bot.conversation import Merkwerker
from bot.messages import (
    Command,
    IncomingAction,
    IncomingCommand,
    IncomingMessage,
    Platform,
    Reply,
)
from bot.named_commands import command_of, lacks_argument
from bot.suggestions import actions as suggestion_actions

log = logging.getLogger(__name__)

USAGE = {
    Command.ASK: "slack.command.ask_empty",
    Command.CHECK: "slack.command.check_empty",
    Command.QUEUE: "slack.command.queue_empty",
}
"""How to use a command that lacks its argument, in Slack's own syntax."""


class Jobs:
    """The post-acknowledgement work for each kind of Slack request."""

    def __init__(self, bot: Merkwerker, surfaces: Surfaces, profiles: Profiles) -> None:
        self.bot = bot
        self.surfaces = surfaces
        self.profiles = profiles
        self.forms = FormOpener(bot, surfaces)
        self._bot_user_id: str | None = None

    async def bot_user_id(self) -> str | None:
        """The bot's own user id (``auth.test``, asked once); None while Slack cannot say."""
        if self._bot_user_id is None:
            try:
                identity = await self.surfaces.client.auth_test()
            except Exception:
                log.exception("could not ask Slack for the bot's user id")
                return None
            self._bot_user_id = str(identity.get("user_id") or "") or None
        return self._bot_user_id

    async def _profile(self, user: str) -> Profile:
        return await self.profiles.get(user) if user else Profile()

    def _language(self, profile: Profile, text: str = "") -> str:
        return self.bot.language_for(text, profile.locale)

    async def _guarded(
        self,
        work: Callable[[], Awaitable[None]],
        tell: Callable[[Reply], Awaitable[None]],
        language: str,
    ) -> None:
        try:
            await work()
        except Exception:
            log.exception("handling a Slack request failed")
            try:
                await tell(notice(language, "slack.error"))
            except Exception:  # Slack itself is failing; the log has the story
                log.exception("could not tell the person that something failed")

    async def answer_message(
        self, body: Payload, *, delivery_key: str | None = None, reclaimed: bool = False
    ) -> None:
        """Answer a direct message or a mention (a mention in its thread); ignore the rest.

        An answer at the top of a direct message carries ``delivery_key`` (the inbox key)
        as message metadata; when ``reclaimed`` (an earlier attempt's process died), the
        direct message's history is read first and an answer found there is not posted
        again (``delivery_keys.already_sent``).
        """
        event = p.event_of(body)
        bot_user_id = await self.bot_user_id()
        if not (
            p.is_message_for_bot(event, bot_user_id=bot_user_id)
            or p.is_mention_for_bot(event, bot_user_id=bot_user_id)
        ):
            return
        profile = await self._profile(str(event.get("user") or ""))
        incoming = p.to_incoming_message(
            body, bot_user_id=bot_user_id, locale=profile.locale, user_name=profile.name
        )
        channel, thread = incoming.conversation.conversation_id, incoming.conversation.thread_id
        # Only the top of a direct message can be searched (conversations.history).
        key = delivery_key if delivery_key and not thread and channel.startswith("D") else None
        if key is not None and reclaimed and await self._answered(channel, key, body):
            log.info("the answer to %s is in %s already; not posted again", key, channel)
            return
        metadata = None if key is None else delivery_metadata(key)

        async def tell(reply: Reply) -> None:
            await self.surfaces.post(reply, channel=channel, thread=thread, metadata=metadata)

        async def work() -> None:
            reply = await self.bot.handle(incoming)
            source = FormSource(home=False, text=incoming.text)
            await self.surfaces.post(
                reply, channel=channel, thread=thread, form_source=source, metadata=metadata
            )

        await self._guarded(work, tell, self._language(profile, incoming.text))

    async def _answered(self, channel: str, key: str, body: Payload) -> bool:
        """Whether the answer with inbox ``key`` is in ``channel``; False when Slack cannot
        tell (then answering again beats not answering at all)."""
        sent_at = body.get("event_time")
        since = datetime.fromtimestamp(sent_at, UTC) if isinstance(sent_at, int) else None
        try:
            found = await already_sent(self.surfaces.client, channel=channel, key=key, since=since)
        except Exception:
            log.exception("could not read %s to see whether %s was answered", channel, key)
            return False
        return found is True

    async def run_command(self, body: Payload) -> None:
        """Answer ``/merkwerker ...``: ephemerally, or as a modal when the answer is a form."""
        user, channel = p.user_of(body), p.channel_of(body)
        response_url = str(body.get("response_url") or "") or None
        trigger_id = str(body.get("trigger_id") or "")
        profile = await self._profile(user)
        text = p.to_plain_text(str(body.get("text") or ""))
        call = command_of(text)
        language = self._language(profile, text if call is None else call.argument)

        async def tell(reply: Reply) -> None:
            await self.surfaces.ephemeral(reply, response_url=response_url, user=user)

        async def work() -> None:
            if call is not None and lacks_argument(call):
                await tell(notice(language, USAGE[call.name]))
                return
            conversation = where(body, user)
            message_id = f"command/{trigger_id}" if trigger_id else None
            if call is None:  # free text after the command word: a message like any other
                reply = await self.bot.handle(
                    IncomingMessage(
                        platform=Platform.SLACK,
                        user_id=user,
                        conversation=conversation,
                        text=text,
                        locale=profile.locale,
                        message_id=message_id,
                        user_name=profile.name,
                    )
                )
            else:
                reply = await self.bot.handle_command(
                    IncomingCommand(
                        platform=Platform.SLACK,
                        user_id=user,
                        conversation=conversation,
                        name=call.name,
                        argument=call.argument,
                        locale=profile.locale,
                        command_id=message_id,
                        user_name=profile.name,
                    )
                )
            await self.forms.show(reply, trigger_id=trigger_id, channel=channel, tell=tell)

        await self._guarded(work, tell, language)

    async def press(self, body: Payload) -> None:
        """Handle a button press: record a link open, open a form, or run the core's action."""
        actions = p.actions_of(body)
        if not actions:
            return
        action = actions[0]
        action_id = str(action.get("action_id") or "")
        user = p.user_of(body)
        profile = await self._profile(user)
        language = self._language(profile)
        container, ts = p.container_of(body)
        channel = p.channel_of(body)
        response_url = str(body.get("response_url") or "") or None
        trigger_id = str(body.get("trigger_id") or "")
        value = str(action.get("value") or "")
        if action_id.startswith(LINK):
            await self._link_opened(body, user=user, value=value, profile=profile)
            return

        async def tell(reply: Reply) -> None:
            if container == "message":
                await self.surfaces.replace(
                    reply, response_url=response_url, channel=channel, ts=ts
                )
            else:
                await self.surfaces.post(reply, channel=user)

        async def work() -> None:
            reopen = reopen_of(action_id, value)
            if reopen is not None:
                await self.forms.reopen(body, reopen, user=user, profile=profile, tell=tell)
                return
            if action_id.startswith(FORM):
                await self.forms.open_from_source(
                    body, value=value, user=user, profile=profile, tell=tell
                )
                return
            reply = await self.bot.handle_action(
                pressed(body, user=user, profile=profile, action=action_of(action_id), value=value)
            )
            if reply is not None:
                await self.forms.show(reply, trigger_id=trigger_id, channel=channel, tell=tell)
            if container == "home":
                await self.publish_home_for(
                    user, channel=channel, profile=profile, team=p.team_of(body)
                )

        await self._guarded(work, tell, language)

    async def _link_opened(self, body: Payload, *, user: str, value: str, profile: Profile) -> None:
        # Only worth recording when sharing is installed; the message stays as it is.
        if not self.bot.handles_action(suggestion_actions.OPENED):
            return
        incoming = pressed(
            body, user=user, profile=profile, action=suggestion_actions.OPENED, value=value
        )
        try:
            await self.bot.handle_action(incoming)
        except Exception:
            log.exception("recording a link open failed")

    async def queue_shortcut(self, body: Payload) -> None:
        """The "Queue for sharing" message shortcut: the queue form, prefilled with the link."""
        user = p.user_of(body)
        profile = await self._profile(user)
        language = self._language(profile)
        response_url = str(body.get("response_url") or "") or None
        channel = p.channel_of(body)
        message = body.get("message")
        text = str(message.get("text") or "") if isinstance(message, Mapping) else ""

        async def tell(reply: Reply) -> None:
            await self.surfaces.ephemeral(reply, response_url=response_url, user=user)

        async def work() -> None:
            url = p.first_url(text)
            if url is None:
                await tell(notice(language, "slack.shortcut.no_link"))
                return
            reply = await self.bot.handle_action(
                pressed(body, user=user, profile=profile, action=QUEUE_FORM_ACTION, value=url)
            )
            if reply is not None:
                await self.forms.show(
                    reply, trigger_id=str(body.get("trigger_id") or ""), channel=channel, tell=tell
                )

        await self._guarded(work, tell, language)

    async def publish_home(self, body: Payload) -> None:
        """Publish the App Home tab of the person who opened it."""
        event = p.event_of(body)
        user = str(event.get("user") or "")
        if not user:
            return
        profile = await self._profile(user)
        await self.publish_home_for(
            user, channel=str(event.get("channel") or ""), profile=profile, team=p.team_of(body)
        )

    async def publish_home_for(
        self, user: str, *, channel: str, profile: Profile, team: str
    ) -> None:
        """Publish ``user``'s App Home tab as the core composes it now."""
        reply = await self.bot.home(
            platform=Platform.SLACK,
            platform_user_id=user,
            conversation=p.to_conversation(channel=channel or user, user=user, team=team),
            locale=profile.locale,
            user_name=profile.name,
        )
        await self.surfaces.publish_home(reply, user=user)

    async def deliver_late(self, reply: Reply | None, *, user: str, channel: str | None) -> None:
        """Show the result of a form that took too long to answer in the modal itself."""
        if reply is None:
            return
        rest = without_forms(reply) or reply
        direct = channel if channel and channel.startswith("D") else user
        await self.surfaces.post(rest, channel=direct)

    async def submit_form(
        self, body: Payload, *, action: str, value: str, form: dict[str, str], channel: str | None
    ) -> Reply | None:
        """The core's answer to a submitted modal (None closes the modal)."""
        user = p.user_of(body)
        profile = await self._profile(user)
        view = body.get("view") if isinstance(body.get("view"), Mapping) else {}
        assert isinstance(view, Mapping)
        incoming = IncomingAction(
            platform=Platform.SLACK,
            user_id=user,
            conversation=p.to_conversation(
                channel=channel or user, user=user, team=p.team_of(body)
            ),
            action=action,
            value=value,
            form=form,
            locale=profile.locale,
            action_id=f"view/{view.get('id') or ''}/{view.get('hash') or ''}",
            user_name=profile.name,
        )
        return await self.bot.handle_action(incoming)

    async def tell_failure(self, user: str) -> None:
        """Tell ``user`` in their direct message that their request failed."""
        profile = await self._profile(user)
        try:
            await self.surfaces.post(notice(self._language(profile), "slack.error"), channel=user)
        except Exception:  # Slack itself is failing; the log has the story
            log.exception("could not tell the person that something failed")
