"""Pure translation of Slack payloads: messages, commands, button ids and signatures."""

from __future__ import annotations

import pytest
from slack_fixtures import SECRET, payload

from adapters.slack import payloads as p
from adapters.slack.actions import (
    FormSource,
    action_of,
    choice_action_id,
    decode_form_source,
    encode_form_source,
    reopen_button,
    reopen_of,
)
from adapters.slack.credentials import SlackSettings, slack_settings_from_env
from adapters.slack.jobs import USAGE
from adapters.slack.signature import is_valid_signature, sign
from bot.intents import understand
from bot.messages import FormAction, Platform
from bot.named_commands import command_of, lacks_argument, understand_command
from bot.settings import SettingsError

BOT = "UBOT"


@pytest.mark.parametrize(
    ("name", "answered"),
    [
        ("event_message_im", True),
        ("event_message_changed", False),
        ("event_bot_message", False),
        ("event_own_message", False),
        ("event_app_mention", False),  # a mention is not a direct message
    ],
)
def test_which_messages_are_for_the_bot(name: str, answered: bool) -> None:
    assert p.is_message_for_bot(p.event_of(payload(name)), bot_user_id=BOT) is answered


def test_a_mention_in_a_channel_is_for_the_bot_but_not_in_a_dm() -> None:
    event = p.event_of(payload("event_app_mention"))
    assert p.is_mention_for_bot(event, bot_user_id=BOT)
    assert not p.is_mention_for_bot({**event, "channel": "D0PERSON"}, bot_user_id=BOT)
    assert not p.is_mention_for_bot({**event, "user": BOT}, bot_user_id=BOT)


def test_a_message_becomes_an_incoming_message() -> None:
    incoming = p.to_incoming_message(payload("event_app_mention"), bot_user_id=BOT, locale="en-US")
    assert incoming.platform is Platform.SLACK
    assert incoming.text == "Can I post a picture of the office?"
    assert incoming.user_id == "U0PERSON"
    assert incoming.conversation.conversation_id == "C0GENERAL"
    assert incoming.conversation.thread_id == "1700000200.000200"
    assert incoming.conversation.data == {"team_id": "T0001"}
    assert incoming.message_id == "C0GENERAL/1700000200.000200"
    assert incoming.locale == "en-US"


def test_a_direct_message_is_answered_outside_a_thread_unless_it_was_in_one() -> None:
    event = p.event_of(payload("event_message_im"))
    assert p.reply_thread(event) is None
    assert p.reply_thread({**event, "thread_ts": "1.2"}) == "1.2"


def test_odd_payloads_give_empty_values_not_errors() -> None:
    assert p.event_of({"event": "nonsense"}) == {}
    assert not p.is_message_for_bot({}, bot_user_id=None)
    incoming = p.to_incoming_message({"event": {"type": "message"}}, bot_user_id=None)
    assert incoming.text == "" and incoming.message_id is None
    assert p.actions_of({"actions": "x"}) == []
    assert p.container_of({}) == ("", None)
    assert p.user_of({}) == "" and p.channel_of({}) == "" and p.team_of({}) == ""


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ("<@UBOT> hi", "hi"),
        (
            "ask <@U123|anna> about <https://example.com|this>",
            "ask @anna about https://example.com",
        ),
        ("in <#C1|general> &amp; <!here>", "in #general & @here"),
        ("5 &lt; 6 &gt; 4", "5 < 6 > 4"),
    ],
)
def test_slack_markup_becomes_plain_text(markup: str, plain: str) -> None:
    assert p.to_plain_text(markup, bot_user_id=BOT) == plain


def test_the_first_link_of_a_message_is_found() -> None:
    text = payload("message_action")["message"]["text"]
    assert p.first_url(text) == "https://example.com/news/new-office"
    assert p.first_url("see https://a.example/x?y=1&amp;z=2 now") == "https://a.example/x?y=1&z=2"
    assert p.first_url("<mailto:a@b.nl|mail> no web link") is None


def test_where_a_button_was_pressed() -> None:
    assert p.container_of(payload("block_actions_message")) == ("message", "1700000700.000700")
    assert p.container_of(payload("block_actions_home")) == ("home", None)
    assert p.channel_of(payload("block_actions_message")) == "D0PERSON"
    assert p.channel_of(payload("command")) == "C0GENERAL"
    assert p.team_of(payload("block_actions_home")) == "T0001"


