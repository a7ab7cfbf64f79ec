"""How long a standby ``merkwerker scheduler`` takes to take over after ``kill -9``.

Run: python bench/bench_scheduler_takeover.py [--database URL] [--rounds N]
Two schedulers start on one database (a temporary SQLite file unless --database names
one, e.g. a PostgreSQL URL) with the default timings, or with whatever
MERKWERKER_SCHEDULER_HEARTBEAT / _TAKEOVER say. Once one is active and the other standing
by, the active one is killed with SIGKILL, and the time until the standby logs "Took over
from" is printed. With the defaults: about 30-35 s on SQLite (the take-over limit plus up
to one try), and up to one heartbeat (5 s) on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MERKWERKER = str(Path(sys.executable).with_name("merkwerker"))
GUIDELINES = Path(__file__).resolve().parent.parent / "guidelines"


def start(env: dict[str, str]) -> subprocess.Popen[str]:
    """A scheduler whose stderr (the log) is read by ``wait_for``."""
    return subprocess.Popen(
        [MERKWERKER, "scheduler"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


SEEN: dict[int, list[str]] = {}
"""Every line each process (by pid) logged so far."""


def wait_for(
    processes: list[subprocess.Popen[str]], marker: str, seconds: float
) -> subprocess.Popen[str]:
    """The first of ``processes`` to have logged a line containing ``marker``."""
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        for process in processes:
            assert process.stderr is not None
            selector.register(process.stderr, selectors.EVENT_READ, process)
        while time.monotonic() < deadline:
            for process in processes:
                if any(marker in line for line in SEEN.get(process.pid, [])):
                    return process
            for key, _ in selector.select(timeout=max(deadline - time.monotonic(), 0)):
                line = key.fileobj.readline()  # type: ignore[union-attr]
                SEEN.setdefault(key.data.pid, []).append(line)
    raise SystemExit(f"no {marker!r} within {seconds} s")


def one_round(env: dict[str, str]) -> float:
    """Seconds from killing the active scheduler to the standby's take-over."""
    first, second = start(env), start(env)
    try:
        active = wait_for([first, second], "Active: this scheduler", 120)
        standby = second if active is first else first
        wait_for([standby], "Standing by:", 120)
        active.send_signal(signal.SIGKILL)
        active.wait()
        killed = time.monotonic()
        wait_for([standby], "Took over from", 300)
        return time.monotonic() - killed
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(60)


def main() -> None:
    """Run the rounds and print the take-over time of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = options.database or f"sqlite:///{Path(folder) / 'takeover.db'}"
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "MERKWERKER_GUIDELINES": str(GUIDELINES),
            "MERKWERKER_LANGUAGE": "en",
        }
        times = [one_round(env) for _ in range(options.rounds)]
    shown = ", ".join(f"{seconds:.1f} s" for seconds in times)
    print(f"kill -9 of the active scheduler to the standby's take-over: {shown}")


if __name__ == "__main__":
    main()
