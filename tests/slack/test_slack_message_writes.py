"""What one Slack question costs the database: the person read once, one write.

The bot as ``merkwerker serve`` runs it, on a real SQLite file, behind the real
``/slack/events``; the statements are counted by a listener on the engine
(``sql_count``), the inbox's own writes left out.
"""

from __future__ import annotations

import copy

from slack_fixtures import SlackServer, fake_api, payload, slack_server
from sql_count import counting
from sqlalchemy import text

__all__ = ["fake_api", "slack_server"]


def _message(event_id: str, ts: str) -> dict[str, object]:
    data = copy.deepcopy(payload("event_message_im"))
    data["event_id"] = event_id
    data["event"].update(ts=ts, event_ts=ts, client_msg_id=f"msg-{event_id}")
    return data


async def test_a_question_reads_the_person_once_and_writes_once(slack_server: SlackServer) -> None:
    assert (await slack_server.event(_message("Ev1", "1700000100.000100")))[0] == 200
    await slack_server.settle()
    with counting(slack_server.store.engine) as counted:
        assert (await slack_server.event(_message("Ev2", "1700000200.000200")))[0] == 200
        await slack_server.settle()
    assert len(slack_server.fake.of("chat.postMessage")) == 2
    writes = [t for t in counted.counted() if t.writes]
    assert len(writes) == 1, counted.transactions
    assert writes[0].ended == "COMMIT"
    assert [" ".join(s.split()[:3]) for s in writes[0].statements] == [
        "INSERT INTO question",
        "INSERT INTO event",
    ]
    assert counted.reads_of_the_person() == 1, counted.statements()
    with slack_server.store.engine.connect() as connection:
        logged = connection.execute(
            text("SELECT count(*) FROM event WHERE kind = 'question_asked' AND user_id IS NOT NULL")
        ).scalar_one()
    assert logged == 2
