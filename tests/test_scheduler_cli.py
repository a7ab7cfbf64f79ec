"""``merkwerker scheduler``: a due digest reaches the console exactly once, across restarts."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time as wallclock
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from digests_fixtures import add_item, add_person, outbox_rows
from rich.console import Console
from samples import write_guidelines
from sqlalchemy import Engine, inspect, text

from adapters.cli.scheduler import build_senders
from bot.digests import DigestStore, compose_due_digests
from bot.settings import Settings
from bot.storage import Store

AMS = ZoneInfo("Europe/Amsterdam")
DUE = datetime(2025, 6, 2, 9, 0, tzinfo=AMS)  # a Monday, at ann's digest time
HEADER = "Message for ann"


@pytest.fixture
def place(tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    """A guidelines folder and a SQLite file with ann (daily, console) and live content."""
    guidelines = write_guidelines(tmp_path / "guidelines")
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    add_person(store.engine, "ann")
    add_item(store.engine, "Open day in Utrecht")
    yield guidelines, store.engine
    store.close()


def run_once(folder: Path, now: datetime, *extra: str) -> subprocess.CompletedProcess[str]:
    database = f"sqlite:///{folder.parent / 'merkwerker.db'}"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "scheduler",
            "--once",
            "--database",
            database,
            "--guidelines",
            str(folder),
            "--now",
            now.isoformat(),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "200", "LANG": "C.UTF-8"}


def test_a_due_digest_is_printed_once_and_a_second_run_prints_nothing(
    place: tuple[Path, Engine],
) -> None:
    folder, engine = place
    first = run_once(folder, DUE)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count(HEADER) == 1
    assert "Open day in Utrecht" in first.stdout
    assert "Your daily digest" in first.stdout
    assert "1 sent" in first.stderr and "Traceback" not in first.stderr

    second = run_once(folder, DUE)  # the same moment again, as after a restart
    assert second.returncode == 0, second.stderr
    assert HEADER not in second.stdout
    third = run_once(folder, DUE + timedelta(hours=3))  # later that day
    assert HEADER not in third.stdout
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("sent", 1)


def test_a_crash_between_writing_and_sending_is_delivered_once_by_the_next_process(
    place: tuple[Path, Engine],
) -> None:
    folder, engine = place
    # The process that composed the digest died before it could send it.
    compose_due_digests(DigestStore(engine), now=DUE.astimezone(UTC), settings=Settings())
    assert [r.status for r in outbox_rows(engine)] == ["pending"]

    resumed = run_once(folder, DUE + timedelta(minutes=5))
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.count(HEADER) == 1
    again = run_once(folder, DUE + timedelta(minutes=6))
    assert HEADER not in again.stdout
    assert [r.status for r in outbox_rows(engine)] == ["sent"]


def test_someone_who_cannot_be_reached_is_reported(place: tuple[Path, Engine]) -> None:
    folder, engine = place
    ghost = add_person(engine, "ghost", reachable=False)
    result = run_once(folder, DUE)
    assert result.returncode == 0, result.stderr
    assert "1 unreachable" in result.stderr
    # The log line says whose message, for the operator.
    assert f"outbox digest:{ghost}:2025-06-02: no conversation with user {ghost}" in result.stderr
    assert sorted(r.status for r in outbox_rows(engine)) == ["sent", "unreachable"]


@pytest.mark.parametrize("value", ["tomorrow", "2025-06-02T09:00"])
def test_a_bad_now_is_one_clear_sentence(place: tuple[Path, Engine], value: str) -> None:
    folder, _ = place
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "scheduler",
            "--once",
            "--now",
            value,
            "--guidelines",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"--now {value} is not a moment I can read")
    assert "Traceback" not in result.stderr


def test_now_without_once_is_refused(place: tuple[Path, Engine]) -> None:
    folder, _ = place
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "scheduler",
            "--now",
            DUE.isoformat(),
            "--guidelines",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "--now only works together with --once." in result.stderr


def test_platforms_that_are_not_configured_are_skipped_with_a_notice(
    place: tuple[Path, Engine],
) -> None:
    _, engine = place
    notices = StringIO()
    senders = build_senders(
        {}, Store(engine), Console(file=StringIO()), Console(file=notices, width=200), "en"
    )
    assert set(senders) == {"console"}
    assert "Not sending to slack:" in notices.getvalue()
    assert "Not sending to teams:" in notices.getvalue()


def _midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is around noon at ``now``, so a digest is due."""
    offset = 12 - now.hour  # hours ahead of UTC: from -11 to +12, all real zones
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def test_the_long_running_scheduler_sends_a_due_digest_and_stops_cleanly(
    place: tuple[Path, Engine],
) -> None:
    folder, engine = place
    zone = _midday_zone(datetime.now(UTC))
    local_now = datetime.now(ZoneInfo(zone))
    with engine.begin() as connection:
        connection.execute(
            text(
                'UPDATE "user" SET timezone = :zone, digest_time = :at, '
                "quiet_start = '23:59', quiet_end = '23:59'"
            ),
            {"zone": zone, "at": (local_now - timedelta(hours=1)).strftime("%H:%M")},
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "scheduler",
            "--database",
            f"sqlite:///{folder.parent / 'merkwerker.db'}",
            "--guidelines",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )
    try:
        output = _read_until(process, HEADER, seconds=60)
        assert HEADER in output, output
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Scheduler stopped." in stderr and "Traceback" not in stderr
    assert (output + stdout).count(HEADER) == 1
    # The jobs live in the database's job store (a table that is not ours).
    assert "apscheduler_jobs" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        jobs = connection.execute(text("SELECT id FROM apscheduler_jobs ORDER BY id")).scalars()
        assert list(jobs) == ["digests.compose", "digests.deliver"]


def _read_until(process: subprocess.Popen[str], marker: str, *, seconds: float) -> str:
    """Read the process's output until ``marker`` shows up (or give up after ``seconds``).

    Straight from the pipe (``os.read``): a selector on the buffered text reader would
    miss lines already read into its buffer and wait out the deadline."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    wanted = marker.encode()
    seen = b""
    deadline = wallclock.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while wanted not in seen and wallclock.monotonic() < deadline:
            if selector.select(timeout=deadline - wallclock.monotonic()):
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                seen += chunk
    return seen.decode("utf-8", "replace")
