"""Cleaning what people type or paste before the core looks at it."""

from __future__ import annotations

import unicodedata

import regex

MAX_TEXT_CHARS = 50_000
"""The longest message the bot reads (a long LinkedIn article fits; a book does not)."""

# Control characters other than tab and newline, and the zero-width/bidi marks that
# can hide words from a check ("Pro\u200bject Falcon").
_INVISIBLE = regex.compile(
    r"[\p{Cc}--[\t\n]]|[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]", regex.V1
)


class TextTooLong(ValueError):
    """Raised when a message is longer than ``MAX_TEXT_CHARS``."""

    def __init__(self, length: int, limit: int = MAX_TEXT_CHARS) -> None:
        super().__init__(f"text is {length} characters; the limit is {limit}")
        self.length = length
        self.limit = limit


def without_invisible(text: str) -> str:
    """``text`` normalised as ``clean_text`` does it, whatever its length.

    For text with its own length rules (captions, titles): what is stored and checked
    is what a reader sees, with no hidden characters splitting a word.
    """
    normalised = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned: str = _INVISIBLE.sub("", normalised)
    return cleaned


def clean_text(text: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` normalised (NFC, unix newlines, no control or invisible characters).

    Raises ``TextTooLong`` past ``limit`` characters rather than cutting silently.
    """
    if len(text) > limit * 2:
        raise TextTooLong(len(text), limit)
    cleaned = without_invisible(text)
    if len(cleaned) > limit:
        raise TextTooLong(len(cleaned), limit)
    return cleaned
