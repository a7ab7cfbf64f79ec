"""``report`` / ``rapport`` in chat: the comms team's summary and its signed link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import Chat, open_chat
from reports_fixtures import two_weeks

from bot.messages import Platform

PUBLIC_URL = "https://merkwerker.example.com"
SECRET = "a-long-random-secret-for-tests"


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, public_url=PUBLIC_URL, secret=SECRET) as conversation:
        two_weeks(conversation.database_url)
        yield conversation


def test_a_comms_person_gets_this_week_against_last_week_and_a_signed_link(chat: Chat) -> None:
    anna = chat.person("comms-anna", roles={"comms"})

    seen = anna.say("report")

    assert seen.kind == "report.summary"
    assert "This week (2026-W10): 1 of the 2 people who got a suggestion shared (50%)." in seen
    assert "Last week: 25%, so this week is 25 percentage points up." in seen
    assert "Top items by unique clicks since 2026-02-23" in seen.headings
    text = seen.text
    assert text.index("Launch") < text.index("New office")
    assert (
        "Launch: Unique clicks 3 · Shares 1" in seen
        and "New office: Unique clicks 1 · Shares 0" in seen
    )
    assert "Quiet one" not in seen  # shared, never clicked
    assert "Unanswered questions since 2026-02-23: 2" in seen
    [(label, url)] = seen.links
    assert label == "Full report (valid for 24 hours, only for you)"
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_URL and parts.path == "/report"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert (query["platform"], query["user"], query["lang"]) == ("slack", "comms-anna", "en")
    assert int(query["expires"]) == int((chat.clock() + timedelta(hours=24)).timestamp())


def test_in_dutch_rapport_gives_the_summary_in_dutch(chat: Chat) -> None:
    sanne = chat.person("comms-sanne", roles={"comms"}, language="nl")

    seen = sanne.say("rapport")

    assert seen.kind == "report.summary"
    assert (
        "Deze week (2026-W10): 1 van de 2 mensen die een suggestie kregen, deelden iets (50%)."
        in seen
    )
    assert "Vorige week: 25%, dus deze week is 25 procentpunt hoger." in seen
    assert "Items met de meeste unieke kliks sinds 2026-02-23" in seen.headings
    assert "Launch: Unieke kliks 3 · Gedeeld 1" in seen
    assert "Onbeantwoorde vragen sinds 2026-02-23: 2" in seen
    [(label, url)] = seen.links
    assert label == "Volledig rapport (24 uur geldig, alleen voor jou)"
    assert "lang=nl" in url


@pytest.mark.parametrize(
    ("language", "words", "refusal"),
    [
        ("en", "report", "Only the comms team can see the participation report."),
        ("nl", "rapport", "Alleen het comms-team kan het deelnamerapport zien."),
    ],
)
def test_someone_without_the_comms_role_is_refused_politely(
    chat: Chat, language: str, words: str, refusal: str
) -> None:
    bram = chat.person("bram", language=language)

    seen = bram.say(words)

    assert seen.kind == "report.refused"
    assert refusal in seen
    assert not seen.links and "Launch" not in seen and "%" not in seen


def test_an_admin_may_see_it_too_and_so_may_someone_granted_comms(chat: Chat) -> None:
    admin = chat.person("admin-ali", roles={"admin"})
    assert admin.say("report").kind == "report.summary"

    granted = chat.cli(
        "people", "grant", "--role", "comms", "--platform", "teams", "--user", "29:kim"
    )
    assert granted.returncode == 0, granted.stderr
    kim = chat.person("29:kim", platform=Platform.TEAMS)
    seen = kim.say("Report")
    assert seen.kind == "report.summary"
    [(_, url)] = seen.links
    assert "platform=teams" in url and "user=29%3Akim" in url


@pytest.mark.parametrize(
    ("public_url", "secret", "language", "reason"),
    [
        (None, SECRET, "en", "MERKWERKER_PUBLIC_URL is not set"),
        (PUBLIC_URL, "", "en", "MERKWERKER_SECRET is not set"),
        (None, "", "en", "MERKWERKER_PUBLIC_URL and MERKWERKER_SECRET are not set"),
        (None, SECRET, "nl", "MERKWERKER_PUBLIC_URL is niet ingesteld"),
        (PUBLIC_URL, "", "nl", "MERKWERKER_SECRET is niet ingesteld"),
    ],
)
def test_without_a_public_url_or_a_secret_the_reply_says_why_there_is_no_link(
    tmp_path: Path, public_url: str | None, secret: str, language: str, reason: str
) -> None:
    with open_chat(tmp_path, public_url=public_url, secret=secret) as chat:
        two_weeks(chat.database_url)
        seen = chat.person("comms-anna", roles={"comms"}, language=language).say("report")

    assert seen.kind == "report.summary"
    assert not seen.links
    assert reason in seen
    assert "50%" in seen  # the summary itself is still there


def test_an_empty_database_gives_a_summary_with_nothing_to_compare(tmp_path: Path) -> None:
    with open_chat(tmp_path, public_url=PUBLIC_URL, secret=SECRET) as chat:
        seen = chat.person("comms-anna", roles={"comms"}).say("report")

    assert "This week (2026-W10) nobody has got a suggestion yet." in seen
    assert "Last week nobody got a suggestion, so there is nothing to compare with." in seen
    assert "No shared link was clicked since 2026-02-23." in seen
    assert "Unanswered questions since 2026-02-23: 0" in seen
    assert len(seen.links) == 1
