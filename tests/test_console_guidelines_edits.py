"""Editing the guidelines while `merkwerker chat` runs, as an editor trying an edit would:
a real process, the real file, the notices it shows in the chat's language."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from samples import RULES, write_guidelines

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


class Output:
    """What the chat has printed so far, read line by line in a thread (a selector on a
    buffered pipe misses lines already read into the buffer)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._lines: list[str] = []
        self._seen = 0
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: self._lines.extend(stdout), daemon=True).start()

    def until(self, marker: str, *, seconds: float) -> str:
        """Everything printed since the last call, up to and including ``marker``'s line
        (or all there is after ``seconds``)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            lines = self._lines[self._seen :]
            for n, line in enumerate(lines):
                if marker in line:
                    self._seen += n + 1
                    return "".join(lines[: n + 1])
            time.sleep(0.05)
        lines = self._lines[self._seen :]
        self._seen += len(lines)
        return "".join(lines)


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
    output = Output(process)
    rules = folder / "rules.yaml"
    say(process, "mag ik zeggen voor welke klant ik werk?")
    answer = "Vraag het eerst aan de klant."
    assert answer in output.until(answer, seconds=180)

    rules.write_text(RULES.replace("verdict: ask_first", "verdict: maybe", 1), encoding="utf-8")
    shown = output.until("sla het op", seconds=120)
    assert BROKEN in shown, shown
    assert "rules.yaml:" in shown and "maybe" in shown
    # The last valid version still answers.
    say(process, "mag ik zeggen voor welke klant ik werk?")
    assert answer in output.until(answer, seconds=120)

    rules.write_text(RULES.replace(answer, "Vraag het de klant."), encoding="utf-8")
    assert FIXED in output.until(FIXED, seconds=120)
    say(process, "mag ik zeggen voor welke klant ik werk?")
    assert "Vraag het de klant." in output.until("Vraag het de klant.", seconds=120)

    say(process, "quit")
    assert process.wait(timeout=60) == 0
    assert process.stderr is not None
    stderr = process.stderr.read()
    assert "still serving" not in stderr and "valid again" not in stderr
    assert "Traceback" not in stderr


def test_an_edit_live_with_warnings_shows_them_in_the_chat(
    chat: tuple[subprocess.Popen[str], Path],
) -> None:
    """A valid edit with warnings (here the same question in two rules) went live with
    the warnings only in English log lines; the chat now says it is live and what to
    look at, in its language."""
    process, folder = chat
    output = Output(process)
    say(process, "mag ik zeggen voor welke klant ik werk?")
    assert "Vraag het eerst aan de klant." in output.until("Vraag het eerst aan de", seconds=180)

    copied = RULES.replace(
        "      - Mag ik een foto van ons kantoor delen?\n",
        "      - Mag ik een foto van ons kantoor delen?\n"
        "      - Mag ik zeggen voor welke klant ik werk?\n",
        1,
    )
    assert copied != RULES
    (folder / "rules.yaml").write_text(copied, encoding="utf-8")
    shown = output.until("'client-names'", seconds=120)
    assert "Je wijziging van de richtlijnen is live" in shown, shown
    assert "rules.yaml:24:9: waarschuwing:" in shown

    say(process, "quit")
    assert process.wait(timeout=60) == 0
    assert process.stderr is not None
    stderr = process.stderr.read()
    assert "guidelines:" not in stderr and "Traceback" not in stderr
