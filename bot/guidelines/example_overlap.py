"""Example questions that will not help the bot choose, though they are valid YAML.

Two mistakes an editor makes without noticing: all questions typed on one line after
``examples:`` (read as one long question), and a rule copied with its examples kept, so
two rules share a question and the bot cannot tell them apart by it.
"""

from __future__ import annotations

import re

from bot.guidelines.nodes import Node, Validator
from bot.guidelines.problems import Level

_SPACE = re.compile(r"\s+")


def one_text_of_questions(v: Validator, node: Node) -> None:
    """Warn when ``examples:`` is one text holding several questions."""
    value = node.value
    if isinstance(value, str) and value.count("?") > 1:
        v.report(node, "examples_one_text", Level.WARNING, count=value.count("?"))


def same_question(v: Validator, node: Node, rule: str, seen: dict[str, tuple[str, Node]]) -> None:
    """Warn when an example of ``rule`` is already an example (of this or another rule);
    ``seen`` maps each question met so far, written the same way, to its rule and place."""
    if not isinstance(node.value, list):
        return
    for index, item in enumerate(node.value):
        if not isinstance(item, str):
            continue
        said = _SPACE.sub(" ", item).strip().casefold().rstrip("?!. ")
        if not said:
            continue
        here = v.child(node, index)
        first = seen.get(said)
        if first is None:
            seen[said] = (rule, here)
            continue
        other, at = first
        code = "example_repeated_same" if other == rule else "example_repeated"
        v.report(here, code, Level.WARNING, rule=other, other=f"{at.file}:{at.line}")
