"""Turning parsed guidelines documents into a typed ``Guidelines``, reporting every problem.

The validator never stops at the first problem: editors fix a file in one go. Every
problem names the file, line, column and key path, and says what to write instead.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.guidelines.example_overlap import one_text_of_questions, same_question
from bot.guidelines.files import Document
from bot.guidelines.nodes import ID_RE, Node, Validator, kind_of, or_list, slug
from bot.guidelines.problems import Level, Problem
from bot.guidelines.rule_parts import parse_active, parse_check
from bot.guidelines.rules import (
    NOTIFY_PLATFORMS,
    RULE_VERDICTS,
    Check,
    Contact,
    Guidelines,
    NotifyTarget,
    Principle,
    Rule,
    Severity,
)
from bot.messages import Verdict

TOP_KEYS = ("organisation", "languages", "contacts", "principles", "rules")
CONTACT_KEYS = ("name", "where", "email", "notify")
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
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_T = TypeVar("_T")


def build(documents: tuple[Document, ...], version: str) -> tuple[Guidelines | None, list[Problem]]:
    """Validate and merge ``documents``; the guidelines are ``None`` when there are errors."""
    v = Validator()
    # A file that looks like a copy ("hr - kopie.yaml", "hr (1).yaml") is read last, so
    # that its repeated ids are blamed on it, not on the original.
    ordered = sorted(documents, key=lambda doc: looks_like_copy(doc.name))
    roots = [Node(doc.data, doc.name, 1, 1, "") for doc in ordered]
    for root in roots:
        v.mapping(root, TOP_KEYS)

    organisation = _single_setting(v, roots, "organisation", v.text)
    languages = _single_setting(v, roots, "languages", lambda n: _languages(v, n))
    if languages is None:
        languages = ("nl", "en")

    contacts: dict[str, Contact] = {}
    # Where each contact was written, valid or not: an owner naming a contact whose own
    # problem is already reported is not a second problem.
    contact_places: dict[str, Node] = {}
    principles: list[Principle] = []
    rules: list[Rule] = []
    pending_owners: list[tuple[Node, str]] = []
    seen_ids: dict[str, Node] = {}
    seen_examples: dict[str, tuple[str, Node]] = {}

    # Contacts belong in organisation.yaml: read those first, so that a contact written
    # again in another file is reported there, not in organisation.yaml.
    for root in sorted(roots, key=lambda r: Path(r.file).stem.casefold() != "organisation"):
        if isinstance(root.value, dict) and "contacts" in root.value:
            _contacts(v, v.child(root, "contacts"), contacts, contact_places)
    for root in roots:
        if not isinstance(root.value, dict):
            continue
        if "principles" in root.value:
            for item in v.items(v.child(root, "principles")):
                v.name_subject(item)
                principle = _principle(v, item, languages, seen_ids)
                if principle:
                    principles.append(principle)
        if "rules" in root.value:
            for item in v.items(v.child(root, "rules")):
                v.name_subject(item)
                rule = _rule(v, item, languages, seen_ids, pending_owners, seen_examples)
                if rule:
                    rules.append(rule)

    for node, owner in pending_owners:
        if owner not in contacts and owner not in contact_places:
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
    # The settings belong in organisation.yaml: its value is the one used, and the
    # other file is where a different value is reported (not dozens of follow-ons).
    found.sort(key=lambda pair: Path(pair[0].file).stem.casefold() != "organisation")
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


def _contacts(
    v: Validator, node: Node, contacts: dict[str, Contact], places: dict[str, Node]
) -> None:
    if not isinstance(node.value, dict):
        v.report(node, "expected_mapping", found=kind_of(node.value))
        return
    for key in node.value:
        item = v.child(node, key)
        name_node = v.child(node, key, of_key=True)
        ident = str(key)
        if not ID_RE.match(ident):
            v.report(name_node, "bad_id", value=ident, suggestion=slug(ident))
            continue
        first = places.get(ident)
        if first is not None:
            v.report(name_node, "duplicate_contact", key=ident, other=f"{first.file}:{first.line}")
            continue
        places[ident] = name_node
        if not v.mapping(item, CONTACT_KEYS, ("name",)):
            continue
        name = v.text(v.child(item, "name"), limit=200) if item.value.get("name") else None
        where = v.text(v.child(item, "where"), limit=200) if "where" in item.value else None
        email = v.text(v.child(item, "email"), limit=200) if "email" in item.value else None
        if email and not EMAIL_RE.match(email):
            v.report(v.child(item, "email"), "bad_email", value=email)
            email = None
        notify = _notify(v, v.child(item, "notify")) if "notify" in item.value else None
        if name:
            contacts[ident] = Contact(key=ident, name=name, where=where, email=email, notify=notify)


def _notify(v: Validator, node: Node) -> NotifyTarget | None:
    """``slack:C0123ABC`` or ``teams:<conversation id>``: where to tell a contact that an
    edit broke the guidelines."""
    text = v.text(node, limit=500)
    if text is None:
        return None
    platform, colon, conversation = text.partition(":")
    platform = platform.strip().lower()
    if not colon or platform not in NOTIFY_PLATFORMS:
        v.report(node, "notify_platform", value=text, platforms=or_list(NOTIFY_PLATFORMS))
        return None
    conversation = conversation.strip()
    if not conversation or any(char.isspace() for char in conversation):
        v.report(node, "notify_id", value=text, platform=platform)
        return None
    return NotifyTarget(platform=platform, conversation_id=conversation)


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
        other = f"{first.file}:{first.line}"
        if looks_like_copy(id_node.file) and first.file != id_node.file:
            v.report(id_node, "duplicate_id_copy", id=ident, other=other, original=first.file)
        else:
            v.report(id_node, "duplicate_id", id=ident, other=other)
        return None
    seen[ident] = id_node
    return ident


def _rule(
    v: Validator,
    node: Node,
    languages: tuple[str, ...],
    seen: dict[str, Node],
    pending_owners: list[tuple[Node, str]],
    seen_examples: dict[str, tuple[str, Node]],
) -> Rule | None:
    if not v.mapping(node, RULE_KEYS, ("id", "title", "verdict", "owner", "answer", "examples")):
        return None
    value = node.value
    ident = _unique_id(v, node, seen)
    title = v.localized(v.child(node, "title"), languages) if _given(value, "title") else None
    verdict_text = (
        v.choice(v.child(node, "verdict"), tuple(str(x) for x in RULE_VERDICTS))
        if _given(value, "verdict")
        else None
    )
    owner = None
    if _given(value, "owner"):
        owner_node = v.child(node, "owner")
        owner = v.text(owner_node, limit=63)
        if owner:
            pending_owners.append((owner_node, owner))
    answer = v.localized(v.child(node, "answer"), languages) if _given(value, "answer") else None
    examples: tuple[str, ...] = ()
    if _given(value, "examples"):
        examples_node = v.child(node, "examples")
        examples = v.text_list(examples_node)
        one_text_of_questions(v, examples_node)
        if ident:
            same_question(v, examples_node, ident, seen_examples)
    keywords = v.text_list(v.child(node, "keywords")) if "keywords" in value else ()
    active = parse_active(v, v.child(node, "active")) if "active" in value else None
    verdict = Verdict(verdict_text) if verdict_text else None
    checks: tuple[Check, ...] = ()
    if "checks" in value:
        default = Severity.BLOCK if verdict is Verdict.NOT_ALLOWED else Severity.WARN
        checks = tuple(
            check
            for item in v.items(v.child(node, "checks"))
            if (check := parse_check(v, item, languages, default)) is not None
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


def _given(value: dict[str, object], key: str) -> bool:
    """Whether a required key has a value to check (``None`` is reported as missing).
    An empty text, list or mapping is checked, so that it is reported, not dropped."""
    return value.get(key) is not None


_COPY_NAME = re.compile(r"kopie|copy|backup|\boud\b|\bold\b|\(\d+\)", re.IGNORECASE)


def looks_like_copy(name: str) -> bool:
    """Whether a file's name says it is a copy of another: "hr - kopie.yaml",
    "hr copy.yaml", "hr (1).yaml", "hr-backup.yaml", "hr oud.yaml"."""
    return _COPY_NAME.search(Path(name).stem) is not None
