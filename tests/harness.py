"""Conversations with the real bot, for tests that read like a chat.

``Chat`` builds the bot as a deployment does (``build_bot`` with every feature, a real
database, a guidelines folder and a clock the test moves) and hands out people who
talk to it::

    anna = chat.person("anna", language="nl")
    assert "⛔" not in anna.say("mag ik een foto van de kantine posten?")
    anna.click("Ik heb het gedeeld", of="Windpark open")
    anna.say("instellingen")
    anna.submit(team="Sales")

Every reply comes back as ``Seen`` (tests/seen.py): the text a person reads, rendered by the console
adapter's own renderer (buttons numbered as the console shows them), with the buttons,
links and form alongside. The calls are plain functions: the bot runs on the harness's
own event loop, so tests using it are ordinary ``def`` tests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from samples import write_guidelines
from seen import Seen
from sqlalchemy import Engine

from adapters.app_factory import build_bot
from bot.conversation import Merkwerker
from bot.guidelines.library import GuidelinesLibrary
from bot.messages import (
    ConversationRef,
    IncomingAction,
    IncomingMessage,
    Platform,
)
from bot.settings import Settings
from bot.storage import Store
from bot.suggestions import resolve_click
from bot.suggestions.links import token_in_share_url

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_GUIDELINES = ROOT / "guidelines"

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""A Monday morning: where the clock starts unless a test says otherwise."""


class Clock:
    """The bot's clock: it stands still until the test moves it."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move on by ``delta`` (``hours=2``, ``days=1``)."""
        self.now += timedelta(**delta)


@dataclass
class Ran:
    """What a command printed and how it ended."""

    returncode: int
    stdout: str
    stderr: str


