"""Faults: three web processes and two schedulers on PostgreSQL, killed in the middle.

Run: python bench/faults.py [--dms 2000] [--digests 400] [--retried 0.2] [--seconds 900]
                            [--database URL]

Loopback only, bounded in count and time. Starts a throwaway PostgreSQL cluster (unless
``--database`` names one), a fake Slack Web API, three ``merkwerker serve`` processes and
two ``merkwerker scheduler`` processes on that database. Then:

- sends ``--dms`` signed direct messages round-robin to the three web processes, each
  from its own person; a share (``--retried``) of them is delivered again by "Slack" to
  another process (same ``event_id``, ``X-Slack-Retry-Num``), as Slack does when it
  thinks a delivery failed. A delivery that finds its process dead is retried to the
  next one, as Slack would;
- ``kill -9`` of one web process when a third of the messages are sent, and a restart
  of it at two thirds;
- ``--digests`` people whose daily digest is due: ``kill -9`` of the active scheduler
  (the one holding the scheduler lock) once a third of the digests arrived, and a
  restart of it ten seconds later.

It waits until every message and digest arrived or ``--seconds`` ran out, and prints
how many direct messages were answered exactly once, twice (or more) and never, the
same for the digests, and the longest delay: from a message's first delivery to its
answer, and from the scheduler's kill to the last digest. Targets on Slack: 0 twice and
0 never.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "slack")]

from faults_database import prepare_digests, start_postgres  # noqa: E402
from faults_scenario import run  # noqa: E402
from faults_slack import serve_fake  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dms", type=int, default=2000)
    parser.add_argument("--digests", type=int, default=400)
    parser.add_argument("--retried", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--digest-delay", type=float, default=0.3)
    parser.add_argument("--seconds", type=float, default=900)
    parser.add_argument("--settle", type=float, default=15, help=argparse.SUPPRESS)
    parser.add_argument("--database")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        asyncio.run(serve_fake(args.port, args.digest_delay))
        return
    args.dms = max(1, min(args.dms, 20_000))
    args.digests = max(1, min(args.digests, 5_000))
    cluster = None
    database = args.database
    if database is None:
        database, cluster = start_postgres()
    try:
        with tempfile.TemporaryDirectory(prefix="merkwerker-faults-") as folder:
            prepare_digests(database, args.digests)
            figures = asyncio.run(run(args, database, Path(folder)))
            for name in ("web1", "web2", "web3", "sch1", "sch2"):
                path = Path(folder) / f"{name}.log"
                text = path.read_text(errors="replace") if path.exists() else ""
                if "Traceback" in text:
                    figures.setdefault("tracebacks_in", []).append(name)
    finally:
        if cluster is not None:
            cluster.stop()
    for key, value in figures.items():
        if key == "events":
            for event in value:
                print(f"  event: {event}")
        else:
            print(f"{key:>38}: {value}")


if __name__ == "__main__":
    main()
