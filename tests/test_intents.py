"""Questions, drafts and help requests are told apart the way a person would."""

from __future__ import annotations

import pytest

from bot.i18n.detect import language_from_locale, language_of
from bot.intents import Intent, Understood, understand


@pytest.mark.parametrize(
    ("text", "intent", "payload"),
    [
        ("help", Intent.HELP, ""),
        ("Hoi!", Intent.HELP, ""),
        ("   ", Intent.EMPTY, ""),
        (
            "mag ik zeggen voor welke klant ik werk?",
            Intent.ASK,
            "mag ik zeggen voor welke klant ik werk?",
        ),
        ("check: Trots op ons team! #medewerker", Intent.CHECK, "Trots op ons team! #medewerker"),
        ("Controleer\nMooi project afgerond", Intent.CHECK, "Mooi project afgerond"),
        (
            "mag ik dit posten: Vandaag live met Acme Bank!",
            Intent.CHECK,
            "Vandaag live met Acme Bank!",
        ),
        (
            "Is this ok to post?\nWe just shipped the new app for our client",
            Intent.CHECK,
            "We just shipped the new app for our client",
        ),
        (
            "Proud of the team! #engineering https://example.org/news",
            Intent.CHECK,
            "Proud of the team! #engineering https://example.org/news",
        ),
        (
            "Can I post about a conference I went to: is that fine?",
            Intent.ASK,
            "Can I post about a conference I went to: is that fine?",
        ),
    ],
)
def test_understand(text: str, intent: Intent, payload: str) -> None:
    understood = understand(text)
    assert (understood.intent, understood.text) == (intent, payload)


def test_a_long_pasted_post_is_checked() -> None:
    post = "Wat een week. " * 20
    assert understand(post).intent is Intent.CHECK


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mag ik een foto van de kantoorborrel delen?", "nl"),
        ("Can I share a photo of the office party?", "en"),
        ("Acme!", "nl"),
    ],
)
def test_language_of(text: str, language: str) -> None:
    assert language_of(text, fallback="nl") == language


def test_locale_wins_when_supported() -> None:
    assert language_from_locale("en-US", ("nl", "en")) == "en"
    assert language_from_locale("nl_NL", ("nl", "en")) == "nl"
    assert language_from_locale("de-DE", ("nl", "en")) is None
    assert language_from_locale(None, ("nl", "en")) is None


@pytest.mark.parametrize("text", ["report", "Rapport", "rapport!", "Report?", "rapportage"])
def test_report_and_rapport_ask_for_the_report(text: str) -> None:
    assert understand(text).intent is Intent.REPORT


@pytest.mark.parametrize(
    "text", ["report this post to HR?", "Mag ik het jaarrapport delen op LinkedIn?"]
)
def test_a_question_mentioning_a_report_stays_a_question(text: str) -> None:
    assert understand(text).intent is Intent.ASK


@pytest.mark.parametrize(
    ("text", "intent", "payload"),
    [
        ("FORGET ME PLEASE", Intent.FORGET, ""),
        ("vergeet mij alsjeblieft", Intent.FORGET, ""),
        ("Delete my data now!", Intent.FORGET, ""),
        ("stop tracking me", Intent.PRIVACY, "opt out"),
        ("Don't track me.", Intent.PRIVACY, "opt out"),
        ("hou me niet meer bij aub", Intent.PRIVACY, "opt out"),
        ("Please forget everything about me, I am leaving", Intent.PRIVACY, "privacy"),
        ("Kun je mij a.u.b. vergeten?", Intent.PRIVACY, "privacy"),
    ],
)
def test_asking_to_be_forgotten_or_untracked_is_never_a_question(
    text: str, intent: Intent, payload: str
) -> None:
    understood = understand(text)
    assert (understood.intent, understood.text) == (intent, payload)


@pytest.mark.parametrize(
    "text",
    [
        "Can I share an article about tracking cookies?",
        "Mag ik vertellen dat ik iets vergat?",
        "Mag ik posten over onze actie 'Vergeet me niet' voor mensen met dementie?",
        "Can I share on LinkedIn how we stopped tracking our customers' locations?",
    ],
)
def test_a_question_about_tracking_in_general_stays_a_question(text: str) -> None:
    assert understand(text).intent is Intent.ASK


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ok", "ok"),
        ("Oké, duidelijk!", "ok"),
        ("super", "ok"),
        ("👍🏽", "ok"),
        ("is goed", "ok"),
        ("Thanks!", "thanks"),
        ("ok thanks", "thanks"),
        ("Top, dank je wel 🙏", "thanks"),
        ("thank you very much for the help", "thanks"),
        ("Bedankt voor het antwoord", "thanks"),
        ("thanks?", "thanks"),
        ("prima?", "ok"),
    ],
)
def test_thanks_and_acknowledgements_are_not_questions(text: str, kind: str) -> None:
    assert understand(text) == Understood(intent=Intent.THANKS, text=kind)


@pytest.mark.parametrize(
    "text",
    [
        "is it ok?",
        "thanks, but may I post a photo of the office?",
        "super, mag ik dit ook op Instagram zetten",
        "ok so can I name the client",
    ],
)
def test_thanks_with_more_in_it_is_not_an_acknowledgement(text: str) -> None:
    assert understand(text).intent is not Intent.THANKS


def test_clear_stays_a_command() -> None:
    assert understand("clear").intent is Intent.COMMAND
