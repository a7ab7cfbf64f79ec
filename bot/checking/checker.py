"""Checking a draft post against the rules: which rules fire, where, and how seriously.

Work that depends only on the guidelines (compiling, indexing every term into one
scanner) is done once per ``Guidelines`` object and cached, so a draft costs one scan
for all terms, one search per editor pattern and one pass per detector.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.checking.detectors import Span, run_detectors
from bot.checking.own_words import LINK, SharedItem, needs_own_words
from bot.guidelines.patterns import MATCH_TIMEOUT, PatternProblem, compile_pattern
from bot.guidelines.rules import Check, Detector, Guidelines, Rule, Severity
from bot.guidelines.terms import TermHit, TermIndex, compile_terms, term_key
from bot.i18n import t
from bot.messages import CheckVerdict

logger = logging.getLogger(__name__)

PATTERN_BUDGET = 1.0
"""Seconds all pattern checks together may spend on one draft; the rest are skipped."""

_CACHE_SIZE = 4


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One place where a rule applies to the draft.

    ``start`` and ``end`` are offsets into the checked text (``text[start:end] ==
    match``); ``message`` and ``rule_title`` are in the language asked for; ``owner``
    is the rule's owner, a key of ``Guidelines.contacts`` when the guidelines are valid.
    """

    rule_id: str
    severity: Severity
    message: str
    start: int
    end: int
    match: str
    rule_title: str
    owner: str


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """The outcome of checking a draft: a verdict and its findings in text order."""

    verdict: CheckVerdict
    findings: tuple[Finding, ...]
    guidelines_version: str
    add_own_view: bool = False
    """The draft shares something (a link, a company item's caption) but adds no words
    of the author's own: the reply reminds them of *Voeg toe* (Add)."""
    has_link: bool = False
    """The draft holds a web link: the check read its words, not the page behind it, and
    the reply says so (an "all clear" would otherwise seem to cover the page too)."""


@dataclass(frozen=True, kw_only=True)
class _Entry:
    """One check of one rule, ready to run."""

    rule: Rule
    check: Check
    pattern: Any = None  # regex.Pattern[str]: terms, pattern, or a conditional's if_any
    require: Any = None  # regex.Pattern[str]: a conditional's require_any


@dataclass(kw_only=True)
class _Plan:
    """Everything about one ``Guidelines`` that does not depend on the draft."""

    guidelines: Guidelines
    entries: list[_Entry] = field(default_factory=list)
    index: TermIndex | None = None
    owners: dict[str, list[int]] = field(default_factory=dict)  # terms and if_any
    requirers: dict[str, list[int]] = field(default_factory=dict)  # require_any
    indexed: list[int] = field(default_factory=list)
    always: list[int] = field(default_factory=list)
    detectors: frozenset[Detector] = frozenset()


def _entry(rule: Rule, check: Check) -> _Entry | None:
    if check.kind == "terms":
        pattern = check.compiled if check.compiled is not None else compile_terms(check.terms)
        return _Entry(rule=rule, check=check, pattern=pattern)
    if check.kind == "conditional":
        pattern = check.compiled if check.compiled is not None else compile_terms(check.if_any)
        require = check.compiled_require
        if require is None:
            require = compile_terms(check.require_any)
        return _Entry(rule=rule, check=check, pattern=pattern, require=require)
    if check.kind == "pattern":
        pattern = check.compiled
        if pattern is None:
            try:
                pattern = compile_pattern(check.pattern or "")
            except PatternProblem as problem:
                logger.warning("rule %s: pattern check skipped (%s)", rule.id, problem.reason)
                return None
        return _Entry(rule=rule, check=check, pattern=pattern)
    if check.kind == "detect":
        return _Entry(rule=rule, check=check)
    logger.warning("rule %s: unknown check kind %r skipped", rule.id, check.kind)
    return None


def _keys(terms: tuple[str, ...]) -> set[str]:
    return {key for term in terms if (key := term_key(term))}


