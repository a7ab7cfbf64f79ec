"""A chat with the bot in the terminal: read a line, show the reply.

Buttons become numbered choices (type the number), forms become one question per
field, so everything the bot offers in Slack or Teams can be tried here.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import sys
import uuid
from datetime import datetime

from rich.console import Console

from adapters.console.render import to_renderable
from bot.conversation import Merkwerker
from bot.guidelines.owner_notices import broken_notice, fixed_notice, warnings_notice
from bot.guidelines.problems import Problem
from bot.guidelines.rules import Guidelines
from bot.i18n import t
from bot.intents import Intent, button_number, understand
from bot.messages import (
    Choice,
    Choices,
    ConversationRef,
    Form,
    IncomingAction,
    IncomingMessage,
    Platform,
    Reply,
)

QUIT_WORDS = frozenset({"quit", "exit", "stop", "stoppen", "/quit", "/exit", "doei", "bye"})


class ConsoleChat:
    """Runs the real core against standard input and output."""

    def __init__(
        self,
        bot: Merkwerker,
        *,
        console: Console | None = None,
        user_id: str | None = None,
        locale: str | None = None,
    ) -> None:
        self.bot = bot
        self.console = console or Console(highlight=False)
        self.user_id = user_id or local_user()
        self.locale = locale
        self.conversation = ConversationRef(
            platform=Platform.CONSOLE, conversation_id="console", user_id=self.user_id
        )
        self._choices: list[Choice] = []
        self._mistyped = False
        self._interactive = False
        self._language: str | None = None
        """The language of the last reply shown: guidelines notices use it too."""

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        """Show a message the bot sends on its own initiative (such as a digest)."""
        del to  # one terminal, one conversation
        self._show(reply)

    async def delivered(self, *, to: ConversationRef, key: str, since: datetime) -> bool | None:
        """None: a terminal keeps no record of what it showed."""
        return None

    def _show(self, reply: Reply) -> None:
        choices = [c for part in reply.parts if isinstance(part, Choices) for c in part.choices]
        if choices or not self._mistyped:
            self._choices = choices
        self._mistyped = False
        self._language = reply.language
        self.console.print(to_renderable(reply, numbered=True))
        self.console.print()

    def _edit_unusable(self, problems: tuple[Problem, ...], serving: Guidelines | None) -> None:
        # Whoever edits the guidelines while chatting sees why the edit is not live yet,
        # with file and line, in the chat's language (the log would say it in English).
        if serving is not None:
            self._show_notice(broken_notice(problems, serving, language=self._notice_language()))

    def _live_with_warnings(
        self, warnings: tuple[Problem, ...], guidelines: Guidelines | None
    ) -> None:
        if warnings and guidelines is not None:
            self._show_notice(
                warnings_notice(warnings, guidelines, language=self._notice_language())
            )

    def _valid_again(self, guidelines: Guidelines) -> None:
        self._show_notice(fixed_notice(guidelines, language=self._notice_language()))

    def _notice_language(self) -> str:
        return self._language or self.bot.language_for("", self.locale)

    def _show_notice(self, reply: Reply) -> None:
        self.console.print(to_renderable(reply, numbered=True))
        self.console.print()

    async def run(self) -> None:
        """Chat until end of input or a quit word; guidelines edits are picked up live,
        and one that cannot be used, or is live with warnings, is shown with them."""
        stop = asyncio.Event()
        self.bot.library.on_problems(self._edit_unusable)
        self.bot.library.on_valid_again(self._valid_again)
        self.bot.library.on_warnings(self._live_with_warnings)
        watcher = asyncio.create_task(self.bot.library.watch(stop=stop))
        self._interactive = sys.stdin.isatty()
        language = self.bot.language_for("", self.locale)
        try:
            if self._interactive:
                self._show(await self._welcome())
            while True:
                line = await self._read("» ")
                if line is None or line.strip().casefold() in QUIT_WORDS:
                    break
                if not line.strip():
                    continue
                if not self._interactive:
                    self.console.print(f"» {line}", style="bold blue")
                reply = await self._respond(line)
                while reply is not None:
                    form = next((p for p in reply.parts if isinstance(p, Form)), None)
                    self._show(reply)
                    if form is None:
                        break
                    reply = await self._fill(form, language=reply.language)
        finally:
            stop.set()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
        if self._interactive:
            self.console.print(t(language, "console.bye"), style="dim")

    async def _respond(self, line: str) -> Reply | None:
        number = button_number(line)
        if number is not None and 1 <= number <= len(self._choices):
            choice = self._choices[number - 1]
            return await self.bot.handle_action(self._action(choice.action, choice.value, {}))
        # A number with no button, "²", "👍": the buttons shown stay pressable.
        self._mistyped = understand(line).intent in (Intent.COMMAND, Intent.THANKS)
        return await self.bot.handle(
            IncomingMessage(
                platform=Platform.CONSOLE,
                user_id=self.user_id,
                conversation=self.conversation,
                text=line,
                locale=self.locale,
                message_id=uuid.uuid4().hex,
            )
        )

    async def _fill(self, form: Form, *, language: str) -> Reply | None:
        """Ask for each field of ``form`` and submit it; ``-`` or the end of input cancels.

        The hint and the cancel notice are in ``language``, that of the reply holding
        the form, as its labels are.
        """
        self.console.print(t(language, "console.form_hint"), style="dim")
        values: dict[str, str] = {}
        for field in form.fields:
            options = ""
            if field.options:
                options = " (" + ", ".join(o.value for o in field.options) + ")"
            current = f" [{field.value}]" if field.value else ""
            answer = await self._read(f"{field.label}{options}{current}: ")
            if answer is None or answer.strip() == "-":
                self.console.print(t(language, "console.form_cancelled"), style="dim")
                return None
            values[field.id] = answer.strip() or field.value
            if not self._interactive:
                self.console.print(f"{field.label}: {values[field.id]}", style="blue")
        return await self.bot.handle_action(self._action(form.action, form.value, values))

    def _action(self, action: str, value: str, form: dict[str, str]) -> IncomingAction:
        return IncomingAction(
            platform=Platform.CONSOLE,
            user_id=self.user_id,
            conversation=self.conversation,
            action=action,
            value=value,
            form=form,
            locale=self.locale,
            action_id=uuid.uuid4().hex,
        )

    async def _welcome(self) -> Reply:
        """What this person can type, by role, as the chat opens."""
        reply = await self.bot.help_for(
            platform=Platform.CONSOLE,
            platform_user_id=self.user_id,
            conversation=self.conversation,
            locale=self.locale,
        )
        return Reply(parts=reply.parts, language=reply.language, kind="welcome")

    async def _read(self, prompt: str) -> str | None:
        return await asyncio.to_thread(_read_line, prompt if self._interactive else "")


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
    except UnicodeDecodeError:
        return ""


def local_user() -> str:
    """The login name of whoever runs the console, or a stand-in."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "console-user"
