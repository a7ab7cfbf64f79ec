"""Two ``merkwerker scheduler`` processes on one database: one active, one standing by.

Real processes, real ``kill -9`` and ``SIGSTOP``, SQLite and PostgreSQL, digests sent to
the fake Slack Web API on loopback. The heartbeat and the take-over limit are set to a
second and six seconds (``MERKWERKER_SCHEDULER_HEARTBEAT`` / ``..._TAKEOVER``) to keep
the tests short; the defaults are tested against the README and ``--help``.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from digests_fixtures import add_item, add_person
from doctor_fixtures import merkwerker_env, run_doctor
from sqlalchemy import Engine, inspect, text

from bot.scheduling import DEFAULT_HEARTBEAT, DEFAULT_TAKEOVER, scheduler_lock
from bot.storage import Store

sys.path.append(str(Path(__file__).resolve().parent / "slack"))
from fake_slack_api import FakeSlackApi

MERKWERKER = str(Path(sys.executable).with_name("merkwerker"))
HEARTBEAT, TAKEOVER = "1", "6"
ACTIVE = "Active: this scheduler ("
STANDBY = "Standing by: "
TOOK_OVER = "Took over from "
HOLDER = re.compile(r"\((\S+:\d+)\)")


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi()
    await api.start()
    yield api
    await api.close()


class Scheduler:
    """One ``merkwerker scheduler`` process, its stderr read line by line as it comes."""

    def __init__(self, process: asyncio.subprocess.Process, name: str) -> None:
        self.process = process
        self.name = name
        self.lines: list[str] = []
        self._readers = [
            asyncio.create_task(self._read(process.stderr, keep=True)),
            asyncio.create_task(self._read(process.stdout, keep=False)),
        ]

    @classmethod
    async def start(cls, env: dict[str, str], name: str) -> Scheduler:
        process = await asyncio.create_subprocess_exec(
            MERKWERKER,
            "scheduler",
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process, name)

    async def _read(self, stream: asyncio.StreamReader | None, *, keep: bool) -> None:
        assert stream is not None
        while line := await stream.readline():
            if keep:
                self.lines.append(line.decode(errors="replace").rstrip())

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def wait_for(self, marker: str, *, seconds: float = 60.0, after: int = 0) -> str:
        """The first line (from line ``after`` on) containing ``marker``; fail after ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if marker in line:
                    return line
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"{self.name} did not say {marker!r}; it said:\n{self.output}")

    def holder(self) -> str:
        """``host:pid`` as this process names itself."""
        return f"{os.uname().nodename}:{self.process.pid}"

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), 60)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
        await asyncio.gather(*self._readers)
        return code

    async def kill(self) -> None:
        self.process.kill()  # SIGKILL: no clean-up of any kind
        await self.process.wait()
        await asyncio.gather(*self._readers)


def _env(tmp_path: Path, database: str, api: FakeSlackApi) -> dict[str, str]:
    return merkwerker_env(
        tmp_path,
        database,
        MERKWERKER_SCHEDULER_HEARTBEAT=HEARTBEAT,
        MERKWERKER_SCHEDULER_TAKEOVER=TAKEOVER,
        SLACK_BOT_TOKEN="xoxb-scheduler",
        SLACK_API_URL=api.base_url,
    )


def _midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is around noon at ``now``, so a digest is due."""
    offset = 12 - now.hour
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def add_due_person(engine: Engine, user: str) -> None:
    """A Slack user whose daily digest was due an hour ago, with no quiet hours."""
    zone = _midday_zone(datetime.now(UTC))
    an_hour_ago = datetime.now(ZoneInfo(zone)) - timedelta(hours=1)
    add_person(
        engine,
        user,
        platform="slack",
        timezone=zone,
        digest_time=an_hour_ago.strftime("%H:%M"),
        quiet=("23:59", "23:59"),
    )


def digests_per_person(api: FakeSlackApi) -> Counter[str]:
    """How many digests each person's direct message got."""
    return Counter(str(call.args.get("channel")) for call in api.of("chat.postMessage"))


