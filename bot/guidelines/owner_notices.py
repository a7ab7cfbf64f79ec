"""Telling the guidelines' owners in chat that an edit broke them, that it is fixed,
and what a live edit still deserves a look at.

A contact in the guidelines with ``notify: slack:C0123ABC`` (or ``teams:<conversation
id>``) gets, in the organisation's first language, every problem of a broken edit with
file and line, and that the last valid version keeps serving: once per broken version
(``GuidelinesLibrary`` tells each version once), and once more when the guidelines are
valid again. An edit that went live with warnings (a repeated example, curly quotes) is
told with those warnings, each warning once: a later edit that leaves it as it was does
not post it again. How a target is reached is the platform's business: ``Reach`` gives
the ``Sender`` and the conversation to post to.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Hashable

from bot.features import Sender
from bot.guidelines.library import GuidelinesLibrary
from bot.guidelines.problems import Problem
from bot.guidelines.rules import Guidelines, NotifyTarget
from bot.i18n import t
from bot.messages import ConversationRef, Reply, Text

log = logging.getLogger(__name__)

MAX_PROBLEMS = 20
"""Problems listed in one message; the rest are counted (a chat message has a size limit)."""

_LINE = re.compile(r":\d+\b")

Reach = Callable[[NotifyTarget], Awaitable[tuple[Sender, ConversationRef]]]
"""Where to post for a target; raises ``LookupError`` saying why when it cannot be reached."""


def notify_targets(guidelines: Guidelines) -> tuple[NotifyTarget, ...]:
    """Every contact's ``notify`` target, each once, in the order of the contacts."""
    found = (contact.notify for contact in guidelines.contacts.values())
    return tuple(dict.fromkeys(target for target in found if target is not None))


def broken_notice(
    problems: tuple[Problem, ...], serving: Guidelines, *, language: str | None = None
) -> Reply:
    """The message about a broken edit: each problem with file and line, and that
    ``serving`` (the last valid version) keeps answering; in ``language``, by default
    the organisation's first."""
    language = language or serving.default_language
    lines = [problem.render(language) for problem in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(t(language, "guidelines.notice.more", count=len(problems) - MAX_PROBLEMS))
    return Reply(
        parts=(
            Text(text=t(language, "guidelines.notice.broken", version=serving.version)),
            Text(text="\n".join(lines), style="quote"),
            Text(text=t(language, "guidelines.notice.fix"), style="note"),
        ),
        language=language,
    )


def warnings_notice(
    warnings: tuple[Problem, ...], guidelines: Guidelines, *, language: str | None = None
) -> Reply:
    """The message that an edit is live, with what still deserves a look."""
    language = language or guidelines.default_language
    lines = [problem.render(language) for problem in warnings[:MAX_PROBLEMS]]
    if len(warnings) > MAX_PROBLEMS:
        lines.append(t(language, "guidelines.notice.more", count=len(warnings) - MAX_PROBLEMS))
    intro = t(
        language,
        "guidelines.notice.warnings",
        version=guidelines.version,
        rules=len(guidelines.rules),
    )
    return Reply(
        parts=(Text(text=intro), Text(text="\n".join(lines), style="quote")),
        language=language,
    )


def fixed_notice(guidelines: Guidelines, *, language: str | None = None) -> Reply:
    """The message that the guidelines are valid again and the new version is live."""
    language = language or guidelines.default_language
    text = t(
        language,
        "guidelines.notice.fixed",
        version=guidelines.version,
        rules=len(guidelines.rules),
    )
    return Reply(parts=(Text(text=text),), language=language)


class OwnerNotices:
    """Posts the library's news to the ``notify`` targets of the guidelines' contacts."""

    def __init__(self, reach: Reach) -> None:
        self._reach = reach
        self._told: tuple[NotifyTarget, ...] = ()
        self._warned: frozenset[Hashable] = frozenset()
        """The warnings of the last version that went live, each posted then or before."""

    def listen_to(self, library: GuidelinesLibrary) -> None:
        """Post whenever ``library`` has news: a broken version, valid again, or a new
        version live with warnings."""
        library.on_problems(self.broken)
        library.on_valid_again(self.valid_again)
        library.on_warnings(self.warned)

    async def broken(self, problems: tuple[Problem, ...], serving: Guidelines | None) -> None:
        """Tell the targets of the version in use that the edit cannot be used."""
        if serving is None:
            return
        targets = notify_targets(serving)
        self._told = tuple(dict.fromkeys((*self._told, *targets)))
        await self._post(targets, broken_notice(problems, serving))

    async def valid_again(self, guidelines: Guidelines) -> None:
        """Tell everyone who heard about a broken version that the new one is live."""
        targets, self._told = self._told, ()
        await self._post(targets, fixed_notice(guidelines))

    async def warned(self, warnings: tuple[Problem, ...], guidelines: Guidelines | None) -> None:
        """Tell the targets of a version that went live which of its warnings are new
        (not posted for an earlier version); nothing when none is."""
        if guidelines is None:
            return
        known, self._warned = self._warned, frozenset(_identity(w) for w in warnings)
        fresh = tuple(w for w in warnings if _identity(w) not in known)
        if fresh:
            await self._post(notify_targets(guidelines), warnings_notice(fresh, guidelines))

    async def _post(self, targets: tuple[NotifyTarget, ...], reply: Reply) -> None:
        for target in targets:
            try:
                sender, conversation = await self._reach(target)
                await sender.send(to=conversation, reply=reply)
            except Exception as error:  # one unreachable owner must not stop the others
                log.warning("could not tell %s about the guidelines: %s", target, error)
            else:
                log.info("told %s about the guidelines", target)


def _identity(problem: Problem) -> Hashable:
    """The same warning in two versions: same file, kind, place and details; line
    numbers are left out (its own, and the other place a repeated example names), since
    an edit above them moves them."""
    details = tuple(
        sorted((name, _LINE.sub("", repr(value))) for name, value in problem.values.items())
    )
    return (problem.file, problem.key, problem.path, problem.subject, details)
