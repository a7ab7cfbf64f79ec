"""Writing new examples into a rule's YAML text without touching anything else.

Works from the positions ruamel.yaml's round-trip composer gives (character offsets in
the text). New items are only ever inserted: after the last example of a block list,
before the ``]`` of a flow list, or as a new ``examples:`` key at the end of the rule.
Only a single-text ``examples: ...`` (or an explicit null) is rewritten, as a flow list.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

LINE_BREAKS = "\n\r\x85\u2028\u2029"
_ITEM_PREFIX = re.compile(r" *- +")
"""What comes before an item of a block list on its line: indentation, a dash, spaces."""


def render_scalar(text: str, *, flow: bool = False) -> str:
    """``text`` as one line of YAML that reads back as exactly ``text``.

    Plain where that is safe, quoted where it is not (a leading ``-``, ``: ``, `` #``,
    words such as ``null``); in a flow list ``,[]{}`` are quoted too. Text with line
    breaks becomes one double-quoted line with escapes.
    """
    rendered = _dump(text, flow=flow)
    if any(ch in rendered for ch in LINE_BREAKS):
        rendered = _dump(DoubleQuotedScalarString(text), flow=flow)
    return rendered


def _dump(value: str, *, flow: bool) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 1_000_000  # never fold a question over several lines
    yaml.allow_unicode = True
    yaml.default_flow_style = flow
    stream = io.StringIO()
    yaml.dump([value], stream)
    dumped = stream.getvalue().rstrip("\n")
    return dumped[1:-1] if flow else dumped[2:]  # "[value]" or "- value"


def insert_examples(text: str, rule: MappingNode, questions: Sequence[str]) -> str | None:
    """``text`` with ``questions`` added to the examples of ``rule`` (a node composed from
    ``text``); None when the rule is not written in a way this can edit safely."""
    newline = "\r\n" if "\r\n" in text else "\n"
    entry = _entry(rule, "examples")
    if entry is None:
        return _add_key(text, rule, questions, newline)
    key, value = entry
    if isinstance(value, SequenceNode):
        if value.flow_style:
            return _extend_flow(text, value, questions)
        return _extend_block(text, value, questions, newline)
    if isinstance(value, ScalarNode):
        if value.start_mark.index == value.end_mark.index:  # "examples:" and nothing else
            indent = " " * (key.start_mark.column + 2)
            at = _after_line(text, key.end_mark.index)
            return _splice(text, at, _items(indent + "- ", questions, newline), newline)
        return _as_flow_list(text, value, questions)
    return None


def _entry(mapping: MappingNode, name: str) -> tuple[Node, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _items(prefix: str, questions: Sequence[str], newline: str) -> str:
    return "".join(prefix + render_scalar(q) + newline for q in questions)


def _extend_block(
    text: str, sequence: SequenceNode, questions: Sequence[str], newline: str
) -> str | None:
    last = sequence.value[-1]
    prefix = text[_line_start(text, last.start_mark.index) : last.start_mark.index]
    if not _ITEM_PREFIX.fullmatch(prefix):
        return None
    at = _insertion_point(text, _end_of(last))
    return _splice(text, at, _items(prefix, questions, newline), newline)


def _extend_flow(text: str, sequence: SequenceNode, questions: Sequence[str]) -> str | None:
    items = ", ".join(render_scalar(q, flow=True) for q in questions)
    if sequence.value:
        at = _end_of(sequence.value[-1])
        return text[:at] + ", " + items + text[at:]
    at = sequence.end_mark.index - 1
    if text[at : at + 1] != "]":
        return None
    return text[:at] + items + text[at:]


def _as_flow_list(text: str, value: ScalarNode, questions: Sequence[str]) -> str:
    start, end = value.start_mark.index, value.end_mark.index
    while end > start and text[end - 1] in LINE_BREAKS + " \t":
        end -= 1  # a block scalar ends after its line breaks; those stay
    old = [] if str(value.tag).endswith(":null") else [render_scalar(value.value, flow=True)]
    items = old + [render_scalar(q, flow=True) for q in questions]
    return text[:start] + "[" + ", ".join(items) + "]" + text[end:]


def _add_key(text: str, rule: MappingNode, questions: Sequence[str], newline: str) -> str | None:
    if rule.flow_style or not rule.value:
        return None
    indent = " " * rule.value[0][0].start_mark.column
    at = _insertion_point(text, _end_of(rule))
    lines = f"{indent}examples:{newline}" + _items(indent + "  - ", questions, newline)
    return _splice(text, at, lines, newline)


def _end_of(node: Node) -> int:
    """Where ``node``'s own text ends. A block collection's end mark is where the next
    token starts (past blank lines and comments), so take its last scalar's instead."""
    while isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return int(node.end_mark.index)


def _insertion_point(text: str, end: int) -> int:
    """The start of the line after the one where a value ends at ``end``.

    A block scalar (``|``, ``>``) ends after its line breaks and any blank lines after
    it; new lines go right after its text, before the blank lines.
    """
    if end > 0 and text[end - 1] in "\r\n":
        return _before_blank_lines(text, end)
    return _after_line(text, end)


def _line_start(text: str, index: int) -> int:
    return max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1


def _after_line(text: str, index: int) -> int:
    """The start of the line after the one holding ``index`` (the end of the text if none)."""
    while index < len(text) and text[index] not in "\r\n":
        index += 1
    if text.startswith("\r\n", index):
        return index + 2
    return min(index + 1, len(text))


def _before_blank_lines(text: str, position: int) -> int:
    """``position`` (a line start) moved up over the blank lines just above it."""
    while position > 0:
        end = position - 2 if text[position - 2 : position] == "\r\n" else position - 1
        start = _line_start(text, end)
        if text[start:end].strip(" \t"):
            break
        position = start
    return position


def _splice(text: str, at: int, lines: str, newline: str) -> str:
    if at == len(text) and text and text[-1] not in "\r\n":
        lines = newline + lines  # the file does not end in a line break
    return text[:at] + lines + text[at:]
