"""The comms team's queue in chat: ``queue <url> [title]``, buttons and the queue form.

Only people with the ``comms`` or ``admin`` role (from the settings, or granted in the
``role`` table) may queue, edit, approve or retire; anyone else gets a polite refusal.
Actions: ``content.approve``, ``content.retire``, ``content.show`` (value: an item id),
``content.form`` (value: an item id, a URL, or nothing) and ``content.save`` (the form).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from datetime import datetime

from bot.checking import SharedItem
from bot.content.fields import input_from_values
from bot.content.form import content_form, title_from_url
from bot.content.items import ContentError, ContentInput, Saved
from bot.content.queue import MANAGER_ROLES, ContentQueue
from bot.content.replies import item_choices, item_parts, notice, problems_reply
from bot.content.store import StorageError
from bot.features import Context
from bot.i18n import t
from bot.intents import Intent, Understood
from bot.messages import IncomingAction, Part, Reply, Text

log = logging.getLogger(__name__)

# "https://x.nl/a Title", and Slack's "<https://x.nl/a|label> Title".
_LINK = re.compile(r"^<?(?P<url>https?://[^\s<>|]+)(?:\|(?P<label>[^>]*))?>?\s*(?P<rest>.*)$", re.S)
_TRAILING = ".,;:!?)]}'\""
_ANY_LINK = re.compile(r"<?https?://", re.I)


def parse_queue_text(text: str) -> tuple[str, str]:
    """The URL and the title from ``<url> [title]``; the title defaults to host and path."""
    match = _LINK.match(text.strip())
    if match is None:
        return "", ""
    url = match["url"]
    if not text.lstrip().startswith("<"):
        url = url.rstrip(_TRAILING)
    title = " ".join(match["rest"].split()) or (match["label"] or "").strip()
    return url, title or title_from_url(url)


def actor(ctx: Context) -> str:
    """How a chat user is recorded as having added or approved an item."""
    return f"{ctx.platform.value}:{ctx.platform_user_id}"


class ContentFeature:
    """Queue, edit, approve and retire content from chat."""

    intents = frozenset({Intent.QUEUE})
    action_prefix = "content"

    def __init__(self, queue: ContentQueue) -> None:
        self.queue = queue

    async def shared_items(self, now: datetime) -> list[SharedItem]:
        """The live items as the draft checker compares them: link, title, summary and
        every caption, so a pasted caption is not taken for the author's own words."""
        live = await asyncio.to_thread(self.queue.live, now=now)
        return [
            SharedItem(
                url=item.url,
                texts=(
                    item.title,
                    item.summary,
                    *(caption for captions in item.captions.values() for caption in captions),
                ),
            )
            for item in live
        ]

    async def _may_manage(self, ctx: Context) -> bool:
        if ctx.roles & MANAGER_ROLES:
            return True
        try:
            granted = await asyncio.to_thread(
                self.queue.roles_of, ctx.platform.value, ctx.platform_user_id
            )
        except Exception:  # a storage hiccup must not crash the reply; it refuses
            log.exception("could not read roles")
            return False
        return bool(granted & MANAGER_ROLES)

    def _refusal(self, ctx: Context) -> Reply:
        return notice("content.refused", language=ctx.language, kind="content.refused")

    def _not_found(self, ctx: Context, value: object) -> Reply:
        return notice(
            "content.problem.not_found", language=ctx.language, kind="content.invalid", id=value
        )

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        """Queue the URL in ``understood.text`` as a draft, and offer approve/edit/retire."""
        try:
            return await self._on_message(ctx, understood)
        except StorageError:  # the database is away: say so, never a stack trace
            log.exception("content queue unavailable")
            return notice("content.unavailable", language=ctx.language, kind="content.unavailable")

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        """Handle the queue's buttons and form; anyone without the role is refused."""
        try:
            return await self._on_action(ctx, action)
        except StorageError:
            log.exception("content queue unavailable")
            return notice("content.unavailable", language=ctx.language, kind="content.unavailable")

    async def _on_message(self, ctx: Context, understood: Understood) -> Reply:
        if not await self._may_manage(ctx):
            return self._refusal(ctx)
        url, title = parse_queue_text(understood.text)
        if not url:
            return notice("content.queue.no_url", language=ctx.language, kind="content.invalid")
        content = ContentInput(url=url, title=title)
        try:
            saved = await asyncio.to_thread(self.queue.add, content, by=actor(ctx))
        except ContentError as error:
            return problems_reply(
                error, language=ctx.language, heading="content.queue.failed", kind="content.invalid"
            )
        return self._saved_reply(ctx, saved, "content.queued")

    async def _on_action(self, ctx: Context, action: IncomingAction) -> Reply:
        if not await self._may_manage(ctx):
            return self._refusal(ctx)
        name = action.action.split(".", 1)[1] if "." in action.action else ""
        if name == "form":
            return await self._form(ctx, action.value.strip())
        if name == "save":
            return await self._save(ctx, action)
        if name not in ("approve", "retire", "show"):
            return notice("action.unknown", language=ctx.language, kind="notice")
        item_id = _item_id(action.value)
        if item_id is None:
            return self._not_found(ctx, action.value)
        try:
            if name == "approve":
                saved = await asyncio.to_thread(self.queue.approve, item_id, by=actor(ctx))
                return self._saved_reply(ctx, saved, "content.approved")
            if name == "retire":
                item = await asyncio.to_thread(self.queue.retire, item_id, by=actor(ctx))
                return self._saved_reply(ctx, Saved(item=item), "content.retired")
            shown = await asyncio.to_thread(self.queue.get, item_id)
            if shown is None:
                return self._not_found(ctx, item_id)
            return self._saved_reply(ctx, Saved(item=shown), None)
        except ContentError as error:
            heading = "content.approve.failed" if name == "approve" else "content.action.failed"
            reply = problems_reply(
                error, language=ctx.language, heading=heading, kind="content.invalid"
            )
            current = await asyncio.to_thread(self.queue.get, item_id)
            if current is None:
                return reply
            return Reply(
                parts=(*reply.parts, item_choices(current, ctx.language)),
                language=ctx.language,
                kind=reply.kind,
            )

    async def _form(self, ctx: Context, value: str) -> Reply:
        item = None
        url = ""
        if value.isdigit():
            item = await asyncio.to_thread(self.queue.get, int(value))
            if item is None:
                return self._not_found(ctx, value)
        else:
            # A message shortcut may pass the whole message: take the first link in it.
            found = _ANY_LINK.search(value)
            url = parse_queue_text(value[found.start() :])[0] if found else ""
        form = content_form(
            language=ctx.language,
            languages=ctx.guidelines.languages,
            timezone=self.queue.timezone,
            item=item,
            url=url,
        )
        return Reply(parts=(form,), language=ctx.language, kind="content.form")

    async def _save(self, ctx: Context, action: IncomingAction) -> Reply:
        values = dict(action.form)
        content, problems = input_from_values(values, timezone=self.queue.timezone)
        item_id = _item_id(action.value)
        if action.value.strip() and item_id is None:
            return self._not_found(ctx, action.value)
        try:
            if content is None:
                raise ContentError(problems)
            if item_id is None:
                saved = await asyncio.to_thread(self.queue.add, content, by=actor(ctx))
                return self._saved_reply(ctx, saved, "content.queued")
            current = await asyncio.to_thread(self.queue.get, item_id)
            if current is not None:
                # The form leaves the audience languages out; keep what was set.
                content = replace(content, languages=current.languages)
            saved = await asyncio.to_thread(self.queue.update, item_id, content, by=actor(ctx))
            return self._saved_reply(ctx, saved, "content.saved")
        except ContentError as error:
            reply = problems_reply(
                error, language=ctx.language, heading="content.save.failed", kind="content.invalid"
            )
            item = await asyncio.to_thread(self.queue.get, item_id) if item_id is not None else None
            form = content_form(
                language=ctx.language,
                languages=ctx.guidelines.languages,
                timezone=self.queue.timezone,
                item=item,
                values=values,
            )
            return Reply(parts=(*reply.parts, form), language=ctx.language, kind=reply.kind)

    def _saved_reply(self, ctx: Context, saved: Saved, done: str | None) -> Reply:
        """What was done (``done`` names the sentence), the item, and its buttons."""
        language = ctx.language
        parts: list[Part] = [Text(text=t(language, done))] if done else []
        parts.extend(
            item_parts(
                saved.item,
                language=language,
                now=ctx.now,
                timezone=self.queue.timezone,
                findings=saved.findings,
            )
        )
        parts.append(item_choices(saved.item, language))
        return Reply(parts=tuple(parts), language=language, kind=done or "content.item")

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing: the queue never speaks first."""
        return ()

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing on the home view (suggestions show content there)."""
        return ()


def _item_id(value: str) -> int | None:
    text = value.strip()
    return int(text) if text.isdigit() else None
