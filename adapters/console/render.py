"""Rendering the core's replies in a terminal with Rich: one pure function."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text as RichText

from bot.messages import Choices, Divider, Fact, Form, Link, Reply, Text


def to_renderable(reply: Reply, *, numbered: bool = False) -> RenderableType:
    """A Rich renderable for ``reply``; the console's counterpart of Slack's blocks.

    With ``numbered``, buttons are shown as ``[1] label`` so a person can type the number.
    """
    items: list[RenderableType] = []
    counter = 0
    for part in reply.parts:
        if isinstance(part, Text):
            if part.style == "heading":
                items.append(RichText(part.text, style="bold"))
            elif part.style == "quote":
                items.append(_Indented(RichText(part.text, style="italic cyan")))
            elif part.style == "note":
                items.append(RichText(part.text, style="dim"))
            else:
                items.append(RichText(part.text))
        elif isinstance(part, Fact):
            line = RichText()
            line.append(f"{part.label}: ", style="bold")
            line.append(part.value)
            items.append(line)
        elif isinstance(part, Link):
            line = RichText()
            line.append(f"{part.label}: ", style="bold")
            line.append(part.url, style=f"link {part.url} underline")
            items.append(line)
        elif isinstance(part, Choices):
            labels = []
            for choice in part.choices:
                counter += 1
                labels.append(f"[{counter}] {choice.label}" if numbered else f"[{choice.label}]")
            items.append(RichText("  ".join(labels), style="magenta"))
        elif isinstance(part, Form):
            items.append(RichText(part.title, style="bold"))
        elif isinstance(part, Divider):
            items.append(Rule(style="dim"))
    return Group(*items)


class _Indented:
    """``text`` two columns in: wrapped inside the indent on a terminal; whole lines when
    the console does not wrap (output to a pipe or file), where a padding would crop
    the text at the console's width."""

    def __init__(self, text: RichText) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.no_wrap:
            indented = RichText("  ")
            for number, line in enumerate(self.text.split("\n", allow_blank=True)):
                if number:
                    indented.append("\n  ")
                indented.append_text(line)
            yield indented
        else:
            yield Padding(self.text, (0, 0, 0, 2))
