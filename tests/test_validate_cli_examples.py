"""Example questions that are valid YAML but do not help the bot choose, told by
``merkwerker guidelines validate`` as an editor runs it: a real process on a copy of the
shipped guidelines, with the edits editors make."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from harness import Ran, merkwerker

SHIPPED = Path(__file__).resolve().parent.parent / "guidelines"
SALARY = re.compile(r"  - id: salary-hr-matters\n.*?\n\n", re.DOTALL)


def validate(*args: str, cwd: Path) -> Ran:
    return merkwerker("guidelines", "validate", *args, cwd=cwd, timeout=60, columns=300)


def shipped_with(tmp_path: Path, edit: Callable[[str], str]) -> None:
    folder = Path(shutil.copytree(SHIPPED, tmp_path / "g"))
    hr = folder / "hr.yaml"
    hr.write_text(edit(hr.read_text("utf-8")), encoding="utf-8")


def all_on_one_line(text: str) -> str:
    """``examples:`` with its questions typed one after the other on the same line."""
    block = re.search(r"    examples:\n((?:      - .*\n)+)", text)
    assert block is not None
    questions = ", ".join(line.strip()[2:] for line in block.group(1).splitlines())
    return text.replace(block.group(0), f"    examples: {questions}\n", 1)


def copied_rule(text: str) -> str:
    """The salary rule copied to the end of the file, with a new id and title only."""
    found = SALARY.search(text)
    assert found is not None
    copy = found.group(0).replace("id: salary-hr-matters", "id: pay-talks")
    return text.rstrip("\n") + "\n\n" + copy


def test_examples_typed_on_one_line_are_pointed_out(tmp_path: Path) -> None:
    shipped_with(tmp_path, all_on_one_line)

    english = validate("g", cwd=tmp_path).stdout.splitlines()
    dutch = validate("g", "--lang", "nl", cwd=tmp_path).stdout.splitlines()

    assert english[0] == (
        "g/hr.yaml:25:15: warning: examples of rule 'salary-hr-matters' (rules[1]) is one "
        "text with 9 questions in it, so the bot reads it as one long question. Put each "
        "question on its own line under examples:, indented and starting with - (as in the "
        "other rules)."
    )
    assert dutch[0] == (
        "g/hr.yaml:25:15: waarschuwing: examples van regel 'salary-hr-matters' (rules[1]) is "
        "één tekst met 9 vragen erin, dus de bot leest het als één lange vraag. Zet elke vraag "
        "op een eigen regel onder examples:, ingesprongen en beginnend met - (zoals bij de "
        "andere regels)."
    )


def test_a_rule_copied_with_its_examples_is_pointed_out(tmp_path: Path) -> None:
    shipped_with(tmp_path, copied_rule)

    english = validate("g", cwd=tmp_path)
    dutch = validate("g", "--lang", "nl", cwd=tmp_path)

    repeated = [line for line in english.stdout.splitlines() if "pay-talks" in line]
    assert len(repeated) == 9  # every copied question, once each, at the copy
    assert repeated[0] == (
        "g/hr.yaml:314:9: warning: examples[1] of rule 'pay-talks' (rules[10]) is also an "
        "example of rule 'salary-hr-matters' (g/hr.yaml:26). With the same question in two "
        "rules the bot cannot choose between them: keep it in the rule it fits best, and "
        "change or remove it here."
    )
    assert (
        "g/hr.yaml:314:9: waarschuwing: examples[1] van regel 'pay-talks' (rules[10]) staat "
        "ook als voorbeeld bij regel 'salary-hr-matters' (g/hr.yaml:26). Met dezelfde vraag "
        "bij twee regels kan de bot er niet tussen kiezen: houd hem bij de regel waar hij het "
        "best past, en verander of schrap hem hier."
    ) in dutch.stdout.splitlines()


def test_the_same_question_twice_in_one_rule_is_pointed_out(tmp_path: Path) -> None:
    first = "      - Mag ik vertellen wat ik verdien?\n"
    shipped_with(
        tmp_path,
        lambda text: text.replace(first, first + "      - mag ik vertellen  wat ik verdien\n", 1),
    )

    english = validate("g", cwd=tmp_path).stdout.splitlines()

    assert english[0] == (
        "g/hr.yaml:27:9: warning: examples[2] of rule 'salary-hr-matters' (rules[1]) appears "
        "twice in this rule's examples (first at g/hr.yaml:26). Remove one, or make it a "
        "different question."
    )


def test_the_shipped_guidelines_repeat_no_example(tmp_path: Path) -> None:
    ran = validate(str(SHIPPED), cwd=tmp_path)
    assert ran.returncode == 0
    assert ", 0 warning(s)." in ran.stdout
