"""Named commands (Slack's ``/merkwerker <name> <argument>``): their names with their
Dutch and English aliases, so no adapter copies them, and the intent each one stands for.

Pure functions over text, like ``bot.intents``, which reads what a person typed freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.intents import WEB_LINK, Intent, Understood, simplify, understand
from bot.messages import Command

COMMAND_NAMES: dict[str, Command] = {
    **{command.value: command for command in Command},
    "vraag": Command.ASK,
    "controleer": Command.CHECK,
    "toets": Command.CHECK,
    "delen": Command.SHARE,
    "instellingen": Command.SETTINGS,
    "vergeet": Command.FORGET,
    "wachtrij": Command.QUEUE,
}
"""Every word that names a command: the English names and their Dutch aliases."""
_WITHOUT_ARGUMENT = frozenset({Command.HELP, Command.SHARE, Command.MYDATA, Command.FORGET})
_COMMAND_INTENTS = {
    Command.HELP: Intent.HELP,
    Command.SHARE: Intent.SHARE,
    Command.MYDATA: Intent.MYDATA,
    Command.FORGET: Intent.FORGET,
}


@dataclass(frozen=True, kw_only=True)
class CommandCall:
    """A command and its argument, as typed after a platform's command word."""

    name: Command
    argument: str = ""


def command_of(text: str) -> CommandCall | None:
    """The command in ``text`` (what followed ``/merkwerker``), or None for free text.

    Empty text asks for help. A first word that names no command, or names one that
    takes no argument while more follows ("share this with my team?"), makes the whole
    text free text, for ``understand``.
    """
    stripped = text.strip()
    if not stripped:
        return CommandCall(name=Command.HELP)
    word, _, rest = stripped.partition(" ")
    name = COMMAND_NAMES.get(word.lower())
    rest = rest.strip()
    if name is None or (name in _WITHOUT_ARGUMENT and rest):
        return None
    return CommandCall(name=name, argument=rest)


def lacks_argument(call: CommandCall) -> bool:
    """True when ``call`` needs an argument it does not have (a question, a draft, a link)."""
    if call.name in (Command.ASK, Command.CHECK):
        return not call.argument.strip()
    if call.name is Command.QUEUE:
        return WEB_LINK.search(call.argument) is None
    return False


def understand_command(call: CommandCall) -> Understood:
    """The intent of a command, straight from its name (EMPTY when its argument is missing).

    The argument of ``ask`` is free text and is understood as typed; every other
    command decides its intent itself.
    """
    if lacks_argument(call):
        return Understood(intent=Intent.EMPTY, text="")
    argument = call.argument.strip()
    intent = _COMMAND_INTENTS.get(call.name)
    if intent is not None:
        return Understood(intent=intent, text="")
    if call.name is Command.ASK:
        return understand(argument)
    if call.name is Command.CHECK:
        return Understood(intent=Intent.CHECK, text=argument)
    if call.name is Command.QUEUE:
        url = WEB_LINK.search(argument)
        assert url is not None  # lacks_argument said so
        return Understood(intent=Intent.QUEUE, text=argument[url.start() :].strip())
    # Settings and privacy read the whole folded command, as when typed in a message.
    intent = Intent.SETTINGS if call.name is Command.SETTINGS else Intent.PRIVACY
    return Understood(intent=intent, text=simplify(f"{call.name.value} {argument}"))
