"""Checking a draft post against the guidelines.

``check(text, guidelines, language=..., today=...)`` returns a ``CheckResult``: an
overall verdict and the findings, each pointing at the offending text. The detectors for
personal data are exported too, for use on their own, and ``needs_own_words``, which
decides whether a draft that shares company content needs the *Voeg toe* reminder.
"""

from __future__ import annotations

from bot.checking.checker import CheckResult, Finding, check, prepare
from bot.checking.detectors import Span, find_bsns, find_emails, find_ibans, find_phones
from bot.checking.own_words import SharedItem, needs_own_words

__all__ = [
    "CheckResult",
    "Finding",
    "SharedItem",
    "Span",
    "check",
    "find_bsns",
    "find_emails",
    "find_ibans",
    "find_phones",
    "needs_own_words",
    "prepare",
]
