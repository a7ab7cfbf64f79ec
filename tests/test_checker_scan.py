"""Checking a draft: personal data, editor patterns, duplicates, long drafts, and the one
scan for all terms against checking rule by rule."""

from __future__ import annotations

import logging
import random
import time
from datetime import date

import pytest
from checker_fixtures import (
    SOURCE,
    TODAY,
    conditional,
    detect,
    guidelines,
    pattern,
    rule,
    run,
    spots,
    terms,
)

import bot.checking
from bot.checking import find_bsns, find_emails, find_ibans, find_phones
from bot.guidelines.rules import (
    ActiveWindow,
    Check,
    Detector,
    Guidelines,
    Severity,
)
from bot.messages import CheckVerdict

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
        "CheckResult", "Finding", "SharedItem", "Span", "check", "find_bsns", "find_emails",
        "find_ibans", "find_phones", "needs_own_words", "prepare",
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
    "heavy", "q3", "q3 cijfers", "Project-Falcon", "projectfalcon", "falcon_heavy", "q3cijfers",
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
            spaces = [
                chooser.choice([" ", "  ", "\n", "\t ", "\u00a0", "", "-", "_", "\u2011", " - "])
                for _ in pieces
            ]
            text = "".join(
                (p.upper() if chooser.random() < 0.2 else p) + s
                for p, s in zip(pieces, spaces, strict=True)
            )
            got = {(f.rule_id, f.start, f.end) for f in run(text, g).findings}
            assert got == reference(text, g, TODAY), text
