"""Checking a draft: the verdict, where each finding points and what it says."""

from __future__ import annotations

import itertools
import logging
import random
import time
from datetime import date

import pytest

import bot.checking
from bot.checking import CheckResult, check, find_bsns, find_emails, find_ibans, find_phones
from bot.guidelines.model import (
    ActiveWindow,
    Check,
    Contact,
    Detector,
    Guidelines,
    Rule,
    Severity,
    Source,
)
from bot.guidelines.patterns import compile_pattern, compile_terms
from bot.models import CheckVerdict, Verdict

TODAY = date(2026, 3, 1)
SOURCE = Source(file="rules.yaml", line=1, column=1)
_versions = itertools.count()


# Building guidelines in Python, as the loader would.


def terms(
    *words: str, severity: Severity = Severity.WARN, message: dict[str, str] | None = None
) -> Check:
    return Check(
        kind="terms", severity=severity, message=message, source=SOURCE,
        terms=words, compiled=compile_terms(words),
    )  # fmt: skip


def pattern(source: str, *, severity: Severity = Severity.WARN, compiled: object = None) -> Check:
    return Check(
        kind="pattern", severity=severity, message=None, source=SOURCE,
        pattern=source, compiled=compiled if compiled is not None else compile_pattern(source),
    )  # fmt: skip


def conditional(if_any: tuple[str, ...], require_any: tuple[str, ...]) -> Check:
    return Check(
        kind="conditional", severity=Severity.WARN, message=None, source=SOURCE,
        if_any=if_any, require_any=require_any,
        compiled=compile_terms(if_any), compiled_require=compile_terms(require_any),
    )  # fmt: skip


def detect(*detectors: Detector, severity: Severity = Severity.BLOCK) -> Check:
    return Check(kind="detect", severity=severity, message=None, source=SOURCE, detect=detectors)


def rule(rule_id: str, *checks: Check, active: ActiveWindow | None = None) -> Rule:
    return Rule(
        id=rule_id,
        title={"nl": f"Regel {rule_id}", "en": f"Rule {rule_id}"},
        verdict=Verdict.NOT_ALLOWED,
        owner="comms",
        answer={"nl": "Niet doen.", "en": "Don't."},
        examples=(),
        active=active,
        checks=checks,
        source=SOURCE,
    )


def guidelines(*rules: Rule) -> Guidelines:
    return Guidelines(
        organisation="Voorbeeld Energie",
        languages=("nl", "en"),
        contacts={"comms": Contact(key="comms", name="Team Communicatie")},
        principles=(),
        rules=rules,
        version=f"test-{next(_versions)}",
    )


def run(text: str, g: Guidelines, *, language: str = "en", today: date = TODAY) -> CheckResult:
    return check(text, g, language=language, today=today)


def spots(result: CheckResult, text: str) -> list[tuple[str, str]]:
    """(rule id, matched text) per finding; also proves each offset points at its match."""
    for f in result.findings:
        assert text[f.start : f.end] == f.match
    return [(f.rule_id, f.match) for f in result.findings]


FALCON = guidelines(
    rule("project-falcon", terms("Project Falcon", "Falcon", severity=Severity.BLOCK)),
    rule("competitors", terms("Concurrent BV", "#concurrent")),
)


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


# Detectors and patterns

PRIVACY = guidelines(
    rule("privacy", detect(Detector.EMAIL, Detector.PHONE, Detector.IBAN, Detector.BSN))
)


def test_personal_data_is_blocked_where_it_is() -> None:
    text = (
        "Vragen? Mail jan@voorbeeld.nl of bel 06-12345678. "
        "Gift naar NL91 ABNA 0417 1643 00, BSN 123456782."
    )
    result = run(text, PRIVACY)
    assert result.verdict is CheckVerdict.BLOCK
    assert [f.match for f in result.findings] == [
        "jan@voorbeeld.nl",
        "06-12345678",
        "NL91 ABNA 0417 1643 00",
        "123456782",
    ]
    found = find_emails(text) + find_phones(text) + find_ibans(text) + find_bsns(text)
    assert [(f.start, f.end) for f in result.findings] == sorted((s, e) for s, e, _ in found)


def test_dates_amounts_and_order_numbers_are_not_personal_data() -> None:
    text = "Op 12-03-2026 om 10:30 haalden we € 1.234.567,89 op, order 123456789, v2.10.1."
    assert run(text, PRIVACY).verdict is CheckVerdict.OK


def test_a_pattern_check_finds_every_match() -> None:
    g = guidelines(rule("tickets", pattern(r"\bJIRA-\d+\b")))
    text = "Zie jira-12 en JIRA-345."
    assert spots(run(text, g), text) == [("tickets", "jira-12"), ("tickets", "JIRA-345")]


def test_a_catastrophic_pattern_is_skipped_not_hung_on(caplog: pytest.LogCaptureFixture) -> None:
    import regex

    from bot.guidelines.patterns import FLAGS

    slow = regex.compile(r"(a+)+$", FLAGS)  # forced past compile_pattern
    g = guidelines(
        rule("slow", pattern(r"(a+)+$", compiled=slow)),
        rule("project-falcon", terms("Falcon", severity=Severity.BLOCK)),
    )
    text = "Falcon " + "a" * 5_000 + "!"
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="bot.checking"):
        result = run(text, g)
    assert time.perf_counter() - started < 2
    assert [f.rule_id for f in result.findings] == ["project-falcon"]
    assert any("slow" in r.getMessage() for r in caplog.records)


def test_an_uncompiled_bad_pattern_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    bad = Check(kind="pattern", severity=Severity.BLOCK, message=None, source=SOURCE, pattern="a*")
    g = guidelines(rule("bad", bad), rule("falcon", terms("Falcon")))
    with caplog.at_level(logging.WARNING, logger="bot.checking"):
        assert [f.rule_id for f in run("Falcon aaa", g).findings] == ["falcon"]
    assert any("bad" in r.getMessage() for r in caplog.records)


