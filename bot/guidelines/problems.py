"""Problems found in guidelines files, worded for the people who edit them.

A problem knows where it is (file, line, column, key path) and which catalogue
message describes it, so it can be shown in Dutch or English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.i18n import t


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

    def message(self, language: str = "en") -> str:
        """The sentence that says what is wrong and what to write instead."""
        values = {
            name: _or_list(value, language) if isinstance(value, tuple) else value
            for name, value in self.values.items()
        }
        values.setdefault("path", self.path)
        return t(language, "guidelines." + self.key, **values)

    def location(self) -> str:
        """``file:line:column``, or just the file when the line is unknown."""
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def render(self, language: str = "en") -> str:
        """One line: where, how serious, and what to do."""
        level = t(language, "guidelines.level." + self.level.value)
        return f"{self.location()}: {level}: {self.message(language)}"


def _or_list(options: tuple[object, ...], language: str) -> str:
    items = [str(o) for o in options]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + t(language, "word.or") + " " + items[-1]


def has_errors(problems: tuple[Problem, ...] | list[Problem]) -> bool:
    """Whether any problem is an error (warnings alone do not block a version)."""
    return any(p.level is Level.ERROR for p in problems)
