"""*Voeg toe* (Add): the reminder to add your own view appears only for a draft that
shares company content (or a link) without a word of the author's own."""

from __future__ import annotations

import pytest
from harness import Chat
from suggestions_fixtures import add_item

from bot.checking import SharedItem, needs_own_words

CAPTION_EN = "Proud of this: our new wind farm at sea is open!"
CAPTION_NL = "Trots hierop: ons nieuwe windpark op zee is open!"
ITEM = SharedItem(
    url="https://example.com/news/wind-farm",
    texts=("Wind farm opens", "About the wind farm.", CAPTION_EN, CAPTION_NL),
)
NUDGE_EN = "Voeg toe (Add): put in a line of your own"
NUDGE_NL = "Voeg toe: zet er een eigen zin bij"


@pytest.mark.parametrize(
    "draft",
    [
        CAPTION_EN,
        CAPTION_NL,
        f"{CAPTION_EN} https://merkwerker.example/s/Ab12cd",  # with its share link
        f"{CAPTION_EN} #proud #windenergy @ExampleEnergy",  # tags and mentions are not views
        f"{CAPTION_NL} Dit is het!",  # stop words are not a view either
        "https://example.com/news/wind-farm",  # only the item's link
        "www.example.com/news/wind-farm/",
        "https://example.org/some/other/page",  # a bare link to anything
    ],
)
def test_shared_content_alone_needs_own_words(draft: str) -> None:
    assert needs_own_words(draft, [ITEM])


@pytest.mark.parametrize(
    "draft",
    [
        f"{CAPTION_EN} I spent two years on the turbine foundations.",
        f"{CAPTION_NL} Twee jaar aan gewerkt, trots op het team!",
        "https://example.com/news/wind-farm Finally sailing past it tomorrow.",
        "Mooie dag op kantoor, koffie en goede gesprekken.",  # shares nothing
        "Wind",  # one word of a title is not a share
        "",
    ],
)
def test_own_words_or_nothing_shared_needs_no_reminder(draft: str) -> None:
    assert not needs_own_words(draft, [ITEM])


def test_two_pasted_items_are_both_someone_elses_words() -> None:
    other = SharedItem(url="https://example.com/news/coast", texts=("Turbines along the coast",))
    draft = f"{CAPTION_EN} Turbines along the coast"
    assert not needs_own_words(draft, [ITEM])  # without the other item: own words
    assert needs_own_words(draft, [ITEM, other])
    assert not needs_own_words(f"{draft}, seen from my bike", [ITEM, other])


def test_the_reminder_in_chat_depends_on_the_draft(chat: Chat) -> None:
    add_item(
        chat.engine,
        "Wind farm opens",
        captions='{"en": ["' + CAPTION_EN + '"], "nl": ["' + CAPTION_NL + '"]}',
    )
    person = chat.person("U1")

    pasted = person.say(f"check: {CAPTION_EN} https://example.com/news/wind-farm-opens")
    assert NUDGE_EN in pasted

    with_view = person.say(f"check: {CAPTION_EN} I worked on the cables for two years.")
    assert NUDGE_EN not in with_view

    nothing_shared = person.say("check: Great day at the office with the team.")
    assert NUDGE_EN not in nothing_shared

    dutch = chat.person("U2", language="nl").say(f"controleer: {CAPTION_NL}")
    assert NUDGE_NL in dutch
