"""Replies as Block Kit, at and beyond Block Kit's limits; forms as modals and back."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack import limits
from adapters.slack.blocks import escape, fallback_text, home_view, message, message_blocks
from adapters.slack.modals import (
    CALLBACK_ID,
    FormContext,
    form_context,
    form_values,
    form_view,
    submission_response,
)
from bot.messages import (
    Choice,
    Choices,
    Divider,
    Fact,
    Field,
    Form,
    FormAction,
    Link,
    Option,
    Part,
    Reply,
    Text,
)

MORE_EN = "…more: ask me for the full text."


def _reply(*parts: Part, language: str = "en") -> Reply:
    return Reply(parts=parts, language=language)


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            if "text" in element:
                text = element["text"]
                found.append(text["text"] if isinstance(text, dict) else text)
    return found


def _assert_within_limits(blocks: list[dict[str, Any]], max_blocks: int) -> None:
    assert len(blocks) <= max_blocks
    for block in blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= limits.SECTION_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= limits.HEADER_TEXT
        if block["type"] == "actions":
            assert len(block["elements"]) <= limits.ACTIONS_PER_BLOCK
            for button in block["elements"]:
                assert len(button["text"]["text"]) <= limits.BUTTON_TEXT
                assert len(button["action_id"]) <= limits.ACTION_ID
                assert len(button.get("value", "")) <= limits.BUTTON_VALUE
                assert len(button.get("url", "")) <= limits.BUTTON_URL


def test_an_answer_renders_verdict_rule_answer_and_contact() -> None:
    reply = _reply(
        Text(text="✋ Ask first", style="heading"),
        Fact(label="Rule", value="Client names"),
        Text(text="Ask the client first."),
        Fact(label="Ask", value="Security Office (#ask-security)"),
        Text(text="Guidelines version: abc", style="note"),
    )
    blocks = message_blocks(reply)
    assert [b["type"] for b in blocks] == ["header", "section", "section", "section", "context"]
    assert blocks[0]["text"]["text"] == "✋ Ask first"
    assert blocks[1]["text"]["text"] == "*Rule:* Client names"
    assert MORE_EN not in json.dumps(blocks, ensure_ascii=False)


def test_mrkdwn_control_characters_are_escaped_and_quotes_marked() -> None:
    blocks = message_blocks(_reply(Text(text="a <b> & c\nline two", style="quote")))
    assert blocks[0]["text"]["text"] == "&gt; a &lt;b&gt; &amp; c\n&gt; line two"
    assert escape("<!channel>") == "&lt;!channel&gt;"


def test_exactly_at_the_limits_nothing_is_cut() -> None:
    reply = _reply(
        Text(text="h" * limits.HEADER_TEXT, style="heading"),
        Text(text="s" * limits.SECTION_TEXT),
        *[Divider() for _ in range(limits.MESSAGE_BLOCKS - 2)],
    )
    blocks = message_blocks(reply)
    assert len(blocks) == limits.MESSAGE_BLOCKS
    assert blocks[0]["text"]["text"] == "h" * limits.HEADER_TEXT
    assert blocks[1]["text"]["text"] == "s" * limits.SECTION_TEXT
    assert MORE_EN not in json.dumps(blocks, ensure_ascii=False)


def test_one_past_the_limits_is_cut_with_a_pointer_to_the_rest() -> None:
    reply = _reply(
        Text(text="h" * (limits.HEADER_TEXT + 1), style="heading"),
        Text(text="s" * (limits.SECTION_TEXT + 1)),
    )
    blocks = message_blocks(reply)
    _assert_within_limits(blocks, limits.MESSAGE_BLOCKS)
    assert blocks[0]["text"]["text"].endswith("…")
    assert blocks[1]["text"]["text"].endswith("…")
    assert blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": MORE_EN}]}


def test_too_many_parts_keep_to_fifty_blocks_with_the_pointer_last() -> None:
    reply = _reply(*[Text(text=f"paragraph {n}") for n in range(120)], language="nl")
    blocks = message_blocks(reply)
    assert len(blocks) == limits.MESSAGE_BLOCKS
    assert blocks[-2]["text"]["text"] == "paragraph 48"
    assert blocks[-1]["elements"][0]["text"] == "…meer: vraag me om de volledige tekst."


def test_the_home_view_holds_up_to_a_hundred_blocks() -> None:
    view = home_view(_reply(*[Text(text=f"p{n}") for n in range(150)]))
    assert view["type"] == "home"
    assert len(view["blocks"]) == limits.HOME_BLOCKS
    assert view["blocks"][-1]["elements"][0]["text"] == MORE_EN


def test_buttons_keep_the_core_action_and_value() -> None:
    reply = _reply(
        Choices(
            choices=(
                Choice(label="Shared it", action="share.shared", value="12"),
                Choice(label="Not for me", action="share.dismiss", value="12"),
                Choice(label="No value", action="privacy.forget"),
            )
        )
    )
    [actions] = message_blocks(reply)
    buttons = actions["elements"]
    assert [b["action_id"].partition("#")[0] for b in buttons] == [
        "share.shared",
        "share.dismiss",
        "privacy.forget",
    ]
    assert len({b["action_id"] for b in buttons}) == 3
    assert [b.get("value") for b in buttons] == ["12", "12", None]


def test_overlong_button_labels_values_and_rows_stay_within_limits() -> None:
    many = tuple(Choice(label="x" * 200, action="share.shared", value=str(n)) for n in range(30))
    too_long = Choice(
        label="Too long", action="share.shared", value="v" * (limits.BUTTON_VALUE + 1)
    )
    at_limit = Choice(label="At limit", action="share.shared", value="v" * limits.BUTTON_VALUE)
    blocks = message_blocks(_reply(Choices(choices=(*many, too_long, at_limit))))
    _assert_within_limits(blocks, limits.MESSAGE_BLOCKS)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == 31  # the button whose value cannot be carried is left out
    assert buttons[-1]["value"] == "v" * limits.BUTTON_VALUE
    assert blocks[-1]["elements"][0]["text"] == MORE_EN


def test_links_become_url_buttons_and_odd_urls_text() -> None:
    long_url = "https://example.com/" + "a" * limits.BUTTON_URL
    blocks = message_blocks(
        _reply(
            Link(label="Share on LinkedIn", url="https://merkwerker.test/r/abcdefgh12"),
            Link(label="Share on X", url="https://merkwerker.test/r/ijklmnop34"),
            Link(label="Weird", url="javascript:alert(1)"),
            Link(label="Long", url=long_url),
        )
    )
    _assert_within_limits(blocks, limits.MESSAGE_BLOCKS)
    assert blocks[0]["type"] == "actions"
    assert [e["url"] for e in blocks[0]["elements"]] == [
        "https://merkwerker.test/r/abcdefgh12",
        "https://merkwerker.test/r/ijklmnop34",
    ]
    assert all(e["action_id"].startswith("@link#") for e in blocks[0]["elements"])
    assert blocks[1]["type"] == "section" and "javascript" in blocks[1]["text"]["text"]
    assert blocks[2]["type"] == "section"


def test_a_form_in_a_message_becomes_a_button_that_brings_it_back() -> None:
    from adapters.slack.actions import FormSource, decode_form_source

    form = Form(title="Settings", action="settings.save", submit_label="Save", fields=())
    blocks = message_blocks(_reply(form), form_source=FormSource(home=False, text="settings"))
    [button] = blocks[0]["elements"]
    assert button["action_id"].startswith("@form#")
    assert decode_form_source(button["value"]) == FormSource(
        home=False, text="settings", action="settings.save"
    )
    assert message_blocks(_reply(form))[0]["type"] == "section"  # no way back: the title


def test_a_form_that_can_be_asked_for_again_becomes_a_button_with_that_action() -> None:
    from adapters.slack.actions import FormSource, reopen_of

    form = Form(
        title="Edit",
        action="content.save",
        submit_label="Save",
        fields=(),
        reopen=FormAction(action="content.form", value="7"),
    )
    source = FormSource(home=False, text="please edit item seven")
    [button] = message_blocks(_reply(Text(text="Hi"), form), form_source=source)[1]["elements"]
    assert button["action_id"] == "@form:content.form#1"
    assert button["value"] == "7"
    assert reopen_of(button["action_id"], button["value"]) == form.reopen
    assert "seven" not in json.dumps(button)  # the message is not kept to replay
    [plain] = message_blocks(
        _reply(
            Form(
                title="S",
                action="a",
                submit_label="s",
                fields=(),
                reopen=FormAction(action="settings.open"),
            )
        ),
        form_source=source,
    )[0]["elements"]
    assert "value" not in plain
    too_long = Form(
        title="New",
        action="content.save",
        submit_label="Save",
        fields=(),
        reopen=FormAction(action="content.form", value="https://x.test/" + "a" * 2000),
    )
    blocks = message_blocks(_reply(too_long), form_source=source)
    assert [b["type"] for b in blocks] == ["section"]  # no button: the title
    assert message_blocks(_reply(form))[0]["type"] == "section"  # no source: the title


def test_the_fallback_text_is_plain_and_bounded() -> None:
    reply = _reply(Text(text="<b>" + "x" * 5000))
    text = fallback_text(reply)
    assert text.startswith("&lt;b&gt;") and len(text) == limits.FALLBACK_TEXT
    assert message(reply)["text"] == text


SETTINGS_FORM = Form(
    title="Your Merkwerker settings, please",
    action="settings.save",
    submit_label="Save these settings now please",
    fields=(
        Field(id="team", label="Team", value="Sales", placeholder="Your team"),
        Field(id="about", label="About", kind="textarea"),
        Field(id="link", label="Link", kind="url", value="https://example.com/a", required=True),
        Field(id="when", label="From", kind="date", value="2026-05-01"),
        Field(id="bad_when", label="Bad", kind="date", value="tomorrow"),
        Field(
            id="digest",
            label="Digest",
            kind="select",
            value="weekly",
            options=(Option(value="daily", label="Daily"), Option(value="weekly", label="Weekly")),
        ),
        Field(
            id="topics",
            label="Topics",
            kind="multiselect",
            value="ai, cloud",
            options=tuple(Option(value=v, label=v.upper()) for v in ("ai", "cloud", "data")),
        ),
        Field(id="empty", label="No options", kind="select"),
    ),
)


def test_every_field_kind_becomes_its_slack_input() -> None:
    view = form_view(SETTINGS_FORM, language="en", channel="D1")
    assert view is not None
    assert view["callback_id"] == CALLBACK_ID
    for key in ("title", "submit", "close"):
        assert len(view[key]["text"]) <= limits.MODAL_TITLE
    assert view["title"]["text"].endswith("…")
    elements = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert elements["team"] == {
        "type": "plain_text_input",
        "max_length": 3000,
        "initial_value": "Sales",
        "action_id": "value",
        "placeholder": {"type": "plain_text", "text": "Your team", "emoji": True},
    }
    assert elements["about"]["multiline"] is True
    assert elements["link"] == {
        "type": "url_text_input",
        "initial_value": "https://example.com/a",
        "action_id": "value",
    }
    assert elements["when"]["initial_date"] == "2026-05-01"
    assert "initial_date" not in elements["bad_when"]
    assert elements["digest"]["initial_option"]["value"] == "weekly"
    assert [o["value"] for o in elements["topics"]["initial_options"]] == ["ai", "cloud"]
    assert elements["empty"]["type"] == "plain_text_input"
    optional = {b["block_id"]: b["optional"] for b in view["blocks"]}
    assert optional["link"] is False and optional["team"] is True
    assert form_context(view) == FormContext(
        action="settings.save", value="", channel="D1", title=SETTINGS_FORM.title
    )


def test_a_form_too_big_for_a_modal_is_refused_not_sent() -> None:
    form = Form(title="t", action="content.save", submit_label="s", fields=(), value="v" * 4000)
    assert form_view(form, language="en") is None
    many = Form(
        title="t",
        action="a.b",
        submit_label="s",
        fields=tuple(Field(id=f"f{n}", label=str(n)) for n in range(80)),
    )
    view = form_view(many, language="en")
    assert view is not None and len(view["blocks"]) == limits.MODAL_BLOCKS


def test_submitted_values_are_read_by_field() -> None:
    view = {
        "state": {
            "values": {
                "team": {"value": {"type": "plain_text_input", "value": "Sales"}},
                "empty": {"value": {"type": "plain_text_input", "value": None}},
                "when": {"value": {"type": "datepicker", "selected_date": "2026-05-01"}},
                "digest": {
                    "value": {"type": "static_select", "selected_option": {"value": "daily"}}
                },
                "none": {"value": {"type": "static_select", "selected_option": None}},
                "topics": {
                    "value": {
                        "type": "multi_static_select",
                        "selected_options": [{"value": "ai"}, {"value": "data"}],
                    }
                },
                "foreign": {"other_action": {"type": "plain_text_input", "value": "x"}},
            }
        }
    }
    assert form_values(view) == {
        "team": "Sales",
        "empty": "",
        "when": "2026-05-01",
        "digest": "daily",
        "none": "",
        "topics": "ai,data",
    }
    assert form_values({"state": "broken"}) == {}


CONTEXT = FormContext(action="settings.save", title="Settings", channel="D1")


def test_the_answer_to_a_submission() -> None:
    assert submission_response(None, context=CONTEXT, submitted={}) is None
    errors = submission_response(
        _reply(Fact(label="team", value="Too long"), Text(text="Not saved")),
        context=CONTEXT,
        submitted={"team": "x" * 500},
    )
    assert errors == {"response_action": "errors", "errors": {"team": "Too long"}}
    again = submission_response(
        _reply(Text(text="Fix this"), SETTINGS_FORM), context=CONTEXT, submitted={}
    )
    assert again is not None and again["response_action"] == "update"
    assert again["view"]["blocks"][0]["text"]["text"] == "Fix this"
    done = submission_response(_reply(Text(text="Saved")), context=CONTEXT, submitted={})
    assert done is not None and done["view"]["title"]["text"] == "Settings"
    assert "submit" not in done["view"]
