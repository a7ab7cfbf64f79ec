"""Turning answers and check results into neutral replies, in the person's language."""

from __future__ import annotations

from collections.abc import Set

from bot.answering import actions
from bot.answering.answer import Answer
from bot.answering.text import LINK
from bot.checking import CheckResult
from bot.guidelines.rules import Contact, Guidelines, Rule
from bot.help import help_parts
from bot.i18n import t
from bot.messages import Choice, Choices, Divider, Fact, Part, Reply, Text, Verdict

MAX_FINDINGS_SHOWN = 10
QUOTE_CHARS = 120


def contact_text(contact: Contact, language: str) -> str:
    """ "Security Office (#ask-security, security@…)" in the reply's wording."""
    if contact.where and contact.email:
        return t(
            language,
            "contact.where_email",
            name=contact.name,
            where=contact.where,
            email=contact.email,
        )
    if contact.where:
        return t(language, "contact.where", name=contact.name, where=contact.where)
    if contact.email:
        return t(language, "contact.email", name=contact.name, email=contact.email)
    return t(language, "contact.line", name=contact.name)


def _version(language: str, version: str) -> Text:
    return Text(text=f"{t(language, 'label.version')}: {version}", style="note")


def answer_reply(
    answer: Answer, guidelines: Guidelines, *, note: str | None = None, keep_choices: bool = False
) -> Reply:
    """The reply to a question: verdict, rule, answer, contact and guidelines version.

    An unsure answer says so and offers the other likely rules ("did you mean"); an
    answer that was stored carries "Helpful? 👍 👎". ``note`` (a sentence) replaces
    those buttons, after a person used them; with ``keep_choices`` the "did you mean"
    choices stay beside it.
    """
    lang = answer.language
    parts: list[Part] = []
    if answer.rule is not None and not answer.sure:
        parts.append(Text(text=t(lang, "answer.unsure"), style="note"))
    parts.append(Text(text=t(lang, f"verdict.{answer.verdict.value}"), style="heading"))
    if answer.verdict is Verdict.GENERAL:
        parts.append(
            Text(text=t(lang, "answer.general.intro", organisation=guidelines.organisation))
        )
        for principle in answer.principles:
            parts.append(
                Fact(
                    label=guidelines.text(principle.title, lang),
                    value=guidelines.text(principle.text, lang),
                )
            )
        parts.append(Text(text=t(lang, "answer.general.more"), style="note"))
    elif answer.verdict is Verdict.UNKNOWN or answer.rule is None:
        if answer.choices and note is None:
            parts.append(Text(text=t(lang, "answer.unknown.maybe")))
            parts.append(_did_you_mean(answer, guidelines))
        else:
            parts.append(Text(text=t(lang, "answer.unknown")))
        parts.append(Text(text=_unknown_next_step(answer, lang)))
    else:
        rule = answer.rule
        parts.append(Fact(label=t(lang, "label.rule"), value=guidelines.text(rule.title, lang)))
        parts.append(Text(text=guidelines.text(rule.answer, lang)))
        if answer.contact is not None:
            parts.append(
                Fact(label=t(lang, "label.contact"), value=contact_text(answer.contact, lang))
            )
        if answer.related:
            titles = ", ".join(guidelines.text(r.title, lang) for r in answer.related)
            parts.append(Fact(label=t(lang, "label.see_also"), value=titles))
        others = tuple(r for r in answer.choices if r.id != rule.id)
        if not answer.sure and (note is None or keep_choices):
            # Unsure with no other rule to offer: "Something else" alone still lets the
            # person say this rule is not what they asked about.
            parts.append(Text(text=t(lang, "answer.did_you_mean" if others else "answer.not_it")))
            parts.append(_did_you_mean(answer, guidelines, rules=others))
    if LINK.search(answer.question):
        parts.append(Text(text=t(lang, "answer.link_not_read"), style="note"))
    if note is not None:
        parts.append(Text(text=note, style="note"))
    elif answer.question_id is not None and answer.verdict is not Verdict.UNKNOWN:
        parts.append(Text(text=t(lang, "answer.helpful"), style="note"))
        rule_id = answer.rule.id if answer.rule else ""
        parts.append(
            Choices(
                choices=(
                    Choice(
                        label=t(lang, "answer.helpful.yes"),
                        action=actions.HELPFUL,
                        value=actions.value_for(answer.question_id, rule_id),
                    ),
                    Choice(
                        label=t(lang, "answer.helpful.no"),
                        action=actions.NOT_HELPFUL,
                        value=actions.value_for(answer.question_id, rule_id),
                    ),
                )
            )
        )
    parts.append(_version(lang, answer.guidelines_version))
    return Reply(parts=tuple(parts), language=lang, kind=f"answer.{answer.verdict.value}")


