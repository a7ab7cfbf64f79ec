"""The guidelines: YAML files that security and HR edit, loaded, validated and watched."""

from bot.guidelines.library import GuidelinesLibrary, GuidelinesUnavailable
from bot.guidelines.loader import LoadResult, default_folder, load_guidelines
from bot.guidelines.problems import Level, Problem
from bot.guidelines.rules import (
    ActiveWindow,
    Check,
    Contact,
    Detector,
    Guidelines,
    Principle,
    Rule,
    Severity,
    Source,
)

__all__ = [
    "ActiveWindow",
    "Check",
    "Contact",
    "Detector",
    "Guidelines",
    "GuidelinesLibrary",
    "GuidelinesUnavailable",
    "Level",
    "LoadResult",
    "Principle",
    "Problem",
    "Rule",
    "Severity",
    "Source",
    "default_folder",
    "load_guidelines",
]