async def _active_and_standby(first: Scheduler, second: Scheduler) -> tuple[Scheduler, Scheduler]:
    """Which of two schedulers became active and which stands by (each says so)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        said = {s: (ACTIVE in s.output, STANDBY in s.output) for s in (first, second)}
        if said[first] == (True, False) and said[second] == (False, True):
            return first, second
        if said[second] == (True, False) and said[first] == (False, True):
            return second, first
        if any(s.process.returncode is not None for s in (first, second)):
            break
        await asyncio.sleep(0.05)
    raise AssertionError(f"first:\n{first.output}\n\nsecond:\n{second.output}")


def _no_errors(*schedulers: Scheduler) -> None:
    for scheduler in schedulers:
        assert "Traceback" not in scheduler.output, scheduler.output
        assert "already exists" not in scheduler.output, scheduler.output
        assert "ERROR" not in scheduler.output, scheduler.output


async def test_two_schedulers_started_together_on_a_fresh_database(
    tmp_path: Path, database_url: str, fake_api: FakeSlackApi
) -> None:
    env = _env(tmp_path, database_url, fake_api)
    first, second = await asyncio.gather(
        Scheduler.start(env, "first"), Scheduler.start(env, "second")
    )
    try:
        active, standby = await _active_and_standby(first, second)
        assert active.process.returncode is None and standby.process.returncode is None
        # The standby names the active one.
        line = await standby.wait_for(STANDBY)
        assert f"the scheduler {active.holder()} is active" in line
        await active.wait_for("Scheduler running:")
        assert "Scheduler running:" not in standby.output
        # An operator can see which one is active.
        _, doctor = await run_doctor(env)
        assert f"– Scheduler: {active.holder()} is active (last heartbeat " in doctor

        # A clean stop gives the lock up: the standby takes over at its next try.
        assert await active.stop() == 0
        await standby.wait_for(ACTIVE)
        await standby.wait_for("Scheduler running:")
        assert await standby.stop() == 0
    finally:
        for scheduler in (first, second):
            await scheduler.stop()
    _no_errors(first, second)
    assert "Scheduler stopped." in first.output and "Scheduler stopped." in second.output
    store = Store.open(database_url)
    try:
        assert "apscheduler_jobs" in inspect(store.engine).get_table_names()
        with store.engine.connect() as connection:
            jobs = connection.execute(text("SELECT id FROM apscheduler_jobs ORDER BY id"))
            assert list(jobs.scalars()) == ["digests.compose", "digests.deliver"]
    finally:
        store.close()


async def test_kill_9_of_the_active_one_the_standby_takes_over_and_sends_each_digest_once(
    tmp_path: Path, database_url: str, fake_api: FakeSlackApi
) -> None:
    store = Store.open(database_url)
    add_item(store.engine, "Open day in Utrecht")
    add_due_person(store.engine, "U0ANN")
    env = _env(tmp_path, database_url, fake_api)
    first = await Scheduler.start(env, "first")
    second: Scheduler | None = None
    try:
        await first.wait_for(ACTIVE)
        await fake_api.wait_for("chat.postMessage", 1, timeout=60)
        second = await Scheduler.start(env, "second")
        line = await second.wait_for(STANDBY)
        assert f"the scheduler {first.holder()} is active" in line

        await first.kill()
        killed_at = time.monotonic()
        # Due after the kill: only a scheduler that took over can send it.
        add_due_person(store.engine, "U0BOB")
        took_over = await second.wait_for(TOOK_OVER, seconds=60)
        assert f"Took over from {first.holder()}" in took_over
        assert f"this scheduler ({second.holder()}) is now active" in took_over
        await fake_api.wait_for("chat.postMessage", 2, timeout=60)
        print(f"kill -9 to the next digest sent: {time.monotonic() - killed_at:.1f} s")
        # The new active one's first passes are over: nothing more is due.
        await second.wait_for("outbox delivered")
        await asyncio.sleep(2)
        assert digests_per_person(fake_api) == Counter({"DU0ANN": 1, "DU0BOB": 1})
        assert await second.stop() == 0
    finally:
        store.close()
        for scheduler in (first, second):
            if scheduler is not None:
                await scheduler.stop()
    _no_errors(first)
    assert second is not None
    _no_errors(second)


async def test_an_active_scheduler_frozen_past_the_limit_loses_the_lock_and_stands_by(
    tmp_path: Path, database_url: str, fake_api: FakeSlackApi
) -> None:
    Store.open(database_url).close()
    env = _env(tmp_path, database_url, fake_api)
    first = await Scheduler.start(env, "first")
    second: Scheduler | None = None
    try:
        await first.wait_for("Scheduler running:")
        second = await Scheduler.start(env, "second")
        await second.wait_for(STANDBY)
        seen = len(first.lines)
        first.process.send_signal(signal.SIGSTOP)  # no heartbeats, connection left open
        try:
            await second.wait_for(TOOK_OVER, seconds=60)
        finally:
            first.process.send_signal(signal.SIGCONT)
        lost = await first.wait_for("Lost the scheduler lock:", after=seen)
        assert lost.endswith("Jobs stopped; standing by."), lost
        if database_url.startswith("sqlite"):
            assert f"{second.holder()} took it over" in lost
        else:  # the server closed the silent session, which freed the advisory lock
            assert "the database connection that held it failed" in lost
        standby = await first.wait_for(STANDBY, after=seen)
        assert f"the scheduler {second.holder()} is active" in standby
        # It stays standing by: no second take-over while the other one is alive.
        await asyncio.sleep(3)
        assert TOOK_OVER not in "\n".join(first.lines[seen:])
        assert ACTIVE not in "\n".join(first.lines[seen:])
        assert TOOK_OVER in second.output and "Lost" not in second.output
    finally:
        for scheduler in (first, second):
            if scheduler is not None:
                await scheduler.stop()
    _no_errors(first)


async def test_timings_that_would_lose_the_lock_are_refused_in_one_sentence(
    tmp_path: Path, fake_api: FakeSlackApi
) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", fake_api)
    env.update(MERKWERKER_SCHEDULER_HEARTBEAT="5", MERKWERKER_SCHEDULER_TAKEOVER="10")
    process = await asyncio.create_subprocess_exec(
        MERKWERKER,
        "scheduler",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().strip() == (
        "MERKWERKER_SCHEDULER_TAKEOVER (10 s) must be at least three times "
        "MERKWERKER_SCHEDULER_HEARTBEAT (5 s)."
    )


async def test_doctor_says_when_the_last_active_scheduler_went_silent(
    tmp_path: Path, fake_api: FakeSlackApi
) -> None:
    database = f"sqlite:///{tmp_path / 'm.db'}"
    store = Store.open(database)
    try:
        long_ago = datetime.now(UTC) - timedelta(minutes=10)
        lock = scheduler_lock(store)
        assert lock.try_acquire(holder="gone:7", now=long_ago, stale_after=timedelta(0))
    finally:
        store.close()
    _, output = await run_doctor(_env(tmp_path, database, fake_api))
    assert re.search(
        r"^– Scheduler: none seems to be running; the last active one, gone:7, sent its last "
        r"heartbeat 6\d\d s ago\. Digests wait until merkwerker scheduler runs\.$",
        output,
        re.MULTILINE,
    ), output


def test_the_readme_and_help_give_the_default_timings() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    heartbeat, takeover = f"{DEFAULT_HEARTBEAT:g} s", f"{DEFAULT_TAKEOVER:g} s"
    section = readme[readme.index("### Two schedulers") :]
    assert heartbeat in section and takeover in section
    from typer.testing import CliRunner

    from adapters.cli.main import app

    result = CliRunner().invoke(app, ["scheduler", "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert "standing by" in result.output
    assert heartbeat in result.output and takeover in result.output


def test_the_procfile_runs_what_the_readme_names_and_allows_a_standby() -> None:
    """The Procfile's comment once said never to run two schedulers."""
    procfile = (Path(__file__).resolve().parent.parent / "Procfile").read_text()
    processes = dict(
        line.split(": ", 1) for line in procfile.splitlines() if not line.startswith("#")
    )
    assert processes["web"] == "merkwerker serve"
    assert processes["scheduler"] == "merkwerker scheduler"
    assert "never run two" not in procfile and "stand by" in procfile
