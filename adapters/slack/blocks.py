"""The core's replies as Block Kit: message blocks, the home view and the fallback text.

Pure functions. Everything is cut to Block Kit's limits (``adapters.slack.limits``);
when something had to be left out or shortened, the last block says so ("…more: ask
me for the full text"), so Slack never refuses a reply and the person knows there is
more.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from adapters.common.text import cut
from adapters.slack import limits
from adapters.slack.actions import (
    FORM,
    LINK,
    FormSource,
    choice_action_id,
    encode_form_source,
    reopen_button,
)
from bot.i18n import t
from bot.messages import Choices, Divider, Fact, Form, Link, Part, Reply, Text

log = logging.getLogger(__name__)

Block = dict[str, Any]
_HTTP_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def escape(text: str) -> str:
    """``text`` safe to put in Slack mrkdwn: ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit, trim=True), "emoji": True}


class _Builder:
    """Collects blocks and remembers whether anything was cut."""

    def __init__(self, language: str, form_source: FormSource | None) -> None:
        self.language = language
        self.form_source = form_source
        self.blocks: list[Block] = []
        self.cut = False
        self.buttons = 0

    def text(self, text: str, limit: int) -> str:
        if len(text) > limit:
            self.cut = True
        return cut(text, limit, trim=True)

    def section(self, mrkdwn: str) -> None:
        if mrkdwn.strip():
            text = self.text(mrkdwn, limits.SECTION_TEXT)
            self.blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})

    def add(self, part: Part) -> None:
        if isinstance(part, Text):
            self._add_text(part)
        elif isinstance(part, Fact):
            label = escape(part.label.strip())
            value = escape(part.value)
            self.section(f"*{label}:* {value}" if value.strip() else f"*{label}*")
        elif isinstance(part, Link):
            self._add_link(part)
        elif isinstance(part, Choices):
            self._add_buttons(
                [self._choice_button(c.label, c.action, c.value) for c in part.choices]
            )
        elif isinstance(part, Divider):
            self.blocks.append({"type": "divider"})
        elif isinstance(part, Form):
            self._add_form(part)

    def _add_text(self, part: Text) -> None:
        if not part.text.strip():
            return
        if part.style == "heading":
            header = self.text(part.text.strip(), limits.HEADER_TEXT)
            self.blocks.append({"type": "header", "text": _plain(header, limits.HEADER_TEXT)})
        elif part.style == "quote":
            lines = part.text.splitlines() or [""]
            self.section("\n".join("&gt; " + escape(line) for line in lines))
        elif part.style == "note":
            note = self.text(escape(part.text), limits.CONTEXT_TEXT)
            self.blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
        else:
            self.section(escape(part.text))

    def _add_link(self, link: Link) -> None:
        if len(link.url) > limits.BUTTON_URL or not _HTTP_URL.fullmatch(link.url):
            # Slack refuses such a URL on a button; show it as text instead.
            self.section(f"{escape(link.label)}: {escape(link.url)}")
            return
        button = self._link_button(link)
        last = self.blocks[-1] if self.blocks else None
        if (
            last is not None
            and last["type"] == "actions"
            and len(last["elements"]) < limits.ACTIONS_PER_BLOCK
            and all(e["action_id"].startswith(LINK) for e in last["elements"])
        ):
            # Links in a row share one row of buttons.
            last["elements"].append(button)
        else:
            self._add_buttons([button])

    def _link_button(self, link: Link) -> Block:
        self.buttons += 1
        button: Block = {
            "type": "button",
            "action_id": f"{LINK}#{self.buttons}",
            "text": _plain(link.label or link.url, limits.BUTTON_TEXT),
            "url": link.url,
        }
        # The value lets the press be recorded as an open of this very link.
        if len(link.url) <= limits.BUTTON_VALUE:
            button["value"] = link.url
        return button

    def _choice_button(self, label: str, action: str, value: str) -> Block | None:
        self.buttons += 1
        action_id = choice_action_id(action, self.buttons)
        if action_id is None or len(value) > limits.BUTTON_VALUE:
            log.warning("button %r left out: its action or value is too long for Slack", label)
            self.cut = True
            return None
        button: Block = {
            "type": "button",
            "action_id": action_id,
            "text": _plain(label, limits.BUTTON_TEXT),
        }
        if value:
            button["value"] = value
        return button

    def _add_buttons(self, buttons: list[Block | None]) -> None:
        kept = [b for b in buttons if b is not None]
        for start in range(0, len(kept), limits.ACTIONS_PER_BLOCK):
            self.blocks.append(
                {"type": "actions", "elements": kept[start : start + limits.ACTIONS_PER_BLOCK]}
            )

    def _add_form(self, form: Form) -> None:
        button = self._form_button(form) if self.form_source is not None else None
        if button is None:
            # No way to open the modal later: show what the form is about instead.
            self.section(f"*{escape(form.title)}*")
            return
        action_id, value = button
        label = t(self.language, "slack.form.open", title=form.title)
        element: Block = {
            "type": "button",
            "action_id": action_id,
            "text": _plain(label, limits.BUTTON_TEXT),
            "style": "primary",
        }
        if value:  # optional; left out when empty, as for a choice (a press reads "")
            element["value"] = value
        self._add_buttons([element])

    def _form_button(self, form: Form) -> tuple[str, str] | None:
        """The ``action_id`` and ``value`` of the button that opens ``form``, if it fits."""
        assert self.form_source is not None
        index = self.buttons + 1
        if form.reopen is not None:
            button = reopen_button(form.reopen, index)
        else:  # a form its feature cannot give again by an action: replay where it came from
            source = FormSource(
                home=self.form_source.home, text=self.form_source.text, action=form.action
            )
            value = encode_form_source(source)
            button = None if value is None else (f"{FORM}#{index}", value)
        if button is not None:
            self.buttons = index
        return button

    def finish(self, max_blocks: int) -> list[Block]:
        blocks = self.blocks
        if len(blocks) > max_blocks:
            blocks = blocks[: max_blocks - 1]
            self.cut = True
        if self.cut:
            if len(blocks) >= max_blocks:
                blocks = blocks[: max_blocks - 1]
            more = t(self.language, "slack.more")
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
        return blocks


