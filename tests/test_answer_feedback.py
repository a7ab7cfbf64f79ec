"""The owners' loop through the real console: "did you mean", 👍/👎, proposals, --apply.

Each test runs ``merkwerker chat`` as a process on a copy of the shipped guidelines and
reads what was stored in its SQLite file.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_cli import ROOT, run

UNSURE = "Mag ik vacatures van Voorbeeld Energie doorsturen?"
"""Two rules fit about equally (vacancies, saying where you work): the bot is unsure."""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "guidelines"
    shutil.copytree(ROOT / "guidelines", target)
    return target


def chat(folder: Path, database: Path, *lines: str, user: str = "ann") -> str:
    script = "\n".join([*lines, "quit"]) + "\n"
    done = run(
        "chat",
        "-g",
        str(folder),
        "--database",
        f"sqlite:///{database}",
        "--user",
        user,
        stdin=script.encode(),
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def number_of(output: str, label: str) -> str:
    """The number the console shows before the last button labelled ``label``."""
    found = re.findall(r"\[(\d+)\] " + re.escape(label) + r"(?=\s|$)", output)
    assert found, f"no button {label!r} in:\n{output}"
    return found[-1]


def questions(database: Path) -> list[tuple[str, str | None, str | None, str | None, int]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "select text, rule_id, picked_rule_id, feedback, answered from question order by id"
        ).fetchall()


def test_an_unsure_answer_offers_choices_and_a_pick_answers_and_is_recorded(
    folder: Path, tmp_path: Path
) -> None:
    database = tmp_path / "pick.db"
    first = chat(folder, database, UNSURE)
    assert "Ik weet niet zeker of ik je goed begrijp" in first
    assert "Bedoelde je:" in first and "Iets anders" in first
    # The same conversation, pressing "Vacatures" (typing its number).
    out = chat(folder, database, UNSURE, number_of(first, "Vacatures"))
    assert "Regel: Vacatures" in out
    assert "Ik heb genoteerd dat je vraag over deze regel gaat" in out
    rows = questions(database)
    assert rows[-1][0] == UNSURE and rows[-1][2] == "vacancies" and rows[-1][4] == 1


def test_something_else_records_the_question_as_unanswered(folder: Path, tmp_path: Path) -> None:
    database = tmp_path / "else.db"
    first = chat(folder, database, UNSURE)
    out = chat(folder, database, UNSURE, number_of(first, "Iets anders"))
    assert "Dan is hier nog geen regel voor" in out
    assert "ik heb je vraag genoteerd" in out
    text, _rule, picked, feedback, answered = questions(database)[-1]
    assert (text, picked, feedback, answered) == (UNSURE, None, "something_else", 0)


def test_thumbs_down_is_recorded_with_the_rule_and_thumbs_up_too(
    folder: Path, tmp_path: Path
) -> None:
    database = tmp_path / "thumbs.db"
    question = "Can I post our profit numbers?"
    first = chat(folder, database, question)
    assert "Helpful?" in first
    down = chat(folder, database, question, number_of(first, "👎"))
    assert "passed it on to the owners of this rule" in down
    up = chat(folder, database, question, number_of(first, "👍"))
    assert "Thanks for letting me know" in up
    rows = questions(database)
    assert [(r[1], r[3]) for r in rows] == [
        ("financial-results", None),
        ("financial-results", "not_helpful"),
        ("financial-results", "helpful"),
    ]


def test_commands_and_stray_numbers_are_never_recorded_as_questions(
    folder: Path, tmp_path: Path
) -> None:
    database = tmp_path / "commands.db"
    out = chat(folder, database, "help", "clear", "7", "[12]", "reset", "Can I name our client?")
    # A one-word command says nothing about the language: the default (Dutch) is used.
    assert out.count("looks like a command") + out.count("lijkt een opdracht") == 4
    assert [row[0] for row in questions(database)] == ["Can I name our client?"]


def test_a_pick_becomes_a_proposal_and_apply_makes_it_an_example(
    folder: Path, tmp_path: Path
) -> None:
    database = tmp_path / "loop.db"
    first = chat(folder, database, UNSURE)
    chat(folder, database, UNSURE, number_of(first, "Vacatures"))
    listed = run(
        "guidelines",
        "proposals",
        "--json",
        "-g",
        str(folder),
        "--database",
        f"sqlite:///{database}",
    )
    assert listed.returncode == 0, listed.stderr.decode()
    data = json.loads(listed.stdout)
    picked = {entry["rule"]: entry for entry in data["picked"]}
    assert picked["vacancies"]["questions"][0]["question"] == UNSURE
    applied = run(
        "guidelines",
        "proposals",
        "--apply",
        "vacancies",
        UNSURE,
        "-g",
        str(folder),
        "--database",
        f"sqlite:///{database}",
    )
    assert applied.returncode == 0, applied.stderr.decode()
    assert UNSURE in (folder / "comms.yaml").read_text("utf-8") or UNSURE in "".join(
        p.read_text("utf-8") for p in folder.glob("*.yaml")
    )
    # The same question is now answered with that rule, without doubt.
    asked = run("ask", UNSURE, "-g", str(folder), "--json")
    answer = json.loads(asked.stdout)
    assert answer["rule"] == "vacancies" and answer["choices"] == []


def test_ask_on_the_command_line_does_not_claim_to_have_noted_the_question(
    folder: Path,
) -> None:
    done = run("ask", "Hoeveel vakantiedagen heb ik nog?", "-g", str(folder))
    out = done.stdout.decode()
    assert done.returncode == 0
    assert "Hier is nog geen regel voor" in out
    assert "genoteerd" not in out and "noted" not in out
