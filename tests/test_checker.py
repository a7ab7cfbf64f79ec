"""Checking a draft: the verdict, where each finding points and what it says."""

from __future__ import annotations

from datetime import date

import pytest
from checker_fixtures import (
    FALCON,
    conditional,
    detect,
    guidelines,
    rule,
    run,
    spots,
    terms,
)

from bot.checking import CheckResult
from bot.guidelines.rules import (
    ActiveWindow,
    Detector,
    Severity,
)
from bot.messages import CheckVerdict

# Verdicts


def test_a_clean_draft_is_ok() -> None:
    result = run("Wat een mooie dag op kantoor!", FALCON)
    assert result.verdict is CheckVerdict.OK
    assert result.findings == ()
    assert result.guidelines_version == FALCON.version


def test_an_empty_draft_is_ok() -> None:
    assert run("", FALCON) == CheckResult(
        verdict=CheckVerdict.OK, findings=(), guidelines_version=FALCON.version
    )


def test_a_blocked_term_blocks_and_points_at_the_word() -> None:
    text = "Morgen lanceren we Falcon!"
    result = run(text, FALCON)
    assert result.verdict is CheckVerdict.BLOCK
    [finding] = result.findings
    assert (finding.start, finding.end, finding.match) == (19, 25, "Falcon")
    assert finding.rule_id == "project-falcon"
    assert finding.severity is Severity.BLOCK


def test_only_warnings_give_warn() -> None:
    result = run("Beter dan Concurrent BV.", FALCON)
    assert result.verdict is CheckVerdict.WARN
    assert spots(result, "Beter dan Concurrent BV.") == [("competitors", "Concurrent BV")]


def test_block_wins_over_warn_and_findings_come_in_text_order() -> None:
    text = "#concurrent kan niet tippen aan project falcon, en ook Falcon 2 niet"
    result = run(text, FALCON)
    assert result.verdict is CheckVerdict.BLOCK
    assert spots(result, text) == [
        ("competitors", "#concurrent"),
        ("project-falcon", "project falcon"),
        ("project-falcon", "Falcon"),
    ]


# Terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Falconry is a hobby", []),
        ("SuperFalcon", []),
        ("FALCON, falcon's en (Falcon)", ["FALCON", "falcon", "Falcon"]),
        ("Project\n   FALCON", ["Project\n   FALCON"]),
    ],
)
def test_terms_are_case_insensitive_whole_words(text: str, expected: list[str]) -> None:
    assert [f.match for f in run(text, FALCON).findings] == expected


def test_a_hashtag_term() -> None:
    text = "Mooi werk van #Concurrent vandaag, #concurrentie"
    assert spots(run(text, FALCON), text) == [("competitors", "#Concurrent")]


def test_offsets_count_python_characters_after_emoji_and_accents() -> None:
    text = "🚀 Élan: Falcon"
    [finding] = run(text, FALCON).findings
    assert (finding.start, finding.end) == (8, 14)


# Active windows


QUIET = guidelines(
    rule(
        "quiet-period",
        terms("kwartaalcijfers"),
        active=ActiveWindow(start=date(2026, 3, 1), until=date(2026, 3, 31)),
    )
)


@pytest.mark.parametrize(
    ("day", "fires"),
    [
        (date(2026, 2, 28), False),
        (date(2026, 3, 1), True),
        (date(2026, 3, 15), True),
        (date(2026, 3, 31), True),
        (date(2026, 4, 1), False),
    ],
)
def test_a_rule_fires_only_inside_its_window_both_ends_included(day: date, fires: bool) -> None:
    result = run("Onze kwartaalcijfers zijn binnen!", QUIET, today=day)
    assert bool(result.findings) is fires


def test_an_open_ended_window() -> None:
    g = guidelines(rule("embargo", terms("Falcon"), active=ActiveWindow(until=date(2026, 1, 1))))
    assert run("Falcon", g, today=date(2025, 1, 1)).findings
    assert not run("Falcon", g, today=date(2026, 1, 2)).findings


# Conditional disclosure

DISCLOSURE = guidelines(
    rule(
        "disclose-employment",
        conditional(("Voorbeeld Energie", "VBE"), ("#medewerker", "ik werk bij")),
    )
)


def test_mentioning_the_company_without_disclosure_is_flagged_at_the_first_mention() -> None:
    text = "Goede deal van Voorbeeld Energie! Echt, voorbeeld energie is top."
    result = run(text, DISCLOSURE, language="nl")
    assert result.verdict is CheckVerdict.WARN
    [finding] = result.findings
    assert (finding.start, finding.match) == (15, "Voorbeeld Energie")
    assert "Voorbeeld Energie" in finding.message
    assert "#medewerker" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "Goede deal van Voorbeeld Energie! #medewerker",
        "Ik werk bij Voorbeeld Energie en ben trots.",
        "ik  werk\nbij VBE",
    ],
)
def test_mentioning_the_company_with_disclosure_is_fine(text: str) -> None:
    assert run(text, DISCLOSURE).verdict is CheckVerdict.OK


def test_disclosure_alone_is_fine() -> None:
    assert run("#medewerker", DISCLOSURE).findings == ()


def test_a_hashtag_that_only_starts_like_the_disclosure_does_not_count() -> None:
    assert run("VBE #medewerkers", DISCLOSURE).verdict is CheckVerdict.WARN


# Messages and languages


def test_the_default_message_is_the_rule_title_and_answer_in_the_asked_language() -> None:
    nl = run("Falcon", FALCON, language="nl").findings[0]
    en = run("Falcon", FALCON, language="en").findings[0]
    assert nl.message == "Regel project-falcon: Niet doen."
    assert en.message == "Rule project-falcon: Don't."
    assert (nl.rule_title, en.rule_title) == ("Regel project-falcon", "Rule project-falcon")
    assert nl.owner == "comms"  # the contact key: replies look the contact up


def test_a_checks_own_message_is_used_in_the_asked_language() -> None:
    message = {"nl": "Noem Falcon nog niet.", "en": "Don't name Falcon yet."}
    g = guidelines(rule("falcon", terms("Falcon", message=message)))
    assert run("Falcon", g, language="nl").findings[0].message == "Noem Falcon nog niet."
    assert run("Falcon", g, language="en").findings[0].message == "Don't name Falcon yet."
    # A language the guidelines lack falls back to their first language.
    assert run("Falcon", g, language="de").findings[0].message == "Noem Falcon nog niet."


def test_detector_messages_come_from_the_catalogue() -> None:
    g = guidelines(rule("privacy", detect(Detector.EMAIL)))
    assert "e-mailadres" in run("jan@voorbeeld.nl", g, language="nl").findings[0].message
    assert "e-mail address" in run("jan@voorbeeld.nl", g, language="en").findings[0].message
