"""The queue in chat: comms people queue, edit and approve; everyone else is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from content_fixtures import START
from harness import Chat, Person, Seen, open_chat

from bot.content import ContentFeature
from bot.messages import Platform

COMMS = "UCOMMS"
EMPLOYEE = "UEMPLOYEE"


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, now=START) as conversation:
        yield conversation


@pytest.fixture
def comms(chat: Chat) -> Person:
    return chat.person(COMMS, roles={"comms"}, language="en-GB")


@pytest.fixture
def employee(chat: Chat) -> Person:
    return chat.person(EMPLOYEE, language="en-GB")


def buttons(seen: Seen) -> list[tuple[str, str, str]]:
    """Each button's label and what pressing it sends."""
    return [(c.label, c.action, c.value) for c in seen.choices]


def test_comms_queues_a_link_and_gets_buttons(chat: Chat, comms: Person) -> None:
    seen = comms.say("queue https://example.com/news/launch We launched a thing")
    assert seen.kind == "content.queued"
    (item,) = chat.queue()
    assert (item["title"], item["status"], item["added_by"]) == (
        "We launched a thing",
        "draft",
        f"slack:{COMMS}",
    )
    assert buttons(seen) == [
        ("Approve", "content.approve", str(item["id"])),
        ("Edit", "content.form", str(item["id"])),
        ("Retire", "content.retire", str(item["id"])),
    ]
    assert "#1 We launched a thing" in seen.text.splitlines()
    assert "Queued as a draft." in seen.text.splitlines()


def test_without_a_title_the_link_names_the_item(chat: Chat, comms: Person) -> None:
    comms.say("queue <https://example.com/news/launch/>")
    (item,) = chat.queue()
    assert (item["url"], item["title"]) == (
        "https://example.com/news/launch/",
        "example.com/news/launch",
    )


def test_someone_outside_comms_is_politely_refused(
    chat: Chat, comms: Person, employee: Person
) -> None:
    seen = employee.say("queue https://example.com/a")
    assert seen.kind == "content.refused"
    assert "Only the comms team" in seen
    assert chat.queue() == []

    comms.say("queue https://example.com/a")
    (item,) = chat.queue()
    employee.switch_language("nl-NL")
    pressed = employee.press("content.approve", str(item["id"]))  # a button they never got
    assert pressed.kind == "content.refused"
    assert "Alleen het comms-team" in pressed
    assert [i["status"] for i in chat.queue()] == ["draft"]


def test_a_role_granted_on_the_command_line_is_enough(chat: Chat, employee: Person) -> None:
    granted = chat.cli(
        "people", "grant", "--platform", "slack", "--user", EMPLOYEE, "--role", "comms"
    )
    assert granted.returncode == 0, granted.stderr
    assert employee.say("queue https://example.com/a").kind == "content.queued"


def test_approve_and_retire_buttons(chat: Chat, comms: Person) -> None:
    comms.say("queue https://example.com/a Launch")
    approved = comms.click("Approve")
    assert approved.kind == "content.approved"
    assert "live" in approved
    assert [c.action for c in approved.choices] == ["content.form", "content.retire"]
    (item,) = chat.queue()
    assert item["approved_by"] == f"slack:{COMMS}"

    shown = comms.press("content.show", str(item["id"]))
    assert shown.kind == "content.item"
    assert f"#{item['id']} Launch" in shown.text.splitlines()

    retired = comms.click("Retire")
    assert retired.kind == "content.retired"
    assert [i["status"] for i in chat.queue()] == ["retired"]


def test_the_form_creates_an_item_and_a_blocked_caption_stops_approval(
    chat: Chat, comms: Person
) -> None:
    # The message shortcut sends the whole message; the form takes the link from it.
    shortcut = comms.press("content.form", "Look: <https://example.com/story|story>!").form
    assert shortcut is not None and shortcut.values["url"] == "https://example.com/story"
    empty = comms.press("content.form", "https://example.com/story").form
    assert empty is not None
    assert empty.form.action == "content.save" and empty.form.value == ""
    assert list(empty.values) == [
        "url",
        "title",
        "summary",
        "caption_nl",
        "caption_en",
        "topics",
        "teams",
        "locations",
        "not_before",
        "expires",
        "priority",
    ]
    assert empty.values["url"] == "https://example.com/story"
    assert empty.field("not_before").kind == "date"

    saved = comms.submit(
        url="https://example.com/story",
        title="Client story",
        caption_en="Proud of our work for Acme Bank\n---\nProud of our work!",
        topics="clients, stories",
        not_before="2026-03-01",
        priority="2",
    )
    assert saved.kind == "content.queued"
    assert "Acme Bank" in saved  # the finding is shown right away
    (item,) = chat.queue()
    assert item["captions"] == {"en": ["Proud of our work for Acme Bank", "Proud of our work!"]}
    assert item["topics"] == ["clients", "stories"]

    refused = comms.click("Approve")
    assert refused.kind == "content.invalid"
    assert "Client names" in refused and '"Acme Bank"' in refused
    assert [i["status"] for i in chat.queue()] == ["draft"]


