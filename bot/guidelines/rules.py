"""Typed, validated guidelines: what the loader produces from the YAML files.

Everything here is immutable; a new edit produces a new ``Guidelines`` with a new
``version`` (a content hash), and whatever was built from the old one stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.messages import Verdict


class Severity(StrEnum):
    """How serious a draft-check finding is: ``block`` means do not post as is."""

    BLOCK = "block"
    WARN = "warn"


class Detector(StrEnum):
    """Built-in detectors for personal data in drafts."""

    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    BSN = "bsn"


RULE_VERDICTS = (Verdict.ALLOWED, Verdict.NOT_ALLOWED, Verdict.ASK_FIRST)

Localized = dict[str, str]
"""Text per language code, for example ``{"nl": "...", "en": "..."}``."""


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int
    column: int


NOTIFY_PLATFORMS = ("slack", "teams")
"""The chat platforms a contact's ``notify:`` may name."""


@dataclass(frozen=True, kw_only=True)
class NotifyTarget:
    """Where the bot tells a contact that an edit broke the guidelines: a conversation
    on a chat platform (``slack:C0123ABC``, ``teams:<conversation id>``)."""

    platform: str
    conversation_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.conversation_id}"


@dataclass(frozen=True, kw_only=True)
class Contact:
    """Who owns rules and where to reach them."""

    key: str
    name: str
    where: str | None = None
    email: str | None = None
    notify: NotifyTarget | None = None


@dataclass(frozen=True, kw_only=True)
class Principle:
    """One of the general principles (Add, Solve, Enrich)."""

    id: str
    title: Localized
    text: Localized


@dataclass(frozen=True, kw_only=True)
class ActiveWindow:
    """Dates (inclusive) between which a rule applies; either end may be open."""

    start: date | None = None
    until: date | None = None

    def contains(self, day: date) -> bool:
        """Whether the rule applies on ``day``."""
        if self.start is not None and day < self.start:
            return False
        return not (self.until is not None and day > self.until)


@dataclass(frozen=True, kw_only=True)
class Check:
    """One way a draft post can trigger a rule.

    Exactly one of ``terms``, ``pattern``, ``if_any`` (with ``require_any``) or
    ``detect`` is set. ``compiled`` is the compiled ``regex`` pattern for terms and
    patterns (``None`` for the others).
    """

    kind: str  # "terms" | "pattern" | "conditional" | "detect"
    severity: Severity
    message: Localized | None
    source: Source
    terms: tuple[str, ...] = ()
    pattern: str | None = None
    if_any: tuple[str, ...] = ()
    require_any: tuple[str, ...] = ()
    detect: tuple[Detector, ...] = ()
    compiled: Any = field(default=None, compare=False, repr=False)
    compiled_require: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A rule: a verdict, an answer in every language, an owner and what it covers."""

    id: str
    title: Localized
    verdict: Verdict
    owner: str
    answer: Localized
    examples: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    active: ActiveWindow | None = None
    checks: tuple[Check, ...] = ()
    source: Source

    def is_active(self, day: date) -> bool:
        """Whether the rule applies on ``day`` (rules without a window always do)."""
        return self.active is None or self.active.contains(day)


@dataclass(frozen=True, kw_only=True)
class Guidelines:
    """The merged content of every guidelines file in a folder."""

    organisation: str
    languages: tuple[str, ...]
    contacts: dict[str, Contact]
    principles: tuple[Principle, ...]
    rules: tuple[Rule, ...]
    version: str
    files: tuple[str, ...] = ()

    @property
    def default_language(self) -> str:
        """The first listed language."""
        return self.languages[0]

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, if any."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    def text(self, localized: Localized, language: str) -> str:
        """Pick ``language`` from a localized text, falling back to the default one."""
        if language in localized:
            return localized[language]
        if self.default_language in localized:
            return localized[self.default_language]
        return next(iter(localized.values()), "")