def merkwerker(*args: str, cwd: Path = ROOT, timeout: float = 120, columns: int = 200) -> Ran:
    """Run ``merkwerker <args>`` as its own process, as a person at a terminal would (an
    English locale, a wide window): none of the developer's ``MERKWERKER_*`` settings,
    the session's embedding cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MERKWERKER_", "DATABASE"))}
    env.update(
        PYTHONPATH=str(ROOT),
        LANG="en_GB.UTF-8",
        COLUMNS=str(columns),
        MERKWERKER_EMBEDDING_CACHE=os.environ["MERKWERKER_EMBEDDING_CACHE"],
    )
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
    return Ran(returncode=done.returncode, stdout=done.stdout, stderr=done.stderr)


def cli(*args: str, database: str) -> Ran:
    """Run ``merkwerker <args> --database <database>`` in this process (no terminal)."""
    from typer.testing import CliRunner

    from adapters.cli.main import app

    runner = CliRunner(env={"LANG": "en_GB.UTF-8", "MERKWERKER_LANGUAGE": None})
    result = runner.invoke(app, [*args, "--database", database])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


@dataclass
class Person:
    """Someone talking to the bot on one platform, one message or press at a time."""

    chat: Chat
    user_id: str
    platform: Platform = Platform.SLACK
    locale: str | None = "en"
    last: Seen = field(default_factory=lambda: Seen(None))
    """The last reply this person got (a press without reply leaves it as it was)."""
    _shown: Seen = field(default_factory=lambda: Seen(None))
    _again: IncomingMessage | IncomingAction | None = None

    @property
    def conversation(self) -> ConversationRef:
        return ConversationRef(
            platform=self.platform, conversation_id=f"D-{self.user_id}", user_id=self.user_id
        )

    def switch_language(self, language: str | None) -> None:
        """From now on the person's client reports ``language`` (None: not known)."""
        self.locale = language

    def say(self, text: str, *, language: str | None = None) -> Seen:
        """Send ``text``; what comes back. ``language`` overrides the platform locale once."""
        message = IncomingMessage(
            platform=self.platform,
            user_id=self.user_id,
            conversation=self.conversation,
            text=text,
            locale=language or self.locale,
            message_id=self.chat.delivery_id(),
        )
        return self._deliver(message)

    def click(self, label: str | int, *, of: str | None = None, on: Seen | None = None) -> Seen:
        """Press the button labelled ``label`` (or numbered so) in the last reply.

        With several buttons of the same label, ``of`` names the heading they sit under;
        ``on`` presses it on an earlier message instead (one still on the screen).
        """
        choice = (on or self._shown).button(label, of=of)
        return self.press(choice.action, choice.value)

    def submit(self, **fields: str) -> Seen:
        """Fill in the form of the last reply and send it; unnamed fields keep their value."""
        form = self._shown.form
        if form is None:
            raise AssertionError(f"the last reply has no form:\n{self._shown.text}")
        values = form.values
        unknown = set(fields) - set(values)
        if unknown:
            raise AssertionError(f"the form {form.title!r} has no field(s) {sorted(unknown)}")
        values.update(fields)
        return self.press(form.form.action, form.form.value, form=values)

    def press(self, action: str, value: str = "", *, form: dict[str, str] | None = None) -> Seen:
        """Send an action no visible button carries: a shortcut, an opened link, an old message."""
        incoming = IncomingAction(
            platform=self.platform,
            user_id=self.user_id,
            conversation=self.conversation,
            action=action,
            value=value,
            form=dict(form or {}),
            locale=self.locale,
            action_id=self.chat.delivery_id(),
        )
        return self._deliver(incoming)

    def redeliver(self) -> Seen:
        """Deliver the last message or press once more, as a platform retry does."""
        if self._again is None:
            raise AssertionError("nothing was sent yet")
        return self._deliver(self._again)

    def home(self) -> Seen:
        """The person's home view (Slack's App Home tab)."""
        reply = self.chat.run(
            self.chat.bot.home(
                platform=self.platform,
                platform_user_id=self.user_id,
                conversation=self.conversation,
                locale=self.locale,
            )
        )
        return self._remember(Seen(reply))

    def _deliver(self, incoming: IncomingMessage | IncomingAction) -> Seen:
        self._again = incoming
        bot = self.chat.bot
        if isinstance(incoming, IncomingMessage):
            return self._remember(Seen(self.chat.run(bot.handle(incoming))))
        return self._remember(Seen(self.chat.run(bot.handle_action(incoming))))

    def _remember(self, seen: Seen) -> Seen:
        self.last = seen
        if seen.reply is not None:
            self._shown = seen  # a reply to a press replaces the message it was on
        return seen


