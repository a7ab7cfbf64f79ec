"""Checking suggested captions against the guidelines, the same way employees' drafts are.

A caption the comms team queues is text that many colleagues will post as it is, so it
is checked when queued and again when approved (the guidelines may have changed in
between). A blocking finding stops approval; a warning is shown but allowed.

The title is checked too: it is the e-mail subject of every share, and the caption
itself for an item without one (a feed entry, an item queued with a link and a title).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from bot.checking import Finding, check
from bot.content.items import TITLE_VARIANT, CaptionFinding, ContentProblem
from bot.guidelines.rules import Guidelines
from bot.inputs import without_invisible
from bot.messages import CheckVerdict

_ORDER = {CheckVerdict.OK: 0, CheckVerdict.WARN: 1, CheckVerdict.BLOCK: 2}


def check_captions(
    captions: Mapping[str, tuple[str, ...]],
    guidelines: Guidelines,
    *,
    today: date,
    title: str = "",
) -> tuple[CheckVerdict, tuple[CaptionFinding, ...]]:
    """The worst verdict over every caption variant and the title, and every finding.

    Each variant is checked in its own language, with the rules active on ``today``,
    cleaned of invisible characters as ``merkwerker check`` and chat clean a draft. The
    title, whose language is not known, is checked in each of the guidelines' languages;
    its findings have ``variant`` ``TITLE_VARIANT``, each rule and match once.
    """
    verdict = CheckVerdict.OK
    findings: list[CaptionFinding] = []
    for language, variants in captions.items():
        for number, text in enumerate(variants, start=1):
            result = check(without_invisible(text), guidelines, language=language, today=today)
            verdict = _worse(verdict, result.verdict)
            findings.extend(_caption_findings(result.findings, language, number))
    seen: set[tuple[str, str]] = set()
    for language in guidelines.languages if title.strip() else ():
        result = check(without_invisible(title), guidelines, language=language, today=today)
        verdict = _worse(verdict, result.verdict)
        for finding in _caption_findings(result.findings, language, TITLE_VARIANT):
            if (finding.rule_id, finding.match) not in seen:
                seen.add((finding.rule_id, finding.match))
                findings.append(finding)
    return verdict, tuple(findings)


def _worse(verdict: CheckVerdict, other: CheckVerdict) -> CheckVerdict:
    return other if _ORDER[other] > _ORDER[verdict] else verdict


def _caption_findings(
    found: Iterable[Finding], language: str, variant: int
) -> Iterable[CaptionFinding]:
    return (
        CaptionFinding(
            language=language,
            variant=variant,
            severity=f.severity.value,
            rule_id=f.rule_id,
            rule_title=f.rule_title,
            message=f.message,
            match=f.match,
        )
        for f in found
    )


def blocking_problems(findings: tuple[CaptionFinding, ...]) -> list[ContentProblem]:
    """One problem per blocking finding: which caption (or the title), which rule, which words."""
    return [
        ContentProblem(
            key="title_blocked" if f.variant == TITLE_VARIANT else "caption_blocked",
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
