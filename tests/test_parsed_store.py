"""The guidelines as read, kept in the embedding cache's file (``bot.guidelines.parsed_store``).

A restart with unchanged files reads no YAML again and gets exactly what reading gives;
an edited piece is read anew; a broken file only costs speed. Each load runs in a
process of its own, as a restart does, counting how often the YAML reader runs.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
from test_serve_port import _env, _free_port, _healthy, _serve, _stop

ROOT = Path(__file__).resolve().parent.parent

LOAD = """\
import json, sys
from pathlib import Path
from bot.guidelines import files, load_guidelines, pieces

reads = []
read_yaml = files._read_yaml

def counted(text, name, problems):
    reads.append(name)
    return read_yaml(text, name, problems)

files._read_yaml = counted
pieces.keep_pieces_in(Path(sys.argv[2]) if sys.argv[2] != "-" else None)
result = load_guidelines(Path(sys.argv[1]))
print(json.dumps({
    "reads": len(reads),
    "guidelines": repr(result.guidelines),
    "problems": [p.render("en") for p in result.problems],
}))
"""


def _load(folder: Path, store: Path | None) -> tuple[dict[str, Any], str]:
    """Load ``folder`` in a new process, keeping pieces in ``store``: what it got, and
    its standard error."""
    ran = subprocess.run(
        [sys.executable, "-c", LOAD, str(folder), str(store) if store else "-"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(ran.stdout), ran.stderr


def _shipped(tmp_path: Path) -> Path:
    folder = tmp_path / "shipped"
    shutil.copytree(ROOT / "guidelines", folder)
    return folder


def test_a_restart_reads_no_yaml_and_gets_what_reading_gives(tmp_path: Path) -> None:
    folder = _shipped(tmp_path)
    store = tmp_path / "cache.sqlite3"
    read, _ = _load(folder, None)
    first, _ = _load(folder, store)
    again, _ = _load(folder, store)
    assert read["reads"] > 20  # every file is long enough to be read in pieces
    assert first["reads"] == read["reads"]
    assert again["reads"] == 0
    assert again["guidelines"] == first["guidelines"] == read["guidelines"]
    assert again["problems"] == read["problems"]


def test_an_edited_rule_is_read_again_and_only_it(tmp_path: Path) -> None:
    folder = _shipped(tmp_path)
    store = tmp_path / "cache.sqlite3"
    _load(folder, store)
    hr = folder / "hr.yaml"
    text = hr.read_text("utf-8")
    edited = text.replace(
        "Mag ik onze vacatures delen op LinkedIn?", "Mag ik onze vacatures op LinkedIn delen?", 1
    )
    assert edited != text
    hr.write_text(edited, encoding="utf-8")
    after, _ = _load(folder, store)
    read, _ = _load(folder, None)
    assert after["reads"] == 1
    assert "Mag ik onze vacatures op LinkedIn delen?" in after["guidelines"]
    assert after["guidelines"] == read["guidelines"]


def test_a_problem_in_a_file_is_worded_as_always_with_the_cache(tmp_path: Path) -> None:
    folder = _shipped(tmp_path)
    store = tmp_path / "cache.sqlite3"
    _load(folder, store)
    hr = folder / "hr.yaml"
    hr.write_text(
        hr.read_text("utf-8").replace("verdict: allowed", "verdict: maybe", 1), encoding="utf-8"
    )
    cached, _ = _load(folder, store)
    read, _ = _load(folder, None)
    assert cached["problems"] == read["problems"]
    assert any("is 'maybe'; use allowed, not_allowed or ask_first" in p for p in read["problems"])


def test_a_broken_cache_file_only_costs_speed(tmp_path: Path) -> None:
    folder = _shipped(tmp_path)
    store = tmp_path / "cache.sqlite3"
    store.write_bytes(b"this is not a database" * 100)
    loaded, said = _load(folder, store)
    read, _ = _load(folder, None)
    assert loaded["guidelines"] == read["guidelines"]
    assert "cannot keep the guidelines as read" in said
    assert "they are read again at each start, which only takes longer" in said


async def test_serve_keeps_the_guidelines_as_read_in_the_embedding_cache_file(
    tmp_path: Path,
) -> None:
    """What ``merkwerker serve`` read is in the file its next start looks in."""
    cache = tmp_path / "embeddings.sqlite3"
    env = _env(
        tmp_path,
        MERKWERKER_GUIDELINES=str(_shipped(tmp_path)),
        MERKWERKER_EMBEDDING_CACHE=str(cache),
    )
    port = _free_port()
    process = await _serve(env, "--port", str(port))
    async with aiohttp.ClientSession() as http:
        try:
            await _healthy(http, port)
        finally:
            await _stop(process)
    with sqlite3.connect(cache) as connection:
        (pieces,) = connection.execute("SELECT COUNT(*) FROM parsed_piece").fetchone()
    loaded, _ = _load(Path(env["MERKWERKER_GUIDELINES"]), cache)
    assert pieces > 20
    assert loaded["reads"] == 0
