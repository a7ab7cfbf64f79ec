"""``merkwerker guidelines proposals --apply``: accepted questions become examples in the
rule's own file, as a real process on a copy of the shipped guidelines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from harness import Ran, merkwerker
from test_proposals_cli import NEAR_COMMENT, PICKED, folder

from bot.guidelines import load_guidelines

__all__ = ["folder"]


def apply(folder: Path, cwd: Path, *args: str) -> Ran:
    """``merkwerker guidelines proposals -g FOLDER ARGS...`` in ``cwd``, the folder typed
    relative to ``cwd`` as a person would (messages name files as the folder was given)."""
    return merkwerker("guidelines", "proposals", "-g", os.path.relpath(folder, cwd), *args, cwd=cwd)


def test_apply_adds_the_question_to_the_rule_in_its_own_file(folder: Path, tmp_path: Path) -> None:
    security = folder / "security.yaml"
    old = security.read_text(encoding="utf-8")
    others = {p.name: p.read_bytes() for p in folder.iterdir() if p != security}

    done = apply(folder, tmp_path, "--apply", "client-names", PICKED)

    assert done.returncode == 0, done.stderr
    version = load_guidelines(folder).version
    assert done.stdout.strip() == (
        "Added 1 example(s) to client-names in guidelines/security.yaml. "
        f"The guidelines are still valid (version {version})."
    )
    new = security.read_text(encoding="utf-8")
    line = "      - 'Mag ik zeggen dat \"Acme\" klant is: ja # of nee? 🎉'\n"
    last = "      - Can I say we're doing a project for Gemeente Zuidhaven?\n"
    # The new example comes right after the last one, above the comment under it; every
    # other byte of this file and of the other files is as it was.
    assert new == old.replace(last, last + line, 1)
    assert NEAR_COMMENT in new
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p != security} == others
    rules = load_guidelines(folder).guidelines
    assert rules is not None
    client_names = rules.rule("client-names")
    assert client_names is not None and client_names.examples[-1] == PICKED


def test_tricky_questions_round_trip_through_the_command(folder: Path, tmp_path: Path) -> None:
    questions = ["It's: 'quoted' & #tagged", '"Mag ik" [dit] {zeggen}?', "👍 ok? 👎 no!", "null"]

    done = apply(
        folder, tmp_path, "--json", "--apply", "vacancies", "--", *questions, "- met een streepje"
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == [*questions, "- met een streepje"]
    rules = load_guidelines(folder).guidelines
    assert rules is not None
    vacancies = rules.rule("vacancies")
    assert vacancies is not None
    assert vacancies.examples[-5:] == (*questions, "- met een streepje")


def test_a_question_the_rule_has_is_skipped(folder: Path, tmp_path: Path) -> None:
    security = folder / "security.yaml"
    old = security.read_bytes()

    done = apply(
        folder, tmp_path, "--apply", "client-names", "  mag ik ZEGGEN voor welke   klant ik werk? "
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "client-names already has every one of these questions as an example; nothing changed."
    )
    assert security.read_bytes() == old


def test_an_unknown_rule_id_is_one_line_listing_the_ids(folder: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    done = apply(folder, tmp_path, "--apply", "client-name", "Mag ik?")

    assert done.returncode == 1
    message = done.stderr.strip()
    assert "\n" not in message and "Traceback" not in done.stderr
    assert message.startswith(
        "There is no rule client-name in guidelines. Did you mean client-names? Rule ids: "
    )
    assert "financial-results" in message
    assert done.stdout == ""
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize("typed", ["Client-Names", "client_names", "CLIENT NAMES"])
def test_a_rule_id_typed_in_other_case_or_with_underscores_is_pointed_at(
    folder: Path, tmp_path: Path, typed: str
) -> None:
    """An id typed as a title would be only listed all ids; the one meant is named."""
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = apply(folder, tmp_path, "--apply", typed, "Mag ik?")
    assert done.returncode == 1
    assert f"There is no rule {typed} in guidelines. Did you mean client-names?" in done.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_an_id_like_no_other_lists_the_ids_without_a_guess(folder: Path, tmp_path: Path) -> None:
    done = apply(folder, tmp_path, "--apply", "vacation-days", "Mag ik?")
    assert done.returncode == 1
    assert done.stderr.startswith("There is no rule vacation-days in guidelines. Rule ids: ")


def test_an_apply_that_would_break_the_folder_changes_nothing(folder: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    done = apply(
        folder, tmp_path, "--apply", "client-names", "Mag ik " + "heel " * 120 + "lang praten?"
    )

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0] == (
        "Adding the examples would make the guidelines invalid, so nothing was changed:"
    )
    assert lines[1].startswith("  guidelines/security.yaml:")
    assert "at most 500 are allowed" in lines[1]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_the_help_says_how_to_apply_a_question_that_starts_with_a_dash(tmp_path: Path) -> None:
    """Without ``--`` such a question is taken for an option ("No such option: -")."""
    done = merkwerker("guidelines", "proposals", "--help", cwd=tmp_path)
    flat = " ".join(done.stdout.replace("│", " ").split())
    assert (
        'Put -- before them when one starts with a dash: --apply RULE_ID -- "- like this?"' in flat
    )


def test_a_question_that_is_another_rules_example_is_refused(folder: Path, tmp_path: Path) -> None:
    """A rule's own example is answered with that rule without doubt: the same question
    added to a second rule said "Added" and the bot went on answering with the first."""
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    done = apply(
        folder,
        tmp_path,
        "--apply",
        "politics-opinions",
        "Is it ok to post who I'm voting for?",
        "mag ik iets zeggen over  onze OMZET?",
    )

    assert done.returncode == 1
    assert done.stderr.strip() == (
        "'mag ik iets zeggen over  onze OMZET?' is already an example of financial-results "
        "in guidelines/comms.yaml, so the bot answers it with that rule and adding it to "
        "politics-opinions would change nothing; nothing was changed. If it belongs to "
        "politics-opinions, remove it from financial-results first."
    )
    assert done.stdout == ""
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_read_only_rule_file_is_left_alone(folder: Path, tmp_path: Path) -> None:
    """The new file replaced the old one whatever its own permissions said."""
    hr = folder / "hr.yaml"
    hr.chmod(0o444)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    done = apply(
        folder, tmp_path, "--apply", "vacancies", "Mag ik de vacature van mijn team delen?"
    )

    assert done.returncode == 1
    assert done.stderr.strip() == (
        "guidelines/hr.yaml is read-only, so nothing was changed. "
        "Make it writable (or ask whoever manages it) and try again."
    )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert hr.stat().st_mode & 0o777 == 0o444