def _build(guidelines: Guidelines) -> _Plan:
    plan = _Plan(guidelines=guidelines)
    detectors: set[Detector] = set()
    terms: list[str] = []
    for rule in guidelines.rules:
        for check in rule.checks:
            entry = _entry(rule, check)
            if entry is None:
                continue
            index = len(plan.entries)
            plan.entries.append(entry)
            own = _keys(check.terms if check.kind == "terms" else check.if_any)
            required = _keys(check.require_any)
            # Terms and conditional checks are answered from one scan of the term index,
            # which finds what compile_terms (the loader's compiler) would. A check that
            # has a compiled pattern but no terms to index runs on its own.
            if own and (
                check.kind == "terms"
                or (check.kind == "conditional" and (required or check.compiled_require is None))
            ):
                plan.indexed.append(index)
                terms += check.terms if check.kind == "terms" else check.if_any
                terms += check.require_any
                for key in own:
                    plan.owners.setdefault(key, []).append(index)
                for key in required:
                    plan.requirers.setdefault(key, []).append(index)
            else:
                plan.always.append(index)
                detectors.update(check.detect)
    plan.index = TermIndex(terms) if terms else None
    plan.detectors = frozenset(detectors)
    return plan


_plans: OrderedDict[tuple[str, int], _Plan] = OrderedDict()
_plans_lock = threading.Lock()


def prepare(guidelines: Guidelines) -> None:
    """Build what checking needs for these guidelines now, so the first draft is fast."""
    _plan_for(guidelines)


def _plan_for(guidelines: Guidelines) -> _Plan:
    # Keyed by version and identity: the cached plan holds the object, so the id
    # cannot be reused while its entry lives, and equal versions never mix objects.
    key = (guidelines.version, id(guidelines))
    with _plans_lock:
        plan = _plans.get(key)
        if plan is not None and plan.guidelines is guidelines:
            _plans.move_to_end(key)
            return plan
    plan = _build(guidelines)
    with _plans_lock:
        _plans[key] = plan
        while len(_plans) > _CACHE_SIZE:
            _plans.popitem(last=False)
    return plan


Spans = list[tuple[int, int]]


def _term_matches(plan: _Plan, hits: list[TermHit]) -> tuple[dict[int, Spans], set[int]]:
    """Each indexed check's matches, as its own pattern would find them, and the
    conditional checks whose required terms occur."""
    at: dict[int, list[tuple[int, int, int]]] = {}
    required: set[int] = set()
    for start, end, key in hits:
        for index in plan.owners.get(key, ()):
            at.setdefault(index, []).append((start, -len(key), end))
        required.update(plan.requirers.get(key, ()))
    matches: dict[int, Spans] = {}
    for index, found in at.items():
        # As finditer over the check's own alternation would: leftmost first, the
        # longest term at a position, no overlaps; a conditional needs only the first.
        found.sort()
        chosen: Spans = []
        after = 0
        for start, _, end in found:
            if start >= after:
                chosen.append((start, end))
                after = end
        matches[index] = chosen
    return matches, required


def _own_matches(entry: _Entry, text: str) -> tuple[Spans, bool]:
    """A terms or conditional check run by its own patterns: its matches, and whether a
    conditional's required terms occur."""
    if entry.check.kind == "terms":
        return [m.span() for m in entry.pattern.finditer(text)], False
    first = entry.pattern.search(text)
    if first is None:
        return [], False
    return [first.span()], entry.require.search(text) is not None


