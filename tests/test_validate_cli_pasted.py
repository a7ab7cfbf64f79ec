"""Characters that come along when text is pasted from Word, Outlook or a web page and
that an editor cannot see, told by ``merkwerker guidelines validate`` (a real process)
at the place they are, instead of as a missing colon or a wrong value."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import Ran, merkwerker

SHIPPED = Path(__file__).resolve().parent.parent / "guidelines"
VERDICT = "    verdict: ask_first\n"  # line 10 of hr.yaml, in the rule 'salary-hr-matters'


def validate_with(tmp_path: Path, verdict_line: str, *args: str) -> Ran:
    folder = Path(shutil.copytree(SHIPPED, tmp_path / "g"))
    hr = folder / "hr.yaml"
    text = hr.read_text("utf-8")
    assert text.splitlines()[9] + "\n" == VERDICT
    hr.write_text(text.replace(VERDICT, verdict_line, 1), encoding="utf-8")
    return merkwerker("guidelines", "validate", *args, "g", cwd=tmp_path, timeout=60, columns=300)


def test_a_non_breaking_space_after_the_colon_is_named(tmp_path: Path) -> None:
    ran = validate_with(tmp_path, "    verdict:\u00a0ask_first\n", "--lang", "nl")

    assert ran.returncode == 1
    assert ran.stdout.splitlines()[0] == (
        "g/hr.yaml:10:13: fout: op regel 10, kolom 13, staat een vaste spatie (die komt mee "
        "als je tekst kopieert uit Word, Outlook of een webpagina). Die lijkt op een gewone "
        "spatie, maar telt niet als spatie. Haal hem weg en typ een gewone spatie."
    )


def test_a_non_breaking_space_in_the_indentation_is_named(tmp_path: Path) -> None:
    ran = validate_with(tmp_path, "   \u00a0verdict: ask_first\n")

    assert ran.returncode == 1
    assert ran.stdout.splitlines()[0] == (
        "g/hr.yaml:10:4: error: line 10, column 4, has a non-breaking space (it comes along "
        "when you copy text from Word, Outlook or a web page). It looks like an ordinary space "
        "but does not count as one. Remove it and type an ordinary space."
    )


def test_an_invisible_character_in_a_value_is_left_out_and_named(tmp_path: Path) -> None:
    ran = validate_with(tmp_path, "    verdict: ask_first\u200b\n")

    # Valid: the rule keeps its verdict, and the editor hears where the character is.
    assert ran.returncode == 0
    assert ran.stdout.splitlines()[0] == (
        "g/hr.yaml:10:14: warning: verdict of rule 'salary-hr-matters' (rules[1]) contains an "
        "invisible character (a space with no width, copied in with the text). Merkwerker "
        "leaves it out. Type the text again to make this note go away."
    )
    assert ", 1 warning(s)." in ran.stdout
