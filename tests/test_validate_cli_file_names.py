"""A guidelines file saved under a name the bot does not read, told by ``merkwerker
guidelines validate`` (a real process on a copy of the shipped guidelines)."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import merkwerker

SHIPPED = Path(__file__).resolve().parent.parent / "guidelines"


def test_a_file_notepad_saved_with_txt_after_it_is_pointed_out(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(SHIPPED, tmp_path / "g"))
    edited = (folder / "hr.yaml").read_text("utf-8").replace("ask_first", "allowed")
    (folder / "hr.yaml.txt").write_text(edited, encoding="utf-8")

    english = merkwerker("guidelines", "validate", "g", cwd=tmp_path, timeout=60, columns=300)
    dutch = merkwerker(
        "guidelines", "validate", "--lang", "nl", "g", cwd=tmp_path, timeout=60, columns=300
    )

    # The edit is not read (the shipped hr.yaml still is), and the editor hears why.
    assert english.returncode == dutch.returncode == 0
    assert english.stdout.splitlines()[0] == (
        "g/hr.yaml.txt: warning: this file is not read: its name ends in .txt (Notepad adds "
        "that when saving, and Windows hides it). Rename it to hr.yaml, or choose All files "
        "as the file type in Save as."
    )
    assert dutch.stdout.splitlines()[0] == (
        "g/hr.yaml.txt: waarschuwing: dit bestand wordt niet gelezen: de naam eindigt op .txt "
        "(Kladblok zet dat er bij het opslaan achter, en Windows laat het niet zien). Hernoem "
        "het naar hr.yaml, of kies bij Opslaan als het bestandstype Alle bestanden."
    )
    assert "4 file(s)" in english.stdout


def test_a_new_file_with_only_comments_is_not_called_empty(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(SHIPPED, tmp_path / "g"))
    (folder / "privacy.yaml").write_text(
        "# Regels over privacy komen hier.\n# Rules about privacy go here.\n", encoding="utf-8"
    )
    (folder / "later.yaml").write_text("", encoding="utf-8")

    dutch = merkwerker(
        "guidelines", "validate", "--lang", "nl", "g", cwd=tmp_path, timeout=60, columns=300
    )

    assert dutch.returncode == 0
    assert dutch.stdout.splitlines()[:2] == [
        "g/later.yaml: waarschuwing: dit bestand is leeg en wordt overgeslagen.",
        "g/privacy.yaml: waarschuwing: dit bestand bevat alleen opmerkingen (regels die met # "
        "beginnen) en wordt overgeslagen. Zet er rules:, contacts: of principles: in om het mee "
        "te laten tellen.",
    ]
