"""Opening the core's forms as Slack modals: from a reply that holds one, and from a
form button pressed later (the modal needs the press's trigger id, so the form is asked
of the core again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adapters.slack import payloads as p
from adapters.slack.actions import decode_form_source
from adapters.slack.profiles import Profile
from adapters.slack.requests import Payload, notice, pressed
from adapters.slack.surfaces import Surfaces
from bot.conversation import Merkwerker
from bot.messages import Form, FormAction, IncomingMessage, Platform, Reply

Tell = Callable[[Reply], Awaitable[None]]


def form_of(reply: Reply, action: str = "", reopen: FormAction | None = None) -> Form | None:
    """The form that ``reopen`` asks for again (or whose own action is ``action``), else
    the reply's first form; None when it holds none."""
    forms = [part for part in reply.parts if isinstance(part, Form)]
    wanted = (f for f in forms if (f.reopen == reopen if reopen else f.action == action))
    return next(wanted, forms[0] if forms else None)


def without_forms(reply: Reply) -> Reply | None:
    """``reply`` without its forms; None when nothing else is left."""
    parts = tuple(part for part in reply.parts if not isinstance(part, Form))
    return Reply(parts=parts, language=reply.language, kind=reply.kind) if parts else None


class FormOpener:
    """Shows replies that may hold a form, and opens forms from their buttons."""

    def __init__(self, bot: Merkwerker, surfaces: Surfaces) -> None:
        self.bot = bot
        self.surfaces = surfaces

    async def show(
        self,
        reply: Reply,
        *,
        trigger_id: str,
        channel: str | None,
        tell: Tell,
        form_action: str = "",
        reopen: FormAction | None = None,
        tell_rest: bool = True,
    ) -> None:
        """Open the reply's form as a modal (if any and possible), and tell the rest."""
        form = form_of(reply, form_action, reopen)
        if form is not None and trigger_id:
            opened = await self.surfaces.open_form(
                form, trigger_id=trigger_id, language=reply.language, channel=channel or None
            )
            if opened:
                rest = without_forms(reply)
                if rest is not None and tell_rest:
                    await tell(rest)
                return
        await tell(reply)

    async def reopen(
        self, body: Payload, reopen: FormAction, *, user: str, profile: Profile, tell: Tell
    ) -> None:
        """Open a form from its button: ask the core for it again with its ``reopen``."""
        reply = await self.bot.handle_action(
            pressed(body, user=user, profile=profile, action=reopen.action, value=reopen.value)
        )
        await self._open_found(
            body,
            reply,
            language=self.bot.language_for("", profile.locale),
            tell=tell,
            reopen=reopen,
        )

    async def open_from_source(
        self, body: Payload, *, value: str, user: str, profile: Profile, tell: Tell
    ) -> None:
        """Open a form from a button posted before forms carried ``reopen`` (or from a form
        without one): its value holds where the form came from, the home view or the
        message that made it, which is asked again to get the form back."""
        source = decode_form_source(value)
        channel = p.channel_of(body)
        team = p.team_of(body)
        conversation = p.to_conversation(channel=channel or user, user=user, team=team)
        if source is None:
            await tell(notice(self.bot.language_for("", profile.locale), "action.unknown"))
            return
        if source.home:
            reply = await self.bot.home(
                platform=Platform.SLACK,
                platform_user_id=user,
                conversation=conversation,
                locale=profile.locale,
                user_name=profile.name,
            )
        else:
            reply = await self.bot.handle(
                IncomingMessage(
                    platform=Platform.SLACK,
                    user_id=user,
                    conversation=conversation,
                    text=source.text,
                    locale=profile.locale,
                    user_name=profile.name,
                )
            )
        await self._open_found(
            body, reply, language=reply.language, tell=tell, form_action=source.action
        )

    async def _open_found(
        self,
        body: Payload,
        reply: Reply | None,
        *,
        language: str,
        tell: Tell,
        form_action: str = "",
        reopen: FormAction | None = None,
    ) -> None:
        """Open the form a form button asked for as a modal; a notice when there is none."""
        if reply is None or form_of(reply, form_action, reopen) is None:
            await tell(notice(reply.language if reply else language, "action.unknown"))
            return
        await self.show(
            reply,
            trigger_id=str(body.get("trigger_id") or ""),
            channel=p.channel_of(body),
            tell=tell,
            form_action=form_action,
            reopen=reopen,
            # The message with the button stays as it is, so the form can be opened again.
            tell_rest=False,
        )
