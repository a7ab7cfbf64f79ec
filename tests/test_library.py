"""A running bot picks up edits, and an invalid edit never takes it down."""

from __future__ import annotations

import asyncio
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

    touch_later(folder / "rules.yaml", RULES.replace("Go ahead", "Sure"))
    assert await library.refresh()
    assert library.current.version != good
    assert library.current.rule("office-photos") is not None


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
