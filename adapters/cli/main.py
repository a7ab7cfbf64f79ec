"""``merkwerker``: chat in the console, ask, check, and validate the guidelines.

Every failure a person can cause (bad text, a broken guidelines folder, a database
that cannot be opened) ends in one clear sentence and a non-zero exit, never a
traceback.

A command's module is imported with this one, but it imports what the command runs on
(the database, the model, a chat SDK, the web server) only when the command runs:
``merkwerker serve`` then starts without the other commands' libraries, and ``--help``
stays quick. ``tests/test_cli_help.py`` checks which libraries ``--help`` loads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from adapters.cli.common import cli_language, err, fail, open_library, open_store, out
from adapters.cli.content import content_app
from adapters.cli.doctor import doctor
from adapters.cli.feeds import feeds_app
from adapters.cli.help_text import readable_help
from adapters.cli.people import people_app, privacy_app
from adapters.cli.proposals import proposals
from adapters.cli.report import report
from adapters.cli.scheduler import scheduler
from adapters.cli.serve import serve
from adapters.cli.teams import teams_app
from bot.i18n import t

if TYPE_CHECKING:
    from bot.conversation import Merkwerker

app = typer.Typer(
    name="merkwerker",
    help="Merkwerker: post about your work with confidence, from your company's guidelines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
guidelines_app = typer.Typer(help="Work with the guidelines files.", no_args_is_help=True)
app.add_typer(guidelines_app, name="guidelines")
guidelines_app.command("proposals")(proposals)
# Each command group lives in its own module beside this one.
app.add_typer(content_app, name="content")
app.add_typer(feeds_app, name="feeds")
app.add_typer(privacy_app, name="privacy")
app.add_typer(people_app, name="people")
app.add_typer(teams_app, name="teams")
app.command("report")(report)
app.command("scheduler")(scheduler)
app.command("serve")(serve)
app.command("doctor")(doctor)


GuidelinesOption = Annotated[
    Path | None,
    typer.Option(
        "--guidelines",
        "-g",
        help="Folder with the guidelines files (default: $MERKWERKER_GUIDELINES or ./guidelines).",
    ),
]
LangOption = Annotated[
    str | None, typer.Option("--lang", "-l", help="Answer in this language (nl or en).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _read_text(text: str | None, language: str) -> str:
    from bot.inputs import TextTooLong, clean_text

    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            fail(t(language, "cli.no_text"))
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            fail(t(language, "cli.not_utf8", position=error.start))
    elif any("\udc80" <= ch <= "\udcff" for ch in text):
        fail(t(language, "cli.not_utf8_arg"))
    try:
        cleaned = clean_text(text)
    except TextTooLong as error:
        fail(t(language, "input.too_long", length=error.length, limit=error.limit))
    if not cleaned.strip():
        fail(t(language, "cli.empty_text"))
    return cleaned


def _reply_language(bot: Merkwerker, text: str, lang: str | None, cli_lang: str) -> str:
    from bot.i18n.detect import language_from_locale

    if lang is None:
        return bot.language_for(text)
    languages = bot.guidelines.languages
    # --lang EN or nl-NL names a language as the command's own messages read it.
    chosen = lang if lang in languages else language_from_locale(lang.strip(), languages)
    if chosen is None:
        fail(t(cli_lang, "cli.bad_lang", lang=lang, languages=", ".join(languages)))
    return chosen


def _one_shot(
    given: str | None, guidelines: Path | None, lang: str | None
) -> tuple[Merkwerker, str, str]:
    """The bot (without storage: one-off commands record nothing), the text, the language."""
    from bot.conversation import Merkwerker

    cli_lang = cli_language(lang)
    bot = Merkwerker(library=open_library(guidelines, cli_lang))
    text = _read_text(given, cli_lang)
    return bot, text, _reply_language(bot, text, lang, cli_lang)


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question, or - to read it from standard input.")
    ] = None,
    lang: LangOption = None,
    guidelines: GuidelinesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask what you may post, and get the answer from the guidelines."""
    from adapters.console.render import to_renderable
    from bot.replies import answer_reply

    bot, text, language = _one_shot(question, guidelines, lang)
    answer = asyncio.run(bot.ask(text, language=language))
    if as_json:
        _print_json(answer.to_json(bot.guidelines))
    else:
        out.print(to_renderable(answer_reply(answer, bot.guidelines)))