def _did_you_mean(
    answer: Answer, guidelines: Guidelines, *, rules: tuple[Rule, ...] | None = None
) -> Choices:
    lang = answer.language
    offered = answer.choices if rules is None else rules
    return Choices(
        choices=(
            *(
                Choice(
                    label=guidelines.text(rule.title, lang),
                    action=actions.PICK,
                    value=actions.value_for(answer.question_id, rule.id),
                )
                for rule in offered
            ),
            Choice(
                label=t(lang, "answer.something_else"),
                action=actions.NONE,
                value=actions.value_for(answer.question_id),
            ),
        )
    )


def _unknown_next_step(answer: Answer, lang: str) -> str:
    """Who to ask, and whether the question was kept for the owners (only if it was)."""
    if answer.contact is not None:
        contact = contact_text(answer.contact, lang)
        key = "answer.unknown.ask" if answer.recorded else "answer.unknown.ask_only"
        return t(lang, key, contact=contact)
    return t(lang, "answer.unknown.nobody" if answer.recorded else "answer.unknown.owners")


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…"


def check_reply(result: CheckResult, guidelines: Guidelines, *, language: str) -> Reply:
    """The reply to a draft check: overall verdict and each finding with its rule and owner."""
    lang = language
    parts: list[Part] = [
        Text(text=t(lang, f"check.verdict.{result.verdict.value}"), style="heading")
    ]
    findings = result.findings
    if not findings:
        parts.append(Text(text=t(lang, "check.none")))
    else:
        count = len(findings)
        parts.append(
            Text(
                text=t(lang, "check.found_one")
                if count == 1
                else t(lang, "check.found_many", count=count)
            )
        )
        for finding in findings[:MAX_FINDINGS_SHOWN]:
            owner = guidelines.contacts.get(finding.owner)
            owner_text = contact_text(owner, lang) if owner else finding.owner
            parts.append(Divider())
            parts.append(
                Text(
                    text=t(
                        lang,
                        "check.finding",
                        severity=t(lang, f"check.severity.{finding.severity.value}"),
                        title=finding.rule_title,
                        owner=owner_text,
                    ),
                    style="heading",
                )
            )
            parts.append(Text(text=_quote(finding.match), style="quote"))
            parts.append(Text(text=finding.message))
        if count > MAX_FINDINGS_SHOWN:
            parts.append(
                Text(text=t(lang, "check.more", count=count - MAX_FINDINGS_SHOWN), style="note")
            )
    parts.append(Divider())
    if result.has_link:
        parts.append(Text(text=t(lang, "check.link_not_read"), style="note"))
    if result.add_own_view:
        parts.append(Text(text=t(lang, "check.enrich"), style="note"))
    parts.append(_version(lang, result.guidelines_version))
    return Reply(parts=tuple(parts), language=lang, kind=f"check.{result.verdict.value}")


def help_reply(guidelines: Guidelines, *, language: str, roles: Set[str] = frozenset()) -> Reply:
    """What this person can do, by role: what to type and what it does."""
    lang = language
    parts: list[Part] = [
        Text(text=t(lang, "help.intro", organisation=guidelines.organisation)),
        *help_parts(guidelines, language=lang, roles=roles),
        Text(text=t(lang, "help.language"), style="note"),
    ]
    return Reply(parts=tuple(parts), language=lang, kind="help")


def notice_reply(key: str, *, language: str, **values: object) -> Reply:
    """A one-sentence reply from the catalogue (input problems and the like)."""
    return Reply(parts=(Text(text=t(language, key, **values)),), language=language, kind=key)
