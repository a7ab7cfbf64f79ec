"""Turning parsed guidelines documents into a typed ``Guidelines``, reporting every problem.

The validator never stops at the first problem: editors fix a file in one go. Every
problem names the file, line, column and key path, and says what to write instead.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from bot.guidelines.files import Document
from bot.guidelines.model import (
    RULE_VERDICTS,
    ActiveWindow,
    Check,
    Contact,
    Detector,
    Guidelines,
    Localized,
    Principle,
    Rule,
    Severity,
    Source,
)
from bot.guidelines.patterns import PatternProblem, compile_pattern, compile_terms
from bot.guidelines.problems import Level, Problem
from bot.models import Verdict

TOP_KEYS = ("organisation", "languages", "contacts", "principles", "rules")
CONTACT_KEYS = ("name", "where", "email")
PRINCIPLE_KEYS = ("id", "title", "text")
RULE_KEYS = (
    "id",
    "title",
    "verdict",
    "owner",
    "answer",
    "examples",
    "keywords",
    "active",
    "checks",
)
CHECK_KINDS = ("terms", "pattern", "if_any", "detect")
CHECK_KEYS = (*CHECK_KINDS, "require_any", "severity", "message")
ACTIVE_KEYS = ("from", "until")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 4000

_T = TypeVar("_T")


@dataclass(frozen=True)
class Node:
    """A value from a file with where it was written and how to name it."""

    value: Any
    file: str
    line: int
    column: int
    path: str

    def source(self) -> Source:
        """The position as a model ``Source``."""
        return Source(file=self.file, line=self.line, column=self.column)


def _position(container: Any, key: Any, *, of_key: bool = False) -> tuple[int, int] | None:
    lc = getattr(container, "lc", None)
    if lc is None:
        return None
    try:
        if isinstance(container, dict):
            line, column = lc.key(key) if of_key else lc.value(key)
        else:
            line, column = lc.item(key)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return int(line) + 1, int(column) + 1


class Validator:
    """Collects problems while building the model from one or more documents."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    # Reporting ---------------------------------------------------------------

    def report(
        self, node: Node, code: str, level: Level = Level.ERROR, /, **values: object
    ) -> None:
        """Record the problem ``code`` (a catalogue key under ``guidelines.``) at ``node``."""
        self.problems.append(
            Problem(
                file=node.file,
                line=node.line,
                column=node.column,
                path=node.path,
                key=code,
                values=values,
                level=level,
            )
        )

    # Walking -------------------------------------------------------------------

    def child(self, parent: Node, key: Any, *, of_key: bool = False) -> Node:
        """The node for ``parent.value[key]`` with its own position when known."""
        pos = _position(parent.value, key, of_key=of_key) or (parent.line, parent.column)
        if isinstance(key, int):
            path = f"{parent.path}[{key + 1}]"
        else:
            path = f"{parent.path}.{key}" if parent.path else str(key)
        value = parent.value[key]
        return Node(value, parent.file, pos[0], pos[1], path)

    def mapping(self, node: Node, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> bool:
        """Check that ``node`` is a mapping with only ``allowed`` and all ``required`` keys."""
        if not isinstance(node.value, dict):
            self.report(node, "expected_mapping", found=_kind(node.value))
            return False
        for key in node.value:
            if str(key) not in allowed:
                at = self.child(node, key, of_key=True)
                suggestion = difflib.get_close_matches(str(key), allowed, n=1)
                if suggestion:
                    self.report(at, "unknown_key_suggest", key=key, suggestion=suggestion[0])
                else:
                    self.report(at, "unknown_key", key=key, allowed=", ".join(allowed))
        for key in required:
            if key not in node.value or node.value[key] is None:
                self.report(node, "missing_key", key=key)
        return True

    def items(self, node: Node) -> Iterator[Node]:
        """The items of a list node (reports and yields nothing when it is not a list)."""
        if not isinstance(node.value, list):
            self.report(node, "expected_list", found=_kind(node.value))
            return
        for index in range(len(node.value)):
            yield self.child(node, index)

    def text(self, node: Node, *, limit: int = MAX_TEXT) -> str | None:
        """A non-empty single piece of text, or ``None`` after reporting why not."""
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            self.report(node, "expected_text", found=_kind(value))
            return None
        text = str(value).strip()
        if not text:
            self.report(node, "empty_text")
            return None
        if len(text) > limit:
            self.report(node, "text_too_long", length=len(text), limit=limit)
            return None
        return text

    def text_list(self, node: Node) -> tuple[str, ...]:
        """A list of non-empty texts (a single text is accepted as a list of one)."""
        if isinstance(node.value, str):
            text = self.text(node)
            return (text,) if text else ()
        result: list[str] = []
        for item in self.items(node):
            text = self.text(item, limit=500)
            if text:
                result.append(text)
        if isinstance(node.value, list) and not node.value:
            self.report(node, "empty_list")
        return tuple(result)

    def localized(self, node: Node, languages: tuple[str, ...]) -> Localized | None:
        """Text per language: every configured language present, nothing else."""
        if isinstance(node.value, str) and len(languages) == 1:
            text = self.text(node)
            return {languages[0]: text} if text else None
        if not isinstance(node.value, dict):
            self.report(
                node, "expected_localized", found=_kind(node.value), languages=", ".join(languages)
            )
            return None
        result: Localized = {}
        for key in node.value:
            lang = str(key)
            item = self.child(node, key)
            if lang not in languages:
                at = self.child(node, key, of_key=True)
                self.report(at, "unknown_language", language=lang, languages=", ".join(languages))
                continue
            text = self.text(item)
            if text:
                result[lang] = text
        for lang in languages:
            if lang not in node.value:
                self.report(node, "missing_language", language=lang)
        return result if all(lang in result for lang in languages) else None

    def identifier(self, node: Node) -> str | None:
        """An id: lowercase letters, digits and hyphens."""
        text = self.text(node, limit=63)
        if text is None:
            return None
        if not ID_RE.match(text):
            self.report(node, "bad_id", value=text, suggestion=_slug(text))
            return None
        return text

    def choice(self, node: Node, options: tuple[str, ...]) -> str | None:
        """One of ``options``."""
        text = self.text(node, limit=100)
        if text is None:
            return None
        if text not in options:
            self.report(node, "bad_choice", value=text, options=_or_list(options))
            return None
        return text


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, dict):
        return "a list of keys"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (date, datetime)):
        return "a date"
    return "text"