class Chat:
    """The bot as deployed, on a real database, and the people who talk to it.

    The bot is built when first needed, so the people given roles before then are in
    its settings as a deployment configures them (``MERKWERKER_COMMS``).
    """

    def __init__(
        self,
        folder: Path,
        *,
        database_url: str | None = None,
        guidelines: Path | None = None,
        shipped_guidelines: bool = False,
        now: datetime = T0,
        timezone: str = "Europe/Amsterdam",
        public_url: str | None = None,
        secret: str = "",
    ) -> None:
        self.folder = folder
        self.public_url = public_url
        self.secret = secret
        self.clock = Clock(now)
        self.database_url = database_url or f"sqlite:///{folder / 'merkwerker.db'}"
        if guidelines is None:
            guidelines = folder / "guidelines"
            if shipped_guidelines:
                shutil.copytree(SHIPPED_GUIDELINES, guidelines)
            else:
                write_guidelines(guidelines)
        self.guidelines = guidelines
        self.timezone = timezone
        self.store = Store.open(self.database_url, clock=self.clock)
        self._roles: dict[str, set[str]] = {}
        self._people: dict[tuple[Platform, str], Person] = {}
        self._bot: Merkwerker | None = None
        self._loop = asyncio.Runner(loop_factory=asyncio.new_event_loop)
        self._deliveries = itertools.count(1)

    @property
    def engine(self) -> Engine:
        """The database, for setting up what a test starts from."""
        return self.store.engine

    @property
    def settings(self) -> Settings:
        """The deployment's settings: these guidelines, this database, who is in comms."""
        comms = frozenset(key for key, roles in self._roles.items() if "comms" in roles)
        admins = frozenset(key for key, roles in self._roles.items() if "admin" in roles)
        return Settings(
            guidelines=self.guidelines,
            database_url=self.database_url,
            comms=comms,
            admins=admins,
            timezone=self.timezone,
            public_url=self.public_url,
            secret=self.secret,
            embedding_cache=os.environ.get("MERKWERKER_EMBEDDING_CACHE"),
        )

    @property
    def bot(self) -> Merkwerker:
        """The bot, built on first use."""
        if self._bot is None:
            library = GuidelinesLibrary.open(self.guidelines)
            self._bot = build_bot(
                self.settings, store=self.store, clock=self.clock, library=library
            )
        return self._bot

    def person(
        self,
        user_id: str,
        *,
        roles: set[str] | frozenset[str] = frozenset(),
        language: str | None = "en",
        platform: Platform = Platform.SLACK,
    ) -> Person:
        """Someone on ``platform`` whose client reports ``language`` (None: not known).

        Asking again for the same person gives the same ``Person``, mid-conversation.
        """
        if roles:
            if self._bot is not None:
                raise AssertionError("give people their roles before the first conversation")
            self._roles.setdefault(f"{platform.value}:{user_id}", set()).update(roles)
        key = (platform, user_id)
        if key not in self._people:
            self._people[key] = Person(
                chat=self, user_id=user_id, platform=platform, locale=language
            )
        return self._people[key]

    def later(self, **delta: float) -> None:
        """Let time pass (``hours=2``)."""
        self.clock.advance(**delta)

    def cli(self, *args: str) -> Ran:
        """Run ``merkwerker <args> --database <this database>`` in this process."""
        return cli(*args, database=self.database_url)

    def export(self, user_id: str, *, platform: Platform = Platform.SLACK) -> dict[str, Any]:
        """What ``merkwerker privacy export`` hands a person: everything stored about them."""
        done = self.cli("privacy", "export", "--platform", platform.value, "--user", user_id)
        assert done.returncode == 0, done.stderr
        document: dict[str, Any] = json.loads(done.stdout)
        return document

    def queue(self) -> list[dict[str, Any]]:
        """The content queue as ``merkwerker content list --json`` shows it, newest first."""
        done = self.cli("content", "list", "--json", "-g", str(self.guidelines))
        assert done.returncode == 0, done.stderr
        items: list[dict[str, Any]] = json.loads(done.stdout)
        return items

    def report(self) -> dict[str, Any]:
        """The comms team's report (``merkwerker report --format json``) around today."""
        today = self.clock().date()
        since, until = today - timedelta(days=28), today + timedelta(days=28)
        done = self.cli(
            "report", "--format", "json", "--since", since.isoformat(), "--until", until.isoformat()
        )
        assert done.returncode == 0, done.stderr
        document: dict[str, Any] = json.loads(done.stdout)
        return document

    def open_link(self, url: str, *, user_agent: str = "Mozilla/5.0") -> str | None:
        """Someone opens a link a person shared; where it leads (None: not one of ours)."""
        token = token_in_share_url(url)
        assert token is not None, f"no share token in {url}"
        return resolve_click(self.engine, token, now=self.clock(), user_agent=user_agent)

    def delivery_id(self) -> str:
        """A new platform delivery id (each message and press has its own)."""
        return f"d{next(self._deliveries)}"

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the bot's event loop and wait for it."""
        return self._loop.run(work)

    def close(self) -> None:
        """Stop the bot's loop and close the database."""
        self._loop.close()
        self.store.close()


@contextmanager
def open_chat(folder: Path, **options: Any) -> Iterator[Chat]:
    """A ``Chat`` in ``folder`` (see ``Chat`` for ``options``), closed afterwards."""
    chat = Chat(folder, **options)
    try:
        yield chat
    finally:
        chat.close()