@app.command()
def check(
    text: Annotated[
        str | None, typer.Argument(help="The draft post, or - to read it from standard input.")
    ] = None,
    lang: LangOption = None,
    guidelines: GuidelinesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a draft post against the guidelines."""
    from adapters.console.render import to_renderable
    from bot.replies import check_reply

    bot, draft, language = _one_shot(text, guidelines, lang)
    result = asyncio.run(bot.check(draft, language=language))
    if as_json:
        _print_json(
            {
                "verdict": result.verdict.value,
                "findings": [
                    {
                        "rule": f.rule_id,
                        "severity": f.severity.value,
                        "message": f.message,
                        "start": f.start,
                        "end": f.end,
                        "match": f.match,
                    }
                    for f in result.findings
                ],
                "language": language,
                "guidelines_version": result.guidelines_version,
            }
        )
    else:
        out.print(to_renderable(check_reply(result, bot.guidelines, language=language)))


@app.command()
def chat(
    guidelines: GuidelinesOption = None,
    database: Annotated[
        str | None,
        typer.Option(
            "--database", help="Database URL (default: $DATABASE_URL or sqlite file merkwerker.db)."
        ),
    ] = None,
    lang: LangOption = None,
    comms: Annotated[
        bool,
        typer.Option("--comms", help="Chat as a member of the comms team (queue and approve)."),
    ] = False,
    user: Annotated[
        str | None, typer.Option("--user", help="Who you are in this chat (default: your login).")
    ] = None,
) -> None:
    """Chat with the bot in this terminal.

    Ask what you may post ("mag ik zeggen voor welke klant ik werk?", "can I share a
    photo of the office?"), ask "what may I post?" for the principles, or paste a draft
    (or write "check: <text>") to have it checked. Ask "what can I share?" for content to
    share, "settings" for your topics and digest, "privacy", "my data" or "forget me".
    With --comms: "queue <url>" to queue content. Buttons are numbered: type the number.
    Type "quit" or press Ctrl-D to stop.
    """
    from adapters.app_factory import build_bot
    from adapters.console.chat import local_user
    from adapters.console.platform import ConsoleSetup
    from adapters.platform_protocol import run_in_terminal
    from bot.i18n.detect import language_from_locale
    from bot.settings import Settings, SettingsError

    cli_lang = cli_language(lang)
    library = open_library(guidelines, cli_lang)
    store = open_store(database, cli_lang)
    try:
        settings = Settings.from_env(guidelines=library.folder, database_url=database)
    except SettingsError as error:
        store.close()
        fail(error.message(cli_lang))
    person = user or local_user()
    if comms:
        settings = replace(settings, comms=settings.comms | {f"console:{person}"})
    bot = build_bot(settings, store=store, library=library)
    locale = language_from_locale(lang, ("nl", "en"))
    console = ConsoleSetup(user_id=person, locale=locale).build(bot)
    # The chat shows an unusable edit itself, in the person's language; the library's
    # English log lines about it would say the same again.
    logging.getLogger("bot.guidelines.library.edits").setLevel(logging.CRITICAL)
    try:
        asyncio.run(run_in_terminal(console, language=cli_lang))
    except KeyboardInterrupt:
        err.print(t(cli_lang, "console.bye"), style="dim")
    finally:
        store.close()


@guidelines_app.command("validate")
def validate(
    path: Annotated[Path | None, typer.Argument(help="Folder (or one file) to validate.")] = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the guidelines files and report every problem with file, line and column."""
    from bot.answering.embedding import load_embedder
    from bot.answering.topic import set_up_gate
    from bot.guidelines.loader import default_folder, load_guidelines
    from bot.guidelines.problems import Level

    language = cli_language(lang)
    folder = path or default_folder()
    result = load_guidelines(folder)
    errors = [p for p in result.problems if p.level is Level.ERROR]
    warnings = [p for p in result.problems if p.level is Level.WARNING]
    matching = load_embedder(os.environ.get("MERKWERKER_EMBEDDER"))
    topic_gate = set_up_gate(matching.embedder, "shipped").state
    if as_json:
        _print_json(
            {
                "valid": result.ok,
                "version": result.version,
                "matching": matching.matching,
                "matching_detail": matching.describe(language),
                "topic_gate": topic_gate,
                "problems": [
                    {
                        "file": p.file,
                        "line": p.line,
                        "column": p.column,
                        "path": p.path,
                        "level": p.level.value,
                        "code": p.key,
                        "message": p.message(language),
                    }
                    for p in result.problems
                ],
            }
        )
    else:
        for problem in result.problems:
            style = "red" if problem.level is Level.ERROR else "yellow"
            out.print(problem.render(language), style=style, markup=False)
        if result.ok and result.guidelines is not None:
            g = result.guidelines
            out.print(
                t(
                    language,
                    "cli.valid",
                    files=len(g.files),
                    rules=len(g.rules),
                    principles=len(g.principles),
                    contacts=len(g.contacts),
                    version=g.version,
                    warnings=len(warnings),
                ),
                style="green",
            )
        else:
            out.print(
                t(language, "cli.invalid", errors=len(errors), warnings=len(warnings)), style="red"
            )
        out.print(t(language, "matching.mode", mode=matching.describe(language)), markup=False)
        out.print(t(language, f"matching.topic_gate.{topic_gate}"), markup=False)
    raise typer.Exit(0 if result.ok else 1)


# Last, after every command is registered: help as paragraphs, however wide the terminal.
readable_help(app)


def run() -> None:
    """Entry point of the ``merkwerker`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    run()
