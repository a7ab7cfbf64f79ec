"""Building guidelines in Python for checker tests, as the loader would."""

from __future__ import annotations

import itertools
from datetime import date

from bot.checking import CheckResult, check
from bot.guidelines.patterns import compile_pattern
from bot.guidelines.rules import (
    ActiveWindow,
    Check,
    Contact,
    Detector,
    Guidelines,
    Rule,
    Severity,
    Source,
)
from bot.guidelines.terms import compile_terms
from bot.messages import Verdict

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
