"""``merkwerker guidelines proposals``: what people's questions suggest adding to the rules.

Without ``--apply`` it lists, per rule, the questions people matched to the rule by
picking it from "did you mean", the answers they marked 👎, and the questions no rule
answered. With ``--apply RULE_ID "QUESTION" ...`` it adds accepted questions to that
rule's examples in the rule's own file, and keeps the folder valid. Every problem ends
in one clear sentence and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from adapters.cli.common import (
    cli_language,
    fail,
    open_existing_store,
    open_library,
    out,
    reading,
)
from bot.i18n import t
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.answering.feedback import Proposals, RuleQuestions
    from bot.guidelines.examples_editor import ExamplesAdded
    from bot.guidelines.rules import Guidelines

UNANSWERED_LIMIT = 50


def proposals(
    questions: Annotated[
        list[str] | None,
        typer.Argument(
            help='With --apply: the questions to add, each in quotes ("..."). Put -- before '
            'them when one starts with a dash: --apply RULE_ID -- "- like this?"'
        ),
    ] = None,
    apply: Annotated[
        str | None,
        typer.Option(
            "--apply",
            metavar="RULE_ID",
            help="Add the questions after it as examples to this rule, in the rule's own file.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    since: Annotated[
        str | None, typer.Option(help="Only questions asked on or after this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only questions asked before this day, NOT included.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Language of the messages: nl or en.")
    ] = None,
    guidelines: Annotated[
        Path | None,
        typer.Option(
            "--guidelines",
            "-g",
            help="Folder with the guidelines files (default: $MERKWERKER_GUIDELINES or "
            "./guidelines).",
        ),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(help="Database URL (default: $DATABASE_URL or sqlite file merkwerker.db)."),
    ] = None,
) -> None:
    """Questions to add to the rules as examples, answers marked 👎, and unanswered questions.

    Add the questions you accept with --apply RULE_ID "QUESTION" ...: they are added to
    the rule's examples in its own file, and nothing changes if that would make the
    guidelines invalid.
    """
    from bot.guidelines.loader import default_folder

    language = cli_language(lang)
    if apply is not None:
        _apply(guidelines or default_folder(), apply, questions or [], language, as_json)
        return
    if questions:
        fail(t(language, "proposals.questions_without_apply"))
    start, end = _period(since, until, language)
    library = open_library(guidelines, language)
    found = _read(database, language, start, end)
    data = _to_data(found, library.current, language, start, end)
    if as_json:
        _print_json(data)
    else:
        _print_text(data, language)


def _apply(folder: Path, rule_id: str, questions: list[str], language: str, as_json: bool) -> None:
    from bot.guidelines.examples_editor import ExamplesRefused, add_examples

    if not folder.exists():
        open_library(folder, language)  # says the folder is missing, and exits
    try:
        done = add_examples(folder, rule_id, [_clean(q, language) for q in questions])
    except ExamplesRefused as refused:
        lines = [t(language, refused.key, **refused.values)]
        lines += ["  " + problem.render(language) for problem in refused.problems]
        usage = refused.key in ("proposals.no_questions", "proposals.empty_question")
        fail("\n".join(lines), 2 if usage else 1)
    except OSError as error:
        where = error.filename or str(folder)
        reason = error.strerror or str(error)
        fail(t(language, "proposals.write_failed", file=where, reason=reason), 1)
    if as_json:
        _print_json(
            {
                "rule": done.rule_id,
                "file": done.file,
                "added": list(done.added),
                "skipped": list(done.skipped),
                "guidelines_version": done.version,
            }
        )
        return
    for line in _applied_lines(done, language):
        out.print(line, markup=False)


def _applied_lines(done: ExamplesAdded, language: str) -> list[str]:
    if not done.added:
        return [t(language, "proposals.already", rule=done.rule_id)]
    lines = [
        t(
            language,
            "proposals.applied",
            count=len(done.added),
            rule=done.rule_id,
            file=done.file,
            version=done.version,
        )
    ]
    if done.skipped:
        lines.append(t(language, "proposals.skipped", count=len(done.skipped), rule=done.rule_id))
    return lines


def _clean(question: str, language: str) -> str:
    from bot.inputs import TextTooLong, clean_text

    if any("\udc80" <= ch <= "\udcff" for ch in question):
        fail(t(language, "cli.not_utf8_arg"))
    try:
        return clean_text(question)
    except TextTooLong as error:
        fail(t(language, "input.too_long", length=error.length, limit=error.limit))


def _period(
    since: str | None, until: str | None, language: str
) -> tuple[datetime | None, datetime | None]:
    """``--since``/``--until`` as moments in the configured time zone; open when not given."""
    from bot.reports.period import PeriodError, parse_period_bound, zone

    if since is None and until is None:
        return None, None
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        fail(t(language, "report.bad_settings", reason=error.message(language)))
    try:
        tz = zone(settings.timezone)
        start = parse_period_bound(since, tz) if since is not None else None
        end = parse_period_bound(until, tz) if until is not None else None
    except PeriodError as error:
        fail(t(language, error.key, **error.values))
    if start is not None and end is not None and start >= end:
        fail(t(language, "report.bad_period"))
    return start, end


def _read(
    database: str | None, language: str, start: datetime | None, end: datetime | None
) -> Proposals:
    from bot.answering.store import FeedbackStore

    store = open_existing_store(database, language, missing_key="proposals.no_database")
    with reading(store, language, failed_key="proposals.query_failed"):
        unanswered = store.unanswered_questions(since=start, until=end, limit=UNANSWERED_LIMIT)
        return FeedbackStore.from_store(store).proposals(
            since=start, until=end, unanswered=unanswered
        )


def _to_data(
    found: Proposals,
    guidelines: Guidelines,
    language: str,
    start: datetime | None,
    end: datetime | None,
) -> dict[str, Any]:
    """The lists as plain data: what ``--json`` prints and the text is made from."""
    return {
        "guidelines_version": guidelines.version,
        "since": start.isoformat() if start else None,
        "until": end.isoformat() if end else None,
        "picked": [_rule(group, guidelines, language) for group in found.picked],
        "not_helpful": [_rule(group, guidelines, language) for group in found.not_helpful],
        "unanswered": [
            {
                "question": group.example,
                "count": group.count,
                "first_asked": group.first_asked.isoformat(),
                "last_asked": group.last_asked.isoformat(),
            }
            for group in found.unanswered
        ],
    }


def _rule(group: RuleQuestions, guidelines: Guidelines, language: str) -> dict[str, Any]:
    rule = guidelines.rule(group.rule_id)
    return {
        "rule": group.rule_id,
        "in_guidelines": rule is not None,
        "title": guidelines.text(rule.title, language) if rule else None,
        "file": rule.source.file if rule else None,
        "total": group.total,
        "questions": [{"question": q.question, "count": q.count} for q in group.questions],
    }


def _print_text(data: dict[str, Any], language: str) -> None:
    def say(text: str, style: str = "") -> None:
        out.print(text, style=style, markup=False)

    say(t(language, "proposals.title"), "bold")
    for key in ("picked", "not_helpful"):
        say("")
        say(t(language, f"proposals.{key}"), "bold")
        if not data[key]:
            say("  " + t(language, "proposals.none"))
        for rule in data[key]:
            if rule["in_guidelines"]:
                heading = t(
                    language,
                    "proposals.rule",
                    rule=rule["rule"],
                    title=rule["title"],
                    file=rule["file"],
                )
            else:
                heading = t(language, "proposals.rule_missing", rule=rule["rule"])
            say("  " + heading)
            for question in rule["questions"]:
                say("    " + _question(question, language))
    say("")
    say(t(language, "proposals.unanswered"), "bold")
    if not data["unanswered"]:
        say("  " + t(language, "proposals.none"))
    for question in data["unanswered"]:
        say("  " + _question(question, language))
    say("")
    say(t(language, "proposals.apply_hint"), "dim")


def _question(question: dict[str, Any], language: str) -> str:
    return t(language, "proposals.question", count=question["count"], question=question["question"])


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