def test_checks_without_precompiled_patterns_still_work() -> None:
    g = guidelines(
        rule("t", Check(kind="terms", severity=Severity.WARN, message=None, source=SOURCE,
                        terms=("Falcon",))),
        rule("p", Check(kind="pattern", severity=Severity.WARN, message=None, source=SOURCE,
                        pattern=r"\bQ[1-4]\b")),
        rule("c", Check(kind="conditional", severity=Severity.WARN, message=None, source=SOURCE,
                        if_any=("VBE",), require_any=("#medewerker",))),
    )  # fmt: skip
    text = "Falcon in Q3 bij VBE"
    assert spots(run(text, g), text) == [("t", "Falcon"), ("p", "Q3"), ("c", "VBE")]


# Duplicates, caching, size


def test_one_finding_per_rule_and_span_and_the_severer_one_is_kept() -> None:
    g = guidelines(
        rule("falcon", terms("Falcon"), terms("falcon", severity=Severity.BLOCK)),
        rule("also-falcon", terms("Falcon")),
    )
    result = run("Falcon", g)
    assert [(f.rule_id, f.severity) for f in result.findings] == [
        ("also-falcon", Severity.WARN),
        ("falcon", Severity.BLOCK),
    ]
    assert result.verdict is CheckVerdict.BLOCK


def test_new_guidelines_are_used_as_soon_as_they_are_passed() -> None:
    first = guidelines(rule("a", terms("Falcon")))
    second = Guidelines(
        organisation="Voorbeeld Energie",
        languages=("nl", "en"),
        contacts={},
        principles=(),
        rules=(rule("b", terms("Eagle")),),
        version=first.version,  # even with the same version string
    )
    assert [f.rule_id for f in run("Falcon Eagle", first).findings] == ["a"]
    assert [f.rule_id for f in run("Falcon Eagle", second).findings] == ["b"]
    assert [f.rule_id for f in run("Falcon Eagle", first).findings] == ["a"]


def test_a_100000_character_draft_is_checked_in_reasonable_time() -> None:
    g = guidelines(
        rule("falcon", terms("Falcon")),
        rule("tickets", pattern(r"\bJIRA-\d+\b")),
        rule("privacy", detect(*Detector)),
        rule("disclose", conditional(("Voorbeeld Energie",), ("#medewerker",))),
    )
    text = ("Een gewone zin over ons werk, 06 12 en 2024. " * 2_300)[:99_990] + " Falcon!"
    assert len(text) == 99_998
    started = time.perf_counter()
    result = run(text, g)
    assert time.perf_counter() - started < 5
    [finding] = result.findings
    assert (finding.start, finding.match) == (99_991, "Falcon")


def test_public_api() -> None:
    assert sorted(bot.checking.__all__) == [
        "CheckResult", "Finding", "Span", "check", "find_bsns", "find_emails",
        "find_ibans", "find_phones", "prepare",
    ]  # fmt: skip


# The fast path (one scan for all terms) must find exactly what checking each rule on
# its own would.


def reference(text: str, g: Guidelines, today: date) -> set[tuple[str, int, int]]:
    found: set[tuple[str, int, int]] = set()
    for r in g.rules:
        if not r.is_active(today):
            continue
        for c in r.checks:
            if c.kind == "terms":
                found |= {(r.id, *m.span()) for m in c.compiled.finditer(text)}
            elif c.kind == "conditional":
                first = c.compiled.search(text)
                if first is not None and c.compiled_require.search(text) is None:
                    found.add((r.id, *first.span()))
    return found


ORDINARY = [
    "Voorbeeld", "Voorbeeld Energie", "Energie", "energie deal", "#medewerker", "#VBE",
    "C++", "café", "cafe", "coördinator", "ik werk bij", "ik", "falcon", "Falcon Heavy",
    "heavy", "q3", "q3 cijfers",
]  # fmt: skip
UNICODE_CORNERS = [
    *ORDINARY[:6], "Straße", "STRASSE", "ﬁx", "fix", "ſtraat", "straat", "Kelvin",
    "σοφιας", "İzmir", "izmir", "ızmir", "e\u0301", "ærø",
]  # fmt: skip
FILLER = ["en", "de", "Falconry", "medewerker", "#", "!", ",", "(", ")", "2026", "Ӧ", "I", "KELVIN"]


@pytest.mark.parametrize("words", [ORDINARY, UNICODE_CORNERS], ids=["ordinary", "unicode"])
def test_the_one_scan_finds_what_checking_rule_by_rule_finds(words: list[str]) -> None:
    chooser = random.Random(20260301)
    for _ in range(30):
        rules = []
        for i in range(12):
            if chooser.random() < 0.7:
                check_ = terms(*chooser.sample(words, chooser.randint(1, 4)))
            else:
                check_ = conditional(
                    tuple(chooser.sample(words, 2)), tuple(chooser.sample(words, 2))
                )
            window = ActiveWindow(start=date(2026, 3, 2)) if i == 5 else None
            rules.append(rule(f"r{i:02d}", check_, active=window))
        g = guidelines(*rules)
        for _ in range(10):
            pieces = chooser.choices(words + FILLER, k=chooser.randint(0, 25))
            spaces = [chooser.choice([" ", "  ", "\n", "\t ", "\u00a0", ""]) for _ in pieces]
            text = "".join(
                (p.upper() if chooser.random() < 0.2 else p) + s
                for p, s in zip(pieces, spaces, strict=True)
            )
            got = {(f.rule_id, f.start, f.end) for f in run(text, g).findings}
            assert got == reference(text, g, TODAY), text
