"""Answers in Slack carry "Helpful? 👍 👎" buttons; a press is recorded and says thanks."""

from __future__ import annotations

from slack_fixtures import SlackServer, fake_api, payload, slack_server
from sqlalchemy import text

__all__ = ["fake_api", "slack_server"]


async def test_a_thumbs_down_in_slack_is_recorded_with_the_rule(
    slack_server: SlackServer,
) -> None:
    asking = payload("event_message_im")
    asking["event"]["text"] = "Can I name the client I'm working for?"
    await slack_server.event(asking)
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    buttons = {
        e["text"]["text"]: e
        for b in post.json_arg("blocks")
        if b["type"] == "actions"
        for e in b["elements"]
    }
    assert set(buttons) >= {"👍", "👎"}
    down = buttons["👎"]
    assert down["action_id"].startswith("answer.down#")
    press = payload("block_actions_message", slack_server.fake)
    press["actions"] = [{**down, "action_ts": "1700000820.000820"}]
    await slack_server.interaction(press)
    [replaced] = await slack_server.fake.wait_for("response_url")
    shown = str(replaced.args.get("blocks"))
    assert "passed it on to the owners of this rule" in shown
    assert "Client names" in shown  # the answer stays in view
    with slack_server.store.engine.connect() as connection:
        rows = connection.execute(text("SELECT rule_id, feedback FROM question")).all()
    assert [tuple(r) for r in rows] == [("client-names", "not_helpful")]


async def test_a_press_on_someone_elses_answer_changes_nothing(slack_server: SlackServer) -> None:
    asking = payload("event_message_im")
    asking["event"]["text"] = "Can I name the client I'm working for?"
    await slack_server.event(asking)
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    up = next(
        e
        for b in post.json_arg("blocks")
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "👍"
    )
    press = payload("block_actions_message", slack_server.fake)
    press["user"] = {**press["user"], "id": "U0SOMEONEELSE"}
    press["actions"] = [{**up, "action_ts": "1700000830.000830"}]
    await slack_server.interaction(press)
    await slack_server.settle()
    assert slack_server.fake.of("response_url") == []  # the asker's answer stays
    with slack_server.store.engine.connect() as connection:
        assert connection.execute(text("SELECT feedback FROM question")).scalar_one() is None


async def test_thanks_with_an_emoji_in_slack_is_not_a_question(slack_server: SlackServer) -> None:
    """Slack writes emoji as shortcodes ("thanks :pray:", ":+1::skin-tone-2:"): such a
    thanks went through the matcher and reached the owners as an unanswered question.
    So did one with a workspace's own emoji ("super :party-parrot:"), which stays a name."""
    said_all = (
        "thanks :pray:",
        ":+1::skin-tone-2:",
        "top, bedankt :raised_hands:",
        "super :party-parrot:",
    )
    for n, said in enumerate(said_all):
        thanks = payload("event_message_im")
        thanks["event"]["text"] = said
        thanks["event"]["ts"] = f"1700000900.00090{n}"
        thanks["event_id"] = f"Ev0THANKS{n}"
        await slack_server.event(thanks)
    posts = await slack_server.fake.wait_for("chat.postMessage", count=4)
    shown = " ".join(str(p.json_arg("blocks")) for p in posts)
    # Two thank (in whichever language the bot took them for), two only acknowledge.
    assert shown.count("Graag gedaan!") + shown.count("You're welcome!") == 2
    assert shown.count("👍 Vraag me gerust") + shown.count("👍 Ask me anything") == 2
    with slack_server.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM question")).scalar_one() == 0
