"""Named commands (Slack's ``/merkwerker <name>``): their names, and the core's answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from samples import write_guidelines

from bot.conversation import Merkwerker
from bot.guidelines import GuidelinesLibrary
from bot.intents import Intent, Understood
from bot.messages import Command, ConversationRef, IncomingCommand, IncomingMessage, Platform
from bot.named_commands import (
    COMMAND_NAMES,
    CommandCall,
    command_of,
    lacks_argument,
    understand_command,
)


@pytest.mark.parametrize(
    ("typed", "call"),
    [
        ("", CommandCall(name=Command.HELP)),
        ("HELP", CommandCall(name=Command.HELP)),
        ("vraag Mag ik dit delen?", CommandCall(name=Command.ASK, argument="Mag ik dit delen?")),
        (
            "toets  Trots op ons team ",
            CommandCall(name=Command.CHECK, argument="Trots op ons team"),
        ),
        (
            "instellingen digest weekly",
            CommandCall(name=Command.SETTINGS, argument="digest weekly"),
        ),
        ("wachtrij https://x.nl", CommandCall(name=Command.QUEUE, argument="https://x.nl")),
        ("delen", CommandCall(name=Command.SHARE)),
        ("share this with my team?", None),
        ("Mag ik een foto delen?", None),
    ],
)
def test_command_names_and_aliases(typed: str, call: CommandCall | None) -> None:
    assert command_of(typed) == call


def test_every_command_has_its_own_name() -> None:
    assert all(COMMAND_NAMES[command.value] is command for command in Command)


@pytest.mark.parametrize(
    ("call", "understood"),
    [
        (
            CommandCall(name=Command.CHECK, argument="Hi #team"),
            Understood(intent=Intent.CHECK, text="Hi #team"),
        ),
        (CommandCall(name=Command.ASK, argument="help"), Understood(intent=Intent.HELP, text="")),
        (
            CommandCall(name=Command.SETTINGS, argument="Digest Weekly!"),
            Understood(intent=Intent.SETTINGS, text="settings digest weekly"),
        ),
        (
            CommandCall(name=Command.PRIVACY, argument="opt out"),
            Understood(intent=Intent.PRIVACY, text="privacy opt out"),
        ),
        (
            CommandCall(name=Command.QUEUE, argument="please https://x.nl/a Title"),
            Understood(intent=Intent.QUEUE, text="https://x.nl/a Title"),
        ),
        (
            CommandCall(name=Command.QUEUE, argument="our news"),
            Understood(intent=Intent.EMPTY, text=""),
        ),
        (CommandCall(name=Command.FORGET), Understood(intent=Intent.FORGET, text="")),
    ],
)
def test_a_command_names_its_intent(call: CommandCall, understood: Understood) -> None:
    assert understand_command(call) == understood
    assert lacks_argument(call) is (understood.intent is Intent.EMPTY)


def _where() -> ConversationRef:
    return ConversationRef(platform=Platform.CONSOLE, conversation_id="c", user_id="u")


async def test_a_command_gets_the_reply_of_the_same_request_typed(tmp_path: Path) -> None:
    bot = Merkwerker(library=GuidelinesLibrary.open(write_guidelines(tmp_path / "g")))

    async def typed(text: str) -> str:
        message = IncomingMessage(
            platform=Platform.CONSOLE, user_id="u", conversation=_where(), text=text, locale="en"
        )
        return (await bot.handle(message)).plain_text()

    async def command(name: Command, argument: str = "") -> str:
        incoming = IncomingCommand(
            platform=Platform.CONSOLE,
            user_id="u",
            conversation=_where(),
            name=name,
            argument=argument,
            locale="en",
        )
        return (await bot.handle_command(incoming)).plain_text()

    assert await command(Command.HELP) == await typed("help")
    draft = "Proud to help Acme Bank today!"
    assert await command(Command.CHECK, draft) == await typed(f"check: {draft}")
    question = "Can I post a picture of the office?"
    assert await command(Command.ASK, question) == await typed(question)
    assert await command(Command.CHECK) == await typed("")  # nothing to check