def part_blocks(
    parts: tuple[Part, ...],
    *,
    language: str,
    max_blocks: int = limits.MESSAGE_BLOCKS,
    form_source: FormSource | None = None,
) -> list[Block]:
    """Block Kit blocks for ``parts``: at most ``max_blocks``, every text within its limit.

    A ``Form`` becomes a button that opens it as a modal when ``form_source`` says where
    the reply was made (the button sends the form's ``reopen`` action), else its title.
    When anything was cut, the last block says so.
    """
    builder = _Builder(language, form_source)
    for part in parts:
        builder.add(part)
    return builder.finish(max_blocks)


def message_blocks(reply: Reply, *, form_source: FormSource | None = None) -> list[Block]:
    """The blocks of a message showing ``reply`` (at most 50)."""
    return part_blocks(
        reply.parts,
        language=reply.language,
        max_blocks=limits.MESSAGE_BLOCKS,
        form_source=form_source,
    )


def fallback_text(reply: Reply) -> str:
    """The plain-text version of ``reply`` for notifications and old clients, within limits."""
    text = escape(reply.plain_text()).strip() or "…"
    return cut(text, limits.FALLBACK_TEXT, trim=True)


def message(reply: Reply, *, form_source: FormSource | None = None) -> dict[str, Any]:
    """``text`` and ``blocks`` for ``chat.postMessage``, ``chat.update`` or a response URL."""
    return {"text": fallback_text(reply), "blocks": message_blocks(reply, form_source=form_source)}


def home_view(reply: Reply) -> dict[str, Any]:
    """The App Home tab showing ``reply`` (at most 100 blocks), for ``views.publish``."""
    blocks = part_blocks(
        reply.parts,
        language=reply.language,
        max_blocks=limits.HOME_BLOCKS,
        form_source=FormSource(home=True),
    )
    return {"type": "home", "blocks": blocks}
