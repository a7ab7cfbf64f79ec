"""Edits to the settings (languages, contacts) an editor makes in the wrong place or only
half, told by ``merkwerker guidelines validate`` (a real process on a copy of the shipped
guidelines) as the one problem they are, where they are."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import Ran, merkwerker

SHIPPED = Path(__file__).resolve().parent.parent / "guidelines"


def copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHIPPED, tmp_path / "g"))


def validate(tmp_path: Path, *args: str) -> Ran:
    return merkwerker("guidelines", "validate", *args, "g", cwd=tmp_path, timeout=60, columns=300)


def problems(ran: Ran) -> list[str]:
    return [line for line in ran.stdout.splitlines() if line.startswith("g/")]


def test_a_contact_without_a_name_is_one_problem_not_one_per_rule(tmp_path: Path) -> None:
    organisation = copy(tmp_path) / "organisation.yaml"
    text = organisation.read_text("utf-8")
    organisation.write_text(text.replace("    name: HR Service Desk\n", "", 1), encoding="utf-8")

    ran = validate(tmp_path, "--lang", "nl")

    # Before: also an error for each of the nine rules owned by hr, saying hr is not
    # among the contacts and to add it there, where it already is.
    assert ran.returncode == 1
    assert problems(ran) == [
        "g/organisation.yaml:22:5: fout: contacts.hr heeft geen 'name'. Voeg name: toe op een "
        "eigen regel."
    ]


def test_a_contact_written_again_in_a_new_file_is_told_there(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    (folder / "extra.yaml").write_text("contacts:\n  hr:\n    name: HR 2\n", encoding="utf-8")

    ran = validate(tmp_path)

    assert ran.returncode == 1
    assert problems(ran) == [
        "g/extra.yaml:2:3: error: the contact 'hr' is also defined at g/organisation.yaml:21. "
        "Keep one."
    ]


def test_languages_set_again_in_another_file_is_one_problem_in_that_file(tmp_path: Path) -> None:
    hr = copy(tmp_path) / "hr.yaml"
    hr.write_text(hr.read_text("utf-8").replace("rules:\n", "languages: [nl]\nrules:\n", 1))

    ran = validate(tmp_path, "--lang", "nl")

    # Before: hr.yaml's value won (it sorts before organisation.yaml), and every English
    # title, answer and message in every file was an error of its own.
    assert ran.returncode == 1
    assert problems(ran) == [
        "g/hr.yaml:5:12: fout: languages staat ook in g/organisation.yaml:10, met een andere "
        "waarde. Zet het in één bestand."
    ]