def _or_list(options: tuple[str, ...]) -> tuple[str, ...]:
    # Kept as a tuple: the problem joins it with the reader's word for "or".
    return tuple(options)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "my-rule"


def build(documents: tuple[Document, ...], version: str) -> tuple[Guidelines | None, list[Problem]]:
    """Validate and merge ``documents``; the guidelines are ``None`` when there are errors."""
    v = Validator()
    roots = [Node(doc.data, doc.name, 1, 1, "") for doc in documents]
    for root in roots:
        v.mapping(root, TOP_KEYS)

    organisation = _single_setting(v, roots, "organisation", v.text)
    languages = _single_setting(v, roots, "languages", lambda n: _languages(v, n))
    if languages is None:
        languages = ("nl", "en")

    contacts: dict[str, Contact] = {}
    principles: list[Principle] = []
    rules: list[Rule] = []
    pending_owners: list[tuple[Node, str]] = []
    seen_ids: dict[str, Node] = {}

    for root in roots:
        if not isinstance(root.value, dict):
            continue
        if "contacts" in root.value:
            _contacts(v, v.child(root, "contacts"), contacts)
        if "principles" in root.value:
            for item in v.items(v.child(root, "principles")):
                principle = _principle(v, item, languages, seen_ids)
                if principle:
                    principles.append(principle)
        if "rules" in root.value:
            for item in v.items(v.child(root, "rules")):
                rule = _rule(v, item, languages, seen_ids, pending_owners)
                if rule:
                    rules.append(rule)

    for node, owner in pending_owners:
        if owner not in contacts:
            suggestion = difflib.get_close_matches(owner, list(contacts), n=1)
            if suggestion:
                v.report(node, "unknown_owner_suggest", owner=owner, suggestion=suggestion[0])
            else:
                v.report(node, "unknown_owner", owner=owner, contacts=", ".join(contacts) or "-")

    anchor = roots[0] if roots else Node(None, "guidelines", 0, 0, "")
    if organisation is None and not any(
        isinstance(r.value, dict) and "organisation" in r.value for r in roots
    ):
        v.report(anchor, "missing_setting", key="organisation")
    if not rules and roots:
        v.report(anchor, "no_rules", Level.WARNING)

    if any(p.level is Level.ERROR for p in v.problems) or organisation is None:
        return None, v.problems
    guidelines = Guidelines(
        organisation=organisation,
        languages=languages,
        contacts=contacts,
        principles=tuple(principles),
        rules=tuple(rules),
        version=version,
        files=tuple(doc.name for doc in documents),
    )
    return guidelines, v.problems


def _single_setting(
    v: Validator, roots: list[Node], key: str, parse: Callable[[Node], _T | None]
) -> _T | None:
    found: list[tuple[Node, _T]] = []
    for root in roots:
        if isinstance(root.value, dict) and key in root.value:
            node = v.child(root, key)
            value = parse(node)
            if value is not None:
                found.append((node, value))
    for node, value in found[1:]:
        if value != found[0][1]:
            first = found[0][0]
            v.report(node, "conflicting_setting", key=key, other=f"{first.file}:{first.line}")
    return found[0][1] if found else None


def _languages(v: Validator, node: Node) -> tuple[str, ...] | None:
    codes = v.text_list(node)
    result: list[str] = []
    for index, code in enumerate(codes):
        if not LANGUAGE_RE.match(code):
            item = v.child(node, index) if isinstance(node.value, list) else node
            v.report(item, "bad_language", value=code)
        elif code in result:
            v.report(node, "duplicate_language", value=code)
        else:
            result.append(code)
    return tuple(result) or None


