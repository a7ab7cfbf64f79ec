"""Checking suggested captions against the guidelines, the same way employees' drafts are.

A caption the comms team queues is text that many colleagues will post as it is, so it
is checked when queued and again when approved (the guidelines may have changed in
between). A blocking finding stops approval; a warning is shown but allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.checking import check
from bot.content.items import CaptionFinding, ContentProblem
from bot.guidelines.rules import Guidelines
from bot.inputs import without_invisible
from bot.messages import CheckVerdict

_ORDER = {CheckVerdict.OK: 0, CheckVerdict.WARN: 1, CheckVerdict.BLOCK: 2}


def check_captions(
    captions: Mapping[str, tuple[str, ...]], guidelines: Guidelines, *, today: date
) -> tuple[CheckVerdict, tuple[CaptionFinding, ...]]:
    """The worst verdict over every caption variant, and every finding.

    Each variant is checked in its own language, with the rules active on ``today``,
    cleaned of invisible characters as ``merkwerker check`` and chat clean a draft.
    """
    verdict = CheckVerdict.OK
    findings: list[CaptionFinding] = []
    for language, variants in captions.items():
        for number, text in enumerate(variants, start=1):
            result = check(without_invisible(text), guidelines, language=language, today=today)
            if _ORDER[result.verdict] > _ORDER[verdict]:
                verdict = result.verdict
            findings.extend(
                CaptionFinding(
                    language=language,
                    variant=number,
                    severity=f.severity.value,
                    rule_id=f.rule_id,
                    rule_title=f.rule_title,
                    message=f.message,
                    match=f.match,
                )
                for f in result.findings
            )
    return verdict, tuple(findings)


def blocking_problems(findings: tuple[CaptionFinding, ...]) -> list[ContentProblem]:
    """One problem per blocking finding: which caption, which rule, which words."""
    return [
        ContentProblem(
            key="caption_blocked",
            values={
                "language": f.language,
                "variant": f.variant,
                "rule": f.rule_title,
                "match": f.match,
                "message": f.message,
            },
        )
        for f in findings
        if f.severity == "block"
    ]
