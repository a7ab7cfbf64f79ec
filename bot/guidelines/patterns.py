"""Compiling the regular expressions guideline editors write, safely.

Editors are not regex experts, so an editor's own pattern is only accepted after it has
shown, on a few hostile probe texts, that it cannot run away (their terms, plain words
and phrases, are compiled in ``bot.guidelines.terms``).
"""

from __future__ import annotations

import functools
import math
from typing import Literal

import regex

from bot.guidelines.problems import Reason, pattern_reason

FLAGS = regex.IGNORECASE | regex.UNICODE | regex.V0
"""Flags for everything compiled here: case-insensitive, Unicode-aware, ``re``-compatible."""

MATCH_TIMEOUT = 0.05
"""Seconds one pattern check may spend on one draft before it is skipped."""

PROBE_TIMEOUT = 0.05
"""Seconds a pattern may spend on one probe text before it counts as too slow."""

PROBE_LENGTH = 5_000
"""Length of the probe texts: long enough that exponential and steep quadratic blow-up shows."""

MAX_REPEAT_PRODUCT = 100_000
"""Counted repeats such as ``(a{1000}){1000}`` expand at compile time, which can hang."""

ProblemKind = Literal["invalid", "too_slow", "matches_empty", "matches_everything"]

ORDINARY_POSTS = (
    "Mooie dag gehad met het team.",
    "Great to see everyone at the office today!",
    "Trots op wat we samen bereikt hebben",
    "Hello",
)
"""Harmless posts no rule should flag: a pattern that finds something in each of them
(such as ``.+`` or ``\\w``) would flag every post."""

_COUNTED_REPEAT = regex.compile(r"\{(\d+)(?:,(\d*))?\}")
_LITERAL_RUN = regex.compile(r"(?<!\\)[^\W_]+")


class PatternProblem(Exception):
    """An editor's pattern cannot be used; ``kind`` says why, ``reason`` says it in words."""

    def __init__(self, reason: str | Reason, kind: ProblemKind) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.kind: ProblemKind = kind


def _probes(source: str) -> list[str]:
    n = PROBE_LENGTH
    probes = [
        "a" * n + "!",
        "1" * n + "!",
        " " * n + "!",
        "ab" * (n // 2) + "!",
        "a " * (n // 2) + "!",
        "1." * (n // 2) + "!",
        "a1-" * (n // 3) + "!",
        "aA1 ,.-@#_\n" * (n // 11),
    ]
    # Blow-up often needs the pattern's own words, as in (geheim\s?)+$.
    words = list(dict.fromkeys(_LITERAL_RUN.findall(source)))[:4]
    for word in words:
        probes.append(word * (n // len(word)) + "!")
        probes.append((word + " ") * (n // (len(word) + 1)) + "!")
    return probes


def _repeat_product(source: str) -> int:
    bounds = []
    for low, high in _COUNTED_REPEAT.findall(source):
        bounds.append(max(int(low), int(high) if high else 0, 1))
    return math.prod(bounds)


def compile_pattern(source: str) -> regex.Pattern[str]:
    """Compile an editor's regular expression, or raise ``PatternProblem``.

    Raises with kind ``"invalid"`` when it is not a regular expression,
    ``"matches_empty"`` when it can match empty text (it would flag every draft),
    ``"matches_everything"`` when it finds something in every harmless post, and
    ``"too_slow"`` when it runs away on a hostile probe text or its counted repeats are
    so large that compiling them could hang. Takes a few milliseconds for an ordinary
    pattern and about ``PROBE_TIMEOUT`` more for a slow one.
    """
    found = _checked_pattern(source)
    if isinstance(found, tuple):
        raise PatternProblem(*found)
    return found


@functools.lru_cache(maxsize=4096)
def _checked_pattern(source: str) -> regex.Pattern[str] | tuple[str, ProblemKind]:
    """``compile_pattern``'s outcome, remembered, so a reload compiles and probes only
    the patterns that changed: the pattern, or the problem's reason and kind. "Too
    slow" is raised instead, not remembered: a busy machine may have caused it."""
    try:
        return _compile_pattern(source)
    except PatternProblem as problem:
        if problem.kind == "too_slow":
            raise
        return problem.reason, problem.kind


def _compile_pattern(source: str) -> regex.Pattern[str]:
    product = _repeat_product(source)
    if product > MAX_REPEAT_PRODUCT:
        raise PatternProblem(
            f"counted repeats multiply to {product}, over {MAX_REPEAT_PRODUCT}", "too_slow"
        )
    try:
        pattern: regex.Pattern[str] = regex.compile(source, FLAGS)
    except regex.error as error:
        raise PatternProblem(pattern_reason(error.msg, error.pos), "invalid") from error
    except (ValueError, OverflowError, RecursionError) as error:
        raise PatternProblem(str(error), "invalid") from error
    if pattern.search("") is not None:
        raise PatternProblem("it matches empty text", "matches_empty")
    for probe in _probes(source):
        try:
            for match in pattern.finditer(probe, timeout=PROBE_TIMEOUT):
                if match.start() == match.end():
                    raise PatternProblem("it matches empty text", "matches_empty")
        except TimeoutError as error:
            raise PatternProblem(
                f"it takes over {PROBE_TIMEOUT:g} s on a {len(probe)}-character text",
                "too_slow",
            ) from error
    if all(pattern.search(post, timeout=PROBE_TIMEOUT) for post in ORDINARY_POSTS):
        raise PatternProblem("it matches any ordinary text", "matches_everything")
    return pattern
