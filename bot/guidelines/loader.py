"""Loading a guidelines folder: read the files, validate, and hash the content."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.guidelines.files import read_folder
from bot.guidelines.problems import Problem, has_errors
from bot.guidelines.rules import Guidelines
from bot.guidelines.validate import build

ENV_VAR = "MERKWERKER_GUIDELINES"

log = logging.getLogger(__name__)


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


FOLLOW_ON = frozenset({"no_rules", "missing_setting"})
"""Problems that follow from a file that could not be read, not said beside it."""


def _follows_on(problem: Problem) -> bool:
    """Whether ``problem`` may only be there because a file could not be read: a missing
    setting, no rules, or an owner when no contacts were found at all (they are in the
    broken file). An owner that is not among contacts that were read stays an error."""
    if problem.key == "unknown_owner":
        return problem.values.get("contacts") == "-"
    return problem.key in FOLLOW_ON


def load_guidelines(folder: Path | str) -> LoadResult:
    """Read and validate every guidelines file in ``folder``; never raises for bad content.

    Not even for content that trips a fault in this code: that is logged with its
    traceback and told as one error (a running bot keeps its last valid version)."""
    try:
        return _load(Path(folder))
    except Exception:
        log.exception("reading the guidelines in %s failed", folder)
        problem = Problem(
            file=str(folder), line=0, column=0, path="", key="internal_error", values={}
        )
        return LoadResult(guidelines=None, problems=(problem,), version="")


def _load(path: Path) -> LoadResult:
    read = read_folder(path)
    problems = list(read.problems)
    guidelines: Guidelines | None = None
    if read.documents:
        guidelines, found = build(read.documents, read.version)
        if has_errors(read.problems):
            # When a file could not be read, what it may hold (the rules, the contacts,
            # the organisation) is no news: one error names that file, not dozens more.
            found = [p for p in found if not _follows_on(p)]
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
