"""Reading a feed's bytes (RSS or Atom) into entries, with feedparser.

feedparser is lenient: a feed with an XML error (``bozo``) may still hold entries that
are fine, and those are used, with a warning. Bytes that hold no feed at all (an HTML
page, garbage) are refused with a clear reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.content.download import DownloadFailed
from bot.content.validate import SUMMARY_MAX, TITLE_MAX

MAX_ENTRIES = 200
"""Entries read per fetch; a newsroom feed holds far fewer, a runaway one is cut off."""


@dataclass(frozen=True, kw_only=True)
class FeedEntry:
    """One entry: a stable id within the feed, its link, title and plain-text summary."""

    guid: str
    url: str
    title: str
    summary: str


@dataclass(frozen=True, kw_only=True)
class ParsedFeed:
    """The feed's title, its entries, and why it was not quite well-formed (if so)."""

    title: str
    entries: tuple[FeedEntry, ...]
    problem: str | None = None
    skipped: int = 0
    """Entries without a link, which cannot be shared."""
    left_out: int = 0
    """Entries past ``MAX_ENTRIES``, not read in this fetch."""


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, tags dropped, whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join(unescape("".join(parser.parts)).split())


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_feed(body: bytes, headers: dict[str, str] | None = None, *, base: str = "") -> ParsedFeed:
    """The entries in ``body``; raise ``DownloadFailed`` when it holds no feed at all.

    A relative link (``/blog/post-1``) is read relative to ``base``, the feed's address.
    """
    result: Any = feedparser.parse(body, response_headers=headers or {})
    entries_raw = list(result.get("entries", []))
    version = result.get("version", "")
    problem: str | None = None
    if result.get("bozo"):
        exception = result.get("bozo_exception")
        problem = str(exception) if exception is not None else "malformed"
    if not entries_raw and problem is not None:
        raise DownloadFailed("feed_not_a_feed", detail=problem)
    if not entries_raw and not version:
        raise DownloadFailed("feed_no_content")
    entries: list[FeedEntry] = []
    skipped = 0
    for raw in entries_raw[:MAX_ENTRIES]:
        link = str(raw.get("link") or "").strip()
        if not link:
            skipped += 1
            continue
        link = urljoin(base, link) if base else link
        title = " ".join(plain_text(str(raw.get("title") or "")).split()) or link
        guid = str(raw.get("id") or link).strip()
        if len(guid) > 1000:  # the column's limit; a hash keeps it unique
            guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
        entries.append(
            FeedEntry(
                guid=guid,
                url=link,
                title=_shorten(title, TITLE_MAX),
                summary=_shorten(plain_text(str(raw.get("summary") or "")), SUMMARY_MAX),
            )
        )
    feed = result.get("feed", {})
    return ParsedFeed(
        title=str(feed.get("title") or "").strip()[:500],
        entries=tuple(entries),
        problem=problem,
        skipped=skipped,
        left_out=max(0, len(entries_raw) - MAX_ENTRIES),
    )
