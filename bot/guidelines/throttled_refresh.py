"""Checking the guidelines folder for edits as messages come in, at most once a while."""

from __future__ import annotations

import logging
import time

from bot.guidelines.library import GuidelinesLibrary

log = logging.getLogger(__name__)


class ThrottledRefresh:
    """Awaited before each message: ``library.refresh()``, at most once per ``seconds``."""

    def __init__(self, library: GuidelinesLibrary, *, seconds: float) -> None:
        self._library = library
        self._seconds = seconds
        self._last = 0.0

    async def __call__(self) -> None:
        """Refresh unless the last refresh was under ``seconds`` ago; never raises."""
        now = time.monotonic()
        if now - self._last < self._seconds:
            return
        self._last = now
        try:
            await self._library.refresh()
        except Exception:  # a reload problem must not stop the answer being given
            log.exception("reloading the guidelines failed")
