"""A running bot picks up edits, and an invalid edit never takes it down."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest
from samples import RULES, write_guidelines

from bot.guidelines import GuidelinesLibrary, GuidelinesUnavailable, Problem
from bot.guidelines.rules import Guidelines


def touch_later(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    # Make sure the change is visible even on file systems with coarse timestamps.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


async def test_invalid_edit_keeps_serving_last_good_version(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    library = GuidelinesLibrary.open(folder)
    good = library.current.version
    heard: list[tuple[tuple[Problem, ...], Guidelines | None]] = []
    library.on_problems(lambda problems, serving: heard.append((problems, serving)))
    valid_again: list[str] = []
    library.on_valid_again(lambda guidelines: valid_again.append(guidelines.version))

    touch_later(folder / "rules.yaml", RULES.replace("verdict: allowed", "verdict: maybe", 1))
    assert await library.refresh()
    assert library.current.version == good
    assert library.last_result is not None and not library.last_result.ok
    assert len(heard) == 1 and heard[0][1] is not None and heard[0][1].version == good
    assert "g/rules.yaml" in heard[0][0][0].render()

    # The same broken version is reported once, not on every refresh.
    touch_later(folder / "rules.yaml", RULES.replace("verdict: allowed", "verdict: maybe", 1))
    await library.refresh()
    assert len(heard) == 1

    assert valid_again == []

    touch_later(folder / "rules.yaml", RULES.replace("Go ahead", "Sure"))
    assert await library.refresh()
    assert library.current.version != good
    assert library.current.rule("office-photos") is not None
    assert valid_again == [library.current.version]  # told once that it is fixed
    await library.refresh()
    assert valid_again == [library.current.version]


async def test_unchanged_folder_is_not_reloaded(tmp_path: Path) -> None:
    library = GuidelinesLibrary.open(write_guidelines(tmp_path / "g"))
    assert not await library.refresh()


def test_open_refuses_a_folder_that_never_was_valid(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g", rules=RULES.replace("owner: hr", "owner: nobody"))
    with pytest.raises(GuidelinesUnavailable) as raised:
        GuidelinesLibrary.open(folder)
    assert any(p.key.startswith("unknown_owner") for p in raised.value.problems)


async def test_watch_reloads_on_a_real_file_change(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    library = GuidelinesLibrary.open(folder)
    first = library.current.version
    stop = asyncio.Event()
    task = asyncio.create_task(library.watch(stop=stop, poll_seconds=0.1))
    await asyncio.sleep(0.3)
    touch_later(folder / "rules.yaml", RULES.replace("Go ahead", "Absolutely"))
    for _ in range(100):
        if library.current.version != first:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert library.current.version != first


def guideline_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bot.guidelines.library")]
    caplog.clear()
    return lines


async def test_the_log_tells_each_broken_version_once_and_when_it_is_valid_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.guidelines.library")
    folder = write_guidelines(tmp_path / "g")
    library = GuidelinesLibrary.open(folder)
    good = library.current.version
    caplog.clear()
    bad_verdict = RULES.replace("verdict: allowed", "verdict: maybe", 1)

    touch_later(folder / "rules.yaml", bad_verdict)
    assert await library.refresh()
    broken = guideline_lines(caplog)
    assert [line for line in broken if "verdict of rule 'office-photos'" in line] == [
        f"guidelines: {folder}/rules.yaml:19:14: error: verdict of rule 'office-photos' "
        "(rules[2]) is 'maybe'; use allowed, not_allowed or ask_first."
    ]
    assert broken[-1] == f"guidelines edit is invalid; still serving version {good}"

    # Saved again unchanged, and polled again: nothing new to say.
    touch_later(folder / "rules.yaml", bad_verdict)
    assert await library.refresh()
    assert not await library.refresh()
    assert guideline_lines(caplog) == []

    # Another broken version is told once too.
    touch_later(folder / "rules.yaml", bad_verdict.replace("owner: hr", "owner: hrr"))
    await asyncio.gather(library.refresh(), library.refresh())
    again = guideline_lines(caplog)
    assert len([line for line in again if "'hrr'" in line]) == 1
    assert len([line for line in again if "still serving" in line]) == 1

    # Fixed: one line saying so, and no more on later polls.
    touch_later(folder / "rules.yaml", RULES.replace("Go ahead", "Sure"))
    assert await library.refresh()
    fixed = library.current.version
    lines = guideline_lines(caplog)
    assert lines.count(f"guidelines valid again: 4 rules, version {fixed}") == 1
    touch_later(folder / "rules.yaml", RULES.replace("Go ahead", "Sure"))
    assert await library.refresh()
    assert not any("valid again" in line for line in guideline_lines(caplog))

    # Broken and fixed back to the very same version: still confirmed.
    touch_later(folder / "rules.yaml", "rules:\n  - id: x\n\ttitle: T\n")
    await library.refresh()
    assert any("a tab is used for indentation on line 3" in x for x in guideline_lines(caplog))
    touch_later(folder / "rules.yaml", RULES.replace("Go ahead", "Sure"))
    await library.refresh()
    assert guideline_lines(caplog) == [f"guidelines valid again: 4 rules, version {fixed}"]


def test_a_folder_that_never_was_valid_is_not_logged_twice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Whoever opens the library shows the problems (the CLI prints them); the log
    repeating them made every problem appear twice in the console."""
    folder = write_guidelines(tmp_path / "g", rules=RULES.replace("owner: hr", "owner: nobody"))
    with pytest.raises(GuidelinesUnavailable) as raised:
        GuidelinesLibrary.open(folder)
    assert raised.value.problems
    assert guideline_lines(caplog) == []


async def test_each_new_version_is_told_once_with_its_warnings_not_the_one_it_opened_with(
    tmp_path: Path,
) -> None:
    copied = RULES.replace(
        "      - Mag ik een foto van ons kantoor delen?\n",
        "      - Mag ik een foto van ons kantoor delen?\n"
        "      - Mag ik zeggen voor welke klant ik werk?\n",
        1,
    )
    folder = write_guidelines(tmp_path / "g", rules=copied)
    library = GuidelinesLibrary.open(folder)
    told: list[tuple[int, str]] = []
    library.on_warnings(lambda problems, serving: told.append((len(problems), serving.version)))
    assert not await library.refresh() and told == []

    touch_later(folder / "rules.yaml", copied.replace("Go ahead", "Sure"))
    assert await library.refresh()
    await library.refresh()
    assert told == [(1, library.current.version)]

    touch_later(folder / "rules.yaml", RULES)  # the warning gone: told with none
    assert await library.refresh()
    await library.refresh()
    assert told == [(1, told[0][1]), (0, library.current.version)]