def test_editing_through_the_form_keeps_what_the_form_does_not_show(
    chat: Chat, comms: Person
) -> None:
    comms.say("queue https://example.com/a Launch")
    (item,) = chat.queue()
    form = comms.click("Edit").form
    assert form is not None and form.form.value == str(item["id"])
    saved = comms.submit(title="Launch day", caption_nl="Wat een dag!")
    assert saved.kind == "content.saved"
    (edited,) = chat.queue()
    assert (edited["title"], edited["captions"], edited["added_by"]) == (
        "Launch day",
        {"nl": ["Wat een dag!"]},
        f"slack:{COMMS}",
    )


def test_form_problems_are_listed_and_the_form_comes_back_filled_in(
    chat: Chat, comms: Person
) -> None:
    comms.switch_language("nl-NL")
    comms.press("content.form")  # the global shortcut: an empty form
    seen = comms.submit(url="example.com", title="", not_before="morgen", priority="11")
    assert seen.kind == "content.invalid"
    assert "morgen" in seen
    assert seen.form is not None and seen.form.values["not_before"] == "morgen"
    assert chat.queue() == []

    comms.switch_language("en-GB")
    again = comms.submit(url="example.com", title="", not_before="", priority="11")
    assert "not a web address" in again and "title is empty" in again and "-10 to 10" in again


def test_unknown_items_and_actions_get_an_answer(comms: Person) -> None:
    missing = comms.press("content.approve", "77")
    assert "no content item #77" in missing
    odd = comms.press("content.approve", "not-a-number")
    assert odd.kind == "content.invalid"
    unknown = comms.press("content.frobnicate", "1")
    assert unknown.kind == "notice"


def test_a_missing_database_gets_an_apology_not_a_crash(
    chat: Chat, comms: Person, caplog: pytest.LogCaptureFixture
) -> None:
    assert chat.bot  # built before the database goes
    chat.engine.dispose()
    database = Path(str(chat.engine.url.database))
    for path in database.parent.glob(database.name + "*"):
        path.unlink()  # the next connection finds an empty database without tables
    seen = comms.say("queue https://example.com/a")
    assert seen.kind == "content.unavailable"
    assert "try again" in seen
    pressed = comms.press("content.approve", "1")
    assert pressed.kind == "content.unavailable"


def test_the_queue_is_quiet_in_prefaces_and_home(chat: Chat, comms: Person) -> None:
    comms.say("queue https://example.com/a Launch")
    assert "Launch" not in comms.home()
    feature = next(f for f in chat.bot.features if isinstance(f, ContentFeature))
    ctx = chat.run(
        chat.bot.context(
            platform=Platform.SLACK,
            platform_user_id=COMMS,
            conversation=comms.conversation,
            language="en",
        )
    )
    assert chat.run(feature.preface(ctx)) == ()
    assert chat.run(feature.home(ctx)) == ()


def test_a_long_link_with_tracking_parameters_is_queued(chat: Chat, comms: Person) -> None:
    url = (
        "https://news.example.com/2026/03/our-new-office-in-eindhoven-opens-its-doors"
        "?utm_source=newsletter&utm_medium=email&utm_campaign=spring-2026-offices"
        "&utm_content=header-link&utm_term=eindhoven"
    )
    message = f"queue {url} Our new office in Eindhoven opens its doors in May"
    assert len(message) > 200
    seen = comms.say(message)
    assert "Queued as a draft." in seen.text
    (item,) = chat.queue()
    assert (item["url"], item["title"]) == (
        url,
        "Our new office in Eindhoven opens its doors in May",
    )


def test_a_title_that_is_too_long_is_refused_with_the_limit(chat: Chat, comms: Person) -> None:
    seen = comms.say("queue https://example.com/news/launch " + "Launch " * 100)
    assert "I couldn't queue that:" in seen.text
    assert "The title is 699 characters long; at most 500 are allowed." in seen.text
    assert chat.queue() == []


@pytest.mark.parametrize("typed", ["queue", "Queue", "queue ftp://example.com/file.pdf"])
def test_queue_without_a_web_link_says_how_to_write_it(
    chat: Chat, comms: Person, typed: str
) -> None:
    seen = comms.say(typed)
    assert "I didn't find a link. Write: queue https://" in seen.text
    assert chat.export(COMMS)["questions"] == []
    assert chat.queue() == []


def test_wachtrij_without_a_link_in_dutch(chat: Chat) -> None:
    anna = chat.person("UANNA", roles={"comms"}, language="nl")
    seen = anna.say("wachtrij")
    assert "Ik zie geen link." in seen.text
    assert chat.export("UANNA")["questions"] == []
