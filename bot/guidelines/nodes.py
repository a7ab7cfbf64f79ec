"""Walking parsed YAML with positions: every value knows its file, line, column and key
path, and the ``Validator`` records problems worded for the people who edit the files."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.guidelines.problems import SUBJECT_KINDS, SUBJECT_PATH, Kind, Level, Problem
from bot.guidelines.rules import Localized, Source

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_TEXT = 4000
# Characters that take no room on screen (pasted in from web pages, Word or chat): the
# editor cannot see them, so a value looks right and is still not what it should be.
# The zero-width joiner is left alone: emoji such as 👩‍💻 are made with it.
INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


@dataclass(frozen=True)
class Node:
    """A value from a file with where it was written and how to name it."""

    value: Any
    file: str
    line: int
    column: int
    path: str

    def source(self) -> Source:
        """The position as a model ``Source``."""
        return Source(file=self.file, line=self.line, column=self.column)


def _position(container: Any, key: Any, *, of_key: bool = False) -> tuple[int, int] | None:
    lc = getattr(container, "lc", None)
    if lc is None:
        return None
    try:
        if isinstance(container, dict):
            line, column = lc.key(key) if of_key else lc.value(key)
        else:
            line, column = lc.item(key)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return int(line) + 1, int(column) + 1


CURLY_QUOTES = {"“": "”“", "„": "”“", "‘": "’", "‚": "’‘", "«": "»"}
"""Opening quotes a word processor types, with the closing ones that go with them: YAML
takes them as letters, not as quotes around a text."""


def without_curly_quotes(text: str) -> str:
    """``text`` without the curly quotes around all of it (“#ask-hr”, pasted from a
    document), which would otherwise show up in every answer; unchanged when quotes only
    surround part of it (“Tip” staat in “de gids”). An apostrophe inside (zo’n) is
    no quote."""
    closing = CURLY_QUOTES.get(text[:1])
    if len(text) < 2 or closing is None or text[-1] not in closing:
        return text
    inner = text[1:-1]
    if text[0] in inner or any(mark in inner for mark in closing if mark != "’"):
        return text
    return inner.strip()


class Validator:
    """Collects problems while building the model from one or more documents."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._subjects: dict[tuple[str, str], tuple[str, str]] = {}

    def name_subject(self, node: Node) -> None:
        """Remember the id of the rule or principle at ``node``, so every problem inside
        it names it: ``rule 'vacancies' (rules[5])``. Only a well-formed id is used."""
        found = SUBJECT_PATH.match(node.path)
        ident = node.value.get("id") if isinstance(node.value, dict) else None
        if found is None or not isinstance(ident, str) or not ID_RE.match(ident.strip()):
            return
        kind = SUBJECT_KINDS[found.group(1)]
        self._subjects[(node.file, found.group(0))] = (kind, ident.strip())

    # Reporting ---------------------------------------------------------------

    def report(
        self, node: Node, code: str, level: Level = Level.ERROR, /, **values: object
    ) -> None:
        """Record the problem ``code`` (a catalogue key under ``guidelines.``) at ``node``."""
        found = SUBJECT_PATH.match(node.path)
        subject = self._subjects.get((node.file, found.group(0))) if found else None
        self.problems.append(
            Problem(
                file=node.file,
                line=node.line,
                column=node.column,
                path=node.path,
                key=code,
                values=values,
                level=level,
                subject=subject,
            )
        )

    # Walking -------------------------------------------------------------------

    def child(self, parent: Node, key: Any, *, of_key: bool = False) -> Node:
        """The node for ``parent.value[key]`` with its own position when known."""
        pos = _position(parent.value, key, of_key=of_key) or (parent.line, parent.column)
        if isinstance(key, int):
            path = f"{parent.path}[{key + 1}]"
        else:
            path = f"{parent.path}.{key}" if parent.path else str(key)
        value = parent.value[key]
        return Node(value, parent.file, pos[0], pos[1], path)

    def mapping(self, node: Node, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> bool:
        """Check that ``node`` is a mapping with only ``allowed`` and all ``required`` keys."""
        if not isinstance(node.value, dict):
            self.report(node, "expected_mapping", found=kind_of(node.value))
            return False
        absent = {k for k in required if k not in node.value or node.value[k] is None}
        misspelt: set[str] = set()
        for key in node.value:
            if str(key) not in allowed:
                at = self.child(node, key, of_key=True)
                suggestion = difflib.get_close_matches(str(key), allowed, n=1)
                if suggestion and suggestion[0] in absent:
                    # "verdikt:" is one mistake, not also a missing "verdict".
                    misspelt.add(suggestion[0])
                    self.report(at, "misspelt_required_key", key=key, suggestion=suggestion[0])
                elif suggestion:
                    self.report(at, "unknown_key_suggest", key=key, suggestion=suggestion[0])
                else:
                    self.report(at, "unknown_key", key=key, allowed=", ".join(allowed))
        for key in required:
            if key in absent and key not in misspelt:
                self.report(node, "missing_key", key=key)
        return True

    def items(self, node: Node) -> Iterator[Node]:
        """The items of a list node (reports and yields nothing when it is not a list)."""
        if not isinstance(node.value, list):
            self.report(node, "expected_list", found=kind_of(node.value))
            return
        for index in range(len(node.value)):
            yield self.child(node, index)

    def text(self, node: Node, *, limit: int = MAX_TEXT) -> str | None:
        """A non-empty single piece of text, or ``None`` after reporting why not."""
        value = node.value
        if isinstance(value, dict) and len(value) == 1 and _plain(next(iter(value.values()))):
            # "- Vraag: mag ik ...": a text with ": " in it, which YAML reads as a key.
            self.report(node, "yaml_colon_in_text")
            return None
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            self.report(node, "expected_text", found=kind_of(value))
            return None
        text = str(value).strip()
        unwrapped = without_curly_quotes(text)
        if unwrapped != text:
            shown = text if len(text) <= 40 else f"{text[:30]}…{text[-1]}"
            self.report(node, "curly_quotes", Level.WARNING, text=shown)
            text = unwrapped
        if INVISIBLE.search(text):
            self.report(node, "invisible_chars", Level.WARNING)
            text = INVISIBLE.sub("", text).strip()
        if not text:
            self.report(node, "empty_text")
            return None
        if len(text) > limit:
            self.report(node, "text_too_long", length=len(text), limit=limit)
            return None
        return text

    def text_list(self, node: Node) -> tuple[str, ...]:
        """A list of non-empty texts (a single text is accepted as a list of one)."""
        if isinstance(node.value, str):
            text = self.text(node)
            return (text,) if text else ()
        result: list[str] = []
        for item in self.items(node):
            text = self.text(item, limit=500)
            if text:
                result.append(text)
        if isinstance(node.value, list) and not node.value:
            self.report(node, "empty_list")
        return tuple(result)

    def localized(self, node: Node, languages: tuple[str, ...]) -> Localized | None:
        """Text per language: every configured language present, nothing else."""
        if isinstance(node.value, str) and len(languages) == 1:
            text = self.text(node)
            return {languages[0]: text} if text else None
        if not isinstance(node.value, dict):
            self.report(
                node,
                "expected_localized",
                found=kind_of(node.value),
                languages=", ".join(languages),
            )
            return None
        result: Localized = {}
        for key in node.value:
            lang = str(key)
            item = self.child(node, key)
            if lang not in languages:
                at = self.child(node, key, of_key=True)
                self.report(at, "unknown_language", language=lang, languages=", ".join(languages))
                continue
            text = self.text(item)
            if text:
                result[lang] = text
        missing = [lang for lang in languages if lang not in node.value]
        if len(missing) == 1:
            self.report(node, "missing_language", language=missing[0])
        elif missing:
            # One problem for the text, not one per language.
            self.report(node, "missing_languages", languages=", ".join(missing), first=missing[0])
        return result if all(lang in result for lang in languages) else None

    def identifier(self, node: Node) -> str | None:
        """An id: lowercase letters, digits and hyphens."""
        text = self.text(node, limit=63)
        if text is None:
            return None
        if not ID_RE.match(text):
            self.report(node, "bad_id", value=text, suggestion=slug(text))
            return None
        return text

    def choice(self, node: Node, options: tuple[str, ...]) -> str | None:
        """One of ``options``."""
        text = self.text(node, limit=100)
        if text is None:
            return None
        if text not in options:
            self.report(node, "bad_choice", value=text, options=or_list(options))
            return None
        return text


def kind_of(value: Any) -> Kind:
    """How a value reads to an editor (text, a list, a number...), worded in the
    reader's language when the problem is shown."""
    if value is None:
        return Kind("nothing")
    if isinstance(value, bool):
        return Kind("yes_no")
    if isinstance(value, dict):
        return Kind("mapping")
    if isinstance(value, list):
        return Kind("list")
    if isinstance(value, (int, float)):
        return Kind("number")
    if isinstance(value, (date, datetime)):
        return Kind("date")
    return Kind("text")


def _plain(value: Any) -> bool:
    """Whether ``value`` could be the rest of a sentence: text, a number, or nothing."""
    return value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool))


def or_list(options: tuple[str, ...]) -> tuple[str, ...]:
    """Options kept as a tuple: the problem joins them with the reader's word for \"or\"."""
    # Kept as a tuple: the problem joins it with the reader's word for "or".
    return tuple(options)


def slug(text: str) -> str:
    """A valid id made from ``text``, to suggest in a message."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "my-rule"
