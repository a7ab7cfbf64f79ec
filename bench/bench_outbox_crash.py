"""A scheduler killed (SIGKILL) while it posts Slack digests, then restarted: what people get.

Run: python bench/bench_outbox_crash.py [--people 400] [--kill-after 133] [--database URL]

Writes ``--people`` Slack digests due now into a temporary SQLite file (or the empty
database of ``--database``), serves the tests' fake Slack Web API on loopback (each post
answered after 0.1 s, the message already posted), starts ``merkwerker scheduler``, kills
it with SIGKILL once ``--kill-after`` digests were posted, and starts it again. Prints
how many people got their digest once, twice or not at all, how many digests Slack had
while their row still said "sending", and how long after the restart the last digest
came. Targets: nobody twice or missing; the last digest within about a minute of the
restart (the 60 s lease).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "slack")]

from fake_slack_api import FakeSlackApi  # noqa: E402
from samples import write_guidelines  # noqa: E402

from adapters.slack.delivery_keys import delivery_key  # noqa: E402
from bot.digests import DigestStore  # noqa: E402
from bot.digests.outbox import NewMessage  # noqa: E402
from bot.messages import Reply, Text  # noqa: E402
from bot.serialize import reply_to_json  # noqa: E402
from bot.storage import Store  # noqa: E402
from bot.storage.tables import ConversationReference, OutboxMessage, User  # noqa: E402


def populate(store: Store, people: int) -> dict[str, str]:
    """``people`` Slack users with a digest due now; their DM channel to their outbox key."""
    now = datetime.now(UTC)
    users = [
        {
            "platform": "slack",
            "platform_user_id": f"U{index:05d}",
            "language": "en",
            "created_at": now,
            "timezone": "Europe/Amsterdam",
            "topics": "",
            "digest": "daily",
            "digest_time": "09:00",
            "digest_weekday": 0,
            "quiet_start": "18:00",
            "quiet_end": "08:00",
            "digest_cap": 7,
            "tracking": True,
            "leaderboard": False,
        }
        for index in range(people)
    ]
    users_table = User.__table__  # type: ignore[attr-defined]
    with store.engine.begin() as connection:
        connection.execute(insert(users_table), users)
        ids = dict(
            connection.execute(select(users_table.c.platform_user_id, users_table.c.id)).all()
        )
        connection.execute(
            insert(ConversationReference.__table__),  # type: ignore[attr-defined]
            [
                {
                    "user_id": ids[u["platform_user_id"]],
                    "platform": "slack",
                    "conversation_id": f"D{u['platform_user_id']}",
                    "data": "{}",
                    "updated_at": now,
                }
                for u in users
            ],
        )
    channels: dict[str, str] = {}
    messages = []
    for name, user_id in sorted(ids.items()):
        key = f"digest:{user_id}:bench"
        channels[f"D{name}"] = key
        reply = Reply(parts=(Text(text=f"Digest for {name}"),), language="en", kind="digest")
        messages.append(
            NewMessage(key=key, user_id=user_id, platform="slack", payload=reply_to_json(reply))
        )
    DigestStore(store.engine).insert_messages(messages, now=now)
    return channels


async def start_scheduler(
    url: str, guidelines: Path, api: FakeSlackApi, log: Path
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MERKWERKER_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=api.base_url, LANG="C.UTF-8")
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "adapters.cli.main",
            "scheduler",
            "--database",
            url,
            "--guidelines",
            str(guidelines),
            env=env,
            cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )


async def run(url: str, folder: Path, people: int, kill_after: int) -> None:
    store = Store.open(url)
    api = FakeSlackApi()
    await api.start()
    try:
        channels = populate(store, people)
        guidelines = write_guidelines(folder / "guidelines")
        api.delays["chat.postMessage"] = 0.1
        log = folder / "scheduler.log"
        first = await start_scheduler(url, guidelines, api, log)
        await api.wait_for("chat.postMessage", kill_after, timeout=300)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed = time.time()
        with store.engine.connect() as connection:
            table = OutboxMessage.__table__  # type: ignore[attr-defined]
            sending = set(
                connection.execute(select(table.c.key).where(table.c.status == "sending")).scalars()
            )
        at_slack = {delivery_key(m) for c in channels for m in api.messages_in(c)}
        in_between = len(sending & at_slack)

        restarted = time.time()
        second = await start_scheduler(url, guidelines, api, log)
        deadline = time.monotonic() + 600
        while DigestStore(store.engine).status_counts() != {"sent": people}:
            if time.monotonic() > deadline:
                print("not all sent after 10 minutes:", DigestStore(store.engine).status_counts())
                break
            await asyncio.sleep(0.2)
        second.send_signal(signal.SIGTERM)
        await second.wait()

        per_person = Counter(
            sum(1 for m in api.messages_in(channel) if delivery_key(m) == key)
            for channel, key in channels.items()
        )
        posts = api.of("chat.postMessage")
        after = [call.at for call in posts if call.at >= restarted]
        print(
            f"people: {people}, killed after {kill_after} posts, database: "
            f"{store.engine.url.get_backend_name()}"
        )
        print(f"at the kill: {len(sending)} rows 'sending', {in_between} of them already at Slack")
        print(
            f"digests per person: once {per_person[1]}, twice {per_person[2]}, "
            f"more {sum(n for k, n in per_person.items() if k > 2)}, none {per_person[0]}"
        )
        print(f"restart {restarted - killed:.1f} s after the kill")
        if after:
            print(f"last digest {max(after) - restarted:.1f} s after the restart")
        print(f"posts in all: {len(posts)}")
    finally:
        await api.close()
        store.close()


def main() -> None:
    """Parse the options and run the crash once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--kill-after", type=int, default=133)
    parser.add_argument("--database", help="an empty database's URL (default: a SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(url, Path(folder), args.people, args.kill_after))


if __name__ == "__main__":
    main()