class _Run:
    """The findings of one draft, collected check by check."""

    def __init__(self, text: str, plan: _Plan, language: str) -> None:
        self.text = text
        self.plan = plan
        self.language = language
        self.found: dict[tuple[str, int, int], Finding] = {}
        self.deadline = time.monotonic() + PATTERN_BUDGET
        self._detected: dict[Detector, list[Span]] | None = None

    def add(self, entry: _Entry, spans: Iterable[tuple[int, int]], message: str) -> None:
        rule, guidelines = entry.rule, self.plan.guidelines
        for start, end in spans:
            if start >= end:
                continue  # an empty match points at nothing
            finding = Finding(
                rule_id=rule.id,
                severity=entry.check.severity,
                message=message,
                start=start,
                end=end,
                match=self.text[start:end],
                rule_title=guidelines.text(rule.title, self.language),
                owner=rule.owner,
            )
            key = (rule.id, start, end)
            earlier = self.found.get(key)
            if earlier is None or (
                finding.severity is Severity.BLOCK and earlier.severity is not Severity.BLOCK
            ):
                self.found[key] = finding

    def message(self, entry: _Entry, key: str, **values: str) -> str:
        """The check's own message, else the catalogue's ``key`` (``check.rule_default``
        gets the rule's title and answer)."""
        guidelines, language = self.plan.guidelines, self.language
        if entry.check.message:
            return guidelines.text(entry.check.message, language)
        if key == "check.rule_default":
            values["title"] = guidelines.text(entry.rule.title, language)
            values["answer"] = guidelines.text(entry.rule.answer, language)
        return t(language, key, **values)

    def terms(self, entry: _Entry, spans: Spans, required_found: bool) -> None:
        if entry.check.kind == "terms":
            if spans:
                self.add(entry, spans, self.message(entry, "check.rule_default"))
        elif spans and not required_found:
            start, end = spans[0]
            message = self.message(entry, "check.conditional", match=self.text[start:end])
            self.add(entry, spans[:1], message)

    def pattern(self, entry: _Entry) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            logger.warning("rule %s: pattern check skipped, draft out of time", entry.rule.id)
            return
        try:
            timeout = min(MATCH_TIMEOUT, remaining)
            spans = [m.span() for m in entry.pattern.finditer(self.text, timeout=timeout)]
        except TimeoutError:
            logger.warning("rule %s: pattern check skipped, it timed out", entry.rule.id)
            return
        if spans:
            self.add(entry, spans, self.message(entry, "check.rule_default"))

    def detect(self, entry: _Entry) -> None:
        if self._detected is None:
            self._detected = run_detectors(self.text, self.plan.detectors)
        for detector in entry.check.detect:
            found = self._detected.get(detector, [])
            if found:
                message = self.message(entry, f"check.detector.{detector.value}")
                self.add(entry, [(start, end) for start, end, _ in found], message)


def check(
    text: str,
    guidelines: Guidelines,
    *,
    language: str,
    today: date,
    shared: Iterable[SharedItem] = (),
) -> CheckResult:
    """Check a draft post against every rule active on ``today``.

    Findings come in text order (start, end, rule id), at most one per rule and span,
    with messages in ``language`` (falling back as ``Guidelines.text`` does). The
    verdict is BLOCK if any finding blocks, WARN if any warns, else OK. A pattern check
    that runs out of time on this draft is skipped and logged; checking never hangs.
    ``add_own_view`` says whether the draft shares a link or one of the ``shared``
    company items without words of the author's own.
    """
    version = guidelines.version
    if not text:
        return CheckResult(verdict=CheckVerdict.OK, findings=(), guidelines_version=version)
    plan = _plan_for(guidelines)
    run = _Run(text, plan, language)
    hits = plan.index.scan(text) if plan.index is not None else []
    matches: dict[int, Spans] = {}
    required: set[int] = set()
    one_by_one: list[int] = plan.indexed if hits is None else []
    if hits is not None:
        matches, required = _term_matches(plan, hits)
    active: dict[int, bool] = {}
    for index in sorted({*matches, *plan.always, *one_by_one}):
        entry = plan.entries[index]
        rule = id(entry.rule)
        if rule not in active:
            active[rule] = entry.rule.is_active(today)
        if not active[rule]:
            continue
        kind = entry.check.kind
        if kind in ("terms", "conditional"):
            if index in matches:
                run.terms(entry, matches[index], index in required)
            else:
                run.terms(entry, *_own_matches(entry, text))
        elif kind == "pattern":
            run.pattern(entry)
        else:
            run.detect(entry)
    findings = tuple(sorted(run.found.values(), key=lambda f: (f.start, f.end, f.rule_id)))
    severities = {f.severity for f in findings}
    if Severity.BLOCK in severities:
        verdict = CheckVerdict.BLOCK
    elif Severity.WARN in severities:
        verdict = CheckVerdict.WARN
    else:
        verdict = CheckVerdict.OK
    return CheckResult(
        verdict=verdict,
        findings=findings,
        guidelines_version=version,
        add_own_view=needs_own_words(text, shared),
        has_link=LINK.search(text) is not None,
    )