def _contacts(v: Validator, node: Node, contacts: dict[str, Contact]) -> None:
    if not isinstance(node.value, dict):
        v.report(node, "expected_mapping", found=_kind(node.value))
        return
    for key in node.value:
        item = v.child(node, key)
        name_node = v.child(node, key, of_key=True)
        ident = str(key)
        if not ID_RE.match(ident):
            v.report(name_node, "bad_id", value=ident, suggestion=_slug(ident))
            continue
        if ident in contacts:
            v.report(name_node, "duplicate_contact", key=ident)
            continue
        if not v.mapping(item, CONTACT_KEYS, ("name",)):
            continue
        name = v.text(v.child(item, "name"), limit=200) if item.value.get("name") else None
        where = v.text(v.child(item, "where"), limit=200) if "where" in item.value else None
        email = v.text(v.child(item, "email"), limit=200) if "email" in item.value else None
        if email and not EMAIL_RE.match(email):
            v.report(v.child(item, "email"), "bad_email", value=email)
            email = None
        if name:
            contacts[ident] = Contact(key=ident, name=name, where=where, email=email)


def _principle(
    v: Validator, node: Node, languages: tuple[str, ...], seen: dict[str, Node]
) -> Principle | None:
    if not v.mapping(node, PRINCIPLE_KEYS, PRINCIPLE_KEYS):
        return None
    ident = _unique_id(v, node, seen)
    title = v.localized(v.child(node, "title"), languages) if "title" in node.value else None
    text = v.localized(v.child(node, "text"), languages) if "text" in node.value else None
    if ident and title and text:
        return Principle(id=ident, title=title, text=text)
    return None


def _unique_id(v: Validator, node: Node, seen: dict[str, Node]) -> str | None:
    if "id" not in node.value or node.value["id"] is None:
        return None
    id_node = v.child(node, "id")
    ident = v.identifier(id_node)
    if ident is None:
        return None
    if ident in seen:
        first = seen[ident]
        v.report(id_node, "duplicate_id", id=ident, other=f"{first.file}:{first.line}")
        return None
    seen[ident] = id_node
    return ident


def _rule(
    v: Validator,
    node: Node,
    languages: tuple[str, ...],
    seen: dict[str, Node],
    pending_owners: list[tuple[Node, str]],
) -> Rule | None:
    if not v.mapping(node, RULE_KEYS, ("id", "title", "verdict", "owner", "answer", "examples")):
        return None
    value = node.value
    ident = _unique_id(v, node, seen)
    title = v.localized(v.child(node, "title"), languages) if value.get("title") else None
    verdict_text = (
        v.choice(v.child(node, "verdict"), tuple(str(x) for x in RULE_VERDICTS))
        if value.get("verdict")
        else None
    )
    owner = None
    if value.get("owner"):
        owner_node = v.child(node, "owner")
        owner = v.text(owner_node, limit=63)
        if owner:
            pending_owners.append((owner_node, owner))
    answer = v.localized(v.child(node, "answer"), languages) if value.get("answer") else None
    examples = v.text_list(v.child(node, "examples")) if value.get("examples") else ()
    keywords = v.text_list(v.child(node, "keywords")) if "keywords" in value else ()
    active = _active(v, v.child(node, "active")) if "active" in value else None
    verdict = Verdict(verdict_text) if verdict_text else None
    checks: tuple[Check, ...] = ()
    if "checks" in value:
        default = Severity.BLOCK if verdict is Verdict.NOT_ALLOWED else Severity.WARN
        checks = tuple(
            check
            for item in v.items(v.child(node, "checks"))
            if (check := _check(v, item, languages, default)) is not None
        )
    if not (ident and title and verdict and owner and answer and examples):
        return None
    return Rule(
        id=ident,
        title=title,
        verdict=verdict,
        owner=owner,
        answer=answer,
        examples=examples,
        keywords=keywords,
        active=active,
        checks=checks,
        source=node.source(),
    )


def _date(v: Validator, node: Node) -> date | None:
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
    v.report(node, "bad_date", value=value)
    return None


def _active(v: Validator, node: Node) -> ActiveWindow | None:
    if not v.mapping(node, ACTIVE_KEYS):
        return None
    start = _date(v, v.child(node, "from")) if "from" in node.value else None
    until = _date(v, v.child(node, "until")) if "until" in node.value else None
    if not node.value:
        v.report(node, "empty_window")
        return None
    if start and until and start > until:
        v.report(node, "window_reversed", start=start.isoformat(), until=until.isoformat())
        return None
    return ActiveWindow(start=start, until=until)


def _check(v: Validator, node: Node, languages: tuple[str, ...], default: Severity) -> Check | None:
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
            v.report(at, "bad_choice", value=name, options=_or_list(known))
    if len(detectors) != len(names) or not detectors:
        return None
    return Check(
        kind="detect", severity=severity, message=message, source=source, detect=tuple(detectors)
    )