@pytest.mark.parametrize(
    ("typed", "text", "notice"),
    [
        ("", "help", None),
        ("help", "help", None),
        ("ask Can I name our client?", "Can I name our client?", None),
        ("check Proud of <https://x.nl|our work>", "check: Proud of https://x.nl", None),
        ("share", "share", None),
        ("settings", "settings", None),
        ("settings digest weekly", "settings digest weekly", None),
        ("mydata", "mydata", None),
        ("forget", "forget", None),
        ("queue <https://example.com/a>", "queue https://example.com/a", None),
        ("Mag ik een foto delen?", "Mag ik een foto delen?", None),
        ("ASK", "", "slack.command.ask_empty"),
        ("check   ", "", "slack.command.check_empty"),
        ("queue our news", "", "slack.command.queue_empty"),
    ],
)
def test_slash_subcommands_map_to_what_the_core_understands(
    typed: str, text: str, notice: str | None
) -> None:
    # ``text`` is the message that means the same when typed to the bot.
    call = command_of(p.to_plain_text(typed))
    if notice is not None:
        assert call is not None and lacks_argument(call)
        assert USAGE[call.name] == notice
        return
    understood = understand(p.to_plain_text(typed)) if call is None else understand_command(call)
    assert understood == understand(text)


def test_choice_ids_round_trip_and_stay_unique() -> None:
    first, second = choice_action_id("share.shared", 1), choice_action_id("share.shared", 2)
    assert first != second
    assert first is not None and second is not None
    assert action_of(first) == action_of(second) == "share.shared"
    assert action_of("content.approve") == "content.approve"
    assert choice_action_id("x" * 300, 1) is None


def test_form_sources_round_trip_and_refuse_junk() -> None:
    source = FormSource(home=False, text="instellingen", action="settings.save")
    encoded = encode_form_source(source)
    assert encoded is not None and decode_form_source(encoded) == source
    assert encode_form_source(FormSource(home=False, text="x" * 3000)) is None
    for junk in ("", "nope", "[1,2,3]", '["other","",""]'):
        assert decode_form_source(junk) is None


def test_form_buttons_carry_the_action_that_gives_the_form_again() -> None:
    reopen = FormAction(action="content.form", value="12")
    button = reopen_button(reopen, 3)
    assert button == ("@form:content.form#3", "12")
    assert reopen_of(*button) == reopen
    assert reopen_of("@form:settings.open#1", "") == FormAction(action="settings.open")
    assert reopen_button(FormAction(action="x" * 300), 1) is None
    assert reopen_button(FormAction(action="content.form", value="v" * 2001), 1) is None
    # Other buttons, and form buttons posted before forms carried ``reopen``, are not.
    for action_id in ("@form#2", "@form:#2", "@link#1", "settings.open#1"):
        assert reopen_of(action_id, '["text","settings","settings.save"]') is None


def test_signatures_as_slack_computes_them() -> None:
    # The example from Slack's documentation on verifying requests.
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    signature = sign("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body)
    assert signature == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert is_valid_signature(
        SECRET, body=body, timestamp="1531420618", signature=signature, now=1531420618
    )
    assert not is_valid_signature(
        SECRET, body=body, timestamp="1531420618", signature=signature, now=1531420618 + 301
    )
    assert not is_valid_signature(
        SECRET, body=body + b"x", timestamp="1531420618", signature=signature, now=1531420618
    )
    assert not is_valid_signature(SECRET, body=body, timestamp="１２３", signature=signature, now=0)
    assert not is_valid_signature(SECRET, body=body, timestamp=None, signature=signature, now=0)


def test_slack_settings_from_the_environment() -> None:
    assert slack_settings_from_env({}) is None
    settings = slack_settings_from_env(
        {
            "SLACK_BOT_TOKEN": " xoxb-1 ",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
        }
    )
    assert settings == SlackSettings(
        bot_token="xoxb-1", signing_secret="s", api_url="http://127.0.0.1:9/api/"
    )
    assert not settings.socket_mode
    socket = slack_settings_from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket is not None and socket.socket_mode and socket.signing_secret is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "xoxb-"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack"},
            "SLACK_API_URL",
        ),
    ],
)
def test_partial_or_malformed_slack_settings_name_the_setting(
    env: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        slack_settings_from_env(env)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("thanks :pray:", "thanks 🙏"),
        (":+1::skin-tone-6:", "👍🏿"),
        ("Trots :tada: op het team", "Trots 🎉 op het team"),
        ("om 10:30:45 in zaal 1:1:", "om 10:30:45 in zaal 1:1:"),
        ("super :party-parrot:", "super :party-parrot:"),
    ],
)
def test_emoji_shortcodes_are_read_as_the_emoji_picked(typed: str, read: str) -> None:
    assert p.to_plain_text(typed) == read
