"""Problems found in guidelines files, worded for the people who edit them.

A problem knows where it is (file, line, column, key path) and which catalogue
message describes it, so it can be shown in Dutch or English.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.i18n import t

SUBJECT_PATH = re.compile(r"^(rules|principles)\[\d+\]")
"""The start of a key path inside one rule or principle, such as ``rules[5]``."""

SUBJECT_KINDS = {"rules": "rule", "principles": "principle"}


@dataclass(frozen=True)
class Kind:
    """What a value in a file turned out to be (``text``, ``list``, ``mapping``...), as a
    problem's value: worded by the catalogue (``guidelines.kind.*``) in the reader's
    language."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Reason:
    """Why reading or compiling failed: as the system said it (``text``, in English),
    and, for the cases the catalogue knows (``guidelines.reason.<key>``, with
    ``position`` when there is one), in the reader's language."""

    text: str
    key: str | None = None
    position: int | None = None

    def __str__(self) -> str:
        return self.text


class Level(StrEnum):
    """``error`` stops a version from being used; ``warning`` is shown but allowed."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong in a guidelines file."""

    file: str
    line: int
    column: int
    path: str
    key: str
    values: dict[str, object] = field(default_factory=dict)
    level: Level = Level.ERROR
    subject: tuple[str, str] | None = None
    """The rule or principle the problem is in, as (``"rule"`` or ``"principle"``, id)."""

    def message(self, language: str = "en") -> str:
        """The sentence that says what is wrong and what to write instead."""
        values = {name: _worded(value, language) for name, value in self.values.items()}
        values.setdefault("path", self.named_path(language))
        values.setdefault("line", self.line)
        return t(language, "guidelines." + self.key, **values)

    def named_path(self, language: str = "en") -> str:
        """The key path, with the rule or principle it is in named by its id:
        ``verdict of rule 'vacancies' (rules[5])`` rather than ``rules[5].verdict``."""
        found = SUBJECT_PATH.match(self.path)
        if self.subject is None or found is None:
            return self.path
        kind, ident = self.subject
        at = found.group(0)
        rest = self.path[len(at) :].lstrip(".")
        if rest == "id":
            return self.path  # the problem is the id itself: name it by its place only
        subject = t(language, f"guidelines.subject.{kind}", id=ident, at=at)
        if not rest:
            return subject
        return t(language, "guidelines.subject.part", part=rest, subject=subject)

    def location(self) -> str:
        """``file:line:column``, or just the file when the line is unknown."""
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def render(self, language: str = "en") -> str:
        """One line: where, how serious, and what to do."""
        level = t(language, "guidelines.level." + self.level.value)
        return f"{self.location()}: {level}: {self.message(language)}"


def _worded(value: object, language: str) -> object:
    if isinstance(value, tuple):
        return _or_list(value, language)
    if isinstance(value, Kind):
        return t(language, f"guidelines.kind.{value.name}")
    if isinstance(value, Reason) and value.key is not None:
        return t(language, f"guidelines.reason.{value.key}", position=(value.position or 0) + 1)
    return value


def _or_list(options: tuple[object, ...], language: str) -> str:
    items = [str(o) for o in options]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + t(language, "word.or") + " " + items[-1]


def has_errors(problems: tuple[Problem, ...] | list[Problem]) -> bool:
    """Whether any problem is an error (warnings alone do not block a version)."""
    return any(p.level is Level.ERROR for p in problems)


_OS_REASONS = {
    errno.ENOENT: "not_found",
    errno.EACCES: "no_permission",
    errno.EPERM: "no_permission",
    errno.EISDIR: "is_folder",
    errno.ELOOP: "link_loop",
    errno.EIO: "disk_error",
}


def os_reason(error: OSError) -> Reason:
    """Why a file could not be read, in words the catalogue knows when it can."""
    return Reason(error.strerror or str(error), _OS_REASONS.get(error.errno or 0))


_PATTERN_REASONS = {
    "missing )": "missing_paren",
    "unbalanced parenthesis": "unbalanced_paren",
    "unterminated character set": "unterminated_set",
    "nothing to repeat": "nothing_to_repeat",
    "multiple repeat": "multiple_repeat",
    "bad escape": "bad_escape",
    "bad character range": "bad_range",
    "min repeat greater than max repeat": "bad_repeat",
    "repeat count too big": "repeat_too_big",
}


def pattern_reason(message: str, position: int | None) -> Reason:
    """Why a regular expression does not compile (the engine's ``message``, at
    ``position``), in words the catalogue knows when it can."""
    key = next((k for text, k in _PATTERN_REASONS.items() if message.startswith(text)), None)
    shown = f"{message} at position {position + 1}" if position is not None else message
    return Reason(shown, key, position)
