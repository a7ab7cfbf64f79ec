"""Validating the parts of a rule with their own rules: the active window and the checks."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.guidelines.nodes import Node, Validator, or_list
from bot.guidelines.patterns import PatternProblem, compile_pattern
from bot.guidelines.rules import ActiveWindow, Check, Detector, Severity
from bot.guidelines.terms import compile_terms

CHECK_KINDS = ("terms", "pattern", "if_any", "detect")
CHECK_KEYS = (*CHECK_KINDS, "require_any", "severity", "message")
ACTIVE_KEYS = ("from", "until")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def parse_date(v: Validator, node: Node) -> date | None:
    """A year-month-day date (YAML may already have made it one), or None after reporting."""
    value = node.value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        _report_date(v, node, value.strip())
        return None
    v.report(node, "bad_date", value=value)
    return None


def _report_date(v: Validator, node: Node, text: str) -> None:
    """Why ``text`` is not a date, told so that the fix is plain: a day that does not
    exist, or a date written day first (as is usual in Dutch) turned around."""
    ymd = _YEAR_MONTH_DAY.fullmatch(text)
    if ymd is not None and not _exists(*(int(part) for part in ymd.groups())):
        v.report(node, "no_such_day", value=text)
        return
    dmy = _DAY_MONTH_YEAR.fullmatch(text)
    if dmy is not None:
        day, month, year = (int(part) for part in dmy.groups())
        if _exists(year, month, day):
            turned = f"{year:04d}-{month:02d}-{day:02d}"
            v.report(node, "date_day_first", value=text, suggestion=turned)
            return
        v.report(node, "no_such_day", value=text)
        return
    v.report(node, "bad_date", value=text)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_active(v: Validator, node: Node) -> ActiveWindow | None:
    """The ``active: {from, until}`` window of a rule, or None after reporting why not."""
    if not v.mapping(node, ACTIVE_KEYS):
        return None
    start = parse_date(v, v.child(node, "from")) if "from" in node.value else None
    until = parse_date(v, v.child(node, "until")) if "until" in node.value else None
    if not node.value:
        v.report(node, "empty_window")
        return None
    if start and until and start > until:
        v.report(node, "window_reversed", start=start.isoformat(), until=until.isoformat())
        return None
    return ActiveWindow(start=start, until=until)


def parse_check(
    v: Validator, node: Node, languages: tuple[str, ...], default: Severity
) -> Check | None:
    """One entry of a rule's ``checks``, compiled, or None after reporting every problem.

    ``default`` is the severity when the entry names none (block for not_allowed rules).
    """
    if not v.mapping(node, CHECK_KEYS):
        return None
    value = node.value
    kinds = [k for k in CHECK_KINDS if k in value]
    if len(kinds) != 1:
        v.report(node, "check_kind", found=", ".join(kinds) or "-")
        return None
    kind = kinds[0]
    severity = default
    if "severity" in value:
        chosen = v.choice(v.child(node, "severity"), tuple(s.value for s in Severity))
        if chosen is None:
            return None
        severity = Severity(chosen)
    message = v.localized(v.child(node, "message"), languages) if "message" in value else None
    if "message" in value and message is None:
        return None
    if "require_any" in value and kind != "if_any":
        v.report(v.child(node, "require_any", of_key=True), "require_without_if")
        return None
    source = node.source()
    sub = v.child(node, kind)
    if kind == "terms":
        terms = v.text_list(sub)
        if not terms:
            return None
        return Check(
            kind="terms",
            severity=severity,
            message=message,
            source=source,
            terms=terms,
            compiled=compile_terms(terms),
        )
    if kind == "pattern":
        pattern = v.text(sub, limit=1000)
        if pattern is None:
            return None
        try:
            compiled = compile_pattern(pattern)
        except PatternProblem as problem:
            v.report(sub, "pattern_" + problem.kind, pattern=pattern, reason=problem.reason)
            return None
        return Check(
            kind="pattern",
            severity=severity,
            message=message,
            source=source,
            pattern=pattern,
            compiled=compiled,
        )
    if kind == "if_any":
        if "require_any" not in value:
            v.report(node, "if_without_require")
            return None
        if_any = v.text_list(sub)
        require_any = v.text_list(v.child(node, "require_any"))
        if not (if_any and require_any):
            return None
        return Check(
            kind="conditional",
            severity=severity,
            message=message,
            source=source,
            if_any=if_any,
            require_any=require_any,
            compiled=compile_terms(if_any),
            compiled_require=compile_terms(require_any),
        )
    names = v.text_list(sub)
    detectors: list[Detector] = []
    known = tuple(d.value for d in Detector)
    for index, name in enumerate(names):
        if name in known:
            detectors.append(Detector(name))
        else:
            at = v.child(sub, index) if isinstance(sub.value, list) else sub
            v.report(at, "bad_choice", value=name, options=or_list(known))
    if len(detectors) != len(names) or not detectors:
        return None
    return Check(
        kind="detect", severity=severity, message=message, source=source, detect=tuple(detectors)
    )
