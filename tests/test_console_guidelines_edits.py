"""Editing the guidelines while `merkwerker chat` runs, as an editor trying an edit would:
a real process, the real file, the notices it shows in the chat's language."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from samples import RULES, write_guidelines
from test_scheduler_cli import _read_until

ROOT = Path(__file__).resolve().parent.parent
BROKEN = "Merkwerker blijft antwoorden met de laatste geldige versie"
FIXED = "De richtlijnen zijn weer in orde"


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    folder = write_guidelines(tmp_path / "richtlijnen")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env |= {"COLUMNS": "200", "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "chat",
            "-g",
            str(folder),
            "--database",
            f"sqlite:///{tmp_path / 'chat.db'}",
            "--lang",
            "nl",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        yield process, folder
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def say(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def test_a_broken_edit_is_shown_in_the_chat_in_its_language_and_so_is_the_fix(
    chat: tuple[subprocess.Popen[str], Path],
) -> None:
    """The console chat picked broken edits up, but said so only in English log lines
    ("guidelines edit is invalid; still serving version ..."), to a Dutch editor too."""
    process, folder = chat
    rules = folder / "rules.yaml"
    say(process, "mag ik zeggen voor welke klant ik werk?")
    assert "Vraag het eerst aan de klant." in _read_until(
        process, "Vraag het eerst aan de klant.", seconds=60
    )

    rules.write_text(RULES.replace("verdict: ask_first", "verdict: maybe", 1), encoding="utf-8")
    shown = _read_until(process, "sla het op", seconds=30)
    assert BROKEN in shown, shown
    assert "rules.yaml:" in shown and "maybe" in shown
    # The last valid version still answers.
    say(process, "mag ik zeggen voor welke klant ik werk?")
    assert "Vraag het eerst aan de klant." in _read_until(
        process, "Vraag het eerst aan de klant.", seconds=30
    )

    rules.write_text(RULES.replace("Vraag het eerst aan de klant.", "Vraag het de klant."))
    assert FIXED in _read_until(process, FIXED, seconds=30)
    say(process, "mag ik zeggen voor welke klant ik werk?")
    assert "Vraag het de klant." in _read_until(process, "Vraag het de klant.", seconds=30)

    say(process, "quit")
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "still serving" not in stderr and "valid again" not in stderr
    assert "Traceback" not in stderr
