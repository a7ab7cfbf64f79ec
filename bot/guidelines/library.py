"""The guidelines a running bot serves: the last good version, reloaded on change.

An invalid edit never takes the bot down: the library keeps serving the last good
version, logs every problem and tells whoever listens (``merkwerker serve``: a chat
message to the contacts with a ``notify:`` target) once per broken version, and once
more when the guidelines are valid again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.guidelines.files import SUFFIXES
from bot.guidelines.loader import LoadResult, load_guidelines
from bot.guidelines.problems import Problem
from bot.guidelines.rules import Guidelines

log = logging.getLogger(__name__)
edits_log = logging.getLogger(__name__ + ".edits")
"""An edit that cannot be used, one live with warnings, and valid again: what
``on_problems``, ``on_warnings`` and ``on_valid_again`` listeners hear too (the console
chat shows them itself)."""

ProblemListener = Callable[[tuple[Problem, ...], Guidelines | None], Awaitable[None] | None]
RecoveryListener = Callable[[Guidelines], Awaitable[None] | None]


class GuidelinesUnavailable(Exception):
    """Raised when no valid version of the guidelines has ever been loaded."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("the guidelines could not be loaded")
        self.problems = problems


class GuidelinesLibrary:
    """Holds the current valid guidelines for a folder and reloads them when files change."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self._current: Guidelines | None = None
        self._last_result: LoadResult | None = None
        self._fingerprint: tuple[tuple[str, int, int], ...] | None = None
        self._reported_version: str | None = None
        self._broken_version: str | None = None
        self._reload_lock = threading.Lock()
        self._listeners: list[ProblemListener] = []
        self._recovery_listeners: list[RecoveryListener] = []
        self._warning_listeners: list[ProblemListener] = []
        self._told_version: str | None = None
        self._loaded: list[Callable[[Guidelines], None]] = []

    @classmethod
    def open(cls, folder: Path | str) -> GuidelinesLibrary:
        """Load ``folder`` now; raise ``GuidelinesUnavailable`` if it is not valid."""
        library = cls(folder)
        result = library.reload()
        if library._current is None:
            raise GuidelinesUnavailable(result.problems)
        library._told_version = library._current.version  # its warnings: the opener's
        return library

    @property
    def current(self) -> Guidelines:
        """The guidelines to answer from (the last version that was valid)."""
        if self._current is None:
            problems = self._last_result.problems if self._last_result else ()
            raise GuidelinesUnavailable(problems)
        return self._current

    @property
    def last_result(self) -> LoadResult | None:
        """The outcome of the latest load, valid or not."""
        return self._last_result

    def on_problems(self, listener: ProblemListener) -> None:
        """Call ``listener(problems, serving)`` when an edit is invalid."""
        self._listeners.append(listener)

    def on_warnings(self, listener: ProblemListener) -> None:
        """Call ``listener(warnings, guidelines)`` once when a new version goes live (after
        the one the library was opened with); ``warnings`` is empty for a clean one."""
        self._warning_listeners.append(listener)

    def on_valid_again(self, listener: RecoveryListener) -> None:
        """Call ``listener(guidelines)`` once when a valid version follows a broken one
        that ``on_problems`` listeners were told about."""
        self._recovery_listeners.append(listener)

    def on_loaded(self, hook: Callable[[Guidelines], None]) -> None:
        """Call ``hook(guidelines)`` (in the loading thread) whenever a new version is in use.

        Used to build search indexes ahead of the first question, off the event loop.
        """
        self._loaded.append(hook)
        if self._current is not None:
            hook(self._current)

    def reload(self) -> LoadResult:
        """Load the folder again; switch to it only when it is valid.

        The log says what happened once per version: each problem of a broken version
        once (not again on every poll), and one line when the guidelines are valid
        again after a broken edit. Before any version was valid nothing is logged: the
        caller gets the problems (``open`` raises them) and shows them itself.
        """
        with self._reload_lock:
            return self._reload()

    def _reload(self) -> LoadResult:
        self._fingerprint = self._stat_fingerprint()
        result = load_guidelines(self.folder)
        self._last_result = result
        if result.ok and result.guidelines is not None:
            self._use(result, result.guidelines)
        elif self._current is not None and result.version != self._broken_version:
            self._broken_version = result.version
            for problem in result.problems:
                edits_log.error("guidelines: %s", problem.render())
            edits_log.error(
                "guidelines edit is invalid; still serving version %s", self._current.version
            )
        return result

    def _use(self, result: LoadResult, guidelines: Guidelines) -> None:
        changed = self._current is None or self._current.version != guidelines.version
        if changed:
            log.info(
                "guidelines version %s loaded from %s (%d rules)",
                guidelines.version,
                self.folder,
                len(guidelines.rules),
            )
            for problem in result.problems:
                edits_log.warning("guidelines: %s", problem.render())
            # Prepare (search index, embeddings) before switching, so questions in
            # the meantime get the previous version at full speed.
            for hook in self._loaded:
                try:
                    hook(guidelines)
                except Exception:  # a failed warm-up only costs the first answer time
                    log.exception("preparing guidelines version %s failed", guidelines.version)
        if self._broken_version is not None:
            edits_log.info(
                "guidelines valid again: %d rules, version %s",
                len(guidelines.rules),
                guidelines.version,
            )
        self._current = guidelines
        self._broken_version = None

    async def refresh(self) -> bool:
        """Reload when the files changed since the last load; True when a reload happened.

        Safe to call from several places at once (the file watcher and each incoming
        message): a change is loaded, logged and reported once.
        """
        reloaded = False
        if self._stat_fingerprint() != self._fingerprint:
            reloaded = await asyncio.to_thread(self._reload_if_changed) is not None
        await self._tell()
        return reloaded

    async def _tell(self) -> None:
        """Tell the listeners about the latest load, unless they heard about it already:
        each broken version once, and the first valid version after one of those.
        (What was told is noted before the first await, so two callers never both tell.)"""
        result = self._last_result
        if result is None or self._current is None:
            return
        if not result.ok:
            if result.version != self._reported_version:
                self._reported_version = result.version
                await self._notify(self._listeners, result.problems)
            return
        if self._reported_version is not None:
            self._reported_version = None
            await self._notify_valid_again(self._current)
        if self._current.version != self._told_version:
            self._told_version = self._current.version
            await self._notify(self._warning_listeners, result.problems)

    def _reload_if_changed(self) -> LoadResult | None:
        with self._reload_lock:
            if self._stat_fingerprint() == self._fingerprint:
                return None  # another caller loaded this change meanwhile
            return self._reload()

    async def watch(self, *, stop: asyncio.Event | None = None, poll_seconds: float = 2.0) -> None:
        """Reload on every change until ``stop`` is set.

        Uses file-system notifications (watchfiles) and falls back to polling, so a
        folder on a network share is still picked up.
        """
        stop = stop or asyncio.Event()
        try:
            from watchfiles import awatch

            async for _changes in awatch(
                self.folder,
                stop_event=stop,
                watch_filter=lambda _change, path: path.lower().endswith(SUFFIXES),
                rust_timeout=int(poll_seconds * 1000),
                yield_on_timeout=True,
                recursive=False,
            ):
                await self.refresh()
        except (OSError, RuntimeError) as error:
            log.warning("file notifications unavailable (%s); polling %s", error, self.folder)
            while not stop.is_set():
                await self.refresh()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=poll_seconds)

    async def _notify(
        self, listeners: list[ProblemListener], problems: tuple[Problem, ...]
    ) -> None:
        for listener in listeners:
            try:
                outcome = listener(problems, self._current)
                if outcome is not None:
                    await outcome
            except Exception:  # a broken listener must not stop reloading
                log.exception("guidelines problem listener failed")

    async def _notify_valid_again(self, guidelines: Guidelines) -> None:
        for listener in self._recovery_listeners:
            try:
                outcome = listener(guidelines)
                if outcome is not None:
                    await outcome
            except Exception:  # a broken listener must not stop reloading
                log.exception("guidelines recovery listener failed")

    def _stat_fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        try:
            paths = [self.folder] if self.folder.is_file() else list(self.folder.iterdir())
            entries = []
            for path in paths:
                if path.suffix.lower() in SUFFIXES:
                    stat = path.stat()
                    entries.append((path.name, stat.st_mtime_ns, stat.st_size))
            return tuple(sorted(entries))
        except OSError:
            return (("<unreadable>", 0, 0),)
