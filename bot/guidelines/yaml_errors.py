"""What the YAML reader's complaints mean for someone editing a guidelines file.

The reader says things like "found character '\\t' that cannot start any token" or
"mapping values are not allowed here". Each known complaint becomes a catalogue key
(``guidelines.yaml_...``) with a plain sentence that says what to do, placed on the line
that needs the fix. A complaint we don't know keeps the generic ``yaml_syntax``
sentence, with the reader's own words added for whoever helps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ruamel.yaml.error import MarkedYAMLError

_FOUND_CHARACTER = re.compile(r"found character '(.+?)' that cannot start any token")
_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*?)"')
_UNCLOSED_FLOW = re.compile(r"expected ',' or '([\]}])'")
_UNDEFINED_ALIAS = "found undefined alias"
_OPENERS = {"]": "[", "}": "{"}


@dataclass(frozen=True, kw_only=True)
class SyntaxComplaint:
    """Where a YAML complaint should be shown and which catalogue sentence explains it."""

    key: str
    line: int
    column: int
    values: dict[str, object] = field(default_factory=dict)


_LAYOUT_KEYS = frozenset({"yaml_missing_colon", "yaml_indentation", "yaml_colon_in_text"})
_NBSP = "\u00a0"


def explain(error: MarkedYAMLError, text: str) -> SyntaxComplaint:
    """The plain explanation of ``error``, raised while reading ``text``."""
    said = _explain(error, text)
    if said.key in _LAYOUT_KEYS:
        # A non-breaking space (pasted from Word, Outlook or a web page) looks like a
        # space but is not one to YAML: the line then seems to miss its colon or indent.
        column = _line(text, said.line).find(_NBSP)
        if column >= 0:
            return SyntaxComplaint(
                key="yaml_nbsp", line=said.line, column=column + 1, values={"column": column + 1}
            )
    return said


def _explain(error: MarkedYAMLError, text: str) -> SyntaxComplaint:
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    at = _mark(error.problem_mark) or _mark(error.context_mark) or (0, 0)
    started = _mark(error.context_mark) or at

    found = _FOUND_CHARACTER.search(problem)
    if found is not None:
        char = found.group(1)
        if char == "\\t":
            line_text = _line(text, at[0])
            if line_text[: at[1] - 1].strip() == "":
                return SyntaxComplaint(key="yaml_tab_indent", line=at[0], column=at[1])
            return SyntaxComplaint(key="yaml_tab", line=at[0], column=at[1])
        return _special(at, char)
    if problem.startswith(_UNDEFINED_ALIAS) or context.startswith("while scanning an anchor"):
        return _special(started, _char_at(text, *started) or "*")
    if problem == "mapping keys are not allowed here":
        return _special(at, "?")
    if problem == "mapping values are not allowed here":
        return SyntaxComplaint(key="yaml_colon_in_text", line=at[0], column=at[1])
    if problem == "could not find expected ':'":
        return SyntaxComplaint(key="yaml_missing_colon", line=started[0], column=started[1])
    if "quoted scalar" in context:
        return SyntaxComplaint(key="yaml_unclosed_quote", line=started[0], column=started[1])
    flow = _UNCLOSED_FLOW.search(problem)
    if flow is not None:
        close = flow.group(1)
        return SyntaxComplaint(
            key="yaml_unclosed_flow",
            line=started[0],
            column=started[1],
            values={"open": _OPENERS[close], "close": close},
        )
    duplicate = _DUPLICATE_KEY.search(problem)
    if duplicate is not None:
        return SyntaxComplaint(
            key="yaml_duplicate_key", line=at[0], column=at[1], values={"name": duplicate.group(1)}
        )
    if problem.startswith("expected <block end>, but found '<scalar>'"):
        opened = _quote_opened_before(text, at)
        if opened is not None:
            # A quote left open ran on to the next quote lines further down.
            return SyntaxComplaint(key="yaml_unclosed_quote", line=opened[0], column=opened[1])
        return SyntaxComplaint(key="yaml_text_after_quote", line=at[0], column=at[1])
    if problem.startswith(("expected <block end>", "did not find expected")):
        return SyntaxComplaint(key="yaml_indentation", line=at[0], column=at[1])
    detail = problem or context
    return SyntaxComplaint(key="yaml_syntax", line=at[0], column=at[1], values={"detail": detail})


def line_of(text: str, position: int) -> int:
    """The 1-based line number of a character offset in ``text``."""
    return text.count("\n", 0, max(position, 0)) + 1


def _special(at: tuple[int, int], char: str) -> SyntaxComplaint:
    return SyntaxComplaint(
        key="yaml_special_start", line=at[0], column=at[1], values={"char": char}
    )


def _mark(mark: object) -> tuple[int, int] | None:
    if mark is None:
        return None
    return int(getattr(mark, "line", 0)) + 1, int(getattr(mark, "column", 0)) + 1


def _line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _char_at(text: str, line: int, column: int) -> str:
    found = _line(text, line)[column - 1 : column]
    return found if found in ("*", "&") else ""


def _quote_opened_before(text: str, at: tuple[int, int]) -> tuple[int, int] | None:
    """Where the quoted text that closes just before ``at`` opened, when that is on an
    earlier line: a quote left open on that line, closed by chance further down."""
    lines = text.split("\n")
    if not 0 < at[0] <= len(lines):
        return None
    offset = sum(len(line) + 1 for line in lines[: at[0] - 1]) + at[1] - 1
    close = offset - 1
    while close >= 0 and text[close] in " \t":
        close -= 1
    if close < 0 or text[close] not in "\"'":
        return None
    quote = text[close]
    position = close - 1
    while position >= 0:
        if text[position] == quote and not (quote == '"' and _escaped(text, position)):
            if quote == "'" and position > 0 and text[position - 1] == "'":
                position -= 2  # '' is a quote inside single quotes
                continue
            break
        position -= 1
    if position < 0:
        return None
    line = line_of(text, position)
    if line == at[0]:
        return None
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
