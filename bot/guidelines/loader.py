"""Loading a guidelines folder: read the files, validate, and hash the content."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.guidelines.files import read_folder
from bot.guidelines.problems import Problem, has_errors
from bot.guidelines.rules import Guidelines
from bot.guidelines.validate import build

ENV_VAR = "MERKWERKER_GUIDELINES"


@dataclass(frozen=True, kw_only=True)
class LoadResult:
    """Validated guidelines (``None`` when any error was found) and every problem."""

    guidelines: Guidelines | None
    problems: tuple[Problem, ...]
    version: str

    @property
    def ok(self) -> bool:
        """Whether the guidelines can be used (warnings allowed)."""
        return self.guidelines is not None and not has_errors(self.problems)


def default_folder() -> Path:
    """``$MERKWERKER_GUIDELINES``, else ``guidelines/`` in the working directory."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured) if configured else Path("guidelines")


def load_guidelines(folder: Path | str) -> LoadResult:
    """Read and validate every guidelines file in ``folder``; never raises for bad content."""
    path = Path(folder)
    read = read_folder(path)
    problems = list(read.problems)
    guidelines: Guidelines | None = None
    if read.documents:
        guidelines, found = build(read.documents, read.version)
        if has_errors(read.problems):
            # "No rules" is no news when a file that may hold them could not be read.
            found = [p for p in found if p.key != "no_rules"]
        problems.extend(found)
    if has_errors(problems):
        guidelines = None
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return LoadResult(guidelines=guidelines, problems=_once(problems), version=read.version)


def _once(problems: list[Problem]) -> tuple[Problem, ...]:
    """Each problem once, even if two passes over the same place found it."""
    seen: set[tuple[object, ...]] = set()
    kept: list[Problem] = []
    for p in problems:
        key = (p.file, p.line, p.column, p.path, p.key, p.level, repr(sorted(p.values.items())))
        if key not in seen:
            seen.add(key)
            kept.append(p)
    return tuple(kept)
