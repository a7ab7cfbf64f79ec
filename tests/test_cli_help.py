"""Every command's ``--help`` reads as paragraphs at any terminal width: no sentence is
cut short by a line break from the source. Through the real entry point, every
``--help`` works without loading the database, the web server, the model or a chat SDK:
a command's module imports those only when the command runs."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from adapters.cli.help_text import paragraphs
from adapters.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
NARROW, WIDE = 60, 200
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s")


def command_paths() -> Iterator[tuple[str, ...]]:
    """Every command and group of the CLI, as the words that reach it."""

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, (*path, name))

    yield from walk(typer.main.get_command(app), ())


def description(output: str) -> list[list[str]]:
    """The paragraphs between the usage line and the first box, as lines (no padding)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Usage:"))
    while lines[start].strip():  # a long usage line wraps onto the next ones
        start += 1
    found: list[list[str]] = [[]]
    for line in lines[start:]:
        if line.lstrip().startswith("╭"):
            break
        text = line.rstrip()
        if text.strip():
            found[-1].append(text[1:] if text.startswith(" ") else text)
        elif found[-1]:
            found.append([])
    return [paragraph for paragraph in found if paragraph]


def hard_breaks(output: str, width: int) -> list[str]:
    """Lines that end although the next word would still have fit on them."""
    room = width - 2  # Rich pads the help with one column either side
    cut: list[str] = []
    for paragraph in description(output):
        for line, following in itertools.pairwise(paragraph):
            if _LIST_ITEM.match(following.strip()) or following.startswith(" "):
                continue  # a list item or an indented example starts a line of its own
            next_word = following.split()[0]
            if len(line) + 1 + len(next_word) <= room - 2:
                cut.append(f"{line!r} before {next_word!r}")
    return cut


def help_at(path: tuple[str, ...], width: int) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", list(command_paths()), ids=" ".join)
def test_help_reads_as_paragraphs_at_any_width(path: tuple[str, ...]) -> None:
    wide, narrow = help_at(path, WIDE), help_at(path, NARROW)
    assert description(wide), "the command has no description"
    assert hard_breaks(wide, WIDE) == []
    assert hard_breaks(narrow, NARROW) == []
    assert all(len(line) <= NARROW for line in narrow.splitlines())
    # The narrow rendering says all the wide one does.
    words = [
        " ".join(w for p in description(o) for line in p for w in line.split())
        for o in (wide, narrow)
    ]
    assert words[0] == words[1]


def run_help(*args: str, width: int) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERKWERKER_")}
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = str(width)
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args, "--help"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return done.stdout.decode()


@pytest.mark.parametrize("width", [NARROW, WIDE])
def test_chat_help_from_the_real_command_has_no_hard_breaks(width: int) -> None:
    output = run_help("chat", width=width)
    assert hard_breaks(output, width) == []
    text = " ".join(line for p in description(output) for line in p)
    assert 'Type "quit" or press Ctrl-D to stop.' in " ".join(text.split())


def test_paragraphs_join_lines_and_keep_paragraphs_lists_and_examples() -> None:
    doc = """First line.

    A sentence that
    goes on. Another.

    Options:
    - one
      still one
    - two

        merkwerker ask "x"
    """
    assert paragraphs(doc) == (
        "First line.\n\nA sentence that goes on. Another.\n\n"
        'Options:\n- one still one\n- two\n\n    merkwerker ask "x"'
    )


HEAVY = ("sqlalchemy", "alembic", "aiohttp", "slack_sdk", "botbuilder", "numpy", "apscheduler")
"""What the commands run on, which no ``--help`` needs."""

REPORT_LOADED = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'loaded: ' + ' '.join(sorted({m.split('.')[0] for m in sys.modules})) + '\\n'))\n"
    "sys.argv[0] = 'merkwerker'\n"
    "from adapters.cli.main import run\n"
    "run()\n"
)
"""What the ``merkwerker`` console script runs, telling on exit which packages it loaded."""


@pytest.mark.parametrize("path", list(command_paths()), ids=lambda path: " ".join(path) or "-")
def test_help_through_the_entry_point_loads_nothing_the_command_runs_on(
    path: tuple[str, ...],
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERKWERKER_")}
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = str(WIDE)
    done = subprocess.run(
        [sys.executable, "-c", REPORT_LOADED, *path, "--help"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    stdout, stderr = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, stderr
    assert stdout == help_at(path, WIDE)  # the same help as the app's own
    (loaded,) = [line for line in stderr.splitlines() if line.startswith("loaded: ")]
    assert sorted(set(loaded.split()[1:]) & set(HEAVY)) == []
