"""``--help`` that reads as paragraphs: docstrings' line breaks inside a paragraph go.

Typer shows a command's docstring as written after its first paragraph, so the breaks
that keep the source under its line length would survive Rich's own wrapping and cut
sentences short on a wide terminal and in odd places on a narrow one. ``readable_help``
rewrites every command's help once, when the app is built: lines of a paragraph are
joined; blank lines between paragraphs, list items and indented lines (examples) stay.
"""

from __future__ import annotations

import inspect
import re

import typer

_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s")


def paragraphs(text: str) -> str:
    """``text`` with the line breaks inside each paragraph replaced by spaces."""
    cleaned = inspect.cleandoc(text)
    return "\n\n".join(_joined(block) for block in re.split(r"\n\s*\n", cleaned))


def _joined(block: str) -> str:
    lines = [line.rstrip() for line in block.splitlines() if line.strip()]
    if not lines:
        return ""
    out = [lines[0]]
    hang = _hang(lines[0])
    for line in lines[1:]:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if _LIST_ITEM.match(stripped) or indent > hang or "\f" in stripped:
            out.append(line)  # a list item or an indented example keeps its own line
            hang = _hang(line)
        else:
            out[-1] = f"{out[-1]} {stripped}"
    return "\n".join(out)


def _hang(line: str) -> int:
    """Where the words of ``line`` start: past its indent and any list marker."""
    stripped = line.lstrip()
    marker = _LIST_ITEM.match(stripped)
    return len(line) - len(stripped) + (marker.end() if marker else 0)


def readable_help(app: typer.Typer) -> None:
    """Give every command and group of ``app`` (and of its groups) paragraph help."""
    if isinstance(app.info.help, str):
        app.info.help = paragraphs(app.info.help)
    for command in app.registered_commands:
        text = command.help if command.help is not None else inspect.getdoc(command.callback)
        if text:
            command.help = paragraphs(text)
    for group in app.registered_groups:
        if isinstance(group.help, str):
            group.help = paragraphs(group.help)
        if group.typer_instance is not None:
            readable_help(group.typer_instance)
